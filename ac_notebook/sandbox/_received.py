"""Record of the API requests a sandbox received, for tests to inspect."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["ReceivedRequest", "RequestLog"]


@dataclass
class ReceivedRequest:
    """One request to an ``/api/3`` route, without its headers.

    Headers are left out so that the ``Api-Token`` is never stored.

    Attributes:
        method: HTTP method, such as ``"POST"``.
        path: URL path without the query, such as ``"/api/3/ecomCustomers"``.
        query: Query parameters; each name maps to its values in order.
        body: Decoded JSON body; the raw text when it was not valid JSON;
            ``None`` when it was empty.
        status: HTTP status of the response, set once it is sent; ``None``
            while the request is handled and when a fault dropped the
            connection.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any | None
    status: int | None = None


class RequestLog(list[ReceivedRequest]):
    """List of received requests, oldest first, trimmed to ``max_entries``.

    Readers use it as a plain list (``len``, indexing, ``clear()``).
    ``record`` appends under a lock and drops the oldest entries beyond the
    maximum, so a long-running server does not grow without bound.
    """

    def __init__(
        self, entries: Iterable[ReceivedRequest] = (), *, max_entries: int = 10_000
    ) -> None:
        super().__init__(entries)
        self.max_entries = max_entries
        self._lock = threading.Lock()

    def record(self, request: ReceivedRequest) -> None:
        """Append a request, dropping the oldest entries beyond the maximum."""
        with self._lock:
            self.append(request)
            excess = len(self) - self.max_entries
            if excess > 0:
                del self[:excess]

    def clear(self) -> None:
        with self._lock:
            super().clear()

    def snapshot(self) -> list[ReceivedRequest]:
        """Return a copy that later requests do not change."""
        with self._lock:
            return list(self)
