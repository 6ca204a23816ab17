"""Benchmark: load the cdnow dataset and start the sandbox on it.

Times, best of ``--repeat`` runs each:

- ``load_memory``: ``load_dataset("cdnow")`` into a new in-memory store;
- ``load_file``: the same into a new SQLite file store;
- ``start_reused_file``: ``SandboxServer(dataset="cdnow", db=...)`` start on
  the file that an earlier start filled, which loads nothing;
- ``fetch_frames``: ``customers.frame()`` and ``orders.frame()`` over HTTP
  with the rate limit off, as ``03_customer_analysis.ipynb`` does.

    python benchmarks/bench_cdnow_load.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _support import emit, emit_machine, timed

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer, Store, load_dataset


def load_memory() -> float:
    with timed() as elapsed:
        store = Store(None)
        load_dataset("cdnow", store)
    store.close()
    return elapsed[0]


def load_file(folder: Path, run: int) -> float:
    with timed() as elapsed:
        store = Store(folder / f"load-{run}.sqlite3")
        load_dataset("cdnow", store)
        store.close()
    return elapsed[0]


def start_reused_file(db: Path) -> float:
    with timed() as elapsed:
        server = SandboxServer(dataset="cdnow", db=db, rate_limit=None).start()
    server.stop()
    return elapsed[0]


def fetch_frames(db: Path) -> tuple[float, int, int]:
    with acn.Session.sandbox("cdnow", db=db, rate_limit=None) as ac, timed() as t:
        customers = ac.customers.frame(progress=False)
        orders = ac.orders.frame(progress=False)
    return t[0], len(customers), len(orders)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    emit_machine()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        emit("load_memory_seconds", min(load_memory() for _ in range(args.repeat)))
        runs = [load_file(folder, run) for run in range(args.repeat)]
        emit("load_file_seconds", min(runs))

        reused = folder / "load-0.sqlite3"
        starts = [start_reused_file(reused) for _ in range(args.repeat)]
        emit("start_reused_file_seconds", min(starts))

        fetches = [fetch_frames(reused) for _ in range(args.repeat)]
        emit("fetch_frames_seconds", min(seconds for seconds, _, _ in fetches))
        emit("fetch_frames_customers", fetches[0][1])
        emit("fetch_frames_orders", fetches[0][2])


if __name__ == "__main__":
    main()
