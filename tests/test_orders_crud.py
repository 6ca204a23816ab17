"""ecomOrders CRUD, filters, sorting and abandoned carts over real HTTP."""

import dataclasses
import json
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

import ac_notebook as acn

# Customer 7 of the demo data (carol@example.com, connection 1) has no orders.
CAROL = 7


def new_order(**extra):
    fields = {
        "externalid": "O-900",
        "source": 1,
        "email": "carol@example.com",
        "orderProducts": [
            {
                "externalid": "P-1",
                "name": "Atlas of remote islands",
                "price": 2500,
                "quantity": 2,
                "category": "Books",
            }
        ],
        "totalPrice": 5000,
        "currency": "USD",
        "connectionid": 1,
        "customerid": CAROL,
        "externalCreatedDate": "2024-05-01T10:00:00-05:00",
    }
    fields.update(extra)
    return fields


SENT = {
    "externalid": "O-900",
    "source": "1",
    "email": "carol@example.com",
    "orderProducts": [
        {
            "externalid": "P-1",
            "name": "Atlas of remote islands",
            "price": "2500",
            "quantity": "2",
            "category": "Books",
        }
    ],
    "totalPrice": "5000",
    "currency": "USD",
    "connectionid": "1",
    "customerid": "7",
    "externalCreatedDate": "2024-05-01T10:00:00-05:00",
}


@dataclasses.dataclass
class Purchase:
    externalid: str
    source: int
    email: str
    orderProducts: list[dict[str, Any]]
    totalPrice: int
    currency: str
    connectionid: int
    customerid: int
    externalCreatedDate: str


INPUT_KINDS = {
    "helper": lambda f: acn.EcomOrder(**f),
    "dict": dict,
    "namespace": lambda f: SimpleNamespace(**f),
    "dataclass": lambda f: Purchase(**f),
    "series": pd.Series,
}


@pytest.mark.parametrize("kind", sorted(INPUT_KINDS))
def test_is_creatable_from_each_input_kind(ac, server, kind):
    created = ac.orders.create(INPUT_KINDS[kind](new_order()))
    assert created.externalid == "O-900"
    assert created.customerid == CAROL
    assert created.totalPrice == 5000
    assert created.state == 1
    sent = server.received[-1]
    assert sent.method == "POST"
    assert sent.path.endswith("/ecomOrders")
    assert sent.body == {"ecomOrder": SENT}


def test_is_creatable_from_keywords(ac, server):
    created = ac.orders.create(**new_order())
    assert created.totalProducts == 2
    assert server.received[-1].body == {"ecomOrder": SENT}


def test_keywords_override_data(ac):
    created = ac.orders.create(new_order(), externalid="O-901")
    assert created.externalid == "O-901"


def test_create_with_discounts(ac):
    discounts = [{"name": "SPRING", "type": "order", "discountAmount": 500}]
    created = ac.orders.create(
        new_order(orderDiscounts=discounts, discountAmount=500, totalPrice=4500)
    )
    assert len(created.orderDiscounts) == 1
    assert created.discountAmount == 500


def test_create_response_has_numbers_get_has_strings(ac):
    created = ac.orders.create(new_order())
    fetched = ac.orders.get(created.id)
    assert created.raw["totalPrice"] == 5000
    assert fetched.raw["totalPrice"] == "5000"
    assert created.totalPrice == fetched.totalPrice == 5000
    assert created.state == fetched.state == 1
    assert created.totalProducts == fetched.totalProducts == 2


def test_is_retrievable(ac):
    order = ac.orders.get(1)
    assert order.id == 1
    assert order.externalid == "5001"
    assert order.customerid == 1
    assert order.orderProducts == ["1", "2"]
    assert order.externalCreatedDate.utcoffset() is not None


def test_get_accepts_string_id(ac):
    assert ac.orders.get("2").id == 2


def test_is_updatable(ac, server):
    created = ac.orders.create(new_order())
    updated = ac.orders.update(created.id, {"shippingMethod": "Courier"})
    assert updated.shippingMethod == "Courier"
    assert updated.externalid == "O-900"
    assert server.received[-1].method == "PUT"
    assert server.received[-1].body == {"ecomOrder": {"shippingMethod": "Courier"}}


