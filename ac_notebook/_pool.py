"""A small thread pool for concurrent API calls under the shared throttle.

Concurrency hides latency, not the rate limit: the throttle still spaces every
request start ``1 / rate`` seconds apart, so more workers never send more than
``rate`` requests a second. Enough workers to keep ``rate`` requests in flight
for ``EXPECTED_LATENCY`` seconds each reach the limit; more only wait longer
for their slot.

NOTE: the workers share the Client's ``requests.Session``. requests does
not document a Session as thread-safe. Its urllib3 connection pool and its
cookie jar take locks, and no Session setting changes while calls run.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

__all__ = [
    "EXPECTED_LATENCY",
    "MAX_WORKERS",
    "in_worker",
    "ordered_map",
    "pool_size",
    "worker_pool",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: Maximum pool size, because more threads would only queue at the throttle.
MAX_WORKERS = 8

#: Round-trip time in seconds that a pool is sized to cover. It is a
#: generous estimate for the API: at 5 requests a second, a response slower
#: than this leaves the pool short of the limit.
EXPECTED_LATENCY = 1.0

#: Workers when the throttle is off and the rate gives no size.
UNTHROTTLED_WORKERS = 4

_local = threading.local()


def pool_size(rate: float | None) -> int:
    """Return the workers needed to keep ``rate`` requests a second in flight.

    That is ``rate * EXPECTED_LATENCY`` requests, plus one so that a worker is
    ready when a slot opens, between 2 and ``MAX_WORKERS``.
    """
    if rate is None:
        return UNTHROTTLED_WORKERS
    return max(2, min(MAX_WORKERS, math.ceil(rate * EXPECTED_LATENCY) + 1))


def in_worker() -> bool:
    """Tell whether the caller runs in a thread of a ``worker_pool``.

    Code that would wait on its own pool from a worker checks this and runs
    sequentially instead, so that no pool waits on itself.
    """
    return bool(getattr(_local, "worker", False))


def _mark_worker() -> None:
    _local.worker = True


@contextmanager
def worker_pool(workers: int) -> Iterator[ThreadPoolExecutor]:
    """Run a thread pool of ``workers`` threads for the length of the block.

    On exit, tasks not yet started are cancelled and running ones finish.
    """
    executor = ThreadPoolExecutor(
        max_workers=workers,
        thread_name_prefix="ac_notebook",
        initializer=_mark_worker,
    )
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def ordered_map(
    executor: ThreadPoolExecutor,
    function: Callable[[T], R],
    items: Iterable[T],
    window: int,
) -> Generator[R, None, None]:
    """Yield ``function(item)`` for each item, in the order of ``items``.

    At most ``window`` calls are submitted ahead of the one being yielded.
    The first call that raises re-raises here, in order. Closing the
    iterator early cancels the calls not yet started.
    """
    pending: deque[Future[R]] = deque()
    source = iter(items)
    try:
        for item in source:
            pending.append(executor.submit(function, item))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            for item in source:
                pending.append(executor.submit(function, item))
                break
            yield result
    finally:
        for future in pending:
            future.cancel()
