"""The API key never shows: reprs, HTML, logs, exceptions, tracebacks, widgets.

A sandbox runs with a known key, a workload drives every verb, error and
fault through a Session, and everything a user could see or save is
searched for the key and for pieces of it.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from typing import Any

import ipywidgets
import pytest
from conftest import fast_retry
from IPython.core.formatters import DisplayFormatter

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer

KEY = "sk-Secret-4f2a9c7e1b3d5f60718293a4b5c6d7e8"
WRONG_KEY = "wrong-Key-90e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4"
NEW = {"email": "secret@example.com", "connectionid": 1, "externalid": "S-1"}


def pieces(key: str) -> list[str]:
    """The key and fragments of it that no masked display would show."""
    return [key, key[:12], key[6:18], key[-12:]]


def assert_hidden(text: str, *keys: str) -> None:
    for key in keys or (KEY,):
        for piece in pieces(key):
            assert piece not in text, f"{piece!r} leaked"


@pytest.fixture
def keyed_server():
    with SandboxServer(dataset="demo", rate_limit=None, api_key=KEY) as running:
        yield running


@pytest.fixture
def keyed(keyed_server):
    session = acn.Session(keyed_server.url, KEY, rate_limit=None, timeout=(2.0, 0.3))
    with session:
        session.client.retry = fast_retry(max_retries=1)
        yield session


class Collector(logging.Handler):
    """Root handler that keeps every record fully formatted, traceback included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        )
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))
        self.texts.append(repr(record.args))
        self.texts.append(repr(record.__dict__))


