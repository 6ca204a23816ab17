"""ecomOrders: the client sends the documented requests and parses the
documented responses, and the sandbox responds in the documented shapes."""

import json
from pathlib import Path

import pytest

import ac_notebook as acn
from ac_notebook._properties import ORDERS

DATA = Path(__file__).parent / "data"


def example(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def as_text(value):
    """Return ``value`` with every number turned into a string, as the client sends."""
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def json_types(obj):
    return {key: type(value).__name__ for key, value in obj.items()}


def test_documented_create_request_sent_as_documented(ac, server):
    request = example("order_create_request.json")
    ac.orders.create(request["ecomOrder"])
    assert server.received[-1].body == as_text(request)


def test_documented_update_request_sent_as_documented(ac, server):
    request = example("order_update_request.json")
    ac.orders.update(1, request["ecomOrder"])
    assert server.received[-1].body == as_text(request)


def test_documented_create_response_parses(ac, server):
    server.faults.add(
        "status", status=201, body=example("order_create_201.json"), count=1
    )
    record = ac.orders.create(example("order_create_request.json")["ecomOrder"])
    assert record.id == 1
    assert record.totalPrice == 9111
    assert record.state == 1
    assert record.orderProducts == ["1", "2"]
    assert record.orderDate.isoformat() == "2016-09-13T16:41:39-05:00"


def test_documented_get_response_parses(ac, server):
    server.faults.add("status", status=200, body=example("order_get_200.json"), count=1)
    record = ac.orders.get(1)
    assert record.totalPrice == 1000
    assert record.totalProducts == 1
    assert record.state == 1
    assert record.externalcheckoutid is None
    assert record.abandonedDate is None
    assert record.currency == "usd"


def test_documented_update_response_parses(ac, server):
    server.faults.add(
        "status", status=200, body=example("order_update_200.json"), count=1
    )
    record = ac.orders.update(1, example("order_update_request.json")["ecomOrder"])
    assert record.externalid == "3246315237"
    assert record.totalPrice == 9111
    assert record.state == 1
    assert record.orderNumber == ""


def test_sandbox_create_types_match_documented(ac):
    created = ac.orders.create(example("order_create_request.json")["ecomOrder"])
    documented = example("order_create_201.json")["ecomOrder"]
    types = json_types(created.raw)
    for name, kind in json_types(documented).items():
        assert types.get(name) == kind, name


def test_sandbox_get_types_match_documented(ac):
    fetched = ac.orders.get(1)
    documented = example("order_get_200.json")["ecomOrder"]
    types = json_types(fetched.raw)
    for name, kind in json_types(documented).items():
        if documented[name] is None:
            continue
        assert types.get(name) == kind, name


@pytest.mark.parametrize(
    "name", ["order_create_201.json", "order_get_200.json", "order_update_200.json"]
)
def test_documented_examples_decode_without_loss(name):
    raw = example(name)["ecomOrder"]
    record = acn.Record(ORDERS, raw)
    assert record.raw == raw
    assert set(record.to_dict()) == set(raw)
