"""DataFrames from records: dtypes from the property table, nulls, odd values."""

import datetime as dt
import logging

import pandas as pd
import pytest

import ac_notebook as acn
from ac_notebook._frames import column_dtypes
from ac_notebook._properties import CONNECTIONS, CUSTOMERS, ORDER_PRODUCTS, ORDERS

#: The customers frame's dtypes, written out by hand, not read from the table.
CUSTOMER_DTYPES = {
    "connectionid": "Int64",
    "externalid": "string",
    "email": "string",
    "acceptsMarketing": "boolean",
    "totalRevenue": "Int64",
    "totalOrders": "Int64",
    "totalProducts": "Int64",
    "avgRevenuePerOrder": "Int64",
    "avgProductCategory": "string",
    "tstamp": "datetime64[ns, UTC]",
    "connection": "Int64",
}

TYPE_DTYPES = {
    "string": "string",
    "string (numeric)": "Int64",
    "string (email)": "string",
    "string (timestamp)": "datetime64[ns, UTC]",
    "string (cents)": "Int64",
    'string ("0"/"1")': "boolean",
    "string (url)": "string",
    "array (objects)": "object",
}


def dtypes_of(frame):
    return {name: str(dtype) for name, dtype in frame.dtypes.items()}


def full_customer(n):
    return {
        "connectionid": "1",
        "externalid": f"E-{n}",
        "email": f"c{n}@example.com",
        "acceptsMarketing": "1" if n % 2 else "0",
        "totalRevenue": str(150761 + n),
        "totalOrders": "3",
        "totalProducts": "4",
        "avgRevenuePerOrder": "50253",
        "avgProductCategory": "Books",
        "tstamp": "2019-01-01T10:23:22-06:00",
        "links": {"orders": f"/api/3/ecomCustomers/{n}/orders"},
        "id": str(n),
        "connection": "1",
    }


def null_customer(n):
    raw = {name: None for name in CUSTOMERS.names}
    raw["id"] = str(n)
    return raw


def frame_of(table, raws):
    records = [acn.Record(table, raw) for raw in raws]
    return acn.RecordList(table, records).to_frame()


@pytest.mark.parametrize("count", [0, 1, 2, 50])
def test_customer_dtypes_for_any_row_count(count):
    raws = [full_customer(n) for n in range(1, count)]
    if count:
        raws.append(null_customer(count))
    frame = frame_of(CUSTOMERS, raws)

    assert dtypes_of(frame) == CUSTOMER_DTYPES
    assert str(frame.index.dtype) == "Int64"
    assert frame.index.name == "id"
    assert len(frame) == count


def test_nulls_in_every_nullable_column():
    frame = frame_of(CUSTOMERS, [full_customer(1), null_customer(2)])
    missing = frame.loc[2]
    for name in CUSTOMER_DTYPES:
        assert pd.isna(missing[name]), name
    assert frame.loc[1].notna().all()


def test_empty_strings_missing_in_typed_columns():
    raw = dict(full_customer(1), totalRevenue="", tstamp="", acceptsMarketing="")
    frame = frame_of(CUSTOMERS, [raw])
    assert pd.isna(frame.loc[1, "totalRevenue"])
    assert pd.isna(frame.loc[1, "tstamp"])
    assert pd.isna(frame.loc[1, "acceptsMarketing"])


@pytest.mark.parametrize("table", [CUSTOMERS, CONNECTIONS, ORDERS, ORDER_PRODUCTS])
def test_dtypes_follow_property_types(table):
    expected = {
        prop.name: TYPE_DTYPES[str(prop.type)] for prop in table if prop.name != "id"
    }
    assert column_dtypes(table) == expected
    assert dtypes_of(frame_of(table, [])) == expected


def test_values_converted():
    frame = frame_of(CUSTOMERS, [full_customer(15)])
    row = frame.loc[15]
    assert row["totalRevenue"] == 150776
    assert frame["acceptsMarketing"].tolist() == [True]
    assert row["tstamp"] == pd.Timestamp("2019-01-01T16:23:22Z")
    assert row["email"] == "c15@example.com"
    assert "links" not in frame.columns


def test_offsets_converted_to_utc():
    raws = [
        dict(full_customer(1), tstamp="2019-01-01T10:23:22-06:00"),
        dict(full_customer(2), tstamp="2019-01-01T17:23:22+01:00"),
        dict(full_customer(3), tstamp="2019-01-01T16:23:22Z"),
    ]
    frame = frame_of(CUSTOMERS, raws)
    assert frame["tstamp"].nunique() == 1
    assert frame["tstamp"].dt.tz == dt.timezone.utc


def test_flag_spellings():
    values = ["1", "0", 1, 0, True, False, "true", "No", None, ""]
    raws = [dict(full_customer(n), acceptsMarketing=v) for n, v in enumerate(values, 1)]
    flags = frame_of(CUSTOMERS, raws)["acceptsMarketing"].tolist()
    expected = [True, False, True, False, True, False, True, False, pd.NA, pd.NA]
    assert flags == expected


def test_json_numbers_and_strings_give_same_frame(ac):
    """ecomOrders list responses send amounts as numbers, GET as strings."""
    listed = ac.orders.list()
    fetched = acn.RecordList(ORDERS, [ac.orders.get(r.id) for r in listed])
    assert isinstance(listed[0].raw["totalPrice"], int)
    assert isinstance(fetched[0].raw["totalPrice"], str)

    from_list = listed.to_frame().drop(columns=["orderProducts", "orderDiscounts"])
    from_get = fetched.to_frame().drop(columns=["orderProducts", "orderDiscounts"])
    pd.testing.assert_frame_equal(from_list, from_get)
    assert str(from_list["totalPrice"].dtype) == "Int64"
    assert from_list["totalPrice"].sum() > 0


