"""``LoginForm``: an ipywidgets form that connects with a typed API key.

ipywidgets syncs a ``Password`` widget's value to the kernel, and a saved
notebook contains the widget state. So the form reads the value as soon as it
arrives and sets the field back to ``""`` before doing anything else. The key
then lives only in the Session's client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import ipywidgets as widgets

from ._exceptions import ActiveCampaignError, ConfigurationError
from ._login import connect_with_key
from ._repr_values import esc, visible
from ._session import Session
from ._urls import normalize_account_url

__all__ = ["LoginCallback", "LoginForm"]

logger = logging.getLogger(__name__)

LoginCallback = Callable[[Session], object]

_LABEL_STYLE = {"description_width": "9em"}
_FIELD_WIDTH = "36em"

# A run of 20 or more letters, digits, "_" or "-": the shape of an API key,
# the same pattern that Session uses to reject a key passed as the URL.
_KEY_SHAPED = re.compile(r"[A-Za-z0-9_-]{20,}")
_KEY_IN_URL_FIELD = (
    "The account URL field contained what looks like an API key, so the field "
    "was cleared. Type the account URL, such as https://ACCOUNT.api-us1.com, "
    "and the key in the API key field."
)


class LoginForm(widgets.VBox):  # type: ignore[misc]
    """Account URL, a password field for the API key, a button and a message.

    Attributes:
        url_input: ``Text`` widget with the account URL.
        key_input: ``Password`` widget; it is always empty after a read.
        connect_button: Connects with the key in ``key_input``.
        message: ``HTML`` widget that shows the outcome.
        session: The Session of the last successful login, or ``None``.
    """

    def __init__(
        self,
        url: str = "",
        *,
        on_login: LoginCallback | None = None,
        verify: bool = True,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        key_in_url = looks_like_key(url)
        self.url_input = widgets.Text(
            value="" if key_in_url else url,
            description="Account URL",
            placeholder="https://ACCOUNT.api-us1.com",
            style=_LABEL_STYLE,
            layout=widgets.Layout(width=_FIELD_WIDTH),
        )
        # With continuous_update off, the frontend sends the key once, on
        # Enter or when the field loses focus, instead of after every key.
        self.key_input = widgets.Password(
            description="API key",
            placeholder="Settings > Developer; press Enter to connect",
            continuous_update=False,
            style=_LABEL_STYLE,
            layout=widgets.Layout(width=_FIELD_WIDTH),
        )
        self.connect_button = widgets.Button(
            description="Connect", button_style="primary", icon="plug"
        )
        self.message = widgets.HTML()
        self.session: Session | None = None
        self._on_login = on_login
        self._verify = verify
        self._options = dict(options or {})
        super().__init__(
            [self.url_input, self.key_input, self.connect_button, self.message]
        )
        self.key_input.observe(self._key_arrived, names="value")
        self.url_input.observe(self._url_changed, names="value")
        self.connect_button.on_click(self._button_clicked)
        self._url_cleared = key_in_url
        if key_in_url:
            self._show(_KEY_IN_URL_FIELD, "warning")

    def __repr__(self) -> str:
        state = f"connected to {self.session.host}" if self.session else "not connected"
        return f"<LoginForm {state}>"

    def submit(self) -> Session | None:
        """Connect with the key in the password field, as the Connect button does.

        Returns the new Session, or ``None`` when there was no key or the
        login failed, and ``message`` then shows the reason.
        """
        key = self._take_key()
        if not key:
            if self.session is None:
                self._show("Type the API key, then press Enter.", "warning")
            return None
        return self._connect(key)

    def _take_key(self) -> str:
        key = str(self.key_input.value or "")
        if key:
            self.key_input.value = ""
        return key

    def _key_arrived(self, change: Mapping[str, Any]) -> None:
        if change.get("new"):
            self.submit()

    def _button_clicked(self, button: Any) -> None:
        self.submit()

    def _url_changed(self, change: Mapping[str, Any]) -> None:
        value = str(change.get("new") or "")
        if looks_like_key(value):
            self._url_cleared = True
            self.url_input.value = ""
            self._show(_KEY_IN_URL_FIELD, "warning")
        elif value:
            self._url_cleared = False

    def _connect(self, key: str) -> Session | None:
        url = self.url_input.value.strip()
        if len(key.strip()) >= 4 and key.strip() in url:
            self._url_cleared = True
            self.url_input.value = ""
            url = ""
        if not url and self._url_cleared:
            self._show(_KEY_IN_URL_FIELD, "error")
            return None
        if not url:
            self._show("Fill in the account URL, then type the key again.", "error")
            return None
        self._show("Connecting…", "info")
        try:
            session = connect_with_key(url, key, verify=self._verify, **self._options)
        except ActiveCampaignError as exc:
            self._login_failed(url, key, exc)
            return None
        self._replace_session(session)
        self._show(f"Connected to {session.host}.", "success")
        if self._on_login is not None:
            self._on_login(session)
        return session

    def _login_failed(self, url: str, key: str, exc: ActiveCampaignError) -> None:
        account = _validated_url(url)
        if account is None:
            # The URL value is left out, because a mistyped URL can contain
            # the key or another secret.
            logger.warning(
                "login failed: the account URL in the form is invalid; the "
                "form message shows why"
            )
        else:
            logger.warning("login to %s failed: %s", account, redact(exc.message, key))
        self._show(f"Not connected: {redact(str(exc), key)}", "error")

    def _replace_session(self, session: Session) -> None:
        if self.session is not None:
            self.session.close()
        self.session = session

    def _show(self, text: str, kind: str) -> None:
        colour = {
            "success": "var(--jp-success-color1, #1b5e20)",
            "error": "var(--jp-error-color1, #b00020)",
            "warning": "var(--jp-warn-color1, #8a6d00)",
        }.get(kind, "inherit")
        # The text can contain a typed URL, so it is escaped and any control
        # or bidirectional character is shown as an escape.
        self.message.value = (
            f'<span class="ac-login-{kind}" style="color: {colour}">'
            f"<bdi>{esc(visible(text))}</bdi></span>"
        )


def looks_like_key(url: str) -> bool:
    """Tell whether a URL field value is, or contains outside the host, a key.

    An account URL has no path beyond ``/api/3``, no query and no user name,
    so a key-shaped run of characters there is taken for a pasted key.
    """
    text = url.strip()
    if not text:
        return False
    if _KEY_SHAPED.fullmatch(text):
        return True
    if _validated_url(text) is not None:
        return False
    return _KEY_SHAPED.search(_without_host(text)) is not None


def _without_host(url: str) -> str:
    try:
        host = urlsplit(url if "://" in url else "https://" + url).hostname or ""
    except ValueError:
        return url
    start = url.lower().find(host) if host else -1
    if start < 0:
        return url
    return url[:start] + " " + url[start + len(host) :]


def _validated_url(url: str) -> str | None:
    try:
        return normalize_account_url(url)
    except ConfigurationError:
        return None


def redact(text: str, key: str) -> str:
    """Replace every occurrence of the typed key in ``text`` with ``***``."""
    secret = key.strip()
    if len(secret) < 4:
        return text
    return text.replace(secret, "***")
