"""The exception hierarchy and the one table from HTTP status to exception.

```
ActiveCampaignError
├── ConfigurationError        bad URL, key or setting (also ValueError)
├── AuthenticationError       403: key missing, wrong or not allowed
├── NotFoundError             404 (also LookupError)
├── ValidationError           422, or a payload rejected locally (also ValueError)
│   └── DuplicateError        422 with code "duplicate"
├── RateLimitError            429 after the retry budget
├── ServerError               5xx
├── RequestError              any other 4xx (400, 402, 405, 413, ...)
├── NetworkError              connection failed, reset or timed out
└── UnexpectedResponseError   a body that is not the documented shape
```

Every error carries the request's method, URL and status when there was a
request. None of them ever holds the API key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "ActiveCampaignError",
    "AuthenticationError",
    "ConfigurationError",
    "DuplicateError",
    "FieldError",
    "NetworkError",
    "NotFoundError",
    "RateLimitError",
    "RequestError",
    "ServerError",
    "UnexpectedResponseError",
    "ValidationError",
    "error_for_status",
]


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, from the server's 422 body or a local check.

    Attributes:
        field: Property name, or ``None`` when the problem is not tied to one.
        code: Machine-readable code such as ``"field_missing"``.
        message: What is wrong and what to do, in a sentence.
    """

    field: str | None
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ActiveCampaignError(Exception):
    """Base class of every error the package raises.

    Attributes:
        message: The explanation, without the request context.
        method: HTTP method of the failed request, if any.
        url: URL of the failed request, if any (it never contains the key).
        status: HTTP status code, if a response arrived.
        body: The decoded response body (dict, str or ``None``).
        partial: Records fetched before a multi-page list failed, if any.
        attempts: How many times the request was sent.
        after_unknown_outcome: True when an earlier attempt of the same call
            may have reached the server (a reset, timeout or 5xx), so its
            effect may already have happened.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        status: int | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        self.partial: Any = None
        self.attempts = 1
        self.after_unknown_outcome = False

    def __str__(self) -> str:
        context = self.request_line
        return f"{self.message} ({context})" if context else self.message

    @property
    def request_line(self) -> str:
        """Return ``"GET https://host/api/3/x -> 404"``, or ``""`` with no request."""
        if not self.method or not self.url:
            return ""
        line = f"{self.method} {self.url}"
        return f"{line} -> {self.status}" if self.status is not None else line


class ConfigurationError(ActiveCampaignError, ValueError):
    """The account URL, key or a setting is missing or invalid."""


class AuthenticationError(ActiveCampaignError):
    """403: the API key is missing, wrong, or not allowed to do this."""


class NotFoundError(ActiveCampaignError, LookupError):
    """404: no record with that id, or no such route."""


class ValidationError(ActiveCampaignError, ValueError):
    """422 from the server, or a payload rejected before any request.

    Attributes:
        errors: One ``FieldError`` per problem found.
    """

    def __init__(
        self,
        message: str,
        errors: list[FieldError] | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.errors: list[FieldError] = list(errors or [])

    @property
    def fields(self) -> dict[str, str]:
        """Map each field name to its messages, joined; unnamed ones under ``""``."""
        by_field: dict[str, list[str]] = {}
        for error in self.errors:
            by_field.setdefault(error.field or "", []).append(error.message)
        return {name: "; ".join(messages) for name, messages in by_field.items()}


class DuplicateError(ValidationError):
    """422 with code ``duplicate``: a record with the same key already exists.

    Attributes:
        existing_id: Id of the record that already exists, when a lookup found it.
    """

    existing_id: int | None = None


class RateLimitError(ActiveCampaignError):
    """429 still returned after the retry budget was spent.

    Attributes:
        retry_after: Seconds from the `Retry-After` header, when the response had one.
    """

    retry_after: float | None = None


class ServerError(ActiveCampaignError):
    """5xx: the server failed; GET, PUT and DELETE were retried first."""


class RequestError(ActiveCampaignError):
    """A 4xx status with no more specific class (400, 402, 405, 413, ...)."""


class NetworkError(ActiveCampaignError):
    """The connection failed, was reset or timed out.

    Attributes:
        outcome_unknown: True when the request may have reached the server,
            so a write may or may not have been stored.
    """

    outcome_unknown: bool = False


class UnexpectedResponseError(ActiveCampaignError):
    """A response whose body or status is not what the API documents."""


_STATUS_TABLE: dict[int, type[ActiveCampaignError]] = {
    403: AuthenticationError,
    404: NotFoundError,
    422: ValidationError,
    429: RateLimitError,
}


def error_for_status(status: int) -> type[ActiveCampaignError]:
    """Return the exception class for an HTTP error status."""
    if status in _STATUS_TABLE:
        return _STATUS_TABLE[status]
    if 400 <= status < 500:
        return RequestError
    if status >= 500:
        return ServerError
    return UnexpectedResponseError
