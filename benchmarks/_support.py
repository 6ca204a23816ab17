"""Shared steps of the benchmarks: sandboxes with seeded data, timing, output.

Every benchmark prints one ``name=value`` line per measurement, so runs can
be compared with ``diff`` or collected with ``grep``.
"""

from __future__ import annotations

import os
import platform
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import requests

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer

#: Requests per second an account allows, and records per list page.
RATE = 5
PAGE_SIZE = 100

#: Seconds every sandbox response is delayed in the network benchmarks.
LATENCY = 0.25

#: Seconds to wait between runs so that the sandbox's token bucket refills.
REFILL = 2.0


def emit(name: str, value: Any) -> None:
    """Print one measurement as ``name=value``."""
    if isinstance(value, float):
        value = f"{value:.3f}"
    print(f"{name}={value}", flush=True)


def emit_machine() -> None:
    """Print the machine and library versions the numbers come from."""
    emit("machine_cpus", os.cpu_count())
    emit("machine_cpu", _cpu_model())
    emit("python", platform.python_version())
    emit("pandas", pd.__version__)
    emit("requests", requests.__version__)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


@contextmanager
def timed() -> Iterator[list[float]]:
    """Measure the block's wall time in seconds into the yielded one-item list."""
    elapsed = [0.0]
    started = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed[0] = time.perf_counter() - started


def customer_row(n: int, connectionid: int) -> dict[str, Any]:
    """Return one stored customer row for ``Store.insert_many``."""
    email = f"bench{n}@example.com"
    return {
        "connectionid": connectionid,
        "externalid": f"BENCH-{n}",
        "email": email,
        "email_lower": email,
        "acceptsMarketing": "1" if n % 3 == 0 else "0",
        "totalRevenue": (n * 137) % 50_000,
        "totalOrders": n % 7,
        "totalProducts": n % 11,
        "avgRevenuePerOrder": (n * 37) % 9_000,
        "avgProductCategory": ("Music", "Books", "")[n % 3],
        "tstamp": "2024-03-01T10:23:22-06:00",
    }


@contextmanager
def seeded_sandbox(customers: int) -> Iterator[tuple[SandboxServer, int]]:
    """Run an empty sandbox with one connection and ``customers`` customers.

    The data goes in with the rate limit off; the caller then sets
    ``rate_limit`` and ``latency``. Yields the server and the connection id.
    """
    with SandboxServer(dataset="empty", rate_limit=None) as server:
        with acn.Session(server.url, server.api_key, rate_limit=None) as ac:
            store = ac.connections.create(
                service="bench",
                externalid="bench-store",
                name="Bench store",
                logoUrl="https://example.com/logo.png",
                linkUrl="https://example.com/",
            )
        connectionid = int(store.id or 0)
        rows = (customer_row(n, connectionid) for n in range(customers))
        server.store.insert_many("ecomCustomers", rows)
        yield server, connectionid


def statuses(server: SandboxServer) -> Counter[int | None]:
    """Count the statuses of the API responses the sandbox has sent."""
    return Counter(request.status for request in server.received.snapshot())


def throttle_slowly(server: SandboxServer) -> None:
    """Turn on the account's rate limit and latency, then let the bucket fill."""
    server.rate_limit = RATE
    server.latency = LATENCY
    time.sleep(REFILL)
