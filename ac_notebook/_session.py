"""``Session``: the entry point, with the client and one Resource per API resource."""

from __future__ import annotations

import logging
import os
import re
import warnings
import weakref
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._client import Client, RetryPolicy
from ._exceptions import ConfigurationError
from ._helpers import Connection, EcomCustomer, EcomOrder
from ._properties import CONNECTIONS, CUSTOMERS, ORDER_PRODUCTS, ORDERS
from ._repr import RichRepr, session_html, session_text
from ._resources import Resource
from ._urls import is_loopback

if TYPE_CHECKING:
    from .sandbox import SandboxServer

__all__ = ["SandboxWarning", "Session", "connect"]

logger = logging.getLogger(__name__)

URL_VARIABLE = "ACTIVECAMPAIGN_URL"
KEY_VARIABLE = "ACTIVECAMPAIGN_API_KEY"

# Account URLs always contain a dot (ACCOUNT.api-us1.com), and API keys are
# long runs of letters, digits, "-" and "_" (hex on real accounts), so a
# "URL" of that shape is a key passed in the wrong place.
_KEY_SHAPED = re.compile(r"[A-Za-z0-9_-]{20,}")


class SandboxWarning(UserWarning):
    """``connect()`` found no account settings and started the sandbox instead."""


class Session(RichRepr):
    """A connection to one ActiveCampaign account (or the sandbox).

    Args:
        url: The account URL from Settings > Developer, such as
            ``https://ACCOUNT.api-us1.com``; a missing scheme, a trailing
            slash or ``/api/3`` are all accepted.
        api_key: The API key from the same page. It is sent only in the
            ``Api-Token`` header and never shown.
        timeout: Connect and read timeouts in seconds.
        rate_limit: Requests per second, shared by every Session on the same
            account in this process (the API allows 5). Sessions that pass
            different rates share the lowest one; ``None`` turns the throttle
            off only when every Session on the account passes ``None``.
        max_retries: Retries for 429, 5xx and connection failures.

    Raises:
        ConfigurationError: The URL or key is invalid.

    >>> ac = Session("https://ACCOUNT.api-us1.com", "KEY")  # doctest: +SKIP
    >>> ac.customers.list(email="a@example.com")  # doctest: +SKIP
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float | tuple[float, float] = (5.0, 30.0),
        rate_limit: float | None = 5.0,
        max_retries: int = 5,
    ) -> None:
        # NOTE: Messages are redacted, but tracebacks that print frame locals
        # (IPython's %xmode Verbose) still show api_key when this raises.
        _check_argument_order(url, api_key)
        try:
            self._client = Client(
                url,
                api_key,
                timeout=timeout,
                rate_limit=rate_limit,
                retry=RetryPolicy(max_retries=max_retries),
            )
        except ConfigurationError as exc:
            raise _redacted(exc, api_key) from None
        self._sandbox: SandboxServer | None = None
        self.customers = Resource(self._client, CUSTOMERS, EcomCustomer)
        self.connections = Resource(self._client, CONNECTIONS, Connection)
        self.orders = Resource(self._client, ORDERS, EcomOrder)
        self.order_products = Resource(self._client, ORDER_PRODUCTS)

    @classmethod
    def from_env(
        cls, *, env_file: str | Path | None = ".env", **options: Any
    ) -> Session:
        """Create a Session from ``ACTIVECAMPAIGN_URL`` and ``ACTIVECAMPAIGN_API_KEY``.

        Variables already set in the environment win over those in
        ``env_file``. By default that is the nearest ``.env`` file in the
        working directory or a parent folder, so a notebook in ``notebooks/``
        finds the file next to the README; ``None`` skips it.

        Raises:
            ConfigurationError: A variable is missing; the message names it.
        """
        settings = _settings(env_file)
        missing = [
            name for name in (URL_VARIABLE, KEY_VARIABLE) if not settings.get(name)
        ]
        if missing:
            raise ConfigurationError(
                f"{' and '.join(missing)} not set; set them in the environment or "
                "in a .env file, or use Session.sandbox() to try the package "
                "without an account"
            )
        return cls(settings[URL_VARIABLE], settings[KEY_VARIABLE], **options)

    @classmethod
    def sandbox(
        cls,
        dataset: str = "demo",
        *,
        db: str | Path | None = None,
        rate_limit: float | None = 5.0,
        latency: float = 0.0,
        **options: Any,
    ) -> Session:
        """Start the embedded sandbox server on 127.0.0.1 and connect to it.

        Args:
            dataset: ``"empty"``, ``"demo"`` or ``"cdnow"``.
            db: SQLite file to keep the data in; ``None`` keeps it in memory.
            rate_limit: The sandbox's requests per second per key, also used
                for the client's throttle; ``None`` turns both off.
            latency: Seconds the sandbox adds to every response.
            **options: Passed to ``Session`` (``timeout``, ``max_retries``).

        The server stops when the Session is closed.
        """
        from .sandbox import SandboxServer

        server = SandboxServer(
            dataset=dataset, db=db, rate_limit=rate_limit, latency=latency
        ).start()
        try:
            session = cls(server.url, server.api_key, rate_limit=rate_limit, **options)
        except Exception:
            server.stop()
            raise
        session._sandbox = server
        # A notebook that runs ``ac = Session.sandbox()`` again drops the old
        # Session; stopping its server then keeps threads and ports from piling up.
        weakref.finalize(session, server.stop)
        return session

    @classmethod
    def prompt(cls, url: str | None = None, **options: Any) -> Session:
        """Ask for the API key without echoing it and connect; see ``login()``.

        The URL comes from ``url``, else ``ACTIVECAMPAIGN_URL`` (environment
        or ``.env``), else a prompt. The key is read with ``getpass`` and
        checked with one request.

        Raises:
            ConfigurationError: The frontend cannot prompt for input; use
                ``acn.login_form()`` there.
        """
        from ._login import login

        return login(url, **options)

    @property
    def host(self) -> str:
        """The account's host (and port), such as ``ACCOUNT.api-us1.com``."""
        return self._client.host

    @property
    def is_sandbox(self) -> bool:
        """True when this Session talks to a sandbox on this machine."""
        return self._sandbox is not None or is_loopback(self.host.rsplit(":", 1)[0])

    @property
    def sandbox_server(self) -> SandboxServer | None:
        """The embedded sandbox this Session started, if any."""
        return self._sandbox

    @property
    def client(self) -> Client:
        """The HTTP client, for calls the resources do not cover."""
        return self._client

    def throttle_state(self) -> dict[str, Any]:
        """Return the shared throttle's rate, requests, seconds waited and pauses."""
        return self._client.throttle.state()

    def close(self) -> None:
        """Close the HTTP connections and stop the sandbox this Session started."""
        self._client.close()
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        kind = "sandbox" if self.is_sandbox else "live"
        return f"<Session {kind} host={self.host!r}>"

    def _text_repr(self) -> str:
        return session_text(self)

    def _html_repr(self) -> str:
        return session_html(self)


