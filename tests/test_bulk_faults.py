"""Bulk writes under injected faults: nothing lost, nothing duplicated.

Faults hit a share of requests, so which rows meet them depends on thread
timing. The checks hold for any such draw. Every input row is reported, no
record is ever stored twice, and a row reported as written is stored with
the input's values. Running the same input again converges on a store that
contains each input row exactly once.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer

ROWS = 24
DEMO_CUSTOMERS = 12
#: Runs of the same input allowed before the store must match it.
MAX_RUNS = 6
RETRY_NOW = {"Retry-After": "0"}

FAULTS: dict[str, list[dict[str, Any]]] = {
    "drop_after": [{"kind": "drop_after", "share": 0.3}],
    "stall_after": [{"kind": "stall_after", "share": 0.3, "seconds": 1.0}],
    "5xx": [
        {"kind": "status", "status": 503, "share": 0.15},
        {"kind": "status", "status": 500, "share": 0.15},
    ],
    "429_storm": [
        {"kind": "status", "status": 429, "share": 0.5, "headers": RETRY_NOW}
    ],
    "mixed": [
        {"kind": "drop_after", "share": 0.1},
        {"kind": "stall_after", "share": 0.1, "seconds": 1.0},
        {"kind": "status", "status": 502, "share": 0.1},
        {"kind": "truncated_json", "share": 0.1},
        {"kind": "status", "status": 429, "share": 0.2, "headers": RETRY_NOW},
    ],
}


@pytest.fixture
def ac_faulty(server):
    """A Session with a short read timeout and a roomy retry budget."""
    session = acn.Session(
        server.url, server.api_key, rate_limit=None, timeout=(2.0, 0.3)
    )
    with session:
        session.client.retry = fast_retry(max_retries=6)
        yield session


def inject(server: SandboxServer, name: str, method: str | None) -> None:
    server.faults.seed(5)
    for fault in FAULTS[name]:
        server.faults.add(**fault, method=method, route="ecomCustomers")


def new_rows() -> list[dict[str, Any]]:
    return [
        {
            "email": f"bulk{n}@example.com",
            "connectionid": 1,
            "externalid": f"BF-{n}",
            "acceptsMarketing": "1" if n % 2 else "0",
        }
        for n in range(ROWS)
    ]


def stored_by_externalid(server: SandboxServer) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in server.store.find("ecomCustomers"):
        found.setdefault(row["externalid"], []).append(row)
    return found


def check_report(report: pd.DataFrame, allowed: set[str]) -> None:
    """Assert one report row per input row, each with a status and its reason."""
    assert list(report.index) == list(range(ROWS))
    assert set(report["status"]) <= allowed
    failed = report[report["status"] == "failed"]
    assert failed["error"].notna().all()
    written = report[report["status"] != "failed"]
    assert written["id"].notna().all()
    assert written["error"].isna().all()


def check_no_duplicates(server: SandboxServer, rows: list[dict[str, Any]]) -> None:
    stored = stored_by_externalid(server)
    for row in rows:
        assert len(stored.get(row["externalid"], [])) <= 1, row["externalid"]
    assert server.store.count("ecomCustomers") <= DEMO_CUSTOMERS + ROWS


def check_written_rows(
    server: SandboxServer, report: pd.DataFrame, rows: list[dict[str, Any]]
) -> None:
    """Assert that every row reported as written is stored with its values."""
    stored = stored_by_externalid(server)
    for position, row in enumerate(rows):
        if report.loc[position, "status"] == "failed":
            continue
        (record,) = stored[row["externalid"]]
        assert record["id"] == report.loc[position, "id"]
        assert record["email"] == row["email"]
        assert str(record["acceptsMarketing"]) == row["acceptsMarketing"]


def check_store_equals_input(server: SandboxServer, rows: list[dict[str, Any]]) -> None:
    stored = stored_by_externalid(server)
    for row in rows:
        (record,) = stored[row["externalid"]]
        assert record["email"] == row["email"]
        assert str(record["acceptsMarketing"]) == row["acceptsMarketing"]
    assert server.store.count("ecomCustomers") == DEMO_CUSTOMERS + ROWS


def upsert_until_settled(
    ac: acn.Session, server: SandboxServer, rows: list[dict[str, Any]]
) -> list[pd.DataFrame]:
    reports = []
    for _ in range(MAX_RUNS):
        report = ac.customers.upsert_many(rows, progress=False)
        reports.append(report)
        check_report(report, {"created", "updated", "unchanged", "failed"})
        check_no_duplicates(server, rows)
        check_written_rows(server, report, rows)
        if not (report["status"] == "failed").any():
            break
    return reports


@pytest.mark.parametrize("fault", list(FAULTS))
def test_create_many_under_faults_never_duplicates(ac_faulty, server, fault):
    rows = new_rows()
    inject(server, fault, "POST")
    report = ac_faulty.customers.create_many(rows, progress=False)
    check_report(report, {"created", "failed"})
    check_no_duplicates(server, rows)
    check_written_rows(server, report, rows)
    assert any(fault.applied for fault in server.faults)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_upsert_many_under_faults_settles_exactly_once(ac_faulty, server, fault):
    rows = new_rows()
    inject(server, fault, None)
    reports = upsert_until_settled(ac_faulty, server, rows)
    assert not (reports[-1]["status"] == "failed").any()
    check_store_equals_input(server, rows)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_second_upsert_under_faults_creates_nothing(ac_faulty, server, fault):
    rows = new_rows()
    first = ac_faulty.customers.upsert_many(rows, progress=False)
    assert set(first["status"]) == {"created"}
    server.received.clear()
    inject(server, fault, None)
    second = ac_faulty.customers.upsert_many(rows, progress=False)
    check_report(second, {"unchanged", "failed"})
    assert [r for r in server.received if r.method == "POST"] == []
    unchanged = second["status"] == "unchanged"
    assert list(second["id"][unchanged]) == list(first["id"][unchanged])
    check_store_equals_input(server, rows)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_update_many_under_faults_applies_each_row(ac_faulty, server, fault):
    rows = [
        {"id": n, "externalid": f"UF-{n}", "acceptsMarketing": "1"}
        for n in range(1, DEMO_CUSTOMERS + 1)
    ]
    inject(server, fault, "PUT")
    report = ac_faulty.customers.update_many(rows, progress=False)
    assert list(report.index) == list(range(DEMO_CUSTOMERS))
    assert set(report["status"]) <= {"updated", "failed"}
    for position, row in enumerate(rows):
        stored = server.store.fetch("ecomCustomers", row["id"])
        if report.loc[position, "status"] == "updated":
            assert stored["externalid"] == row["externalid"]
            assert report.loc[position, "id"] == row["id"]
        else:
            assert report.loc[position, "error"]
    assert server.store.count("ecomCustomers") == DEMO_CUSTOMERS


def test_create_many_from_frame_under_drops_reports_every_row(ac_faulty, server):
    frame = pd.DataFrame(new_rows())
    inject(server, "mixed", "POST")
    report = ac_faulty.customers.create_many(frame, progress=False)
    check_report(report, {"created", "failed"})
    assert list(report["externalid"]) == list(frame["externalid"])
    check_no_duplicates(server, new_rows())


def test_create_many_persistent_5xx_fails_every_row_once(ac_faulty, server):
    rows = new_rows()[:5]
    server.faults.add("status", status=500, method="POST")
    report = ac_faulty.customers.create_many(rows, progress=False)
    assert list(report["status"]) == ["failed"] * 5
    assert report["error"].str.contains("status 500").all()
    assert server.store.count("ecomCustomers") == DEMO_CUSTOMERS


def test_create_many_persistent_drop_after_creates_each_once(ac_faulty, server):
    rows = new_rows()[:6]
    server.faults.add("drop_after", method="POST")
    report = ac_faulty.customers.create_many(rows, progress=False)
    assert list(report["status"]) == ["created"] * 6
    assert len([r for r in server.received if r.method == "POST"]) == 6
    stored = stored_by_externalid(server)
    assert all(len(stored[row["externalid"]]) == 1 for row in rows)
