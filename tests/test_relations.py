"""customer.orders() and order.products() return RecordLists of related records."""

import pytest

import ac_notebook as acn
from ac_notebook._properties import CUSTOMERS


def test_customer_orders_lists_that_customers_orders(ac, server):
    orders = ac.customers.get(12).orders()
    assert isinstance(orders, acn.RecordList)
    assert orders.table.label == "ecomOrder"
    assert orders.ids == [10, 11]
    assert orders.total == 2
    assert all(order.customerid == 12 for order in orders)
    assert server.received[-1].query["filters[customerid]"] == ["12"]


def test_customer_orders_include_abandoned_cart(ac):
    orders = ac.customers.get(11).orders()
    assert orders.ids == [12]
    assert orders[0].state == 2


def test_customer_without_orders_gets_empty_list(ac):
    orders = ac.customers.get(7).orders()
    assert len(orders) == 0
    assert orders.total == 0


def test_customer_orders_sorted_and_limited(ac):
    orders = ac.customers.get(12).orders(order_by="-external_created_date", limit=1)
    assert orders.ids == [11]


def test_customer_orders_from_a_list(ac):
    customer = ac.customers.list(email="grace@example.com")[0]
    assert customer.orders().ids == [10, 11]


def test_order_products_lists_that_orders_products(ac, server):
    products = ac.orders.get(1).products()
    assert isinstance(products, acn.RecordList)
    assert products.table.label == "ecomOrderProduct"
    assert [product.name for product in products] == [
        "The Sea Around Us",
        "Dot-grid notebook",
    ]
    assert all(product.orderid == 1 for product in products)
    assert server.received[-1].path == "/api/3/ecomOrders/1/orderProducts"


def test_order_products_of_listed_order(ac):
    order = ac.customers.get(12).orders()[1]
    assert [product.quantity for product in order.products()] == [2]


def test_products_frame_sums_to_subtotal(ac):
    order = ac.orders.get(7)
    frame = order.products().to_frame()
    subtotal = (frame["price"] * frame["quantity"]).sum()
    shipping = order.shippingAmount
    assert subtotal + shipping - order.discountAmount == order.totalPrice


def test_orders_on_other_record_kind_is_type_error(ac):
    with pytest.raises(TypeError) as info:
        ac.orders.get(1).orders()
    assert "ecomCustomer" in str(info.value)


def test_products_on_other_record_kind_is_type_error(ac):
    with pytest.raises(TypeError) as info:
        ac.customers.get(1).products()
    assert "ecomOrder" in str(info.value)


def test_record_without_session_is_value_error():
    record = acn.Record(CUSTOMERS, {"id": "3", "email": "a@example.com"})
    with pytest.raises(ValueError) as info:
        record.orders()
    assert "ac.customers.get" in str(info.value)


def test_record_without_id_is_value_error(ac):
    record = acn.Record(CUSTOMERS, {"email": "a@example.com"}, ac.customers)
    with pytest.raises(ValueError) as info:
        record.orders()
    assert "no id" in str(info.value)


def test_missing_order_products_is_not_found(ac):
    order = ac.orders.get(1)
    ac.orders.delete(1)
    with pytest.raises(acn.NotFoundError):
        order.products()