def connect(
    *,
    dataset: str = "demo",
    sandbox_options: Mapping[str, Any] | None = None,
    **options: Any,
) -> Session:
    """Connect to the account in the environment, or else to a new sandbox.

    Uses ``Session.from_env()`` when ``ACTIVECAMPAIGN_URL`` and
    ``ACTIVECAMPAIGN_API_KEY`` are set (in the environment or a ``.env``
    file). Otherwise it starts ``Session.sandbox(dataset)`` and issues a
    ``SandboxWarning`` saying so.

    Args:
        dataset: The sandbox's dataset when no account is configured.
        sandbox_options: Keyword arguments for ``Session.sandbox()`` only,
            such as ``{"rate_limit": None, "db": path}``. A Session on an
            account does not get them.
        **options: Keyword arguments for either kind of Session
            (``timeout``, ``max_retries``).
    """
    settings = _settings(".env")
    if settings.get(URL_VARIABLE) and settings.get(KEY_VARIABLE):
        return Session.from_env(**options)
    _check_both_or_neither(settings)
    warnings.warn(
        f"{URL_VARIABLE} and {KEY_VARIABLE} are not set, so this Session uses "
        f"the local sandbox with the {dataset!r} dataset, not a real account",
        SandboxWarning,
        stacklevel=2,
    )
    return Session.sandbox(dataset, **{**options, **(sandbox_options or {})})


def _check_both_or_neither(settings: Mapping[str, str]) -> None:
    present = [name for name in (URL_VARIABLE, KEY_VARIABLE) if settings.get(name)]
    if len(present) != 1:
        return
    missing = KEY_VARIABLE if present == [URL_VARIABLE] else URL_VARIABLE
    raise ConfigurationError(
        f"{present[0]} is set but {missing} is not; set both to use your "
        "account, or neither to use the sandbox"
    )


def _settings(env_file: str | Path | None) -> Mapping[str, str]:
    settings: dict[str, str] = {}
    path = _find_env_file(env_file)
    if path is not None:
        settings.update(_read_env_file(path))
    settings.update(
        {
            name: os.environ[name]
            for name in (URL_VARIABLE, KEY_VARIABLE)
            if name in os.environ
        }
    )
    return settings


def _find_env_file(env_file: str | Path | None) -> Path | None:
    """Return the ``.env`` file to read: the given path, or for the default
    name the nearest one in the working directory or a parent folder."""
    if env_file is None:
        return None
    if str(env_file) == ".env":
        from dotenv import find_dotenv

        found = find_dotenv(usecwd=True)
        return Path(found) if found else None
    return Path(env_file) if Path(env_file).is_file() else None


def _read_env_file(path: Path) -> dict[str, str]:
    from dotenv import dotenv_values

    values = dotenv_values(path)
    return {k: v for k, v in values.items() if k in (URL_VARIABLE, KEY_VARIABLE) and v}


def _check_argument_order(url: object, api_key: object) -> None:
    """Reject a key given as the URL before it reaches a message or a DNS query."""
    if isinstance(url, str) and _KEY_SHAPED.fullmatch(url.strip()):
        raise ConfigurationError(
            "the account URL looks like an API key; pass the URL first and the "
            "key second, as in Session('https://ACCOUNT.api-us1.com', api_key)"
        )
    if isinstance(api_key, str) and ("://" in api_key or "." in api_key):
        raise ConfigurationError(
            "the API key looks like a URL; pass the URL first and the key "
            "second, as in Session('https://ACCOUNT.api-us1.com', api_key)"
        )


def _redacted(exc: ConfigurationError, api_key: object) -> ConfigurationError:
    if not isinstance(api_key, str) or len(api_key.strip()) < 4:
        return exc
    if api_key.strip() not in exc.message:
        return exc
    return ConfigurationError(exc.message.replace(api_key.strip(), "***"))
