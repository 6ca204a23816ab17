"""A request throttle shared by every Session that talks to the same account.

ActiveCampaign allows 5 requests per second per account, whichever key or
client sends them, so the throttle is keyed by the account's host and one
instance serves all Sessions in the process, at the lowest rate any of them
requested.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections.abc import Callable

__all__ = ["Throttle", "shared_throttle"]

logger = logging.getLogger(__name__)


class Throttle:
    """Space request starts at least ``1 / rate`` seconds apart.

    Each caller reserves the next free slot under a lock and then sleeps
    until it, so concurrent threads get evenly spaced slots in arrival order.
    A 429's ``Retry-After`` or a ``RateLimit-Remaining`` of 0 (see
    ``observe``) pushes every later slot back.

    Args:
        rate: Requests per second; ``None`` turns throttling off.
        clock: Monotonic clock, replaceable in tests.
        sleep: Sleep function, replaceable in tests.
    """

    def __init__(
        self,
        rate: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError(f"rate must be positive or None, got {rate!r}")
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self.waited = 0.0
        self.requests = 0
        self.pauses = 0
        self.observed_empty = 0

    def lower_rate(self, rate: float | None) -> None:
        """Lower the rate to ``rate`` when it is positive and below the current one."""
        if rate is None or rate <= 0:
            return
        with self._lock:
            if self.rate is None or rate < self.rate:
                self.rate = rate

    @property
    def interval(self) -> float:
        return 0.0 if self.rate is None else 1.0 / self.rate

    def acquire(self) -> float:
        """Block until the caller may send one request; return the wait in seconds."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
            self.requests += 1
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
            with self._lock:
                self.waited += delay
        return delay

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` from now (a 429 or an empty quota)."""
        with self._lock:
            resume = self._clock() + seconds
            if resume > self._next_slot:
                self._next_slot = resume
                self.pauses += 1
        logger.debug("throttle paused for %.2f s", seconds)

    def observe(
        self, remaining: int, limit: float | None = None, max_wait: float = 30.0
    ) -> None:
        """Adjust to the quota the server reported in its ``RateLimit-*`` headers.

        ``remaining`` is ``RateLimit-Remaining``: the requests the server still
        accepts at once. At 0 the server's bucket is empty, so every caller is
        held back until it gains a token: one interval at this throttle's
        rate, or ``1 / limit`` seconds when the server's ``RateLimit-Limit`` is
        lower. Other clients of the same account use up the quota too, which
        the spacing alone cannot see. A throttle that is off (rate ``None``)
        ignores the headers. The pause is at most ``max_wait`` seconds, so a
        tiny or garbled ``RateLimit-Limit`` cannot stall every caller, and a
        limit that is not a positive finite number is ignored.
        """
        if self.rate is None or remaining > 0:
            return
        wait = self.interval
        if limit is not None and math.isfinite(limit) and limit > 0:
            wait = max(wait, 1.0 / limit)
        wait = min(wait, max_wait)
        self.observed_empty += 1
        self.pause(wait)

    def state(self) -> dict[str, float | int | None]:
        """Return the rate, requests sent, seconds waited, pauses and empty quotas."""
        return {
            "rate": self.rate,
            "requests": self.requests,
            "waited": round(self.waited, 3),
            "pauses": self.pauses,
            "observed_empty": self.observed_empty,
        }


# Throttles stay registered while any Client uses one, so a later sandbox
# on a reused port starts from a fresh throttle.
_registry: weakref.WeakValueDictionary[str, Throttle] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


def shared_throttle(account: str, rate: float | None) -> Throttle:
    """Return the process-wide throttle for ``account`` (its host and port).

    Every Client on the same host shares one throttle, whatever rate it
    requests. When the requested rates differ, the throttle runs at the
    lowest positive rate requested so far. It is off (rate ``None``) only
    while every Client sharing it requested ``None``, so a Client with
    ``rate_limit=None`` still waits when another Client on the same
    account has a rate.
    """
    key = account.lower()
    with _registry_lock:
        throttle = _registry.get(key)
        if throttle is None:
            throttle = Throttle(rate)
            _registry[key] = throttle
        else:
            throttle.lower_rate(rate)
        return throttle
