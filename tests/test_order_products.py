"""ecomOrderProducts: read-only resource, documented examples, errors."""

import json
from pathlib import Path

import pytest
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook._properties import ORDER_PRODUCTS

DATA = Path(__file__).parent / "data"


def example(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_is_retrievable(ac):
    product = ac.order_products.get(1)
    assert product.name == "The Sea Around Us"
    assert product.price == 1899
    assert product.quantity == 1
    assert product.orderid == 1
    assert product.ecomOrder == 1
    assert product.raw["price"] == "1899"


def test_is_listable(ac):
    rows = ac.order_products.list()
    assert len(rows) == rows.total == 17
    assert rows.ids == list(range(1, 18))


def test_frame_is_typed(ac):
    frame = ac.order_products.frame()
    assert frame.index.name == "id"
    assert frame["price"].dtype == "Int64"
    assert frame["quantity"].dtype == "Int64"
    assert frame["orderid"].dtype == "Int64"
    assert str(frame["tstamp"].dtype) == "datetime64[ns, UTC]"
    assert frame["category"].dtype == "string"


@pytest.mark.parametrize(
    ("verb", "call"),
    [
        ("create", lambda r: r.create(name="x")),
        ("update", lambda r: r.update(1, name="x")),
        ("delete", lambda r: r.delete(1)),
    ],
)
def test_writes_rejected_before_sending(ac, server, verb, call):
    server.received.clear()
    with pytest.raises(acn.ActiveCampaignError) as info:
        call(ac.order_products)
    assert "read-only" in str(info.value)
    assert verb in str(info.value)
    assert server.received == []


def test_missing_product_raises_not_found(ac):
    with pytest.raises(acn.NotFoundError) as info:
        ac.order_products.get(999)
    assert info.value.message == "No Result found for EcomOrderProduct with id 999"


def test_filters_rejected_before_sending(ac, server):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.order_products.list(orderid=1)
    assert "orderid" in str(info.value)
    assert server.received == []


def test_wrong_key_raises_authentication_error(server):
    ac = acn.Session(server.url, "nope", rate_limit=None)
    with ac, pytest.raises(acn.AuthenticationError):
        ac.order_products.get(1)


def test_server_error_after_retries(ac, server):
    server.faults.add("status", status=502, method="GET", count=20)
    ac.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.ServerError):
        ac.order_products.list()


def test_documented_get_parses(ac, server):
    server.faults.add(
        "status", status=200, body=example("order_product_get_200.json"), count=1
    )
    product = ac.order_products.get(1)
    assert product.name == "My Cool Skateboard"
    assert product.price == 5000
    assert product.ecomOrder == 2


def test_documented_list_parses(ac, server):
    server.faults.add(
        "status", status=200, body=example("order_product_list_200.json"), count=1
    )
    rows = ac.order_products.list()
    assert rows.ids == [1]
    assert rows.total is None
    assert rows.to_frame().loc[1, "price"] == 5000


def test_sandbox_types_match_documented(ac):
    documented = example("order_product_get_200.json")["ecomOrderProduct"]
    raw = ac.order_products.get(1).raw
    assert list(raw) == list(documented)
    for key, value in documented.items():
        assert type(raw[key]) is type(value), key


def test_documented_examples_decode_without_loss():
    raw = example("order_product_get_200.json")["ecomOrderProduct"]
    record = acn.Record(ORDER_PRODUCTS, raw)
    assert record.raw == raw
    assert set(record.to_dict()) == set(raw)


def test_forms_rejected_as_read_only(ac):
    with pytest.raises(acn.ActiveCampaignError) as info:
        ac.order_products.create_form()
    assert "read-only" in str(info.value)
