"""The HTTP client: authentication, throttle, retries, decoding and errors.

``Client.request`` sends one API call through a chain of small steps:
wait for the throttle, send, decide whether to retry, decode the body, and
map a failed status to an exception from ``_exceptions``.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import numbers
import random
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import requests

from ._exceptions import (
    ActiveCampaignError,
    ConfigurationError,
    DuplicateError,
    FieldError,
    NetworkError,
    RateLimitError,
    UnexpectedResponseError,
    ValidationError,
    error_for_status,
)
from ._throttle import Throttle, shared_throttle
from ._urls import normalize_account_url
from ._version import __version__

__all__ = ["Client", "Response", "RetryPolicy", "parse_field_errors"]

logger = logging.getLogger(__name__)

#: Methods that may be sent again after a 5xx or a connection failure.
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})

_RETRYABLE_STATUS = frozenset({500, 502, 503, 504, 520, 521, 522, 524})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry.

    Attributes:
        max_retries: Retries after the first attempt, for 429, 5xx and
            connection failures together.
        backoff: First backoff in seconds when the server gives no
            ``Retry-After``; it doubles on each retry, with jitter.
        max_backoff: Maximum single wait, in seconds.
    """

    max_retries: int = 5
    backoff: float = 0.5
    max_backoff: float = 30.0

    def __post_init__(self) -> None:
        retries = self.max_retries
        if isinstance(retries, bool) or not isinstance(retries, numbers.Integral):
            raise ConfigurationError(
                f"max_retries must be a whole number of 0 or more, got {retries!r}; "
                "pass for example max_retries=5, or 0 to turn retries off"
            )
        if retries < 0:
            raise ConfigurationError(
                f"max_retries must be 0 or more, got {retries!r}; pass 0 to turn "
                "retries off"
            )
        object.__setattr__(self, "max_retries", int(retries))

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Return the seconds to wait before retry number ``attempt`` (from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_backoff)
        base = self.backoff * 2 ** (attempt - 1)
        return float(min(base * random.uniform(0.5, 1.5), self.max_backoff))


@dataclass
class Response:
    """A decoded API response."""

    status: int
    data: Any
    headers: dict[str, str] = field(default_factory=dict)
    attempts: int = 1


class _TokenAuth(requests.auth.AuthBase):
    """Add the ``Api-Token`` header; its repr never shows the key."""

    def __init__(self, key: str) -> None:
        self._key = key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Api-Token"] = self._key
        return request

    def __repr__(self) -> str:
        return "<Api-Token auth>"


