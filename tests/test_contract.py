"""The documented example bodies parse, and the sandbox sends the same shapes."""

import json
from pathlib import Path

import pytest
import requests

import ac_notebook as acn

DATA = Path(__file__).parent / "data"


def example(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def json_types(obj):
    return {key: type(value).__name__ for key, value in obj.items()}


def api_get(server, path, **params):
    response = requests.get(
        f"{server.url}/api/3/{path}",
        params=params,
        headers={"Api-Token": server.api_key},
        timeout=5,
    )
    return response.status_code, response.json()


def api_send(server, method, path, body):
    response = requests.request(
        method,
        f"{server.url}/api/3/{path}",
        json=body,
        headers={"Api-Token": server.api_key},
        timeout=5,
    )
    return response.status_code, response.json()


def test_documented_get_parses_through_client(ac, server):
    server.faults.add(
        "status", status=200, body=example("customer_get_200.json"), count=1
    )
    record = ac.customers.get(15)
    assert record.id == 15
    assert record.connectionid == 3
    assert record.totalRevenue == 150761
    assert record.acceptsMarketing is False
    assert record.tstamp.isoformat() == "2019-01-01T10:23:22-06:00"
    assert record.avgProductCategory == "Musical Instrument"


def test_documented_list_parses_through_client(ac, server):
    server.faults.add(
        "status", status=200, body=example("customer_list_200.json"), count=1
    )
    rows = ac.customers.list(limit=3)
    assert rows.ids == [1, 3, 2]
    assert rows.total == 3
    assert rows[2].connection is None
    assert rows[2].connectionid == 0


def test_documented_create_parses_through_client(ac, server):
    server.faults.add(
        "status", status=201, body=example("customer_create_201.json"), count=1
    )
    record = ac.customers.create(
        example("customer_create_request.json")["ecomCustomer"]
    )
    assert record.id == 1
    assert record.email == "alice@example.com"


def test_documented_update_parses_through_client(ac, server):
    server.faults.add(
        "status", status=200, body=example("customer_update_200.json"), count=1
    )
    record = ac.customers.update(
        1, example("customer_update_request.json")["ecomCustomer"]
    )
    assert record.externalid == "98765"


def test_documented_connection_parses_through_client(ac, server):
    server.faults.add(
        "status", status=200, body=example("connection_get_200.json"), count=1
    )
    record = ac.connections.get(1)
    assert record.service == "fooCommerce"
    assert record.isInternal is False


def test_sandbox_get_matches_documented_shape(server):
    status, body = api_get(server, "ecomCustomers/1")
    documented = example("customer_get_200.json")["ecomCustomer"]
    assert status == 200
    assert list(body["ecomCustomer"]) == list(documented)
    assert json_types(body["ecomCustomer"]) == json_types(documented)


def test_sandbox_create_matches_documented_shape(server):
    status, body = api_send(
        server, "POST", "ecomCustomers", example("customer_create_request.json")
    )
    documented = example("customer_create_201.json")["ecomCustomer"]
    assert status == 201
    assert list(body["ecomCustomer"]) == list(documented)
    assert json_types(body["ecomCustomer"]) == json_types(documented)


def test_sandbox_list_matches_documented_shape(server):
    status, body = api_get(server, "ecomCustomers", limit=2)
    documented = example("customer_list_200.json")
    assert status == 200
    assert set(body) == set(documented)
    assert isinstance(body["meta"]["total"], str)
    listed = documented["ecomCustomers"][0]
    for item in body["ecomCustomers"]:
        assert set(listed) <= set(item)
        assert {k: type(item[k]).__name__ for k in listed} == json_types(listed)


def test_sandbox_update_matches_documented_shape(server):
    status, body = api_send(
        server, "PUT", "ecomCustomers/1", example("customer_update_request.json")
    )
    documented = example("customer_update_200.json")["ecomCustomer"]
    assert status == 200
    assert set(documented) <= set(body["ecomCustomer"])
    assert body["ecomCustomer"]["externalid"] == "98765"


def test_sandbox_delete_returns_empty_object(server):
    response = requests.delete(
        f"{server.url}/api/3/ecomCustomers/2",
        headers={"Api-Token": server.api_key},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json() == example("customer_delete_200.json")


@pytest.mark.parametrize(
    "name",
    ["customer_get_200.json", "customer_update_200.json", "customer_create_201.json"],
)
def test_documented_examples_decode_without_loss(name):
    from ac_notebook._properties import CUSTOMERS

    raw = example(name)["ecomCustomer"]
    record = acn.Record(CUSTOMERS, raw)
    assert record.raw == raw
    assert set(record.to_dict()) == set(raw)
