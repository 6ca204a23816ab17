"""Order frames are typed the same whether numbers arrive as numbers or strings."""

import json
from pathlib import Path

import pandas as pd

import ac_notebook as acn
from ac_notebook._properties import ORDERS

DATA = Path(__file__).parent / "data"

NUMBER_FIELDS = ["totalPrice", "shippingAmount", "taxAmount", "totalProducts", "state"]


def example(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_list_and_get_give_equal_frames(ac):
    listed = ac.orders.list()
    fetched = acn.RecordList(ORDERS, [ac.orders.get(i) for i in listed.ids])
    assert isinstance(listed[0].raw["totalPrice"], int)
    assert isinstance(fetched[0].raw["totalPrice"], str)
    pd.testing.assert_frame_equal(listed.to_frame(), fetched.to_frame())


def test_documented_number_and_string_bodies_type_alike():
    created = acn.Record(ORDERS, example("order_create_201.json")["ecomOrder"])
    fetched = acn.Record(ORDERS, example("order_get_200.json")["ecomOrder"])
    assert isinstance(created.raw["state"], int)
    assert isinstance(fetched.raw["state"], str)
    numbers = acn.RecordList(ORDERS, [created]).to_frame()
    strings = acn.RecordList(ORDERS, [fetched]).to_frame()
    for name in NUMBER_FIELDS:
        assert numbers[name].dtype == "Int64", name
        assert strings[name].dtype == "Int64", name
    assert numbers.loc[1, "totalPrice"] == 9111
    assert strings.loc[1, "totalPrice"] == 1000
    shared = [name for name in numbers.columns if name in strings.columns]
    assert list(numbers[shared].dtypes) == list(strings[shared].dtypes)


def test_mixed_kinds_in_one_list():
    created = example("order_create_201.json")["ecomOrder"]
    fetched = {**example("order_get_200.json")["ecomOrder"], "id": "2"}
    records = [acn.Record(ORDERS, created), acn.Record(ORDERS, fetched)]
    result = acn.RecordList(ORDERS, records).to_frame()
    assert result["totalPrice"].dtype == "Int64"
    assert list(result["totalPrice"]) == [9111, 1000]
    assert list(result["state"]) == [1, 1]


def test_empty_frame_has_same_columns_and_dtypes(ac):
    full = ac.orders.frame()
    empty = ac.orders.frame(customerid=7)
    assert len(empty) == 0
    assert list(empty.columns) == list(full.columns)
    assert list(empty.dtypes) == list(full.dtypes)


def test_customer_and_order_frames_join_on_customer_id(ac):
    customers = ac.customers.frame()
    orders = ac.orders.frame()
    assert orders["customerid"].dtype == customers.index.dtype
    joined = orders.merge(
        customers,
        left_on="customerid",
        right_index=True,
        how="left",
        suffixes=("", "_customer"),
        validate="many_to_one",
    )
    assert len(joined) == len(orders)
    assert joined["email_customer"].notna().all()
    assert (joined["connectionid"] == joined["connectionid_customer"]).all()
