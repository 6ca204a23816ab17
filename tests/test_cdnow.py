"""The cdnow dataset: package data, counts, aggregates and the reused file store."""

import gzip
import logging
from collections import defaultdict
from importlib import resources

import pytest
import requests

import ac_notebook as acn
from ac_notebook.sandbox import (
    Condition,
    SandboxServer,
    Store,
    dataset_cache_path,
    load_dataset,
)

CUSTOMERS = 23_570
PURCHASES = 69_659


def read_data_file():
    """Return the purchase lines of the packaged file, parsed with no package code."""
    data = resources.files("ac_notebook.sandbox") / "data" / "cdnow_master.txt.gz"
    lines = gzip.decompress(data.read_bytes()).decode("ascii").splitlines()
    rows = []
    for line in lines[1:]:
        customer, date, cds, dollars = line.split()
        whole, fraction = dollars.split(".")
        rows.append((int(customer), date, int(cds), int(whole) * 100 + int(fraction)))
    return rows


@pytest.fixture(scope="module")
def purchases():
    return read_data_file()


@pytest.fixture(scope="module")
def store():
    loaded = Store(None)
    load_dataset("cdnow", loaded)
    yield loaded
    loaded.close()


def test_data_file_has_documented_size(purchases):
    assert len(purchases) == PURCHASES
    assert len({row[0] for row in purchases}) == CUSTOMERS
    assert min(row[1] for row in purchases) == "19970101"
    assert max(row[1] for row in purchases) == "19980630"


def test_attribution_ships_next_to_data():
    folder = resources.files("ac_notebook.sandbox") / "data"
    note = (folder / "CDNOW_LICENSE.txt").read_text(encoding="utf-8")
    assert "lifetimes" in note
    assert "MIT License" in note
    assert "Copyright (c) 2015, Cameron Davidson-Pilon" in note
    assert "Fader, Peter S., Bruce G. S. Hardie and Ka Lok Lee (2005)" in note


def test_store_counts(store):
    assert store.count("connections") == 1
    assert store.count("ecomCustomers") == CUSTOMERS
    assert store.count("ecomOrders") == PURCHASES
    assert store.count("ecomOrderProducts") == PURCHASES


def test_zero_value_purchases_stay_in(store, purchases):
    zero = sum(1 for row in purchases if row[3] == 0)
    assert zero == 80
    rows = store.find("ecomOrders", [Condition("totalPrice", 0)])
    assert len(rows) == zero


def test_aggregates_match_the_data(store, purchases):
    revenue = defaultdict(int)
    orders = defaultdict(int)
    cds = defaultdict(int)
    for customer, _, count, cents in purchases:
        revenue[customer] += cents
        orders[customer] += 1
        cds[customer] += count
    stored = store.find("ecomCustomers")
    assert len(stored) == len(revenue)
    for row in stored:
        customer = int(row["externalid"])
        assert row["totalRevenue"] == revenue[customer], customer
        assert row["totalOrders"] == orders[customer], customer
        assert row["totalProducts"] == cds[customer], customer
        assert row["avgRevenuePerOrder"] == revenue[customer] // orders[customer]
        assert row["avgProductCategory"] == "Music"


def test_orders_follow_the_data(store, purchases):
    first, last = store.fetch("ecomOrders", 1), store.fetch("ecomOrders", PURCHASES)
    assert (first["customerid"], first["totalPrice"]) == (1, 1177)
    assert first["externalCreatedDate"] == "1997-01-01T00:00:00-06:00"
    assert first["totalProducts"] == 1
    assert (last["customerid"], last["totalPrice"]) == (23570, 4296)
    assert last["externalid"] == "23570-2"
    assert last["orderDate"] == "1997-03-26T00:00:00-06:00"
    assert store.fetch("ecomOrderProducts", PURCHASES)["category"] == "Music"


def test_emails_are_generated_and_unique(store):
    emails = [row["email"] for row in store.find("ecomCustomers")]
    assert len(set(emails)) == CUSTOMERS
    assert emails[0] == "cdnow-00001@example.com"
    assert all(email.endswith("@example.com") for email in emails)


def test_loading_into_filled_store_adds_nothing(store):
    load_dataset("cdnow", store)
    assert store.count("ecomOrders") == PURCHASES
    assert store.count("connections") == 1


def test_file_store_reused_on_next_start(tmp_path, caplog):
    db = tmp_path / "cdnow.sqlite3"
    with SandboxServer(dataset="cdnow", db=db, rate_limit=None) as server:
        response = requests.delete(
            f"{server.url}/api/3/ecomOrders/1",
            headers={"Api-Token": server.api_key},
            timeout=10,
        )
        assert response.status_code == 200

    caplog.set_level(logging.INFO, logger="ac_notebook.sandbox")
    with SandboxServer(dataset="cdnow", db=db, rate_limit=None) as server:
        assert server.store.count("ecomOrders") == PURCHASES - 1
        assert server.store.get_setting("dataset") == "cdnow"
    assert any("Reusing the data" in r.getMessage() for r in caplog.records)


def test_cache_path_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AC_NOTEBOOK_CACHE", str(tmp_path / "cache"))
    path = dataset_cache_path("cdnow")
    assert path == tmp_path / "cache" / "cdnow.sqlite3"
    assert path.parent.is_dir()


def test_cache_path_uses_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv("AC_NOTEBOOK_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert dataset_cache_path("demo") == tmp_path / "ac_notebook" / "demo.sqlite3"


def test_cache_path_of_unknown_dataset_raises():
    with pytest.raises(ValueError) as info:
        dataset_cache_path("cdnoww")
    assert "cdnow" in str(info.value)


def test_top_customer_over_http(purchases):
    revenue = defaultdict(int)
    for customer, _, _, cents in purchases:
        revenue[customer] += cents
    top = max(revenue, key=revenue.__getitem__)
    with acn.Session.sandbox("cdnow", rate_limit=None) as ac:
        customer = ac.customers.list(externalid=str(top))[0]
        orders = customer.orders()
    assert customer.totalRevenue == revenue[top]
    assert sum(order.totalPrice for order in orders) == revenue[top]
    assert len(orders) == sum(1 for row in purchases if row[0] == top)
