"""Time the HTML repr and the DataFrame conversion of large record lists.

Run from the repository root:

    python benchmarks/bench_repr.py [--records 100000] [--repeat 5]

It starts no server and reads no network: the records are built in memory
in the shape the API sends (strings for ids, counts and cents, ISO 8601
times with offsets, ``links``). It prints one ``name=value`` line per
measurement, with two ratios:

- ``_repr_html_`` of N records against 10 records. Lists longer than 20
  rows show 15 (10 first, 5 last), so the ratio compares 15 rendered rows
  with 10; the time for 1,000 records shows that length adds nothing.
- ``RecordList.to_frame()`` against ``pandas.DataFrame(raws)`` followed by
  a hand-written conversion to the same dtypes.

Each conversion time is the best of ``--repeat`` runs, and each render time
the best of 20 times as many.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from _support import emit, emit_machine

from ac_notebook import Record, RecordList
from ac_notebook._properties import CUSTOMERS

CATEGORIES = ["Books", "Music", "Accessories", None, "Électronique <b>"]


def customer(n: int) -> dict[str, Any]:
    """Return customer ``n`` as the API sends it, with some nulls."""
    return {
        "connectionid": str(1 + n % 3),
        "externalid": f"C-{n:07d}",
        "email": f"customer{n}@example.com",
        "totalRevenue": str(n * 37 % 500_000),
        "totalOrders": str(n % 17),
        "totalProducts": str(n % 41),
        "avgRevenuePerOrder": str(n * 13 % 90_000),
        "avgProductCategory": CATEGORIES[n % len(CATEGORIES)],
        "tstamp": (
            f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:{n % 60:02d}:00-0{n % 7}:00"
        ),
        "acceptsMarketing": "1" if n % 3 else "0",
        "links": {
            "connection": f"/api/3/ecomCustomers/{n}/connection",
            "orders": f"/api/3/ecomCustomers/{n}/orders",
        },
        "id": str(n),
        "connection": None if n % 11 == 0 else str(1 + n % 3),
    }


def hand_written_frame(raws: list[dict[str, Any]]) -> pd.DataFrame:
    """Build the customers frame the obvious way: a DataFrame, then casts."""
    frame = pd.DataFrame(raws).drop(columns=["links"])
    for name in (
        "connectionid",
        "totalRevenue",
        "totalOrders",
        "totalProducts",
        "avgRevenuePerOrder",
        "connection",
        "id",
    ):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
    for name in ("externalid", "email", "avgProductCategory"):
        frame[name] = frame[name].astype("string")
    frame["acceptsMarketing"] = (
        frame["acceptsMarketing"].map({"1": True, "0": False}).astype("boolean")
    )
    frame["tstamp"] = pd.to_datetime(
        frame["tstamp"], utc=True, format="ISO8601"
    ).astype("datetime64[ns, UTC]")
    return frame.set_index("id")


def best_of(repeat: int, action: Callable[[], object]) -> float:
    """Return the shortest of ``repeat`` wall-clock times of ``action``, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    raws = [customer(n) for n in range(1, args.records + 1)]
    records = [Record(CUSTOMERS, raw) for raw in raws]
    large = RecordList(CUSTOMERS, records, total=len(records))
    small = RecordList(CUSTOMERS, records[:10], total=len(records))
    medium = RecordList(CUSTOMERS, records[:1000], total=len(records))

    emit_machine()
    emit("repr_records", args.records)

    # A render takes about a millisecond, so it is repeated more often.
    renders = args.repeat * 20
    small_html = best_of(renders, small._repr_html_)
    medium_html = best_of(renders, medium._repr_html_)
    large_html = best_of(renders, large._repr_html_)
    emit("repr_html_10_ms", small_html * 1000)
    emit("repr_html_1000_ms", medium_html * 1000)
    emit("repr_html_large_ms", large_html * 1000)
    emit("repr_html_large_bytes", len(large._repr_html_()))
    emit("ratio_repr_html_large_over_10", large_html / small_html)

    ours = best_of(args.repeat, large.to_frame)
    baseline = best_of(args.repeat, lambda: hand_written_frame(raws))
    emit("to_frame_seconds", ours)
    emit("hand_written_frame_seconds", baseline)
    emit("ratio_to_frame_over_hand_written", ours / baseline)

    check = large.to_frame().dtypes.astype(str).to_dict()
    expected = hand_written_frame(raws[:10]).dtypes.astype(str).to_dict()
    emit("to_frame_dtypes_match_hand_written", check == expected)


if __name__ == "__main__":
    main()