class Client:
    """Send API v3 calls for one account.

    Args:
        url: The account URL, in any form users paste (see
            ``normalize_account_url``).
        api_key: The account's API key (Settings > Developer).
        timeout: Connect and read timeouts in seconds.
        rate_limit: Requests per second for this account. Every client in
            the process on the same account shares one throttle at the lowest
            rate any of them requests (see ``shared_throttle``). ``None``
            requests no throttle.
        retry: Retry budget and backoff.
        session: A ``requests.Session`` to use instead of a new one.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float | tuple[float, float] = (5.0, 30.0),
        rate_limit: float | None = 5.0,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = normalize_account_url(url)
        self.host = urlsplit(self.base_url).netloc
        self._check_key(api_key)
        self.timeout = _checked_timeout(timeout)
        rate_limit = _checked_rate(rate_limit)
        self.retry = retry or RetryPolicy()
        self.throttle: Throttle = shared_throttle(self.host, rate_limit)
        self._http = session or requests.Session()
        self._http.auth = _TokenAuth(api_key.strip())
        self._http.headers.update(
            {
                "Accept": "application/json",
                "User-Agent": f"ac_notebook/{__version__}",
            }
        )
        self.calls = 0
        self._calls_lock = threading.Lock()
        self.closed = False

    @staticmethod
    def _check_key(api_key: object) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConfigurationError(
                "the API key must be a non-empty string; find it in "
                "ActiveCampaign under Settings > Developer"
            )
        if any(ch.isspace() for ch in api_key.strip()):
            raise ConfigurationError(
                "the API key contains whitespace; copy it again from "
                "Settings > Developer"
            )
        # HTTP sends header values as latin-1, so other characters would fail
        # in the middle of a request, and control characters could end the
        # header early.
        if not all("!" <= ch <= "~" for ch in api_key.strip()):
            raise ConfigurationError(
                "the API key contains characters other than ASCII letters, "
                "digits and punctuation; copy it again from Settings > Developer"
            )

    def close(self) -> None:
        """Close the HTTP connections; later calls raise ``ConfigurationError``."""
        self.closed = True
        self._http.close()

    def url_for(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> Response:
        """Send one call, retrying where safe, and return the decoded response.

        Raises:
            ActiveCampaignError: The subclass for the failure; see
                ``_exceptions`` for the table.
        """
        method = method.upper()
        if self.closed:
            raise ConfigurationError(
                f"this Session is closed, so {method} {path} was not sent; "
                "create a new one, for example with acn.connect()"
            )
        url = self.url_for(path)
        attempt, unknown = 0, False
        while True:
            attempt += 1
            outcome = self._attempt(method, url, params, json_body)
            if _is_success(outcome):
                decoded = self._success(method, url, outcome, attempt)
                if decoded is not None:
                    return decoded
            delay = self._retry_delay(method, outcome, attempt)
            if delay is None:
                error = self._failure(method, url, outcome, attempt)
                error.attempts, error.after_unknown_outcome = attempt, unknown
                raise error
            unknown = unknown or _outcome_unknown(outcome)
            self._log_retry(method, url, outcome, attempt, delay)
            time.sleep(delay)

    def _attempt(
        self, method: str, url: str, params: Any, json_body: Any
    ) -> requests.Response | requests.RequestException:
        self.throttle.acquire()
        started = time.perf_counter()
        try:
            response = self._http.request(
                method,
                url,
                params=params,
                json=json_body,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.exceptions.InvalidJSONError as exc:
            # requests raises this while encoding the body, before any byte
            # is sent, so it is the caller's data and not the network.
            raise ValidationError(
                f"the request body cannot be sent as JSON ({exc}); nothing was "
                "sent. Replace NaN, infinity and objects such as datetime or "
                "Decimal with text or numbers",
                method=method,
                url=url,
            ) from None
        except requests.RequestException as exc:
            self._log_call(method, url, type(exc).__name__, started)
            return exc
        with self._calls_lock:
            self.calls += 1
        self._log_call(method, url, response.status_code, started)
        self._note_quota(response)
        return response

    def _log_call(self, method: str, url: str, status: object, started: float) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s -> %s (%.0f ms)", method, urlsplit(url).path, status, elapsed
        )

    def _note_quota(self, response: requests.Response) -> None:
        if response.status_code == 429:
            return
        remaining = _header_number(response, "RateLimit-Remaining")
        if remaining is not None:
            limit = _header_number(response, "RateLimit-Limit")
            remaining = min(remaining, 1_000_000.0)
            self.throttle.observe(int(remaining), limit, self.retry.max_backoff)

    def _retry_delay(
        self,
        method: str,
        outcome: requests.Response | requests.RequestException,
        attempt: int,
    ) -> float | None:
        if attempt > self.retry.max_retries:
            return None
        if isinstance(outcome, requests.RequestException):
            if method in IDEMPOTENT_METHODS or _not_sent(outcome):
                return self.retry.delay(attempt, None)
            return None
        status = outcome.status_code
        if 300 <= status < 400:
            # A redirect means the account URL is wrong, and the API key must
            # not follow it to another host, so it fails at once.
            return None
        if _is_success(outcome):
            # A GET, PUT or DELETE whose 2xx body cannot be used is sent again,
            # as after a 5xx.
            if method in IDEMPOTENT_METHODS:
                return self.retry.delay(attempt, None)
            return None
        if status == 429:
            delay = self.retry.delay(attempt, _retry_after(outcome))
            self.throttle.pause(delay)
            return delay
        if status in _RETRYABLE_STATUS and method in IDEMPOTENT_METHODS:
            return self.retry.delay(attempt, _retry_after(outcome))
        return None

    def _log_retry(
        self, method: str, url: str, outcome: Any, attempt: int, delay: float
    ) -> None:
        what = (
            outcome.status_code
            if isinstance(outcome, requests.Response)
            else type(outcome).__name__
        )
        if _is_success(outcome):
            what = f"{what} and a body that is not the API's JSON"
        logger.warning(
            "%s %s failed with %s; retry %d of %d in %.2f s",
            method,
            urlsplit(url).path,
            what,
            attempt,
            self.retry.max_retries,
            delay,
        )

    def _success(
        self, method: str, url: str, response: requests.Response, attempt: int
    ) -> Response | None:
        """Return the decoded 2xx response, or ``None`` when its body is unusable."""
        data = _decode(response)
        if data is _UNDECODABLE or _missing_body(method, response, data):
            return None
        headers = dict(response.headers)
        return Response(response.status_code, data, headers, attempt)

    def _failure(
        self,
        method: str,
        url: str,
        outcome: requests.Response | requests.RequestException,
        attempt: int,
    ) -> ActiveCampaignError:
        if isinstance(outcome, requests.RequestException):
            return _network_error(method, url, outcome, attempt)
        if _is_success(outcome):
            return _body_error(method, url, outcome, attempt)
        return _status_error(method, url, outcome, attempt)


_UNDECODABLE = object()


def _is_positive_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    number = float(value)
    return math.isfinite(number) and number > 0


def _checked_rate(rate: object) -> float | None:
    """Return ``rate`` as a float, or ``None``; raise for anything else."""
    if rate is None:
        return None
    if not _is_positive_number(rate):
        raise ConfigurationError(
            f"rate_limit must be a positive number of requests per second or "
            f"None, got {rate!r}; pass for example rate_limit=5, or None to "
            "turn the throttle off"
        )
    return float(rate)  # type: ignore[arg-type]


def _checked_timeout(timeout: object) -> float | tuple[float, float]:
    """Return ``timeout`` as seconds or a (connect, read) pair; raise otherwise."""
    if _is_positive_number(timeout):
        return float(timeout)  # type: ignore[arg-type]
    if (
        isinstance(timeout, tuple)
        and len(timeout) == 2
        and all(_is_positive_number(part) for part in timeout)
    ):
        return (float(timeout[0]), float(timeout[1]))
    raise ConfigurationError(
        f"timeout must be a positive number of seconds or a (connect, read) "
        f"pair of them, got {timeout!r}; pass for example timeout=30 or "
        "timeout=(5, 30)"
    )


def _is_success(
    outcome: requests.Response | requests.RequestException,
) -> TypeGuard[requests.Response]:
    """Tell whether ``outcome`` is a 2xx response; ``Response.ok`` also accepts 3xx."""
    if not isinstance(outcome, requests.Response):
        return False
    return 200 <= outcome.status_code < 300


def _missing_body(method: str, response: requests.Response, data: Any) -> bool:
    """Tell whether a 2xx lacks its JSON; only DELETE and 204 may have no body."""
    return data is None and method != "DELETE" and response.status_code != 204


def _body_error(
    method: str, url: str, response: requests.Response, attempt: int
) -> UnexpectedResponseError:
    status = response.status_code
    empty = not response.content.strip()
    problem = "an empty body" if empty else "a body that is not JSON"
    suffix = f" after {attempt} attempts" if attempt > 1 else ""
    detail = "" if empty else f": {_snippet(response)}"
    return UnexpectedResponseError(
        f"the server returned status {status} with {problem}{suffix}{detail}",
        method=method,
        url=url,
        status=status,
        body=None if empty else _snippet(response),
    )


def _decode(response: requests.Response) -> Any:
    text = response.content.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        # RecursionError: arrays or objects nested deeper than the parser goes.
        return _UNDECODABLE


def _snippet(response: requests.Response, limit: int = 200) -> str:
    text = response.content.decode("utf-8", errors="replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if title:
        text = title.group(1)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    if not text:
        return "(empty body)"
    return clip_server_text(text, limit)


def _header_number(response: requests.Response, name: str) -> float | None:
    """Read a header holding a non-negative number; ``None`` when absent or not one."""
    value = response.headers.get(name, "").strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return None
    return float(value)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _outcome_unknown(outcome: requests.Response | requests.RequestException) -> bool:
    """Tell whether a failed attempt may still have changed data on the server."""
    if isinstance(outcome, requests.Response):
        return outcome.status_code >= 500 or _is_success(outcome)
    return not _not_sent(outcome)


def _not_sent(exc: requests.RequestException) -> bool:
    """Tell whether a failure happened before any byte of the request was sent."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        return "NewConnectionError" in text or "Connection refused" in text
    return False


