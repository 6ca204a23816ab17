"""Sandbox ecomOrders and ecomOrderProducts routes, and customer aggregates."""

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


def product(name: str, category: str, price: int, quantity: int = 1) -> dict[str, Any]:
    return {
        "externalid": f"P-{name}",
        "name": name,
        "price": price,
        "quantity": quantity,
        "category": category,
    }


def order(**fields: Any) -> dict[str, Any]:
    """Return an order request for customer 1 of the shop fixture."""
    body = {
        "externalid": "O-1",
        "source": "1",
        "email": "buyer@example.com",
        "totalPrice": 2600,
        "currency": "USD",
        "connectionid": "1",
        "customerid": "1",
        "orderProducts": [
            product("Atlas", "Books", 1000),
            product("Almanac", "Books", 500),
            product("Blue Train", "Music", 1100),
        ],
    }
    body.update(fields)
    return {"ecomOrder": body}


@pytest.fixture
def shop():
    """Empty sandbox with connection 1 and customer 1."""
    with SandboxServer(dataset="empty", rate_limit=None) as running:
        connection = {
            "service": "shop",
            "externalid": "s1",
            "name": "Shop",
            "logoUrl": "https://shop.example.com/logo.png",
            "linkUrl": "https://shop.example.com",
        }
        call(running, "POST", "connections", {"connection": connection})
        customer = {
            "connectionid": "1",
            "externalid": "C1",
            "email": "buyer@example.com",
        }
        call(running, "POST", "ecomCustomers", {"ecomCustomer": customer})
        yield running


def customer(server: SandboxServer) -> dict[str, Any]:
    record: dict[str, Any] = call(server, "GET", "ecomCustomers/1").json()[
        "ecomCustomer"
    ]
    return record


def aggregates(server: SandboxServer) -> tuple[str, str, str, str, str]:
    record = customer(server)
    return (
        record["totalRevenue"],
        record["totalOrders"],
        record["totalProducts"],
        record["avgRevenuePerOrder"],
        record["avgProductCategory"],
    )


def test_create_returns_documented_shape(server):
    response = call(
        server, "POST", "ecomOrders", documented("order_create_request.json")
    )
    example = documented("order_create_201.json")
    body = response.json()
    assert response.status_code == 201
    assert list(body) == list(example)
    example_order = example["ecomOrder"]
    created = {key: body["ecomOrder"][key] for key in example_order}
    assert json_types(created) == json_types(example_order)
    assert body["ecomOrder"]["totalPrice"] == 9111
    assert body["ecomOrder"]["state"] == 1


def test_create_sideloads_discounts_and_products(server):
    body = call(
        server, "POST", "ecomOrders", documented("order_create_request.json")
    ).json()
    discount = documented("order_create_201.json")["ecomOrderDiscounts"][0]
    product_example = documented("order_product_get_200.json")["ecomOrderProduct"]
    assert json_types(body["ecomOrderDiscounts"][0]) == json_types(discount)
    assert body["ecomOrderDiscounts"][0]["discountAmount"] == "100"
    for item in body["ecomOrderProducts"]:
        assert list(item) == list(product_example)
        assert json_types(item) == json_types(product_example)
    assert body["ecomOrder"]["orderProducts"] == [
        p["id"] for p in body["ecomOrderProducts"]
    ]
    assert [c["id"] for c in body["connections"]] == ["1"]


def test_create_converts_dates_to_server_time(server):
    body = call(
        server, "POST", "ecomOrders", documented("order_create_request.json")
    ).json()
    assert body["ecomOrder"]["externalCreatedDate"] == "2016-09-13T16:41:39-05:00"
    assert body["ecomOrder"]["orderDate"] == "2016-09-13T16:41:39-05:00"
    assert TIMESTAMP.match(body["ecomOrder"]["tstamp"])


def test_get_sends_strings(server):
    response = call(server, "GET", "ecomOrders/1")
    example = documented("order_get_200.json")["ecomOrder"]
    record = response.json()["ecomOrder"]
    assert response.status_code == 200
    assert json_types({key: record[key] for key in example}) == json_types(example)
    assert record["totalPrice"] == "3699"
    assert record["state"] == "1"


def test_list_sends_numbers(server):
    records = call(server, "GET", "ecomOrders", limit=2).json()["ecomOrders"]
    assert [record["totalPrice"] for record in records] == [3699, 2549]
    assert [record["totalProducts"] for record in records] == [3, 2]


