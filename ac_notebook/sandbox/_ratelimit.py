"""Token-bucket rate limit per API key, like the API's 5 requests per second."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateDecision", "RateLimiter"]


@dataclass(frozen=True)
class RateDecision:
    """Outcome of one request against the limit.

    Attributes:
        allowed: False when the request is over the limit.
        limit: Requests per second, as sent in ``RateLimit-Limit``.
        remaining: Whole tokens left, as sent in ``RateLimit-Remaining``.
    """

    allowed: bool
    limit: str
    remaining: int


class RateLimiter:
    """Token buckets that refill at ``rate`` tokens per second.

    Each key's bucket has room for ``max(1, rate)`` tokens (a burst of 5 at
    the default rate) and starts full. A request takes one token.

    Args:
        rate: Requests per second per key; must be positive.
        clock: Monotonic clock in seconds, replaceable in tests.
    """

    def __init__(
        self, rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate limit must be positive, not {rate!r}")
        self.rate = float(rate)
        self.capacity = max(1.0, self.rate)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    @property
    def limit_header(self) -> str:
        """Value of ``RateLimit-Limit``: the rate, without ``.0`` when whole."""
        return f"{self.rate:g}"

    def take(self, key: str) -> RateDecision:
        """Take a token for ``key`` if one is left."""
        with self._lock:
            tokens = self._refill(key)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, self._clock())
        return RateDecision(allowed, self.limit_header, math.floor(tokens))

    def peek(self, key: str) -> RateDecision:
        """Report the tokens left for ``key`` without taking one."""
        with self._lock:
            tokens = self._refill(key)
        return RateDecision(tokens >= 1.0, self.limit_header, math.floor(tokens))

    def _refill(self, key: str) -> float:
        now = self._clock()
        tokens, updated = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - updated) * self.rate)
