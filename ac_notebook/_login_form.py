"""``LoginForm``: an ipywidgets form that connects with a typed API key.

ipywidgets syncs a ``Password`` widget's value to the kernel, and a saved
notebook contains the widget state. So the form reads the value as soon as it
arrives and sets the field back to ``""`` before doing anything else. The key
then lives only in the Session's client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from ._exceptions import ActiveCampaignError
from ._login import connect_with_key
from ._repr_values import esc, visible
from ._session import Session

__all__ = ["LoginCallback", "LoginForm"]

logger = logging.getLogger(__name__)

LoginCallback = Callable[[Session], object]

_LABEL_STYLE = {"description_width": "9em"}
_FIELD_WIDTH = "36em"


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
        self.url_input = widgets.Text(
            value=url,
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
        self.connect_button.on_click(self._button_clicked)

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

    def _connect(self, key: str) -> Session | None:
        url = self.url_input.value.strip()
        if not url:
            self._show("Fill in the account URL, then type the key again.", "error")
            return None
        self._show("Connecting…", "info")
        try:
            session = connect_with_key(url, key, verify=self._verify, **self._options)
        except ActiveCampaignError as exc:
            logger.warning("login to %s failed: %s", url, exc.message)
            self._show(f"Not connected: {exc}", "error")
            return None
        self._replace_session(session)
        self._show(f"Connected to {session.host}.", "success")
        if self._on_login is not None:
            self._on_login(session)
        return session

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