def test_update_replaces_products(server):
    body = documented("order_update_request.json")
    response = call(server, "PUT", "ecomOrders/1", body)
    result = response.json()
    assert response.status_code == 200
    assert list(result) == list(documented("order_update_200.json"))
    assert result["ecomOrder"]["externalid"] == "3246315237"
    assert [p["name"] for p in result["ecomOrderProducts"]] == [
        "Pogo Stick",
        "Skateboard",
    ]
    assert call(server, "GET", "ecomOrderProducts/1").status_code == 404


def test_delete_removes_products(server):
    assert call(server, "DELETE", "ecomOrders/1").json() == {}
    assert call(server, "GET", "ecomOrders/1").status_code == 404
    listed = call(server, "GET", "ecomOrderProducts", **{"filters[orderid]": "1"})
    assert listed.json()["meta"]["total"] == "0"


def test_missing_order_404_body(server):
    response = call(server, "GET", "ecomOrders/999")
    assert response.status_code == 404
    assert response.json() == {"message": "No Result found for EcomOrder with id 999"}


def test_order_product_documented_shape(server):
    response = call(server, "GET", "ecomOrderProducts/1")
    example = documented("order_product_get_200.json")["ecomOrderProduct"]
    record = response.json()["ecomOrderProduct"]
    assert list(record) == list(example)
    assert json_types(record) == json_types(example)
    assert (
        record["links"]["ecomOrder"]
        == f"{server.url}/api/3/ecomOrderProducts/1/ecomOrder"
    )


def test_order_products_of_order(server):
    body = call(server, "GET", "ecomOrders/1/orderProducts").json()
    assert [item["name"] for item in body["ecomOrderProducts"]] == [
        "The Sea Around Us",
        "Dot-grid notebook",
    ]
    assert body["meta"] == {"total": "2"}


def test_missing_order_product_404_body(server):
    response = call(server, "GET", "ecomOrderProducts/999")
    assert response.json() == {
        "message": "No Result found for EcomOrderProduct with id 999"
    }
    assert call(server, "GET", "ecomOrders/999/orderProducts").status_code == 404


def test_order_products_are_read_only(server):
    response = call(server, "POST", "ecomOrderProducts", {"ecomOrderProduct": {}})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


def test_aggregates_after_create(shop):
    assert aggregates(shop) == ("0", "0", "0", "0", "")
    assert call(shop, "POST", "ecomOrders", order()).status_code == 201
    assert aggregates(shop) == ("2600", "1", "3", "2600", "Books")
    assert TIMESTAMP.match(customer(shop)["tstamp"])


def test_aggregates_after_second_order(shop):
    call(shop, "POST", "ecomOrders", order())
    second = order(
        externalid="O-2",
        totalPrice=1001,
        orderProducts=[product("Giant Steps", "Music", 1001, 4)],
    )
    call(shop, "POST", "ecomOrders", second)
    assert aggregates(shop) == ("3601", "2", "7", "1800", "Books")


def test_aggregates_after_update(shop):
    call(shop, "POST", "ecomOrders", order())
    music = [product(f"LP {n}", "Music", 700) for n in range(3)]
    body = {"ecomOrder": {"totalPrice": 2100, "orderProducts": music}}
    assert call(shop, "PUT", "ecomOrders/1", body).status_code == 200
    assert aggregates(shop) == ("2100", "1", "3", "2100", "Music")


def test_aggregates_after_delete(shop):
    call(shop, "POST", "ecomOrders", order())
    call(shop, "POST", "ecomOrders", order(externalid="O-2", totalPrice=400))
    call(shop, "DELETE", "ecomOrders/1")
    assert aggregates(shop) == ("400", "1", "3", "400", "Books")


def test_client_aggregates_ignored(shop):
    body = {"ecomCustomer": {"totalRevenue": "99999", "avgProductCategory": "Yachts"}}
    call(shop, "PUT", "ecomCustomers/1", body)
    assert aggregates(shop) == ("0", "0", "0", "0", "")


