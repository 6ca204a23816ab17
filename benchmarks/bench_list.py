"""Benchmark: list 5,000 customers at 5 requests/s and 250 ms per round trip.

Runs a plain sequential ``requests`` loop over the pages and then
``Session.customers.list()`` against the same sandbox, and prints records
per second and the share of the ceiling (5 requests/s x 100 records a page
= 500 records/s) for each, the 429 responses each run drew, and whether
both fetched the same ids in the same order.

    python benchmarks/bench_list.py
"""

from __future__ import annotations

import time
from typing import Any

import requests
from _support import (
    PAGE_SIZE,
    RATE,
    REFILL,
    emit,
    emit_machine,
    seeded_sandbox,
    statuses,
    throttle_slowly,
    timed,
)

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer

CUSTOMERS = 5_000
CEILING = RATE * PAGE_SIZE


def sequential_ids(server: SandboxServer) -> tuple[list[str], int]:
    """Fetch every page one after another; wait out any 429 and count it."""
    ids: list[str] = []
    rejected = 0
    with requests.Session() as http:
        http.headers["Api-Token"] = server.api_key
        offset = 0
        while True:
            page = _get_page(http, server.url, offset)
            if page is None:
                rejected += 1
                time.sleep(1.0)
                continue
            ids.extend(item["id"] for item in page["ecomCustomers"])
            offset += PAGE_SIZE
            if offset >= int(page["meta"]["total"]):
                return ids, rejected


def _get_page(http: requests.Session, url: str, offset: int) -> Any:
    response = http.get(
        f"{url}/api/3/ecomCustomers",
        params={"limit": PAGE_SIZE, "offset": offset},
        timeout=30,
    )
    if response.status_code == 429:
        return None
    response.raise_for_status()
    return response.json()


def main() -> None:
    emit_machine()
    emit("list_customers", CUSTOMERS)
    emit("list_latency_s", 0.25)
    with seeded_sandbox(CUSTOMERS) as (server, _):
        throttle_slowly(server)

        server.received.clear()
        with timed() as baseline:
            expected, baseline_429 = sequential_ids(server)
        baseline_rate = len(expected) / baseline[0]

        time.sleep(REFILL)
        server.received.clear()
        with acn.Session(server.url, server.api_key, rate_limit=RATE) as ac:
            with timed() as ours:
                rows = ac.customers.list(progress=False)
            throttle = ac.throttle_state()
        ours_429 = statuses(server)[429]
        ours_rate = len(rows) / ours[0]

    emit("list_sequential_seconds", baseline[0])
    emit("list_sequential_records_per_s", baseline_rate)
    emit("list_sequential_429", baseline_429)
    emit("list_ours_seconds", ours[0])
    emit("list_ours_records_per_s", ours_rate)
    emit("list_ours_429", ours_429)
    emit("list_ours_throttle_empty_quota", throttle["observed_empty"])
    emit("list_identical_to_sequential", [str(i) for i in rows.ids] == expected)
    emit("ratio_of_ceiling_list_sequential", baseline_rate / CEILING)
    emit("ratio_of_ceiling_list_ours", ours_rate / CEILING)
    emit("ratio_list_ours_over_sequential", ours_rate / baseline_rate)


if __name__ == "__main__":
    main()