def test_order_line_items_are_lists():
    raw = {
        "id": "1",
        "orderProducts": [{"name": "a", "price": "100"}],
        "orderDiscounts": None,
    }
    frame = frame_of(ORDERS, [raw, {"id": "2"}])
    assert frame.loc[1, "orderProducts"] == [{"name": "a", "price": "100"}]
    assert frame.loc[2, "orderProducts"] is None
    assert frame.loc[1, "orderDiscounts"] is None


def test_same_length_item_lists_stay_lists():
    raws = [{"id": str(n), "orderProducts": [{"n": n}, {"n": -n}]} for n in (1, 2)]
    column = frame_of(ORDERS, raws)["orderProducts"]
    assert column.dtype == object
    assert column.tolist() == [[{"n": 1}, {"n": -1}], [{"n": 2}, {"n": -2}]]


def test_unknown_fields_kept_with_inferred_dtypes():
    raws = [
        dict(full_customer(1), tier="gold", visits=3, score=1.5, vip=True, tags=["a"]),
        dict(full_customer(2), tier=None, visits=None, score=None, vip=None),
    ]
    frame = frame_of(CUSTOMERS, raws)
    extras = dtypes_of(frame)
    assert list(frame.columns[-5:]) == ["tier", "visits", "score", "vip", "tags"]
    assert extras["tier"] == "string"
    assert extras["visits"] == "Int64"
    assert extras["score"] == "Float64"
    assert extras["vip"] == "boolean"
    assert extras["tags"] == "object"
    assert frame.loc[2, "tags"] is None


def test_invalid_values_missing_and_logged(caplog):
    raws = [
        dict(full_customer(1), totalOrders="2.5", tstamp="yesterday"),
        dict(full_customer(2), totalOrders="abc", acceptsMarketing="maybe"),
        dict(full_customer(3), tstamp="0000-00-00 00:00:00"),
    ]
    with caplog.at_level(logging.WARNING, logger="ac_notebook._frames"):
        frame = frame_of(CUSTOMERS, raws)

    assert frame["totalOrders"].isna().tolist() == [True, True, False]
    assert frame["tstamp"].isna().tolist() == [True, False, True]
    assert pd.isna(frame.loc[2, "acceptsMarketing"])
    messages = [record.getMessage() for record in caplog.records]
    assert any("totalOrders: 2 value(s)" in m for m in messages)
    assert any("tstamp: 1 value(s)" in m for m in messages)
    assert any("acceptsMarketing: 1 value(s)" in m for m in messages)


def test_large_ids_keep_precision():
    raws = [dict(full_customer(1), id="9007199254740993", connection=None)]
    frame = frame_of(CUSTOMERS, raws)
    assert frame.index[0] == 9007199254740993


def test_times_outside_nanosecond_range_are_missing(caplog):
    raws = [dict(full_customer(1), tstamp="9999-12-31T00:00:00+00:00")]
    with caplog.at_level(logging.WARNING, logger="ac_notebook._frames"):
        frame = frame_of(CUSTOMERS, raws)
    assert pd.isna(frame.loc[1, "tstamp"])
    assert "1677-2262" in caplog.text


def test_numbers_in_a_time_column_are_invalid():
    frame = frame_of(CUSTOMERS, [dict(full_customer(1), tstamp=1546359802)])
    assert pd.isna(frame.loc[1, "tstamp"])


def test_frame_shortcut_matches_list(ac):
    frame = ac.customers.frame(connectionid=1)
    expected = ac.customers.list(connectionid=1).to_frame()
    pd.testing.assert_frame_equal(frame, expected)
    assert (frame["connectionid"] == 1).all()
    assert len(frame) > 1


def test_frame_shortcut_empty_result_typed(ac):
    frame = ac.customers.frame(email="nobody@example.com")
    assert len(frame) == 0
    assert dtypes_of(frame) == CUSTOMER_DTYPES


def test_record_to_frame_one_row(ac):
    record = ac.customers.get(1)
    frame = record.to_frame()
    assert list(frame.index) == [1]
    assert dtypes_of(frame) == CUSTOMER_DTYPES
    assert frame.loc[1, "email"] == record.email


def test_demo_frame_matches_records(ac):
    rows = ac.customers.list()
    frame = rows.to_frame()
    for record in rows:
        row = frame.loc[record.id]
        assert row["email"] == record.email
        assert row["totalRevenue"] == record.totalRevenue
        assert row["tstamp"] == record.tstamp
        assert bool(row["acceptsMarketing"]) == record.acceptsMarketing


def test_int_column_odd_digits_become_na():
    from ac_notebook._frames import _to_int64

    values = pd.Series(
        ["7", "007", "٥", "1_000", "+5", "", None, "9" * 19], dtype=object
    )
    column = _to_int64(values, "totalOrders")
    assert column.dtype == "Int64"
    assert column.tolist()[:2] == [7, 7]
    assert column.isna().tolist() == [False, False, True, True, True, True, True, True]


def test_int_column_plain_digits_exact():
    from ac_notebook._frames import _to_int64

    values = pd.Series(["9007199254740993", None, "0"], dtype=object)
    column = _to_int64(values, "id")
    assert column.tolist()[0] == 9007199254740993
    assert column.isna().tolist() == [False, True, False]