def test_update_replaces_products(ac):
    created = ac.orders.create(new_order())
    products = [
        {"externalid": "P-2", "name": "Globe", "price": 9900, "quantity": 1},
        {"externalid": "P-3", "name": "Map", "price": 100, "quantity": 3},
    ]
    updated = ac.orders.update(created.id, orderProducts=products, totalPrice=10200)
    assert updated.totalProducts == 4
    names = sorted(p.name for p in ac.orders.get(created.id).products())
    assert names == ["Globe", "Map"]


def test_update_from_fetched_record_sends_writable_only(ac, server):
    order = ac.orders.get(1)
    ac.orders.update(order.id, order)
    sent = server.received[-1].body["ecomOrder"]
    assert "orderProducts" not in sent
    assert "orderDiscounts" not in sent
    assert not set(sent) & set(acn.EcomOrder.table.read_only)
    assert sent["externalid"] == "5001"


def test_update_from_frame_row(ac, server):
    row = ac.orders.frame().loc[2]
    updated = ac.orders.update(2, row)
    sent = server.received[-1].body["ecomOrder"]
    assert updated.id == 2
    assert sent["totalPrice"] == "2549"
    assert "orderProducts" not in sent
    assert "state" not in sent


def test_update_with_keywords(ac):
    updated = ac.orders.update(1, orderNumber="#A-1")
    assert updated.orderNumber == "#A-1"


def test_is_deletable(ac):
    created = ac.orders.create(new_order())
    product_ids = [int(i) for i in created.orderProducts]
    assert ac.orders.delete(created.id) is None
    with pytest.raises(acn.NotFoundError):
        ac.orders.get(created.id)
    with pytest.raises(acn.NotFoundError):
        ac.order_products.get(product_ids[0])


def test_delete_missing_raises_not_found(ac):
    with pytest.raises(acn.NotFoundError) as info:
        ac.orders.delete(99999)
    assert info.value.status == 404
    assert info.value.message == "No Result found for EcomOrder with id 99999"


def test_is_listable(ac):
    rows = ac.orders.list()
    assert len(rows) == rows.total == 12
    assert all(record.table.label == "ecomOrder" for record in rows)


def test_list_respects_limit(ac):
    rows = ac.orders.list(limit=5)
    assert rows.ids == [1, 2, 3, 4, 5]
    assert rows.total == 12


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("connectionid", 2, [3, 6, 7, 8, 10, 11]),
        ("externalid", "5001", [1]),
        ("externalcheckoutid", "cart-9001", [12]),
        ("email", "GRACE@example.com", [10, 11]),
        ("state", 2, [12]),
        ("customerid", 12, [10, 11]),
        ("external_created_date", "2024-01-15", [1]),
    ],
)
def test_documented_filters(ac, server, name, value, expected):
    rows = ac.orders.list(**{name: value})
    assert rows.ids == expected
    assert server.received[-1].query[f"filters[{name}]"] == [str(value)]


def test_unknown_filter_rejected_before_sending(ac, server):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.orders.list(total=5)
    assert "external_created_date" in str(info.value)
    assert server.received == []


def test_sorting_descending(ac, server):
    rows = ac.orders.list(order_by="-customerid")
    customers = [record.customerid for record in rows]
    assert customers == sorted(customers, reverse=True)
    assert server.received[-1].query["orders[customerid]"] == ["DESC"]


def test_sorting_by_several_fields_in_order(ac, server):
    rows = ac.orders.list(order_by=["email", "-external_created_date"])
    assert rows.ids == [5, 8, 9, 12, 11, 10, 4, 7, 2, 3, 1, 6]
    sent = [key for key in server.received[-1].query if key.startswith("orders[")]
    assert sent == ["orders[email]", "orders[external_created_date]"]


def test_sorting_from_mapping(ac, server):
    rows = ac.orders.list(order_by={"state": "desc"}, limit=1)
    assert rows.ids == [12]
    assert server.received[-1].query["orders[state]"] == ["DESC"]


def test_sorting_with_iter_and_frame(ac):
    first = next(ac.orders.iter(order_by="-external_created_date"))
    assert first.id == 11
    frame = ac.orders.frame(order_by="-customerid", customerid=12)
    assert list(frame.index) == [10, 11]


@pytest.mark.parametrize(
    ("order_by", "field"),
    [("total", "total"), ({"email": "UP"}, "email"), (["-nope"], "nope")],
)
def test_bad_sort_rejected_before_sending(ac, server, order_by, field):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.orders.list(order_by=order_by)
    assert info.value.errors[0].field == field
    assert server.received == []


