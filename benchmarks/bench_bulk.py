"""Benchmark: creates and gets at 5 requests/s and 250 ms per round trip.

Runs, against one sandbox:

- ``Session.customers.create_many`` of 200 customers, against the ceiling of
  5 creates a second, checking that no customer was created twice;
- a plain sequential ``requests`` loop of creates;
- the GearPlug ``activecampaign-python`` client, installed with ``pip
  install activecampaign-python``. It has no throttle, no retry and no
  customer list, so it runs a sequential create loop, the same loop in 6
  threads, and a get loop. The 429 bodies it returns as results are
  counted as failures;
- a sequential ``Session.customers.get`` loop.

    python benchmarks/bench_bulk.py
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from _support import (
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

OURS_CREATES = 200
BASELINE_CREATES = 60
GETS = 40
GEARPLUG_THREADS = 6


def customers(prefix: str, count: int, connectionid: int) -> list[dict[str, Any]]:
    return [
        {
            "connectionid": str(connectionid),
            "externalid": f"{prefix}-{n}",
            "email": f"{prefix}{n}@example.com",
        }
        for n in range(count)
    ]


def requests_creates(server: SandboxServer, rows: list[dict[str, Any]]) -> int:
    """Create rows one after another; wait out any 429, send again, count it."""
    rejected = 0
    with requests.Session() as http:
        http.headers["Api-Token"] = server.api_key
        for row in rows:
            while True:
                response = http.post(
                    f"{server.url}/api/3/ecomCustomers",
                    json={"ecomCustomer": row},
                    timeout=30,
                )
                if response.status_code != 429:
                    response.raise_for_status()
                    break
                rejected += 1
                time.sleep(1.0)
    return rejected


def gearplug_client(server: SandboxServer) -> Any:
    from activecampaign.client import Client

    return Client(server.url, server.api_key)


def is_rate_limited(result: Any) -> bool:
    """Tell whether a GearPlug result is the sandbox's 429 body."""
    return isinstance(result, dict) and result.get("message") == "Too Many Requests"


def gearplug_creates(
    server: SandboxServer, rows: list[dict[str, Any]], threads: int
) -> int:
    """Create rows with GearPlug in ``threads`` threads; return the 429 failures."""
    client = gearplug_client(server)

    def create(row: dict[str, Any]) -> Any:
        return client.deepdataintegrations.create_an_ecommerce_customer(
            {"ecomCustomer": row}
        )

    with ThreadPoolExecutor(max_workers=threads) as executor:
        results = list(executor.map(create, rows))
    return sum(is_rate_limited(result) for result in results)


def gearplug_gets(server: SandboxServer, ids: list[int]) -> int:
    client = gearplug_client(server)
    results = [
        client.deepdataintegrations.retrieve_an_ecommerce_customer(i) for i in ids
    ]
    return sum(is_rate_limited(result) for result in results)


def per_second(count: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``run`` once the bucket has refilled; return count per second and result."""
    time.sleep(REFILL)
    with timed() as elapsed:
        result = run()
    return count / elapsed[0], result


def stored_keys(ac: acn.Session, connectionid: int) -> Counter[tuple[str, str]]:
    """Count the stored customers of the connection by (externalid, email)."""
    return Counter(
        (record.raw["externalid"], record.email.lower())
        for record in ac.customers.list(connectionid=connectionid, progress=False)
    )


def main() -> None:
    emit_machine()
    with seeded_sandbox(0) as (server, connectionid):
        throttle_slowly(server)
        ac = acn.Session(server.url, server.api_key, rate_limit=RATE)

        ours = customers("ours", OURS_CREATES, connectionid)
        server.received.clear()
        ours_rate, report = per_second(
            OURS_CREATES, lambda: ac.customers.create_many(ours, progress=False)
        )
        ours_429 = statuses(server)[429]
        ids = [int(i) for i in report["id"].dropna()]

        plain = customers("plain", BASELINE_CREATES, connectionid)
        plain_rate, plain_429 = per_second(
            BASELINE_CREATES, lambda: requests_creates(server, plain)
        )
        gear = customers("gear", BASELINE_CREATES, connectionid)
        gear_rate, gear_429 = per_second(
            BASELINE_CREATES, lambda: gearplug_creates(server, gear, 1)
        )
        threaded = customers("gearthreads", BASELINE_CREATES, connectionid)
        threaded_rate, threaded_429 = per_second(
            BASELINE_CREATES,
            lambda: gearplug_creates(server, threaded, GEARPLUG_THREADS),
        )
        gear_get_rate, gear_get_429 = per_second(
            GETS, lambda: gearplug_gets(server, ids[:GETS])
        )
        ours_get_rate, _ = per_second(
            GETS, lambda: [ac.customers.get(i) for i in ids[:GETS]]
        )
        server.rate_limit = None
        keys = stored_keys(ac, connectionid)
        ac.close()

    ours_keys = {(row["externalid"], row["email"]) for row in ours}
    stored_once = sum(keys[key] == 1 for key in ours_keys)
    dupes = sum(count - 1 for count in keys.values())

    counts = report["status"].value_counts()
    emit("bulk_creates", OURS_CREATES)
    emit("bulk_ours_created", int(counts["created"]))
    emit("bulk_ours_failed", int(counts["failed"]))
    emit("bulk_ours_stored_exactly_once", stored_once)
    emit("bulk_duplicates", dupes)
    emit("bulk_ours_creates_per_s", ours_rate)
    emit("bulk_ours_429", ours_429)
    emit("bulk_requests_loop_creates_per_s", plain_rate)
    emit("bulk_requests_loop_429", plain_429)
    emit("bulk_gearplug_creates_per_s", gear_rate)
    emit("bulk_gearplug_429_failures", gear_429)
    emit("bulk_gearplug_6_threads_calls_per_s", threaded_rate)
    emit("bulk_gearplug_6_threads_created", BASELINE_CREATES - threaded_429)
    emit("bulk_gearplug_6_threads_429_failures", threaded_429)
    emit("get_ours_loop_per_s", ours_get_rate)
    emit("get_gearplug_loop_per_s", gear_get_rate)
    emit("get_gearplug_429_failures", gear_get_429)
    emit("ratio_of_ceiling_creates_ours", ours_rate / RATE)
    emit("ratio_of_ceiling_creates_requests_loop", plain_rate / RATE)
    emit("ratio_of_ceiling_creates_gearplug", gear_rate / RATE)
    emit("ratio_creates_ours_over_gearplug", ours_rate / gear_rate)
    emit("ratio_get_loop_ours_over_gearplug", ours_get_rate / gear_get_rate)


if __name__ == "__main__":
    main()
