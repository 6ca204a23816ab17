"""Benchmark: start a Session on the embedded sandbox, per dataset.

For ``demo`` and ``cdnow`` it times ``Session.sandbox(dataset)`` until it
returns (the store is filled and the server listens), then the first
``customers.list(limit=100)`` on the new Session, and the close. The
sandbox keeps its data in memory, so every start loads the dataset anew.
It prints the best of ``--repeat`` starts for each dataset.

    python benchmarks/bench_start.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

from _support import emit, emit_machine

import ac_notebook as acn

DATASETS = ("demo", "cdnow")


def start_once(dataset: str) -> tuple[float, float, float]:
    """Return the seconds to start, to fetch the first page and to close."""
    started = time.perf_counter()
    ac = acn.Session.sandbox(dataset)
    ready = time.perf_counter()
    ac.customers.list(limit=100, progress=False)
    listed = time.perf_counter()
    ac.close()
    closed = time.perf_counter()
    return ready - started, listed - ready, closed - listed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    emit_machine()
    for dataset in DATASETS:
        runs = [start_once(dataset) for _ in range(args.repeat)]
        start, first_page, close = (min(column) for column in zip(*runs, strict=True))
        emit(f"start_{dataset}_seconds", start)
        emit(f"start_{dataset}_first_page_seconds", first_page)
        emit(f"start_{dataset}_close_seconds", close)


if __name__ == "__main__":
    main()