@pytest.fixture
def all_logs() -> Iterator[Collector]:
    collector = Collector()
    root = logging.getLogger()
    loggers = [root, logging.getLogger("urllib3"), logging.getLogger("ac_notebook")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    root.addHandler(collector)
    try:
        yield collector
    finally:
        root.removeHandler(collector)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def capture(errors: list[BaseException], call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except acn.ActiveCampaignError as exc:
        errors.append(exc)
        return None


def run_workload(ac: acn.Session, server: SandboxServer) -> list[BaseException]:
    """Drive every verb, error kind and fault; return the errors raised."""
    errors: list[BaseException] = []
    ac.customers.get(1)
    ac.customers.list()
    created = ac.customers.create(NEW)
    ac.customers.update(created.id, acceptsMarketing=True)
    ac.customers.delete(created.id)

    capture(errors, ac.customers.get, 99999)
    capture(
        errors,
        ac.customers.create,
        email="x@example.com",
        connectionid=99,
        externalid="E",
    )
    capture(errors, ac.customers.create, email="bad", connectionid=1, externalid="E")
    ac.customers.create(NEW)
    capture(errors, ac.customers.create, dict(NEW, externalid="S-2"))

    faults = [
        {"kind": "status", "status": 429, "headers": {"Retry-After": "0"}},
        {"kind": "status", "status": 503},
        {"kind": "truncated_json"},
        {"kind": "html"},
        {"kind": "drop_before"},
        {"kind": "stall_after", "seconds": 1.0},
        {"kind": "forbidden_bare"},
        {"kind": "unprocessable_bare"},
    ]
    for fault in faults:
        server.faults.clear()
        server.faults.add(**fault, method="GET")
        capture(errors, ac.customers.get, 1)
        capture(errors, ac.customers.list)

    server.faults.clear()
    server.faults.add("status", status=500, method="POST")
    capture(errors, ac.customers.create, dict(NEW, externalid="S-3", email="s3@x.io"))
    ac.customers.create_many([NEW, {"email": "nope"}], progress=False)

    server.faults.clear()
    ac.customers.upsert_many([NEW], progress=False)
    return errors


def formatted(exc: BaseException) -> str:
    plain = "".join(traceback.format_exception(exc))
    with_locals = "".join(
        traceback.TracebackException.from_exception(exc, capture_locals=True).format()
    )
    state = repr(vars(exc))
    return "\n".join([str(exc), repr(exc), plain, with_locals, state])


def mime_texts(obj: Any) -> str:
    data, metadata = DisplayFormatter().format(obj)
    return json.dumps([data, metadata], default=str) + repr(obj) + str(obj)


def test_workload_logs_never_contain_key(keyed, keyed_server, all_logs):
    run_workload(keyed, keyed_server)
    assert len(all_logs.texts) > 100
    assert any("urllib3" in text for text in all_logs.texts)
    assert any("WARNING" in text for text in all_logs.texts)
    for text in all_logs.texts:
        assert_hidden(text)


def test_every_error_and_traceback_hides_key(keyed, keyed_server):
    errors = run_workload(keyed, keyed_server)
    kinds = {type(error).__name__ for error in errors}
    assert kinds >= {
        "NotFoundError",
        "ValidationError",
        "DuplicateError",
        "RateLimitError",
        "ServerError",
        "UnexpectedResponseError",
        "NetworkError",
        "AuthenticationError",
    }
    for error in errors:
        assert_hidden(formatted(error))
        assert_hidden(repr(getattr(error, "partial", None)))


def test_wrong_key_never_echoed(keyed_server, all_logs):
    with acn.Session(keyed_server.url, WRONG_KEY, rate_limit=None) as ac:
        with pytest.raises(acn.AuthenticationError) as info:
            ac.customers.list()
        assert_hidden(mime_texts(ac), WRONG_KEY)
    assert "API key was rejected" in str(info.value)
    assert_hidden(formatted(info.value), WRONG_KEY, KEY)
    for text in all_logs.texts:
        assert_hidden(text, WRONG_KEY, KEY)


def test_reprs_and_html_hide_key(keyed):
    record = keyed.customers.get(1)
    rows = keyed.customers.list()
    displayed = [
        keyed,
        keyed.client,
        keyed.client._http,
        keyed.client._http.auth,
        keyed.client._http.headers,
        vars(keyed.client),
        vars(keyed.client._http),
        keyed.throttle_state(),
        keyed.customers,
        keyed.orders,
        record,
        rows,
        rows[:0],
        rows.to_frame(),
        keyed.customers.list(limit=0),
    ]
    for obj in displayed:
        assert_hidden(mime_texts(obj))


def test_key_absent_from_request_log(keyed, keyed_server):
    keyed.customers.get(1)
    keyed.customers.create(NEW)
    for request in keyed_server.received:
        assert_hidden(repr(request))
    assert_hidden(repr(keyed_server))


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (KEY, "https://acme.api-us1.com"),
        (KEY, KEY),
        ("https://acme.api-us1.com", KEY + " trailing"),
        (f"https://{KEY}.api-us1.com/x", KEY),
        (f"ftp://{KEY}", KEY),
        (f"https://acme.api-us1.com/?k={KEY}", KEY),
        (f"https://{KEY}@acme.api-us1.com", KEY),
    ],
    ids=[
        "swapped",
        "key_as_url",
        "whitespace",
        "key_in_path",
        "key_in_scheme_url",
        "key_in_query",
        "key_as_user",
    ],
)
def test_configuration_errors_hide_key(url, key):
    with pytest.raises(acn.ConfigurationError) as info:
        acn.Session(url, key)
    text = "".join(traceback.format_exception(info.value))
    assert_hidden(text + repr(info.value))


def test_swapped_arguments_are_named(keyed_server):
    with pytest.raises(acn.ConfigurationError) as info:
        acn.Session(KEY, keyed_server.url)
    assert "looks like an API key" in str(info.value)
    with pytest.raises(acn.ConfigurationError) as info:
        acn.Session("https://acme.api-us1.com", "https://acme.api-us1.com")
    assert "looks like a URL" in str(info.value)


def widget_states() -> str:
    from ipywidgets.widgets.widget import _instances

    states = [w.get_state() for w in list(_instances.values())]
    assert states
    return json.dumps(states, default=str)


def test_forms_widget_state_hides_key(keyed):
    create = keyed.customers.create_form(connectionid=1)
    update = keyed.customers.update_form(1)
    create.fields["email"].value = "form@example.com"
    create.fields["externalid"].value = "FORM-1"
    assert create.submit() is not None
    update.fields["externalid"].value = "FORM-U"
    assert update.submit() is not None
    for form in (create, update):
        assert_hidden(mime_texts(form))
    assert_hidden(widget_states())


def test_login_form_clears_key_at_once(keyed_server):
    seen: list[acn.Session] = []
    form = acn.login_form(keyed_server.url, on_login=seen.append, rate_limit=None)
    with form.key_input.hold_trait_notifications():
        form.key_input.value = KEY
    try:
        assert form.key_input.value == ""
        assert form.session is not None
        assert seen == [form.session]
        assert form.session.customers.get(1).id == 1
        assert "Connected to 127.0.0.1" in form.message.value
        assert_hidden(widget_states())
        assert_hidden(mime_texts(form))
        assert_hidden(repr(vars(form)))
    finally:
        form.session.close()


