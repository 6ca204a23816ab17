"""Writes that must not touch the wrong record or abort on one bad row."""

from __future__ import annotations

import pytest

import ac_notebook as acn

GUEST_EMAIL = "guest.buyer@example.org"


def emails_of(ac, **filters):
    return sorted(record.email for record in ac.customers.list(**filters))


# -- guests share external ids -------------------------------------------------


@pytest.mark.parametrize("externalid", ["0", "guest", "GUEST"])
def test_upsert_guest_keeps_other_guest(ac, externalid):
    saved = ac.customers.upsert(
        connectionid=1, externalid=externalid, email="second.guest@example.org"
    )
    assert saved.id != 3
    assert ac.customers.get(3).email == GUEST_EMAIL
    assert saved.email == "second.guest@example.org"


def test_upsert_many_guest_creates(ac):
    row = {"connectionid": 1, "externalid": "0", "email": "third.guest@example.org"}
    report = ac.customers.upsert_many([row], progress=False)
    assert report.status.tolist() == ["created"]
    assert report.id[0] != 3
    assert ac.customers.get(3).email == GUEST_EMAIL
    assert emails_of(ac, connectionid=1, externalid="0") == [
        GUEST_EMAIL,
        "third.guest@example.org",
    ]


def test_upsert_guest_matches_email(ac):
    report = ac.customers.upsert_many(
        [{"connectionid": 1, "externalid": "0", "email": GUEST_EMAIL}],
        progress=False,
    )
    assert report.status.tolist() == ["unchanged"]
    assert report.id.tolist() == [3]


def test_upsert_externalid_updates_email(ac):
    created = ac.customers.create(
        connectionid=1, externalid="N-1", email="before@example.com"
    )
    saved = ac.customers.upsert(
        connectionid=1, externalid="N-1", email="after@example.com"
    )
    assert saved.id == created.id
    assert ac.customers.get(created.id).email == "after@example.com"


# -- the duplicate's existing id -----------------------------------------------


def test_duplicate_names_record_with_email(ac):
    first = ac.customers.create(connectionid=1, externalid="E1", email="a1@example.com")
    second = ac.customers.create(
        connectionid=1, externalid="E2", email="b2@example.com"
    )
    with pytest.raises(acn.DuplicateError) as caught:
        ac.customers.create(connectionid=1, externalid="E1", email="b2@example.com")
    assert caught.value.existing_id == second.id
    assert caught.value.existing_id != first.id
    assert f"has id {second.id}" in str(caught.value)


# -- one bad row fails alone ---------------------------------------------------

LONG_NUMBER = "1" * 5000


def good_row(n):
    return {"connectionid": 1, "externalid": f"G-{n}", "email": f"g{n}@example.com"}


def assert_one_failed(report, needle):
    assert report.status.tolist() == ["failed", report.status[1]]
    assert report.status[1] != "failed"
    assert needle in report.error[0]


@pytest.mark.parametrize("verb", ["create_many", "upsert_many"])
def test_bulk_non_string_key_fails_row(ac, verb):
    bad = {0: "x", **good_row(1)}
    report = getattr(ac.customers, verb)([bad, good_row(2)], progress=False)
    assert_one_failed(report, "field names must be strings, got 0 (int)")
    assert len(ac.customers.list(externalid="G-2")) == 1
    assert len(ac.customers.list(externalid="G-1")) == 0


@pytest.mark.parametrize("verb", ["create_many", "upsert_many"])
@pytest.mark.parametrize(
    "number", [LONG_NUMBER, int(LONG_NUMBER[:4000]) ** 2], ids=["string", "int"]
)
def test_bulk_huge_number_fails_row(ac, verb, number):
    bad = {**good_row(1), "connectionid": number}
    report = getattr(ac.customers, verb)([bad, good_row(2)], progress=False)
    assert_one_failed(report, "digits")
    assert "connectionid" in report.error[0]
    assert len(ac.customers.list(externalid="G-2")) == 1


def test_update_many_huge_id_fails_row(ac):
    rows = [
        {"id": LONG_NUMBER, "email": "huge@example.com"},
        {"id": 1, "acceptsMarketing": True},
    ]
    report = ac.customers.update_many(rows, progress=False)
    assert_one_failed(report, "id")
    assert "set_int_max_str_digits" not in report.error[0]
    assert report.status[1] == "updated"
    assert ac.customers.get(1).acceptsMarketing is True


# -- upserting orders twice sends nothing the second time ----------------------


def order_row(externalid, **extra):
    row = {
        "externalid": externalid,
        "source": 1,
        "email": "alice@example.com",
        "totalPrice": 1000,
        "currency": "USD",
        "connectionid": 1,
        "customerid": 1,
    }
    row.update(extra)
    return row


BOOK = {"externalid": "p1", "name": "Book", "price": 1000, "quantity": 1}


def writes(server):
    return [r for r in server.received if r.method in ("POST", "PUT")]


def test_upsert_order_products_unchanged(ac, server):
    rows = [order_row("UP1", orderProducts=[BOOK])]
    first = ac.orders.upsert_many(rows, progress=False)
    assert first.status.tolist() == ["created"]
    product_ids = [p.id for p in ac.orders.get(first.id[0]).products()]
    sent = len(writes(server))
    second = ac.orders.upsert_many(rows, progress=False)
    assert second.status.tolist() == ["unchanged"]
    assert len(writes(server)) == sent
    assert [p.id for p in ac.orders.get(first.id[0]).products()] == product_ids


def test_upsert_order_product_change_sent(ac, server):
    ac.orders.upsert_many([order_row("UP2", orderProducts=[BOOK])], progress=False)
    dearer = {**BOOK, "price": 1500}
    report = ac.orders.upsert_many(
        [order_row("UP2", orderProducts=[dearer])], progress=False
    )
    assert report.status.tolist() == ["updated"]
    prices = [p.price for p in ac.orders.get(report.id[0]).products()]
    assert prices == [1500]


def test_upsert_order_keeps_same_products(ac, server):
    ac.orders.upsert_many([order_row("UP3", orderProducts=[BOOK])], progress=False)
    report = ac.orders.upsert_many(
        [order_row("UP3", orderProducts=[BOOK], orderNumber="N-3")], progress=False
    )
    assert report.status.tolist() == ["updated"]
    body = writes(server)[-1].body
    assert body == {"ecomOrder": {"orderNumber": "N-3"}}


@pytest.mark.parametrize(
    "stamp",
    [
        "2024-06-01T10:00:00",
        "2024-01-15T10:00:00",
        "2024-06-01T10:00:00-05:00",
        "2024-06-01T15:00:00Z",
    ],
)
def test_upsert_order_timestamp_unchanged(ac, server, stamp):
    rows = [order_row("T-1", externalCreatedDate=stamp)]
    assert ac.orders.upsert_many(rows, progress=False).status.tolist() == ["created"]
    sent = len(writes(server))
    assert ac.orders.upsert_many(rows, progress=False).status.tolist() == ["unchanged"]
    assert len(writes(server)) == sent


def test_upsert_order_new_timestamp_sent(ac, server):
    ac.orders.upsert_many(
        [order_row("T-2", externalCreatedDate="2024-06-01T10:00:00")], progress=False
    )
    report = ac.orders.upsert_many(
        [order_row("T-2", externalCreatedDate="2024-06-01T11:00:00")], progress=False
    )
    assert report.status.tolist() == ["updated"]
    stored = ac.orders.get(report.id[0]).raw["externalCreatedDate"]
    assert stored.startswith("2024-06-01T11:00:00")
