"""Sandbox connections routes over real HTTP."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from ac_notebook.sandbox import SandboxServer

DATA = Path(__file__).parent / "data"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00$")


def documented(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def call(
    server: SandboxServer, method: str, path: str, body: Any = None, **params: Any
) -> requests.Response:
    return requests.request(
        method,
        f"{server.url}/api/3/{path}",
        json=body,
        params=params,
        headers={"Api-Token": server.api_key},
        timeout=10,
    )


def json_types(record: dict[str, Any]) -> dict[str, str]:
    return {key: type(value).__name__ for key, value in record.items()}


def new_connection(**fields: Any) -> dict[str, Any]:
    body = dict(documented("connection_create_request.json")["connection"])
    body.update(fields)
    return {"connection": body}


def test_create_returns_201_with_listed_shape(server):
    response = call(server, "POST", "connections", new_connection())
    listed = documented("connection_list_200.json")["connections"][1]
    record = response.json()["connection"]
    assert response.status_code == 201
    assert set(record) == set(listed)
    assert json_types(record) == json_types(listed)
    assert (record["isInternal"], record["status"], record["syncStatus"]) == (
        "0",
        "1",
        "0",
    )
    assert record["lastSync"] is None
    assert TIMESTAMP.match(record["cdate"])
    assert record["links"] == {
        "customers": f"{server.url}/api/3/connections/3/customers"
    }


def test_get_matches_documented_fields(server):
    record = call(server, "GET", "connections/1").json()["connection"]
    listed = documented("connection_list_200.json")["connections"][1]
    assert json_types(record) == json_types(listed)
    assert record["service"] == "shopify"
    assert record["listId"] == "1"


def test_list_has_total(server):
    body = call(server, "GET", "connections").json()
    assert [record["id"] for record in body["connections"]] == ["1", "2"]
    assert body["meta"] == {"total": "2"}


def test_update_changes_fields(server):
    body = documented("connection_update_200.json")
    request = {
        "connection": {"externalid": "johndoe@example.com", "name": "Acme, Inc."}
    }
    response = call(server, "PUT", "connections/2", request)
    record = response.json()["connection"]
    assert response.status_code == 200
    assert set(body["connection"]) <= set(record)
    assert (record["externalid"], record["name"]) == (
        "johndoe@example.com",
        "Acme, Inc.",
    )
    assert record["service"] == "woocommerce"


def test_update_status_flags(server):
    request = {"connection": {"status": 0, "syncStatus": "1", "isInternal": "1"}}
    record = call(server, "PUT", "connections/1", request).json()["connection"]
    assert (record["status"], record["syncStatus"], record["isInternal"]) == (
        "0",
        "1",
        "0",
    )


def test_delete_cascades_to_customers_and_orders(server):
    assert call(server, "DELETE", "connections/2").json() == {}
    assert call(server, "GET", "connections/2").status_code == 404
    assert call(server, "GET", "ecomCustomers/2").status_code == 404
    assert call(server, "GET", "ecomOrders/3").status_code == 404
    assert call(server, "GET", "ecomCustomers/1").status_code == 200


def test_missing_connection_404_body(server):
    response = call(server, "GET", "connections/99")
    assert response.status_code == 404
    assert response.json() == {"message": "No Result found for Connection with id 99"}


@pytest.mark.parametrize(
    "field", ["service", "externalid", "name", "logoUrl", "linkUrl"]
)
def test_create_without_required_field(server, field):
    body = new_connection()
    del body["connection"][field]
    response = call(server, "POST", "connections", body)
    error = response.json()["errors"][0]
    assert response.status_code == 422
    assert error["code"] == "field_missing"
    assert error["title"] == f"The connection {field} was not provided."
    assert error["source"] == {"pointer": f"/data/attributes/{field}"}


def test_create_same_service_and_externalid_is_invalid(server):
    body = new_connection(service="shopify", externalid="harbor-books.myshopify.com")
    response = call(server, "POST", "connections", body)
    error = response.json()["errors"][0]
    assert response.status_code == 422
    assert error["code"] == "field_invalid"
    assert error["source"] == {"pointer": "/data/attributes/externalid"}


def test_update_to_taken_externalid_is_invalid(server):
    request = {
        "connection": {"service": "shopify", "externalid": "harbor-books.myshopify.com"}
    }
    response = call(server, "PUT", "connections/2", request)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "field_invalid"


def test_update_keeping_own_externalid_is_fine(server):
    request = {"connection": {"externalid": "harbor-books.myshopify.com"}}
    assert call(server, "PUT", "connections/1", request).status_code == 200


def test_bad_flag_is_invalid(server):
    response = call(server, "PUT", "connections/1", {"connection": {"status": "yes"}})
    assert response.json()["errors"][0]["source"] == {
        "pointer": "/data/attributes/status"
    }


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("service", "woocommerce", ["2"]),
        ("externalid", "harbor-books.myshopify.com", ["1"]),
        ("service", "magento", []),
    ],
)
def test_connection_filters(server, name, value, expected):
    body = call(server, "GET", "connections", **{f"filters[{name}]": value}).json()
    assert [record["id"] for record in body["connections"]] == expected
    assert body["meta"]["total"] == str(len(expected))


def test_customers_of_connection(server):
    body = call(server, "GET", "connections/2/customers").json()
    assert [record["id"] for record in body["ecomCustomers"]] == [
        "2",
        "6",
        "8",
        "9",
        "12",
    ]
    assert body["meta"] == {"total": "5"}