def test_customers_are_not_sortable(ac):
    with pytest.raises(acn.ValidationError) as info:
        ac.customers.list(order_by="email")
    assert "documents no sorting" in str(info.value)


def cart(**extra):
    fields = new_order(abandonedDate="2024-06-01T18:00:00-05:00")
    del fields["externalid"]
    fields["externalcheckoutid"] = "cart-77"
    fields.update(extra)
    return fields


def test_abandoned_cart_created_and_found(ac):
    created = ac.orders.create(cart())
    assert created.externalid is None
    assert created.state == 2
    found = ac.orders.list(externalcheckoutid="cart-77")
    assert found.ids == [created.id]


def test_abandoned_cart_recovered_by_adding_externalid(ac):
    created = ac.orders.create(cart())
    recovered = ac.orders.update(created.id, externalid="O-77")
    assert recovered.state == 3
    assert ac.customers.get(CAROL).totalOrders == 1


def test_order_without_ids_rejected_before_sending(ac, server):
    fields = new_order()
    del fields["externalid"]
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.orders.create(fields)
    assert [error.field for error in info.value.errors] == ["externalid"]
    assert "externalcheckoutid" in info.value.errors[0].message
    assert server.received == []


def test_cart_without_abandoned_date_rejected(ac, server):
    fields = cart()
    del fields["abandonedDate"]
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.orders.create(fields)
    assert [error.field for error in info.value.errors] == ["abandonedDate"]
    assert server.received == []


@pytest.mark.parametrize(
    ("extra", "field", "text"),
    [
        ({"totalPrice": "12.34"}, "totalPrice", "cents"),
        ({"email": "not-an-email"}, "email", "not a valid email"),
        ({"customerid": -3}, "customerid", "negative"),
        ({"orderProducts": [{"name": "x"}]}, "orderProducts", "missing"),
        ({"orderProducts": {"name": "x"}}, "orderProducts", "list of objects"),
        ({"state": 1}, "state", "read-only"),
        ({"totalprice": 5}, "totalprice", "totalPrice"),
    ],
)
def test_invalid_field_rejected_before_sending(ac, server, extra, field, text):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.orders.create(new_order(**extra))
    messages = {error.field: error.message for error in info.value.errors}
    assert text in messages[field]
    assert server.received == []


def test_missing_required_fields_listed(ac):
    with pytest.raises(acn.ValidationError) as info:
        ac.orders.create(externalid="O-1")
    fields = {error.field for error in info.value.errors}
    assert fields == {
        "source",
        "email",
        "totalPrice",
        "currency",
        "connectionid",
        "customerid",
    }


def test_helper_rejects_unknown_name_with_suggestion(ac):
    with pytest.raises(acn.ValidationError) as info:
        acn.EcomOrder(totalprice=5)
    assert "'totalPrice'" in str(info.value)


def test_create_form_saves_order(ac):
    form = ac.orders.create_form(
        connectionid=1, customerid=CAROL, email="carol@example.com", source=1
    )
    form.fields["externalid"].value = "O-FORM"
    form.fields["currency"].value = "USD"
    form.fields["totalPrice"].value = "25.00"
    products = [{"externalid": "P", "name": "Atlas", "price": 2500, "quantity": 1}]
    form.fields["orderProducts"].value = json.dumps(products)
    saved = form.submit()
    assert form.errors == {}
    assert saved.totalPrice == 2500
    assert [product.name for product in saved.products()] == ["Atlas"]


def test_update_form_sends_only_changes(ac, server):
    form = ac.orders.update_form(1)
    form.fields["shippingMethod"].value = "Courier"
    saved = form.submit()
    assert saved.shippingMethod == "Courier"
    assert server.received[-1].body == {"ecomOrder": {"shippingMethod": "Courier"}}


def test_order_reprs_name_the_order(ac):
    order = ac.orders.get(1)
    rows = ac.orders.list(customerid=1)
    assert repr(order) == "<Record ecomOrder id=1>"
    assert "orderProducts" in order._repr_html_()
    assert "5001" in str(order)
    assert repr(rows) == "<RecordList ecomOrder 2 of 2>"
    assert "customerid=1" in str(rows)
    assert "external_created_date" in str(ac.orders)
