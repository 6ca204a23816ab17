"""Sandbox store, datasets and command line: reuse, concurrency, demo data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from ac_notebook.sandbox import DATASETS, SandboxServer, Store, register_dataset

ROOT = Path(__file__).resolve().parents[1]
CONNECTION = {
    "service": "shop",
    "externalid": "s1",
    "name": "Shop",
    "logoUrl": "https://shop.example.com/logo.png",
    "linkUrl": "https://shop.example.com",
}


def call(
    server: SandboxServer, method: str, path: str, body: Any = None
) -> requests.Response:
    return requests.request(
        method,
        f"{server.url}/api/3/{path}",
        json=body,
        headers={"Api-Token": server.api_key},
        timeout=10,
    )


def customer_fields(number: int) -> dict[str, Any]:
    return {
        "ecomCustomer": {
            "connectionid": "1",
            "externalid": f"C-{number}",
            "email": f"c{number}@example.com",
        }
    }


def test_file_store_reused_on_restart(tmp_path):
    db = tmp_path / "sandbox.sqlite3"
    with SandboxServer(dataset="empty", db=db, rate_limit=None) as server:
        call(server, "POST", "connections", {"connection": CONNECTION})
        created = call(server, "POST", "ecomCustomers", customer_fields(1)).json()

    with SandboxServer(dataset="empty", db=db, rate_limit=None) as server:
        assert server.store.count("ecomCustomers") == 1
        record = call(server, "GET", f"ecomCustomers/{created['ecomCustomer']['id']}")
        assert record.json()["ecomCustomer"]["email"] == "c1@example.com"
        second = call(server, "POST", "ecomCustomers", customer_fields(2)).json()
        assert second["ecomCustomer"]["id"] == "2"


def test_new_file_store_gets_dataset(tmp_path):
    with SandboxServer(dataset="demo", db=tmp_path / "new.sqlite3") as server:
        assert server.store.count("connections") == 2
        assert server.store.get_setting("dataset") == "demo"


def test_in_memory_store_starts_fresh():
    with SandboxServer(dataset="demo", rate_limit=None) as server:
        call(server, "DELETE", "ecomCustomers/1")
    with SandboxServer(dataset="demo", rate_limit=None) as server:
        assert call(server, "GET", "ecomCustomers/1").status_code == 200


def test_concurrent_writers_lose_nothing(empty_server):
    call(empty_server, "POST", "connections", {"connection": CONNECTION})
    statuses: list[int] = []

    def write(worker: int) -> None:
        with requests.Session() as session:
            for number in range(25):
                response = session.post(
                    f"{empty_server.url}/api/3/ecomCustomers",
                    json=customer_fields(worker * 100 + number),
                    headers={"Api-Token": empty_server.api_key},
                    timeout=30,
                )
                statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 200
    assert empty_server.store.count("ecomCustomers") == 200
    ids = empty_server.store.ids("ecomCustomers", [])
    assert ids == list(range(1, 201))


def test_concurrent_orders_keep_aggregates(empty_server):
    call(empty_server, "POST", "connections", {"connection": CONNECTION})
    call(empty_server, "POST", "ecomCustomers", customer_fields(1))

    def write(worker: int) -> None:
        for number in range(10):
            order = {
                "externalid": f"O-{worker}-{number}",
                "source": "0",
                "email": "c1@example.com",
                "totalPrice": 100 + worker,
                "currency": "USD",
                "connectionid": "1",
                "customerid": "1",
                "orderProducts": [
                    {"externalid": "P", "name": "P", "price": 100, "quantity": 2}
                ],
            }
            call(empty_server, "POST", "ecomOrders", {"ecomOrder": order})

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    record = call(empty_server, "GET", "ecomCustomers/1").json()["ecomCustomer"]
    assert record["totalOrders"] == "60"
    assert record["totalRevenue"] == str(sum((100 + w) * 10 for w in range(6)))
    assert record["totalProducts"] == "120"


def test_demo_has_edge_cases(server):
    def customer(row_id: int) -> dict[str, Any]:
        body: dict[str, Any] = call(server, "GET", f"ecomCustomers/{row_id}").json()
        return body["ecomCustomer"]

    assert server.store.count("connections") == 2
    assert server.store.count("ecomCustomers") == 12
    assert customer(1)["email"] == customer(2)["email"]
    assert (customer(1)["connection"], customer(2)["connection"]) == ("1", "2")
    assert customer(3)["externalid"] == "0"
    assert customer(4)["connection"] is None
    assert "+" in customer(5)["email"]
    assert customer(6)["email"] == "zoë@例え.jp"
    assert len(customer(8)["email"]) > 60
    assert customer(9)["externalid"] == "guest"


def test_demo_aggregates(server):
    expected = {
        1: ("6248", "2", "5", "3124", "Books"),
        7: ("0", "0", "0", "0", ""),
        8: ("16900", "1", "3", "16900", "Accessories"),
        11: ("0", "0", "0", "0", ""),
        12: ("10596", "2", "4", "5298", "Music"),
    }
    for row_id, values in expected.items():
        record = call(server, "GET", f"ecomCustomers/{row_id}").json()["ecomCustomer"]
        names = (
            "totalRevenue",
            "totalOrders",
            "totalProducts",
            "avgRevenuePerOrder",
            "avgProductCategory",
        )
        assert tuple(record[name] for name in names) == values, row_id


def test_store_recomputes_all_customers():
    store = Store()
    customer_id = store.insert(
        "ecomCustomers", {"connectionid": 0, "email": "a@example.com"}
    )
    for price, state in ((1000, 1), (501, 1), (9999, 2)):
        store.insert(
            "ecomOrders",
            {"customerid": customer_id, "totalPrice": price, "state": state},
        )
    store.recompute_customers()
    row = store.fetch("ecomCustomers", customer_id)
    store.close()
    assert row is not None
    assert (row["totalRevenue"], row["totalOrders"], row["avgRevenuePerOrder"]) == (
        1501,
        2,
        750,
    )


def test_store_rejects_unknown_table_and_column():
    store = Store()
    with pytest.raises(KeyError, match="unknown table"):
        store.count("contacts")
    with pytest.raises(KeyError, match="unknown columns"):
        store.insert("ecomCustomers", {"email; DROP TABLE x": 1})
    store.close()


def test_registered_dataset_loads():
    @register_dataset("one-connection")
    def load(store: Store) -> None:
        store.insert("connections", {"service": "s", "externalid": "e"})

    try:
        with SandboxServer(dataset="one-connection") as server:
            assert server.store.count("connections") == 1
    finally:
        del DATASETS["one-connection"]


def test_unknown_dataset_raises():
    expected = "unknown dataset 'nope'; choose one of: cdnow, demo, empty"
    with pytest.raises(ValueError, match=expected):
        SandboxServer(dataset="nope").start()


def run_module(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ac_notebook.sandbox", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_help_runs():
    result = run_module("--help")
    assert result.returncode == 0
    assert "--rate-limit R" in result.stdout
    assert "requests per second" in result.stdout
    assert "seconds to wait before handling each API request" in result.stdout


def test_cli_rejects_bad_rate_limit():
    result = run_module("--rate-limit", "fast")
    assert result.returncode == 2
    assert "expected a number of requests per second or 'off'" in result.stderr


def test_cli_serves_until_interrupted():
    command = [
        sys.executable,
        "-m",
        "ac_notebook.sandbox",
        "--api-key",
        "cli-key",
        "--rate-limit",
        "off",
    ]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split(" at ")[1].strip()
            key_line = process.stdout.readline().strip()
            connect_line = process.stdout.readline().strip()
            headers = {"Api-Token": "cli-key"}
            response = requests.get(
                f"{url}/api/3/connections", headers=headers, timeout=10
            )
        finally:
            process.send_signal(signal.SIGINT)
            returncode = process.wait(timeout=30)

    assert key_line == "API key: cli-key"
    assert connect_line == f"Connect: ac_notebook.Session({url!r}, 'cli-key')"
    assert response.json()["meta"]["total"] == "2"
    assert returncode == 0


def test_import_stays_light():
    code = (
        "import sys, ac_notebook.sandbox; "
        "print(sorted(m for m in ('pandas', 'ipywidgets') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.strip() == "[]"
