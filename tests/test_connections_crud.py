"""connections CRUD, filters, errors and documented examples over real HTTP."""

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook._properties import CONNECTIONS

DATA = Path(__file__).parent / "data"


def example(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def new_connection(**extra):
    fields = {
        "service": "fooCommerce",
        "externalid": "toystore123",
        "name": "Toystore, Inc.",
        "logoUrl": "http://example.com/i/foo.png",
        "linkUrl": "http://example.com/foo/",
    }
    fields.update(extra)
    return fields


@dataclasses.dataclass
class Store:
    service: str
    externalid: str
    name: str
    logoUrl: str
    linkUrl: str


INPUT_KINDS = {
    "helper": lambda f: acn.Connection(**f),
    "dict": dict,
    "namespace": lambda f: SimpleNamespace(**f),
    "dataclass": lambda f: Store(**f),
    "series": pd.Series,
}


@pytest.mark.parametrize("kind", sorted(INPUT_KINDS))
def test_is_creatable_from_each_input_kind(ac, server, kind):
    created = ac.connections.create(INPUT_KINDS[kind](new_connection()))
    assert created.service == "fooCommerce"
    assert created.name == "Toystore, Inc."
    assert isinstance(created.id, int)
    assert server.received[-1].method == "POST"
    assert server.received[-1].body == {"connection": new_connection()}


def test_is_creatable_from_keywords(ac):
    created = ac.connections.create(**new_connection(listId=2))
    assert created.listId == 2
    assert created.status is True
    assert created.isInternal is False


def test_is_retrievable(ac):
    record = ac.connections.get(1)
    assert record.service == "shopify"
    assert record.cdate.utcoffset() is not None
    assert record.raw["id"] == "1"


def test_is_updatable(ac, server):
    updated = ac.connections.update(2, {"name": "Tidewater", "syncStatus": True})
    assert updated.name == "Tidewater"
    assert updated.syncStatus is True
    assert server.received[-1].body == {
        "connection": {"name": "Tidewater", "syncStatus": "1"}
    }


def test_update_from_fetched_record_sends_writable_only(ac, server):
    record = ac.connections.get(1)
    ac.connections.update(record.id, record)
    sent = server.received[-1].body["connection"]
    assert not set(sent) & set(CONNECTIONS.read_only)
    assert sent["service"] == "shopify"


def test_is_deletable(ac):
    created = ac.connections.create(new_connection())
    assert ac.connections.delete(created.id) is None
    with pytest.raises(acn.NotFoundError) as info:
        ac.connections.get(created.id)
    assert info.value.message == f"No Result found for Connection with id {created.id}"


def test_delete_takes_customers_and_orders_along(ac):
    ac.connections.delete(2)
    assert ac.customers.list(connectionid=2).ids == []
    assert ac.orders.list(connectionid=2).ids == []


def test_is_listable(ac):
    rows = ac.connections.list()
    assert rows.ids == [1, 2]
    assert rows.total == 2


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("service", "woocommerce", [2]),
        ("externalid", "harbor-books.myshopify.com", [1]),
        ("service", "magento", []),
    ],
)
def test_documented_filters(ac, server, name, value, expected):
    assert ac.connections.list(**{name: value}).ids == expected
    assert server.received[-1].query[f"filters[{name}]"] == [value]


def test_unknown_filter_rejected_before_sending(ac, server):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.connections.list(name="Harbor Books")
    assert "service, externalid" in str(info.value)
    assert server.received == []


def test_missing_required_rejected_before_sending(ac, server):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.connections.create(service="fooCommerce")
    fields = {error.field for error in info.value.errors}
    assert fields == {"externalid", "name", "logoUrl", "linkUrl"}
    assert server.received == []


def test_bad_url_rejected_before_sending(ac, server):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.connections.create(new_connection(logoUrl="ftp://example.com/logo"))
    assert info.value.errors[0].field == "logoUrl"
    assert server.received == []


def test_same_service_and_externalid_is_server_422(ac):
    ac.connections.create(new_connection())
    with pytest.raises(acn.ValidationError) as info:
        ac.connections.create(new_connection(name="Other"))
    assert info.value.status == 422
    assert info.value.errors[0].field == "externalid"


def test_wrong_key_raises_authentication_error(server):
    ac = acn.Session(server.url, "nope", rate_limit=None)
    with ac, pytest.raises(acn.AuthenticationError):
        ac.connections.list()


def test_server_error_after_retries(ac, server):
    server.faults.add("status", status=500, method="GET", count=20)
    ac.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.ServerError):
        ac.connections.get(1)


def test_rate_limit_budget_exhausted(ac, server):
    server.faults.add(
        "status", status=429, headers={"Retry-After": "0"}, count=10, method="GET"
    )
    ac.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.RateLimitError):
        ac.connections.get(1)


def test_empty_body_is_unexpected_response(ac, server):
    server.faults.add("empty_body", method="GET", count=20)
    ac.client.retry = fast_retry(max_retries=0)
    with pytest.raises(acn.UnexpectedResponseError):
        ac.connections.get(1)


def test_documented_create_request_sent_as_documented(ac, server):
    request = example("connection_create_request.json")
    created = ac.connections.create(request["connection"])
    assert server.received[-1].body == request
    assert created.listId == 1


@pytest.mark.parametrize(
    "name", ["connection_create_200.json", "connection_update_200.json"]
)
def test_documented_responses_parse(ac, server, name):
    server.faults.add("status", status=200, body=example(name), count=1)
    record = ac.connections.get(1)
    documented = example(name)["connection"]
    assert record.raw == documented
    assert record.isInternal is False
    assert record.externalid == documented["externalid"]


def test_documented_list_parses(ac, server):
    server.faults.add(
        "status", status=200, body=example("connection_list_200.json"), count=1
    )
    rows = ac.connections.list()
    assert rows.ids == [1, 2]
    assert rows[0].isInternal is True
    assert rows[1].lastSync is None
    frame = rows.to_frame()
    assert frame["listId"].dtype == "Int64"


def test_sandbox_list_types_match_documented(ac):
    documented = example("connection_list_200.json")["connections"][0]
    raw = ac.connections.list().raw()[0]
    assert set(documented) <= set(raw)
    for key, value in documented.items():
        if value is None or raw[key] is None:
            continue
        assert type(raw[key]) is type(value), key


def test_update_form_saves_connection(ac, server):
    form = ac.connections.update_form(1)
    form.fields["name"].value = "Harbor Books Ltd"
    saved = form.submit()
    assert saved.name == "Harbor Books Ltd"
    assert server.received[-1].body == {"connection": {"name": "Harbor Books Ltd"}}


def test_connection_reprs(ac):
    record = ac.connections.get(1)
    assert repr(record) == "<Record connection id=1>"
    assert "harbor-books.myshopify.com" in record._repr_html_()
    assert "service, externalid" in str(ac.connections)
