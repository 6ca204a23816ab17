"""Sandbox ecomCustomers routes over real HTTP: shapes, errors, filters, pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from ac_notebook.sandbox import SandboxServer

DATA = Path(__file__).parent / "data"


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


def create(server: SandboxServer, **fields: Any) -> requests.Response:
    return call(server, "POST", "ecomCustomers", {"ecomCustomer": fields})


def error_codes(response: requests.Response) -> list[tuple[str, str]]:
    return [
        (error["code"], error["source"]["pointer"])
        for error in response.json()["errors"]
    ]


def test_create_returns_documented_short_shape(server):
    response = call(
        server, "POST", "ecomCustomers", documented("customer_create_request.json")
    )
    example = documented("customer_create_201.json")["ecomCustomer"]
    record = response.json()["ecomCustomer"]
    assert response.status_code == 201
    assert list(record) == list(example)
    assert json_types(record) == json_types(example)
    assert (
        record["links"]["orders"]
        == f"{server.url}/api/3/ecomCustomers/{record['id']}/orders"
    )


def test_get_returns_documented_full_shape(server):
    response = call(server, "GET", "ecomCustomers/1")
    example = documented("customer_get_200.json")["ecomCustomer"]
    record = response.json()["ecomCustomer"]
    assert response.status_code == 200
    assert list(record) == list(example)
    assert json_types(record) == json_types(example)
    assert (
        record["links"]["connection"]
        == f"{server.url}/api/3/ecomCustomers/1/connection"
    )


def test_list_items_have_get_shape(server):
    response = call(server, "GET", "ecomCustomers")
    example = documented("customer_get_200.json")["ecomCustomer"]
    body = response.json()
    assert list(body) == ["ecomCustomers", "meta"]
    assert body["meta"] == {"total": "12"}
    for record in body["ecomCustomers"]:
        assert list(record) == list(example)


def test_connection_zero_renders_null(server):
    record = call(server, "GET", "ecomCustomers/4").json()["ecomCustomer"]
    assert record["connectionid"] == "0"
    assert record["connection"] is None


def test_create_accepts_connection_zero(server):
    response = create(
        server, connectionid="0", externalid="0", email="walk.in@example.com"
    )
    assert response.status_code == 201
    assert response.json()["ecomCustomer"]["connection"] is None


def test_update_ignores_read_only_and_unknown(server):
    body = {"externalid": "98765", "totalRevenue": "1", "id": "77", "nickname": "x"}
    response = call(server, "PUT", "ecomCustomers/1", {"ecomCustomer": body})
    record = response.json()["ecomCustomer"]
    assert response.status_code == 200
    assert record["externalid"] == "98765"
    assert record["id"] == "1"
    assert record["totalRevenue"] == "6248"
    assert "nickname" not in record


def test_update_sets_accepts_marketing(server):
    body = {"ecomCustomer": {"acceptsMarketing": 1}}
    record = call(server, "PUT", "ecomCustomers/3", body).json()["ecomCustomer"]
    assert record["acceptsMarketing"] == "1"


def test_delete_returns_empty_object(server):
    response = call(server, "DELETE", "ecomCustomers/7")
    assert response.status_code == 200
    assert response.json() == {}
    assert call(server, "GET", "ecomCustomers/7").status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_missing_customer_404_body(server, method):
    response = call(server, method, "ecomCustomers/4242", {"ecomCustomer": {}})
    assert response.status_code == 404
    assert response.json() == {
        "message": "No Result found for EcomCustomer with id 4242"
    }


@pytest.mark.parametrize("text", ["abc", "-1", "0", "1.5", "99999999999999999999999"])
def test_non_numeric_id_is_not_found(server, text):
    response = call(server, "GET", f"ecomCustomers/{text}")
    assert response.status_code == 404
    assert response.json() == {
        "message": f"No Result found for EcomCustomer with id {text}"
    }


def test_create_missing_fields_names_each(server):
    response = create(server)
    assert response.status_code == 422
    assert error_codes(response) == [
        ("field_missing", "/data/attributes/connectionid"),
        ("field_missing", "/data/attributes/externalid"),
        ("field_missing", "/data/attributes/email"),
    ]
    error = response.json()["errors"][0]
    assert error["title"] == "The customer connectionid was not provided."
    assert error["detail"] == ""


@pytest.mark.parametrize(
    "email",
    [
        "no-at-sign.example.com",
        "two@at@example.com",
        "with space@example.com",
        "@example.com",
        "user@",
        "user@localhost",
        "user@example..com",
    ],
)
def test_create_rejects_bad_email(server, email):
    response = create(server, connectionid="1", externalid="E", email=email)
    assert response.status_code == 422
    assert error_codes(response) == [("email_invalid", "/data/attributes/email")]


@pytest.mark.parametrize(
    "email", ["first+tag@example.com", "zoë@例え.jp", "ÄÖ.Müller@bücher.de"]
)
def test_create_accepts_unusual_valid_email(server, email):
    response = create(server, connectionid="1", externalid="E", email=email)
    assert response.status_code == 201
    assert response.json()["ecomCustomer"]["email"] == email


def test_create_unknown_connection_related_missing(server):
    response = create(server, connectionid="77", externalid="E", email="e@example.com")
    assert response.status_code == 422
    assert error_codes(response) == [
        ("related_missing", "/data/attributes/connectionid")
    ]


def test_create_duplicate_email_ignores_case(server):
    response = create(
        server, connectionid="1", externalid="E", email="MORGAN.Lee@example.com"
    )
    assert response.status_code == 422
    assert error_codes(response) == [("duplicate", "/data/attributes/email")]


def test_same_email_on_other_connection_allowed(server):
    response = create(
        server, connectionid="2", externalid="E", email="carol@example.com"
    )
    assert response.status_code == 201


def test_update_to_taken_email_is_duplicate(server):
    body = {"ecomCustomer": {"email": "Carol@Example.com"}}
    response = call(server, "PUT", "ecomCustomers/3", body)
    assert response.status_code == 422
    assert error_codes(response) == [("duplicate", "/data/attributes/email")]


def test_update_blank_required_field_is_missing(server):
    response = call(server, "PUT", "ecomCustomers/3", {"ecomCustomer": {"email": ""}})
    assert response.status_code == 422
    assert error_codes(response) == [("field_missing", "/data/attributes/email")]


@pytest.mark.parametrize(
    "body", [{"email": "x@example.com"}, [], {"customer": {}}, None]
)
def test_body_without_wrapper_is_422(server, body):
    response = call(server, "POST", "ecomCustomers", body)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert '"ecomCustomer"' in error["title"]
    assert error["source"] == {"pointer": "/ecomCustomer"}


def test_wrapper_that_is_not_object_is_422(server):
    response = call(server, "POST", "ecomCustomers", {"ecomCustomer": "alice"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "field_invalid"


def ids_of(response: requests.Response) -> list[str]:
    return [record["id"] for record in response.json()["ecomCustomers"]]


def test_filter_email_ignores_case(server):
    response = call(
        server, "GET", "ecomCustomers", **{"filters[email]": "erin.walsh@example.com"}
    )
    assert ids_of(response) == ["10"]
    assert response.json()["meta"]["total"] == "1"


def test_filter_email_with_plus_sign(server):
    response = call(
        server,
        "GET",
        "ecomCustomers",
        **{"filters[email]": "bob+newsletter@example.com"},
    )
    assert ids_of(response) == ["5"]


def test_filter_unencoded_plus_is_space(server):
    url = f"{server.url}/api/3/ecomCustomers?filters[email]=bob+newsletter@example.com"
    response = requests.get(url, headers={"Api-Token": server.api_key}, timeout=10)
    assert ids_of(response) == []


def test_filter_email_non_ascii(server):
    response = call(server, "GET", "ecomCustomers", **{"filters[email]": "ZOË@例え.jp"})
    assert ids_of(response) == ["6"]


def test_filters_combine_with_and(server):
    both = {"filters[email]": "morgan.lee@example.com", "filters[connectionid]": "2"}
    assert ids_of(call(server, "GET", "ecomCustomers", **both)) == ["2"]
    guests = {"filters[externalid]": "0", "filters[connectionid]": "1"}
    assert ids_of(call(server, "GET", "ecomCustomers", **guests)) == ["3"]


def test_filter_without_match_is_empty(server):
    response = call(server, "GET", "ecomCustomers", **{"filters[connectionid]": "x"})
    assert response.status_code == 200
    assert response.json() == {"ecomCustomers": [], "meta": {"total": "0"}}


def test_unsupported_filter_is_ignored(server):
    response = call(server, "GET", "ecomCustomers", **{"filters[name]": "nobody"})
    assert response.json()["meta"]["total"] == "12"


def test_customer_orders_subresource(server):
    response = call(server, "GET", "ecomCustomers/12/orders")
    orders = response.json()["ecomOrders"]
    assert [order["externalid"] for order in orders] == ["T-104", "T-105"]
    assert response.json()["meta"]["total"] == "2"


def test_customer_connection_subresource(server):
    record = call(server, "GET", "ecomCustomers/2/connection").json()["connection"]
    assert record["id"] == "2"
    missing = call(server, "GET", "ecomCustomers/4/connection")
    assert missing.json() == {"message": "No Result found for Connection with id 0"}


@pytest.fixture(scope="module")
def server250():
    """Empty sandbox holding one connection and 250 customers."""
    with SandboxServer(dataset="empty", rate_limit=None) as running:
        connection = {
            "service": "shop",
            "externalid": "s1",
            "name": "Shop",
            "logoUrl": "https://shop.example.com/logo.png",
            "linkUrl": "https://shop.example.com",
        }
        call(running, "POST", "connections", {"connection": connection})
        with requests.Session() as session:
            for number in range(1, 251):
                fields = {
                    "connectionid": "1",
                    "externalid": f"P-{number}",
                    "email": f"page{number}@example.com",
                }
                session.post(
                    f"{running.url}/api/3/ecomCustomers",
                    json={"ecomCustomer": fields},
                    headers={"Api-Token": running.api_key},
                    timeout=10,
                ).raise_for_status()
        yield running


def test_page_defaults(server250):
    response = call(server250, "GET", "ecomCustomers")
    assert ids_of(response) == [str(number) for number in range(1, 21)]
    assert response.json()["meta"] == {"total": "250"}


def test_last_page_is_partial(server250):
    response = call(server250, "GET", "ecomCustomers", limit=100, offset=200)
    assert ids_of(response) == [str(number) for number in range(201, 251)]
    assert response.json()["meta"] == {"total": "250"}


def test_limit_above_100_is_clamped(server250):
    response = call(server250, "GET", "ecomCustomers", limit=500)
    assert len(ids_of(response)) == 100


def test_pages_cover_every_record_once(server250):
    seen = []
    for offset in range(0, 300, 100):
        seen += ids_of(
            call(server250, "GET", "ecomCustomers", limit=100, offset=offset)
        )
    assert seen == [str(number) for number in range(1, 251)]


def test_offset_past_end_is_empty(server250):
    response = call(server250, "GET", "ecomCustomers", offset=1000)
    assert response.json() == {"ecomCustomers": [], "meta": {"total": "250"}}


def test_filtered_total_counts_all_matches(server250):
    params = {"filters[connectionid]": "1", "limit": 5}
    response = call(server250, "GET", "ecomCustomers", **params)
    assert len(ids_of(response)) == 5
    assert response.json()["meta"]["total"] == "250"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("limit", "0"),
        ("limit", "-5"),
        ("limit", "ten"),
        ("offset", "-1"),
        ("offset", "x"),
    ],
)
def test_bad_page_parameter_is_422(server250, name, value):
    response = call(server250, "GET", "ecomCustomers", **{name: value})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == "field_invalid"
    assert error["source"] == {"parameter": name}
    assert repr(value) in error["title"]
