"""HTTP front of the sandbox: request parsing, auth, rate limit, faults.

Requests to ``/api/3/...`` pass these steps in order: body size check,
record in ``received``, ``Api-Token`` check (403), rate limit (429), added
latency, fault lookup, then the route. ``/_sandbox/...`` control routes need
the token too but skip the record, the rate limit, latency and faults.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
import threading
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

from ._api import ApiRequest, RouteMatch, SandboxApi
from ._faults import PERFORMING_KINDS, Fault, FaultSet
from ._ratelimit import RateDecision, RateLimiter
from ._received import MAX_RECORDED_BODY, ReceivedRequest, RequestLog, truncated_body
from ._responses import RawResponse, fault_response, json_response, reason_phrase
from ._validation import parse_decimal

__all__ = ["SandboxHTTPServer", "ServerState"]

logger = logging.getLogger(__name__)

API_PREFIX = "/api/3"
CONTROL_PREFIX = "/_sandbox"
# Bodies up to this size are read and dropped before a 413, so that the
# client can read the response instead of seeing a reset connection.
_MAX_DRAIN = 64 * 1024 * 1024


@dataclass
class ServerState:
    """Settings and shared objects that request handlers read.

    ``SandboxServer`` owns one and changes ``limiter`` and ``latency`` while
    the server runs.
    """

    api: SandboxApi
    api_key: str
    faults: FaultSet
    received: RequestLog
    limiter: RateLimiter | None
    latency: float
    retry_after: int
    max_body: int
    stopping: threading.Event


class _EarlyResponse(Exception):
    """Exception that ends request handling with ``response``."""

    def __init__(self, response: RawResponse) -> None:
        super().__init__(response.status)
        self.response = response


class SandboxHTTPServer(ThreadingHTTPServer):
    """Threaded HTTP server that can close its keep-alive connections.

    ``http.server`` leaves persistent connections open after ``shutdown()``,
    and their threads would go on serving requests. ``close_connections``
    ends them.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, SandboxRequestHandler)
        self.state: ServerState | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open client connection."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class SandboxRequestHandler(BaseHTTPRequestHandler):
    """Handler of one client connection, which may carry several requests."""

    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "ActiveCampaignSandbox"
    sys_version = ""
    #: Seconds an idle keep-alive connection stays open.
    timeout = 60
    # Headers and body go out in separate writes. With Nagle's algorithm on,
    # the body waits for the client's delayed ACK (at least 40 ms on Linux).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        # http.server calls this for requests it cannot parse, so respond in
        # JSON like every other route.
        self.close_connection = True
        payload = {"message": message or reason_phrase(code)}
        self._send(json_response(code, payload))

    def _handle(self) -> None:
        self._received: ReceivedRequest | None = None
        state = self.server.state
        if state is None or state.stopping.is_set():
            self.close_connection = True
            return

        try:
            self._route(state)
        except _EarlyResponse as early:
            self._send(early.response)
        except Exception:
            logger.exception("Sandbox failed on %s %s", self.command, self.path)
            payload = {"message": "Internal sandbox error"}
            self._send(json_response(500, payload))

    def _route(self, state: ServerState) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        body = self._read_body(state.max_body)

        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self._handle_api(state, path, url.query, body)
        elif path.startswith(CONTROL_PREFIX + "/"):
            self._handle_control(state, path, body)
        else:
            message = (
                f"No route for {self.command} {path}; API routes start with /api/3/."
            )
            self._send(json_response(404, {"message": message}))

    def _read_body(self, max_body: int) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            message = "Chunked request bodies are not supported; send Content-Length."
            raise _EarlyResponse(json_response(411, {"message": message}))

        length_text = self.headers.get("Content-Length", "0").strip() or "0"
        length = parse_decimal(length_text) if length_text.isdigit() else None
        if length is None:
            self.close_connection = True
            message = (
                f"Invalid Content-Length header: {length_text!r}. "
                "Send the body size in bytes as ASCII digits."
            )
            raise _EarlyResponse(json_response(400, {"message": message}))

        if length > max_body:
            self._drain(length)
            message = (
                f"The request body has {length} bytes, more than the maximum "
                f"of {max_body} bytes."
            )
            raise _EarlyResponse(json_response(413, {"message": message}))
        return self.rfile.read(length) if length else b""

    def _drain(self, length: int) -> None:
        self.close_connection = True
        if length > _MAX_DRAIN:
            return
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)

    # API routes

    def _handle_api(
        self, state: ServerState, path: str, query_text: str, raw_body: bytes
    ) -> None:
        body, body_error = _decode_json(raw_body)
        self._received = ReceivedRequest(
            method=self.command,
            path=path,
            query=parse_qs(query_text, keep_blank_values=True),
            body=_recorded_body(raw_body, body, body_error),
        )
        state.received.record(self._received)
        decision = self._check_access(state)
        headers = _rate_headers(decision)
        state.stopping.wait(state.latency)

        relative = path[len(API_PREFIX) :].strip("/")
        route = state.api.match(relative)
        template = route.template if route else relative
        pairs = parse_qsl(query_text, keep_blank_values=True)
        fault = state.faults.pick(self.command, template, relative, dict(pairs))
        if fault is not None and fault.kind not in PERFORMING_KINDS:
            self._serve_fault(state, fault, None, headers)
            return

        request = ApiRequest(self.command, pairs, body)
        response = self._perform(state, request, route, relative, body_error)
        response.headers += headers
        if fault is None:
            self._send(response)
        else:
            self._serve_fault(state, fault, response, headers)

    def _check_access(self, state: ServerState) -> RateDecision | None:
        """Check the token, then the rate limit; raise a 403 or 429 response."""
        key = self.headers.get("Api-Token")
        limiter = state.limiter
        if key is None or not hmac.compare_digest(key.encode(), state.api_key.encode()):
            headers = _rate_headers(limiter.peek(state.api_key) if limiter else None)
            raise _EarlyResponse(json_response(403, {"message": "Forbidden"}, headers))

        if limiter is None:
            return None
        decision = limiter.take(key)
        if not decision.allowed:
            headers = [
                ("Retry-After", str(state.retry_after)),
                *_rate_headers(decision),
            ]
            payload = {"message": "Too Many Requests"}
            raise _EarlyResponse(json_response(429, payload, headers))
        return decision

    def _perform(
        self,
        state: ServerState,
        request: ApiRequest,
        route: RouteMatch | None,
        relative: str,
        body_error: str | None,
    ) -> RawResponse:
        if route is None:
            message = f"No route for {request.method} {API_PREFIX}/{relative}."
            return json_response(404, {"message": message})
        if request.method not in route.handlers:
            allowed = ", ".join(route.handlers)
            message = (
                f"Method {request.method} is not allowed on "
                f"{API_PREFIX}/{relative}; use {allowed}."
            )
            return json_response(405, {"message": message}, [("Allow", allowed)])
        if body_error is not None and request.method in ("POST", "PUT"):
            message = f"The request body is not valid JSON: {body_error}."
            return json_response(400, {"message": message})

        result = state.api.handle(request, route)
        return json_response(result.status, result.payload)

    def _serve_fault(
        self,
        state: ServerState,
        fault: Fault,
        performed: RawResponse | None,
        headers: list[tuple[str, str]],
    ) -> None:
        logger.debug(
            "Injecting fault %s into %s %s", fault.kind, self.command, self.path
        )
        if fault.kind in ("drop_before", "drop_after"):
            self._drop_connection()
            return
        if fault.kind == "stall_after":
            state.stopping.wait(fault.seconds or 0.0)

        response = fault_response(fault, performed, state.retry_after)
        if response is not performed:
            response.headers += headers
        self._send(response)

    def _drop_connection(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # Control routes

    def _handle_control(self, state: ServerState, path: str, raw_body: bytes) -> None:
        key = self.headers.get("Api-Token")
        if key is None or not hmac.compare_digest(key.encode(), state.api_key.encode()):
            raise _EarlyResponse(json_response(403, {"message": "Forbidden"}))

        name = path[len(CONTROL_PREFIX) :].strip("/")
        handlers = {
            ("faults", "GET"): self._list_faults,
            ("faults", "POST"): self._add_fault,
            ("faults", "DELETE"): self._clear_faults,
            ("requests", "GET"): self._list_requests,
            ("requests", "DELETE"): self._clear_requests,
        }
        handler = handlers.get((name, self.command))
        if handler is None:
            message = f"No control route for {self.command} {path}."
            raise _EarlyResponse(json_response(404, {"message": message}))
        self._send(handler(state, raw_body))

    def _list_faults(self, state: ServerState, raw_body: bytes) -> RawResponse:
        return json_response(
            200, {"faults": [fault.to_dict() for fault in state.faults]}
        )

    def _add_fault(self, state: ServerState, raw_body: bytes) -> RawResponse:
        body, error = _decode_json(raw_body)
        if error is not None or not isinstance(body, dict):
            message = (
                'Send the fault as a JSON object, such as {"kind": "status", '
                '"status": 503}.'
            )
            return json_response(400, {"message": message})

        arguments = dict(body)
        kind = arguments.pop("kind", None)
        try:
            fault = state.faults.add(str(kind), **arguments)
        except (TypeError, ValueError) as exc:
            return json_response(422, {"message": f"Invalid fault: {exc}"})
        return json_response(201, {"fault": fault.to_dict()})

    def _clear_faults(self, state: ServerState, raw_body: bytes) -> RawResponse:
        state.faults.clear()
        return json_response(200, {})

    def _list_requests(self, state: ServerState, raw_body: bytes) -> RawResponse:
        requests = [asdict(request) for request in state.received.snapshot()]
        return json_response(200, {"requests": requests})

    def _clear_requests(self, state: ServerState, raw_body: bytes) -> RawResponse:
        state.received.clear()
        return json_response(200, {})

    # Output

    def _send(self, response: RawResponse) -> None:
        received = getattr(self, "_received", None)
        if received is not None:
            received.status = response.status
        try:
            self.send_response(response.status, reason_phrase(response.status))
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError) as exc:
            self.close_connection = True
            logger.debug("Client left before the response to %s: %s", self.path, exc)


def _decode_json(raw: bytes) -> tuple[Any, str | None]:
    """Decode a request body; return ``(value, None)`` or ``(None, error)``."""
    if not raw.strip():
        return None, None
    try:
        return json.loads(
            raw.decode("utf-8-sig"), parse_constant=_reject_constant
        ), None
    except UnicodeDecodeError as exc:
        return None, f"the body is not UTF-8 ({exc.reason})"
    except ValueError as exc:
        return None, str(exc)
    except RecursionError:
        return None, "arrays or objects are nested too deeply"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _recorded_body(raw: bytes, body: Any, error: str | None) -> Any:
    if len(raw) > MAX_RECORDED_BODY:
        return truncated_body(len(raw))
    if error is None:
        return body
    return raw.decode("utf-8", "replace")


def _rate_headers(decision: RateDecision | None) -> list[tuple[str, str]]:
    if decision is None:
        return []
    return [
        ("RateLimit-Limit", decision.limit),
        ("RateLimit-Remaining", str(decision.remaining)),
    ]
