"""Raw HTTP responses: the JSON ones of the API and the broken ones of faults."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from ._faults import Fault

__all__ = [
    "JSON_TYPE",
    "RawResponse",
    "fault_response",
    "json_response",
    "reason_phrase",
    "truncate",
]

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

# Phrases of statuses that proxies send but Python's HTTPStatus lacks.
_EXTRA_PHRASES = {
    520: "Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
    525: "SSL Handshake Failed",
    526: "Invalid SSL Certificate",
}
# Statuses whose default body is an HTML page, like the pages that a proxy or
# load balancer in front of the API sends. Other statuses get a JSON message.
_HTML_STATUSES = frozenset({502, 503, 504, *_EXTRA_PHRASES})
# Page of an "html" fault: a 200 that is not the API, such as a captive portal
# or a maintenance page served by something in front of it.
_MAINTENANCE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Down for maintenance</title></head>"
    b"<body><h1>We will be back shortly.</h1></body></html>"
)


@dataclass
class RawResponse:
    """Status, headers and body bytes, ready to be written."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def reason_phrase(status: int) -> str:
    """Return the reason phrase of a status, such as ``"Not Found"``."""
    if status in _EXTRA_PHRASES:
        return _EXTRA_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def json_response(
    status: int, payload: Any, headers: Sequence[tuple[str, str]] = ()
) -> RawResponse:
    """Return a JSON response; non-ASCII text is sent as UTF-8."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return RawResponse(status, body, [("Content-Type", JSON_TYPE), *headers])


def html_page(status: int) -> bytes:
    """Return a small HTML error page like a proxy's."""
    title = f"{status} {reason_phrase(status)}"
    return (
        f"<html><head><title>{title}</title></head>"
        f"<body><center><h1>{title}</h1></center><hr>"
        f"<center>sandbox</center></body></html>"
    ).encode()


def truncate(response: RawResponse) -> RawResponse:
    """Return a 200 response carrying the first half of ``response``'s body."""
    half = response.body[: len(response.body) // 2]
    return RawResponse(200, half, [("Content-Type", JSON_TYPE)])


def fault_response(
    fault: Fault, performed: RawResponse | None, retry_after: int
) -> RawResponse:
    """Build the response a fault sends.

    Args:
        fault: A fault of any kind except the ``drop_*`` kinds.
        performed: Response of the performed request, for the kinds that
            perform it first.
        retry_after: ``Retry-After`` seconds for ``status`` faults with 429.
    """
    response = _default_fault_response(fault, performed, retry_after)
    if fault.body is not None:
        response.body, content_type = _custom_body(fault.body)
        response.headers = [
            (name, value)
            for name, value in response.headers
            if name.lower() != "content-type"
        ]
        response.headers.append(("Content-Type", content_type))
    for name, value in (fault.headers or {}).items():
        response.headers = [
            item for item in response.headers if item[0].lower() != name.lower()
        ]
        response.headers.append((name, value))
    return response


def _default_fault_response(
    fault: Fault, performed: RawResponse | None, retry_after: int
) -> RawResponse:
    kind = fault.kind
    if kind == "status":
        return _status_response(fault.status or 500, retry_after)
    if kind == "empty_body":
        return RawResponse(200, b"", [("Content-Type", JSON_TYPE)])
    if kind == "truncated_json":
        return truncate(performed or json_response(200, {}))
    if kind == "html":
        return RawResponse(200, _MAINTENANCE_PAGE, [("Content-Type", HTML_TYPE)])
    if kind == "forbidden_bare":
        return RawResponse(403)
    if kind == "unprocessable_bare":
        message = "The request could not be processed."
        return json_response(422, {"message": message})
    if kind == "stall_after" and performed is not None:
        return performed
    raise ValueError(f"fault kind {kind!r} sends no response")


def _status_response(status: int, retry_after: int) -> RawResponse:
    if status == 429:
        headers = [("Retry-After", str(retry_after))]
        return json_response(429, {"message": "Too Many Requests"}, headers)
    if status in _HTML_STATUSES:
        return RawResponse(status, html_page(status), [("Content-Type", HTML_TYPE)])
    return json_response(status, {"message": reason_phrase(status)})


def _custom_body(body: Any) -> tuple[bytes, str]:
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        is_html = body.lstrip().startswith("<")
        return body.encode(
            "utf-8"
        ), HTML_TYPE if is_html else "text/plain; charset=utf-8"
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), JSON_TYPE
