"""Each error kind of the ecomOrders resource, raised as its exception."""

import pytest
from conftest import fast_retry
from test_orders_crud import CAROL, new_order

import ac_notebook as acn


def test_wrong_key_raises_authentication_error(server):
    ac = acn.Session(server.url, "not-the-key", rate_limit=None)
    with ac, pytest.raises(acn.AuthenticationError) as info:
        ac.orders.list()
    assert info.value.status == 403
    assert "not-the-key" not in str(info.value)


def test_missing_order_raises_not_found(ac):
    with pytest.raises(acn.NotFoundError) as info:
        ac.orders.get(4242)
    assert info.value.message == "No Result found for EcomOrder with id 4242"
    assert info.value.url.endswith("/api/3/ecomOrders/4242")


def test_update_of_missing_order_raises_not_found(ac):
    with pytest.raises(acn.NotFoundError):
        ac.orders.update(4242, shippingMethod="Courier")


def test_unknown_customer_is_server_422(ac):
    with pytest.raises(acn.ValidationError) as info:
        ac.orders.create(new_order(customerid=999))
    assert info.value.status == 422
    assert info.value.errors[0].field == "customerid"
    assert info.value.errors[0].code == "related_missing"


def test_bad_currency_is_server_422(ac):
    with pytest.raises(acn.ValidationError) as info:
        ac.orders.create(new_order(currency="DOLLARS"))
    assert info.value.status == 422
    assert info.value.errors[0].field == "currency"


def test_same_externalid_is_duplicate(ac):
    first = ac.orders.create(new_order())
    with pytest.raises(acn.DuplicateError) as info:
        ac.orders.create(new_order(totalPrice=1))
    assert info.value.status == 422
    assert info.value.existing_id == first.id
    assert f"update({first.id}" in str(info.value)


def test_rate_limit_budget_exhausted(ac, server):
    server.faults.add(
        "status", status=429, headers={"Retry-After": "0"}, count=10, method="GET"
    )
    ac.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.RateLimitError) as info:
        ac.orders.get(1)
    assert info.value.status == 429


def test_server_error_after_retries(ac, server):
    server.faults.add("status", status=503, method="GET", count=20)
    ac.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.ServerError) as info:
        ac.orders.get(1)
    assert info.value.status == 503


def test_html_body_is_unexpected_response(ac, server):
    server.faults.add("html", method="GET", count=20)
    ac.client.retry = fast_retry(max_retries=0)
    with pytest.raises(acn.UnexpectedResponseError) as info:
        ac.orders.get(1)
    assert "not JSON" in str(info.value)


def test_body_without_order_is_unexpected_response(ac, server):
    server.faults.add("status", status=200, body={"ecomOrder": []}, count=1)
    with pytest.raises(acn.UnexpectedResponseError) as info:
        ac.orders.get(1)
    assert "'ecomOrder'" in str(info.value)


def test_create_lost_after_sending_is_not_repeated(ac, server):
    server.faults.add("drop_after", method="POST", count=1)
    ac.client.retry = fast_retry()
    created = ac.orders.create(new_order())
    posts = [r for r in server.received if r.method == "POST"]
    assert len(posts) == 1
    assert [r.id for r in ac.orders.list(customerid=CAROL)] == [created.id]
