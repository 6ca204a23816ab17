"""Pagination and filters: all pages, limits, de-duplication, filter checks."""

import pytest

import ac_notebook as acn


@pytest.fixture
def ac250(empty_server):
    """A Session on a sandbox holding one connection and 250 customers."""
    with acn.Session(empty_server.url, empty_server.api_key, rate_limit=None) as ac:
        store = ac.connections.create(
            service="shop",
            externalid="s1",
            name="Shop",
            logoUrl="https://example.com/l.png",
            linkUrl="https://example.com/",
        )
        for n in range(250):
            ac.customers.create(
                email=f"c{n}@example.com", connectionid=store.id, externalid=f"E{n}"
            )
        empty_server.received.clear()
        yield ac


def list_calls(server):
    return [r for r in server.received if r.method == "GET"]


def test_list_fetches_all_pages(ac250, empty_server):
    rows = ac250.customers.list()
    assert len(rows) == 250
    assert rows.total == 250
    assert len(set(rows.ids)) == 250
    offsets = [call.query["offset"] for call in list_calls(empty_server)]
    # The first page comes alone; the pages after it are fetched concurrently.
    assert offsets[0] == ["0"]
    assert sorted(offsets) == [["0"], ["100"], ["200"]]
    assert all(call.query["limit"] == ["100"] for call in list_calls(empty_server))


def test_list_limit_caps_records(ac250, empty_server):
    rows = ac250.customers.list(limit=150)
    assert len(rows) == 150
    assert rows.total == 250
    limits = [call.query["limit"] for call in list_calls(empty_server)]
    assert limits == [["100"], ["50"]]


def test_list_limit_below_one_page(ac250, empty_server):
    rows = ac250.customers.list(limit=7)
    assert len(rows) == 7
    assert len(list_calls(empty_server)) == 1


def test_list_limit_zero_sends_nothing(ac250, empty_server):
    assert len(ac250.customers.list(limit=0)) == 0
    assert list_calls(empty_server) == []


@pytest.mark.parametrize("limit", [-1, "10", 2.5])
def test_list_invalid_limit_rejected(ac250, limit):
    with pytest.raises(acn.ValidationError) as info:
        ac250.customers.list(limit=limit)
    assert "limit" in str(info.value)


def test_iter_is_lazy(ac250, empty_server):
    iterator = ac250.customers.iter()
    first = [next(iterator) for _ in range(5)]
    assert len(first) == 5
    assert len(list_calls(empty_server)) == 1
    rest = list(iterator)
    assert len(first) + len(rest) == 250
    assert len(list_calls(empty_server)) == 3


def test_pages_yield_record_lists(ac250):
    sizes = [len(page) for page in ac250.customers.pages()]
    assert sizes == [100, 100, 50]


def test_order_matches_ids(ac250):
    ids = ac250.customers.list().ids
    assert ids == sorted(ids)


def test_filter_by_email(ac):
    rows = ac.customers.list(email="alice@example.com")
    assert len(rows) >= 1
    assert all(r.email.lower() == "alice@example.com" for r in rows)


def test_filter_email_with_plus_sign(ac, server):
    created = ac.customers.create(
        email="first+tag@example.com", connectionid=1, externalid="P-1"
    )
    rows = ac.customers.list(email="first+tag@example.com")
    assert rows.ids == [created.id]
    assert server.received[-1].query["filters[email]"] == ["first+tag@example.com"]


def test_filter_email_case_insensitive(ac):
    created = ac.customers.create(
        email="Mixed@Example.com", connectionid=1, externalid="M"
    )
    assert ac.customers.list(email="mixed@example.com").ids == [created.id]


def test_filter_by_connection_and_externalid(ac):
    created = ac.customers.create(
        email="f@example.com", connectionid=2, externalid="X9"
    )
    rows = ac.customers.list(connectionid=2, externalid="X9")
    assert rows.ids == [created.id]
    assert rows.filters == {"connectionid": 2, "externalid": "X9"}


def test_filter_hostile_value_is_encoded(ac, server):
    hostile = "a&filters[connectionid]=2#x@example.com"
    rows = ac.customers.list(externalid=hostile)
    assert len(rows) == 0
    assert server.received[-1].query["filters[externalid]"] == [hostile]


def test_unknown_filter_rejected_with_list(ac):
    with pytest.raises(acn.ValidationError) as info:
        ac.customers.list(name="x")
    assert "email, externalid, connectionid" in str(info.value)


def test_no_match_is_empty_list(ac):
    rows = ac.customers.list(email="nobody@example.com")
    assert len(rows) == 0
    assert rows.total == 0