def test_login_form_wrong_key_shows_error(keyed_server, all_logs):
    form = acn.login_form(keyed_server.url, rate_limit=None)
    form.key_input.value = WRONG_KEY
    assert form.session is None
    assert form.key_input.value == ""
    assert "API key was rejected" in form.message.value
    assert_hidden(widget_states(), WRONG_KEY, KEY)
    for text in all_logs.texts:
        assert_hidden(text, WRONG_KEY)


def test_login_form_button_without_key_asks_for_it(keyed_server):
    form = acn.login_form(keyed_server.url)
    form.connect_button.click()
    assert form.session is None
    assert "Type the API key" in form.message.value


def test_login_form_without_url_keeps_no_key(keyed_server):
    form = acn.login_form("", env_file=None)
    form.key_input.value = KEY
    assert form.session is None
    assert form.key_input.value == ""
    assert "account URL" in form.message.value
    assert_hidden(widget_states())


def test_login_form_key_as_url_is_cleared(keyed_server, all_logs):
    form = acn.login_form(KEY, env_file=None)
    assert form.url_input.value == ""
    assert "looks like an API key" in form.message.value
    form.key_input.value = WRONG_KEY
    assert form.session is None
    assert "looks like an API key" in form.message.value
    assert_hidden(widget_states(), KEY, WRONG_KEY)
    assert_hidden(mime_texts(form), KEY, WRONG_KEY)
    for text in all_logs.texts:
        assert_hidden(text, KEY, WRONG_KEY)


def test_login_form_key_in_url_path(keyed_server, all_logs):
    form = acn.login_form(keyed_server.url + "/" + KEY, env_file=None)
    form.key_input.value = KEY
    assert form.session is None
    assert form.url_input.value == ""
    assert "looks like an API key" in form.message.value
    assert_hidden(widget_states())
    assert_hidden(mime_texts(form))
    for text in all_logs.texts:
        assert_hidden(text)


def test_login_form_key_typed_into_url(keyed_server):
    form = acn.login_form(keyed_server.url, env_file=None)
    form.url_input.value = KEY
    assert form.url_input.value == ""
    assert "looks like an API key" in form.message.value
    assert_hidden(widget_states())


def test_login_form_logs_no_invalid_url(keyed_server, all_logs):
    form = acn.login_form(keyed_server.url + "/private-path", env_file=None)
    form.key_input.value = KEY
    assert form.session is None
    assert "/private-path" in form.message.value
    logged = "\n".join(all_logs.texts)
    assert "login failed" in logged
    assert "private-path" not in logged
    assert_hidden(logged)


def test_login_form_logs_valid_url(keyed_server, all_logs):
    form = acn.login_form(keyed_server.url, rate_limit=None)
    form.key_input.value = WRONG_KEY
    logged = "\n".join(all_logs.texts)
    assert f"login to {keyed_server.url}/api/3/ failed" in logged
    assert_hidden(logged, WRONG_KEY)


def test_login_form_escapes_url_in_message():
    form = acn.login_form("<img src=x onerror=alert(1)>", env_file=None)
    form.key_input.value = KEY
    assert "<img" not in form.message.value
    assert "&lt;img" in form.message.value


def test_pickles_never_contain_key(keyed):
    import pickle

    record = keyed.customers.get(1)
    rows = keyed.customers.list(limit=3)
    for obj in (record, rows, list(rows), rows[0]):
        data = pickle.dumps(obj)
        assert_hidden(data.decode("latin-1"))


def test_widget_repr_never_shows_password():
    field = ipywidgets.Password(value=KEY)
    assert_hidden(repr(field))


@pytest.mark.parametrize(
    "key",
    ["ключ-0123456789abcdef", "key\u00e9-0123456789", "k\x00ey-0123456789", "k\x7fey"],
    ids=["cyrillic", "latin1", "nul", "delete"],
)
def test_key_outside_ascii_rejected_before_sending(keyed_server, key):
    with pytest.raises(acn.ConfigurationError) as info:
        acn.Session(keyed_server.url, key)
    assert "ASCII letters, digits and punctuation" in str(info.value)
    assert key not in repr(info.value)
    assert len(keyed_server.received) == 0
