"""Normalisation of the account URL in the forms users paste."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from ._exceptions import ConfigurationError

__all__ = ["LOOPBACK_HOSTS", "is_loopback", "normalize_account_url"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_EXAMPLE = "https://ACCOUNT.api-us1.com"


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` is this machine (127.0.0.1, localhost or ::1)."""
    return host.lower().strip("[]") in LOOPBACK_HOSTS


def normalize_account_url(url: object) -> str:
    """Return the API base URL, ``https://host/api/3/``, for a pasted account URL.

    Accepts the URL with or without a scheme, a trailing slash or ``/api/3``.
    Plain ``http://`` is accepted only for 127.0.0.1 and localhost, where the
    sandbox runs.

    Raises:
        ConfigurationError: The value is not an account URL; the message
            shows the value and the expected form.
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError(
            f"the account URL must be a non-empty string such as {_EXAMPLE}, "
            f"got {url!r}"
        )
    parts = urlsplit(_with_scheme(url.strip()))
    host = _check_host(url, parts.hostname)
    _check_scheme(url, parts.scheme, host)
    _check_rest(url, parts.username, parts.query, parts.fragment, parts.path)
    netloc = parts.netloc.lower()
    return f"{parts.scheme.lower()}://{netloc}/api/3/"


def _with_scheme(url: str) -> str:
    if "://" in url:
        return url
    host = url.split("/", 1)[0].rsplit(":", 1)[0]
    return ("http://" if is_loopback(host) else "https://") + url


def _check_host(url: str, host: str | None) -> str:
    if not host:
        raise ConfigurationError(
            f"the account URL {url!r} has no host name; expected {_EXAMPLE}"
        )
    if _valid_host(host):
        return host
    raise ConfigurationError(
        f"the account URL {url!r} has an invalid host name {host!r}; "
        f"expected {_EXAMPLE}"
    )


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return len(host) <= 253 and all(_HOST_LABEL.match(label) for label in labels)


def _check_scheme(url: str, scheme: str, host: str) -> None:
    scheme = scheme.lower()
    if scheme == "https":
        return
    if scheme == "http" and is_loopback(host):
        return
    if scheme == "http":
        raise ConfigurationError(
            f"the account URL {url!r} uses plain http://, which would send the "
            "API key unencrypted; use https:// (plain http is allowed only for "
            "127.0.0.1 and localhost)"
        )
    raise ConfigurationError(
        f"the account URL {url!r} has the scheme {scheme!r}; expected https://"
    )


def _check_rest(
    url: str, user: str | None, query: str, fragment: str, path: str
) -> None:
    if user is not None:
        raise ConfigurationError(
            f"the account URL must not contain a user name or password; "
            f"expected {_EXAMPLE}"
        )
    if query or fragment:
        raise ConfigurationError(
            f"the account URL {url!r} has a query or fragment; expected {_EXAMPLE}"
        )
    path = path.rstrip("/")
    if path not in ("", "/api/3"):
        raise ConfigurationError(
            f"the account URL {url!r} has the path {path!r}; give only the "
            f"account address, such as {_EXAMPLE} (optionally ending in /api/3)"
        )