def test_abandoned_cart_then_recovered(shop):
    cart = order(
        externalid=None,
        externalcheckoutid="cart-1",
        abandonedDate="2024-12-01T18:00:00Z",
    )
    created = call(shop, "POST", "ecomOrders", cart).json()["ecomOrder"]
    assert created["state"] == 2
    assert created["abandonedDate"] == "2024-12-01T12:00:00-06:00"
    assert aggregates(shop)[:2] == ("0", "0")

    recovered = call(shop, "PUT", "ecomOrders/1", {"ecomOrder": {"externalid": "O-9"}})
    assert recovered.json()["ecomOrder"]["state"] == 3
    assert aggregates(shop)[:2] == ("2600", "1")


def test_deleting_customer_deletes_orders(shop):
    call(shop, "POST", "ecomOrders", order())
    call(shop, "DELETE", "ecomCustomers/1")
    assert call(shop, "GET", "ecomOrders/1").status_code == 404


def errors_of(response: requests.Response) -> list[tuple[str, str]]:
    return [
        (error["code"], error["source"]["pointer"])
        for error in response.json()["errors"]
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"externalid": None}, ("field_missing", "/data/attributes/externalid")),
        (
            {"externalid": None, "externalcheckoutid": "cart-2"},
            ("field_missing", "/data/attributes/abandonedDate"),
        ),
        ({"customerid": None}, ("field_missing", "/data/attributes/customerid")),
        ({"totalPrice": -1}, ("field_invalid", "/data/attributes/totalPrice")),
        (
            {"shippingAmount": "-5"},
            ("field_invalid", "/data/attributes/shippingAmount"),
        ),
        ({"totalPrice": 12.5}, ("field_invalid", "/data/attributes/totalPrice")),
        ({"currency": "dollars"}, ("field_invalid", "/data/attributes/currency")),
        ({"email": "buyer"}, ("email_invalid", "/data/attributes/email")),
        (
            {"externalCreatedDate": "yesterday"},
            ("field_invalid", "/data/attributes/externalCreatedDate"),
        ),
        ({"customerid": "42"}, ("related_missing", "/data/attributes/customerid")),
        ({"connectionid": "42"}, ("related_missing", "/data/attributes/connectionid")),
        (
            {"orderProducts": [product("Atlas", "Books", -100)]},
            ("field_invalid", "/data/attributes/orderProducts/0/price"),
        ),
        (
            {"orderProducts": [{"name": "Atlas", "price": 100, "quantity": 1}]},
            ("field_missing", "/data/attributes/orderProducts/0/externalid"),
        ),
        (
            {"orderDiscounts": [{"name": "X", "type": "bogus", "discountAmount": 1}]},
            ("field_invalid", "/data/attributes/orderDiscounts/0/type"),
        ),
    ],
)
def test_create_order_422(shop, fields, expected):
    response = call(shop, "POST", "ecomOrders", order(**fields))
    assert response.status_code == 422
    assert errors_of(response) == [expected]


def test_duplicate_externalid_is_422(shop):
    call(shop, "POST", "ecomOrders", order())
    response = call(shop, "POST", "ecomOrders", order())
    assert errors_of(response) == [("duplicate", "/data/attributes/externalid")]


def test_order_product_title_names_item(shop):
    response = call(
        shop, "POST", "ecomOrders", order(orderProducts=[{"externalid": "x"}])
    )
    titles = [error["title"] for error in response.json()["errors"]]
    assert "The order orderProducts[0].name was not provided." in titles


def test_order_filters(server):
    cases = {
        "filters[customerid]": ("12", ["T-104", "T-105"]),
        "filters[state]": ("2", [None]),
        "filters[email]": ("GRACE@example.com", ["T-104", "T-105"]),
        "filters[external_created_date]": ("2024-03-02", ["5002"]),
        "filters[externalcheckoutid]": ("cart-9001", [None]),
    }
    for name, (value, expected) in cases.items():
        records = call(server, "GET", "ecomOrders", **{name: value}).json()[
            "ecomOrders"
        ]
        assert [record["externalid"] for record in records] == expected, name


def test_order_ordering(server):
    params = {"orders[customerid]": "DESC", "orders[externalid]": "asc", "limit": 3}
    records = call(server, "GET", "ecomOrders", **params).json()["ecomOrders"]
    assert [record["externalid"] for record in records] == ["T-104", "T-105", None]


def test_bad_ordering_direction_is_422(server):
    response = call(server, "GET", "ecomOrders", **{"orders[state]": "SIDEWAYS"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"parameter": "orders[state]"}
