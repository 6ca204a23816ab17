"""Edited DataFrame rows passed back to update(), row by row."""

import pandas as pd
import pytest

import ac_notebook as acn


def last_put(server):
    puts = [r for r in server.received if r.method == "PUT"]
    assert puts, "no PUT was sent"
    return puts[-1]


def test_edited_rows_update_row_by_row(ac, server):
    frame = ac.customers.frame(connectionid=1).head(3)
    frame["acceptsMarketing"] = False
    frame["externalid"] = frame["externalid"] + "-edited"

    saved = [ac.customers.update(id, row) for id, row in frame.iterrows()]

    assert [record.id for record in saved] == list(frame.index)
    assert all(record.acceptsMarketing is False for record in saved)
    refreshed = ac.customers.frame(connectionid=1).loc[frame.index]
    assert refreshed["externalid"].tolist() == frame["externalid"].tolist()
    assert not refreshed["acceptsMarketing"].any()


def test_read_only_columns_ignored(ac, server):
    frame = ac.customers.frame()
    row = frame.loc[1].copy()
    row["totalRevenue"] = 999_999
    row["tstamp"] = pd.Timestamp("2000-01-01", tz="UTC")
    row["email"] = "renamed@example.com"

    saved = ac.customers.update(1, row)

    body = last_put(server).body["ecomCustomer"]
    assert "totalRevenue" not in body
    assert "tstamp" not in body
    assert "id" not in body
    assert body["email"] == "renamed@example.com"
    assert body["acceptsMarketing"] in ("0", "1")
    assert saved.email == "renamed@example.com"
    assert saved.totalRevenue != 999_999


def test_missing_values_not_sent(ac, server):
    frame = ac.customers.frame()
    row = frame.loc[4].copy()
    row["acceptsMarketing"] = pd.NA
    row["avgProductCategory"] = pd.NA

    ac.customers.update(4, row)

    body = last_put(server).body["ecomCustomer"]
    assert "acceptsMarketing" not in body
    assert body["email"] == "alice@example.com"


def test_row_values_sent_as_wire_strings(ac, server):
    row = ac.customers.frame().loc[2]
    ac.customers.update(2, row)
    body = last_put(server).body["ecomCustomer"]
    assert body["connectionid"] == "2"
    assert body["acceptsMarketing"] == "0"
    assert isinstance(body["externalid"], str)


def test_unknown_columns_ignored(ac, server):
    frame = ac.customers.frame()
    frame["segment"] = "vip"
    ac.customers.update(3, frame.loc[3])
    assert "segment" not in last_put(server).body["ecomCustomer"]


def test_invalid_edit_rejected_before_sending(ac, server):
    frame = ac.customers.frame()
    frame.loc[5, "email"] = "not an email"
    server.received.clear()
    with pytest.raises(acn.ValidationError, match="email"):
        ac.customers.update(5, frame.loc[5])
    assert not [r for r in server.received if r.method == "PUT"]


def test_order_row_round_trip(ac, server):
    frame = ac.orders.frame()
    row = frame.loc[1].copy()
    row["shippingMethod"] = "Express"

    saved = ac.orders.update(1, row)

    body = last_put(server).body["ecomOrder"]
    assert body["shippingMethod"] == "Express"
    assert body["totalPrice"] == str(frame.loc[1, "totalPrice"])
    assert "orderDate" not in body
    assert saved.shippingMethod == "Express"
    assert saved.externalCreatedDate == row["externalCreatedDate"]