def _network_error(
    method: str, url: str, exc: requests.RequestException, attempt: int
) -> NetworkError:
    if isinstance(exc, requests.Timeout) and not isinstance(
        exc, requests.ConnectTimeout
    ):
        what = "timed out waiting for the response"
    elif isinstance(exc, requests.ConnectTimeout):
        what = "timed out connecting"
    elif _not_sent(exc):
        return _connect_error(method, url, exc, attempt)
    else:
        what = "lost the connection"
    error = NetworkError(
        f"the request {what} after {attempt} attempt(s): {type(exc).__name__}",
        method=method,
        url=url,
    )
    error.outcome_unknown = not _not_sent(exc)
    return error


def _connect_error(
    method: str, url: str, exc: requests.RequestException, attempt: int
) -> NetworkError:
    host = urlsplit(url).netloc
    error = NetworkError(
        f"could not connect to {host} after {attempt} attempt(s) "
        f"({type(exc).__name__}); check the account URL, and if this is a "
        "sandbox Session, whether it was closed",
        method=method,
        url=url,
    )
    error.outcome_unknown = False
    return error


def _status_error(
    method: str, url: str, response: requests.Response, attempt: int
) -> ActiveCampaignError:
    status = response.status_code
    data = _decode(response)
    body: Any = _snippet(response) if data is _UNDECODABLE else data
    cls = error_for_status(status)
    context: dict[str, Any] = {
        "method": method,
        "url": url,
        "status": status,
        "body": body,
    }
    if cls is ValidationError:
        return _validation_error(body, context)
    error = cls(_status_message(status, body, attempt, response), **context)
    if isinstance(error, RateLimitError):
        error.retry_after = _retry_after(response)
    return error


