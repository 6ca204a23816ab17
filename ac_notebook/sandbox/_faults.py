"""Fault injection: scripted failures that the sandbox serves instead of, or
after, a normal response.

Tests add faults to ``SandboxServer.faults`` (or over HTTP with
``POST /_sandbox/faults``). Each request to an ``/api/3`` route takes the
first matching fault, if any, in the order the faults were added.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "FAULT_KINDS",
    "PERFORMING_KINDS",
    "Fault",
    "FaultSet",
]

#: Every fault kind and what the sandbox does for it.
FAULT_KINDS: Mapping[str, str] = {
    "status": "respond with the given status without touching the store",
    "empty_body": "perform the request, then respond 200 with an empty body",
    "truncated_json": "perform the request, then respond 200 with half its JSON",
    "html": "respond 200 with an HTML page without touching the store",
    "drop_before": "close the connection without performing the request",
    "drop_after": "perform the request, then close the connection unanswered",
    "stall_after": "perform the request, then wait `seconds` before responding",
    "forbidden_bare": "respond 403 with no body and no Content-Type",
    "unprocessable_bare": 'respond 422 with {"message": ...} and no "errors"',
}

#: Kinds that perform the request (and store its writes) before failing.
PERFORMING_KINDS = frozenset(
    {"empty_body", "truncated_json", "drop_after", "stall_after"}
)

_METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})


@dataclass
class Fault:
    """One scripted failure and the requests it applies to.

    Attributes:
        kind: One of ``FAULT_KINDS``.
        method: HTTP method to match; ``None`` matches any.
        route: Route to match: a first path segment such as
            ``"ecomCustomers"`` matches every route below it, a longer
            pattern such as ``"ecomCustomers/{id}"`` or a concrete path such
            as ``"ecomCustomers/7"`` matches that route only. ``None``
            matches any.
        count: Number of matching requests to fail, after which the fault is
            removed; ``None`` keeps failing until the faults are cleared.
        share: Probability from 0 to 1 that a matching request fails;
            ``None`` fails every one.
        status: HTTP status for ``"status"`` faults.
        body: Response body to send instead of the default: a str or bytes
            as is, anything else as JSON.
        headers: Extra response headers, which override the defaults.
        seconds: Wait of ``"stall_after"`` faults, in seconds.
        query: Query parameters that a request must carry, such as
            ``{"offset": "100"}`` to fail only the second page of a list;
            ``None`` matches any query.
        applied: Number of requests the fault has failed so far.
    """

    kind: str
    method: str | None = None
    route: str | None = None
    count: int | None = None
    share: float | None = None
    status: int | None = None
    body: Any = None
    headers: Mapping[str, str] | None = None
    seconds: float | None = None
    query: Mapping[str, str] | None = None
    applied: int = 0

    def __post_init__(self) -> None:
        _validate(self)

    def matches(
        self,
        method: str,
        template: str,
        path: str,
        query: Mapping[str, str] | None = None,
    ) -> bool:
        """Return True when the fault applies to this request's route and query."""
        if self.method is not None and self.method != method:
            return False
        if self.query and any(
            (query or {}).get(name) != value for name, value in self.query.items()
        ):
            return False
        if self.route is None:
            return True

        route = self.route.strip("/")
        if "/" not in route:
            return path.split("/")[0] == route
        return route in (template, path)

    def to_dict(self) -> dict[str, Any]:
        """Return the fault's settings as JSON-serialisable data."""
        data = asdict(self)
        if isinstance(data["body"], bytes):
            data["body"] = data["body"].decode("utf-8", "replace")
        return data


def _validate(fault: Fault) -> None:
    if fault.kind not in FAULT_KINDS:
        kinds = ", ".join(FAULT_KINDS)
        raise ValueError(f"unknown fault kind {fault.kind!r}; use one of: {kinds}")
    _check_types(fault)
    if fault.method is not None:
        fault.method = fault.method.upper()
        if fault.method not in _METHODS:
            raise ValueError(
                f"fault method must be GET, POST, PUT or DELETE, not {fault.method!r}"
            )
    if fault.count is not None and fault.count < 1:
        raise ValueError(f"fault count must be at least 1, not {fault.count}")
    if fault.share is not None and not 0.0 <= fault.share <= 1.0:
        raise ValueError(f"fault share must be between 0 and 1, not {fault.share}")
    if fault.kind == "status" and (
        fault.status is None or not 100 <= fault.status <= 599
    ):
        raise ValueError(
            f"a status fault needs a status from 100 to 599, not {fault.status}"
        )
    if fault.kind == "stall_after" and (fault.seconds is None or fault.seconds < 0):
        raise ValueError(f"a stall_after fault needs seconds >= 0, not {fault.seconds}")
    fault.headers = _text_mapping("headers", fault.headers)
    fault.query = _text_mapping("query", fault.query)


# Settings that arrive as JSON over the control route may be of any type, so
# each one is checked before the fault can match a request.
_SETTING_TYPES: Mapping[str, tuple[type, ...]] = {
    "method": (str,),
    "route": (str,),
    "count": (int,),
    "share": (int, float),
    "status": (int,),
    "seconds": (int, float),
}


def _check_types(fault: Fault) -> None:
    for name, types in _SETTING_TYPES.items():
        value = getattr(fault, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, types):
            expected = " or ".join(t.__name__ for t in types)
            raise ValueError(f"fault {name} must be {expected}, not {value!r}")


def _text_mapping(name: str, value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(f"fault {name} must be an object of names to values")
    return {str(key): str(item) for key, item in value.items()}


class FaultSet:
    """The faults of one server; safe to change while requests are served.

    Args:
        seed: Seed of the random generator behind ``share``, so that runs
            repeat.
    """

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._random = random.Random(seed)

    def add(
        self,
        kind: str,
        *,
        method: str | None = None,
        route: str | None = None,
        count: int | None = None,
        share: float | None = None,
        status: int | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        seconds: float | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Fault:
        """Add a fault and return it; see ``Fault`` for the arguments.

        Raises:
            ValueError: An unknown kind, or a value out of range.
        """
        fault = Fault(
            kind,
            method=method,
            route=route,
            count=count,
            share=share,
            status=status,
            body=body,
            headers=headers,
            seconds=seconds,
            query=query,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        """Remove one fault; removing a fault that is gone does nothing."""
        with self._lock:
            if fault in self._faults:
                self._faults.remove(fault)

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def seed(self, seed: int) -> None:
        """Restart the random generator behind ``share`` from ``seed``."""
        with self._lock:
            self._random.seed(seed)

    def pick(
        self,
        method: str,
        template: str,
        path: str,
        query: Mapping[str, str] | None = None,
    ) -> Fault | None:
        """Return the fault to apply to a request and count it, or ``None``.

        Args:
            method: HTTP method.
            template: Matched route pattern, such as ``"ecomCustomers/{id}"``.
            path: Request path below ``/api/3/``, such as ``"ecomCustomers/7"``.
            query: The request's query parameters, the last value of each.
        """
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, template, path, query):
                    continue
                if fault.share is not None and self._random.random() >= fault.share:
                    continue
                fault.applied += 1
                if fault.count is not None and fault.applied >= fault.count:
                    self._faults.remove(fault)
                return fault
        return None

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)

    def __iter__(self) -> Iterator[Fault]:
        with self._lock:
            return iter(list(self._faults))
