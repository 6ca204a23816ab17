"""Record of the API requests a sandbox received, for tests to inspect."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_RECORDED_BODY", "ReceivedRequest", "RequestLog", "truncated_body"]

#: Largest request body, in bytes, that the log keeps. A larger body is
#: recorded as ``truncated_body(size)``, so 10,000 entries keep at most about
#: 640 MB of body text, not the 10 GB that bodies of 1 MB each would take.
MAX_RECORDED_BODY = 64 * 1024


@dataclass
class ReceivedRequest:
    """One request to an ``/api/3`` route, without its headers.

    Headers are left out so that the ``Api-Token`` is never stored.

    Attributes:
        method: HTTP method, such as ``"POST"``.
        path: URL path without the query, such as ``"/api/3/ecomCustomers"``.
        query: Query parameters; each name maps to its values in order.
        body: Decoded JSON body; the raw text when it was not valid JSON;
            ``None`` when it was empty. A body of more than
            ``MAX_RECORDED_BODY`` bytes is replaced by
            ``{"_truncated": True, "bytes": N}``, where ``N`` is its size.
        status: HTTP status of the response, set once it is sent; ``None``
            while the request is handled and when a fault dropped the
            connection.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any | None
    status: int | None = None


def truncated_body(size: int) -> dict[str, Any]:
    """Return the marker recorded in place of a body of ``size`` bytes."""
    return {"_truncated": True, "bytes": size}


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