def _status_message(
    status: int, body: Any, attempt: int, response: requests.Response
) -> str:
    detail = _body_message(body)
    if status == 403:
        return (
            "the API key was rejected (403"
            + (f": {detail}" if detail else "")
            + "); check ACTIVECAMPAIGN_API_KEY and that the key's user may "
            "use this resource"
        )
    if status == 404:
        return detail or "no such record or route (404)"
    if status == 429:
        return (
            f"the rate limit was still exceeded after {attempt} attempts; "
            "wait a minute or lower the request rate"
        )
    if 300 <= status < 400:
        target = clip_server_text(
            response.headers.get("Location", "an unknown location")
        )
        return (
            f"the server redirected ({status}) to {target}; check the "
            "account URL (Settings > Developer shows the right one)"
        )
    suffix = f" after {attempt} attempts" if attempt > 1 else ""
    return f"the server returned status {status}{suffix}" + (
        f": {detail}" if detail else ""
    )


def _body_message(body: Any) -> str:
    """Return the server's message from ``body``, clipped and with escapes shown."""
    return clip_server_text(_raw_body_message(body))


def _raw_body_message(body: Any) -> str:
    if isinstance(body, dict):
        if isinstance(body.get("message"), str):
            return str(body["message"])
        if isinstance(body.get("errors"), list):
            return "; ".join(str(error) for error in parse_field_errors(body))
        return ""
    return body if isinstance(body, str) and body != "(empty body)" else ""


#: Maximum characters of server-provided text in an exception message; the
#: full body stays on the exception's ``body``.
MAX_SERVER_TEXT = 500


def clip_server_text(text: str, limit: int = MAX_SERVER_TEXT) -> str:
    """Return ``text`` with control characters escaped, clipped to ``limit``.

    Escaping keeps ANSI sequences and line breaks from a server out of the
    terminal. A clipped text ends with ``…(N chars)``, N being the full length.
    """
    escaped = "".join(_escape_control(ch) for ch in text[: limit + 1])
    if len(text) <= limit and len(escaped) <= limit:
        return escaped
    return f"{escaped[:limit]}…({len(text)} chars)"


def _escape_control(ch: str) -> str:
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
        return ch.encode("unicode_escape").decode("ascii")
    return ch


def parse_field_errors(body: Any) -> list[FieldError]:
    """Parse a 422 body in any of its shapes into ``FieldError`` objects.

    Handles ``errors`` entries with or without ``code``, ``detail`` and
    ``source.pointer``, a body with only ``message``, and no body.
    """
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    if not isinstance(errors, list):
        message = body.get("message")
        return [FieldError(None, "invalid", str(message))] if message else []
    return [_field_error(entry) for entry in errors]


def _field_error(entry: Any) -> FieldError:
    if not isinstance(entry, dict):
        return FieldError(None, "invalid", str(entry))
    pointer = ""
    source = entry.get("source")
    if isinstance(source, dict) and isinstance(source.get("pointer"), str):
        pointer = source["pointer"]
    name = pointer.rsplit("/", 1)[-1] or None
    text = str(entry.get("title") or entry.get("detail") or "invalid value")
    detail = entry.get("detail")
    if detail and str(detail) not in text:
        text = f"{text} ({detail})"
    return FieldError(name, str(entry.get("code") or "invalid"), text)


def _validation_error(body: Any, context: dict[str, Any]) -> ValidationError:
    errors = parse_field_errors(body)
    duplicate = any(error.code == "duplicate" for error in errors)
    cls = DuplicateError if duplicate else ValidationError
    summary = "; ".join(str(error) for error in errors) or "no details given"
    summary = clip_server_text(summary)
    return cls(f"the server rejected the data (422): {summary}", errors, **context)
