"""Connect with an API key that the user types instead of storing it.

``login()`` prompts for the key with ``getpass``, which works in a terminal,
in JupyterLab, Notebook 7 and VS Code (there the prompt opens at the top of
the window). Frontends without input requests, such as nteract or a notebook run
by nbclient, raise ``StdinNotImplementedError``; ``login()`` turns that into
a ``ConfigurationError`` that points to ``login_form()``, an ipywidgets form
with a password field that is cleared as soon as its value is read.
"""

from __future__ import annotations

import getpass
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._exceptions import ActiveCampaignError, ConfigurationError
from ._session import URL_VARIABLE, Session, _settings

if TYPE_CHECKING:
    from ._login_form import LoginCallback, LoginForm

__all__ = ["connect_with_key", "login", "login_form", "read_key"]

logger = logging.getLogger(__name__)

KEY_PROMPT = "ActiveCampaign API key (Settings > Developer): "
URL_PROMPT = "ActiveCampaign account URL (https://ACCOUNT.api-us1.com): "

_NO_STDIN = (
    "this frontend cannot ask for input, so the key cannot be typed at a "
    "prompt; use acn.login_form() for a password field, or set "
    "ACTIVECAMPAIGN_API_KEY in the environment or in a .env file"
)


def login(
    url: str | None = None,
    *,
    env_file: str | Path | None = ".env",
    verify: bool = True,
    **options: Any,
) -> Session:
    """Ask for the API key without echoing it and connect to the account.

    Args:
        url: The account URL. ``None`` takes ``ACTIVECAMPAIGN_URL`` from the
            environment or ``env_file``, or else prompts for it.
        env_file: ``.env`` file to read the URL from; ``None`` skips it.
        verify: Send one request (the first connection) to check the key.
        **options: Passed to ``Session`` (``timeout``, ``rate_limit``,
            ``max_retries``).

    Raises:
        ConfigurationError: The frontend cannot prompt for input, or the URL
            or key is invalid.
        AuthenticationError: ``verify`` is set and the key was rejected.

    >>> ac = acn.login("https://ACCOUNT.api-us1.com")  # doctest: +SKIP
    ActiveCampaign API key (Settings > Developer): ········
    """
    account_url = url or _settings(env_file).get(URL_VARIABLE) or _ask_url()
    return connect_with_key(account_url, read_key(), verify=verify, **options)


def read_key(prompt: str = KEY_PROMPT) -> str:
    """Read the API key with ``getpass``; only bullets reach the notebook.

    Raises:
        ConfigurationError: The frontend cannot prompt for input.
    """
    try:
        # Looked up at call time, because ipykernel swaps in its own getpass
        # while a cell runs.
        return getpass.getpass(prompt)
    except (NotImplementedError, EOFError):
        raise ConfigurationError(_NO_STDIN) from None


def _ask_url() -> str:
    try:
        return input(URL_PROMPT)
    except (NotImplementedError, EOFError):
        raise ConfigurationError(
            f"{URL_VARIABLE} is not set and this frontend cannot ask for it; "
            "pass the account URL, as in acn.login('https://ACCOUNT.api-us1.com')"
        ) from None


def connect_with_key(
    url: str, key: str, *, verify: bool = True, **options: Any
) -> Session:
    """Create a Session and, with ``verify``, check the key with one request.

    Raises:
        ConfigurationError: The URL or key is invalid.
        ActiveCampaignError: ``verify`` is set and the check failed, such as
            ``AuthenticationError`` for a rejected key.
    """
    session = Session(url.strip(), key.strip(), **options)
    if not verify:
        return session
    try:
        session.client.request("GET", "connections", params={"limit": 1})
    except ActiveCampaignError:
        session.close()
        raise
    logger.info("connected to %s with a typed API key", session.host)
    return session


def login_form(
    url: str | None = None,
    *,
    on_login: LoginCallback | None = None,
    env_file: str | Path | None = ".env",
    verify: bool = True,
    **options: Any,
) -> LoginForm:
    """Return an ipywidgets form with the account URL and a password field.

    Typing the key and pressing Enter (or clicking Connect) connects. The
    password field is emptied as soon as its value is read, so the key is
    left in no widget state and no saved notebook. The Session is then
    ``form.session``, and ``on_login(session)`` is called with it.

    Args:
        url: The account URL to prefill; ``None`` takes ``ACTIVECAMPAIGN_URL``
            from the environment or ``env_file`` when set.
        on_login: Called with the new Session after each successful login.
        env_file: ``.env`` file to read the URL from; ``None`` skips it.
        verify: Send one request to check the key before accepting it.
        **options: Passed to ``Session``.

    >>> form = acn.login_form()  # doctest: +SKIP
    >>> form  # type the key, press Enter  # doctest: +SKIP
    >>> ac = form.session  # doctest: +SKIP
    """
    from ._login_form import LoginForm

    account_url = url or _settings(env_file).get(URL_VARIABLE) or ""
    return LoginForm(account_url, on_login=on_login, verify=verify, options=options)
