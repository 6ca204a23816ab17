"""Benchmark: local cost of a typed DataFrame from 100,000 decoded customers.

Compares, on the same in-memory records in the API's wire shape:

- ``RecordList.to_frame()`` on a list that already contains the records;
- wrapping each decoded JSON object in a ``Record`` and then ``to_frame()``,
  which is everything ``list()`` adds after decoding a page;
- the baseline: ``pandas.DataFrame(records)`` plus the same dtype
  conversion written by hand (``hand_written_frame`` in bench_repr.py).

It prints the best of ``--repeat`` wall times and the peak of memory
allocated during each step (``tracemalloc``, in a separate pass, because
tracing slows Python code down), and each one's ratio to the baseline.

    python benchmarks/bench_frame.py [--records 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from _support import emit, emit_machine
from bench_repr import customer, hand_written_frame

from ac_notebook import Record, RecordList
from ac_notebook._properties import CUSTOMERS


def best_time(repeat: int, action: Callable[[], Any]) -> float:
    """Return the shortest of ``repeat`` wall times of ``action``, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def peak_bytes(action: Callable[[], Any]) -> int:
    """Return the peak of memory allocated while ``action`` runs, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    raws = [customer(n) for n in range(1, args.records + 1)]
    rows = RecordList(CUSTOMERS, [Record(CUSTOMERS, raw) for raw in raws])

    def wrap_and_convert() -> Any:
        records = [Record(CUSTOMERS, raw) for raw in raws]
        return RecordList(CUSTOMERS, records).to_frame()

    def baseline() -> Any:
        return hand_written_frame(raws)

    emit_machine()
    emit("frame_records", args.records)
    steps = {"pandas": baseline, "to_frame": rows.to_frame, "wrap": wrap_and_convert}
    times = {name: best_time(args.repeat, step) for name, step in steps.items()}
    peaks = {name: peak_bytes(step) for name, step in steps.items()}

    for name in steps:
        emit(f"frame_{name}_seconds", times[name])
        emit(f"frame_{name}_peak_mib", peaks[name] / 2**20)
    for name in ("to_frame", "wrap"):
        emit(f"ratio_frame_time_{name}_over_pandas", times[name] / times["pandas"])
        emit(f"ratio_frame_peak_{name}_over_pandas", peaks[name] / peaks["pandas"])

    ours = rows.to_frame().dtypes.astype(str).to_dict()
    expected = baseline().dtypes.astype(str).to_dict()
    emit("frame_dtypes_match_baseline", ours == expected)


if __name__ == "__main__":
    main()
