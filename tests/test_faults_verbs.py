"""Every CRUD verb under every fault the sandbox injects.

Each fault is scoped to the verb's HTTP method. A transient fault (two
occurrences) must be invisible: the call succeeds and the store contains
exactly the intended change. A persistent fault must end in a clear
``ActiveCampaignError`` subclass, never a bare ``JSONDecodeError``,
``KeyError`` or ``requests`` exception, and writes must not be duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer

#: Read timeout of the Sessions here; ``stall_after`` faults wait longer.
READ_TIMEOUT = 0.4
STALL_SECONDS = 1.2

NEW = {"email": "fault@example.com", "connectionid": 1, "externalid": "F-1"}

FAULTS: dict[str, dict[str, Any]] = {
    "429": {"kind": "status", "status": 429, "headers": {"Retry-After": "0"}},
    "500": {"kind": "status", "status": 500},
    "502": {"kind": "status", "status": 502},
    "503_html": {"kind": "status", "status": 503},
    "520": {"kind": "status", "status": 520},
    "empty_body": {"kind": "empty_body"},
    "truncated_json": {"kind": "truncated_json"},
    "html_200": {"kind": "html"},
    "drop_before": {"kind": "drop_before"},
    "drop_after": {"kind": "drop_after"},
    "stall_after": {"kind": "stall_after", "seconds": STALL_SECONDS},
}

METHODS = {
    "get": "GET",
    "list": "GET",
    "create": "POST",
    "update": "PUT",
    "delete": "DELETE",
}

Error = type[acn.ActiveCampaignError]
RATE, SERVER = acn.RateLimitError, acn.ServerError
BODY, NETWORK = acn.UnexpectedResponseError, acn.NetworkError
STATUS_ERRORS: dict[str, Error] = {
    "429": RATE,
    "500": SERVER,
    "502": SERVER,
    "503_html": SERVER,
    "520": SERVER,
}

#: What a fault that never stops does to each verb: the error raised, or
#: ``None`` when the call still succeeds.
PERSISTENT: dict[str, dict[str, Error | None]] = {
    "get": {
        **STATUS_ERRORS,
        "empty_body": BODY,
        "truncated_json": BODY,
        "html_200": BODY,
        "drop_before": NETWORK,
        "drop_after": NETWORK,
        "stall_after": NETWORK,
    },
    "create": {
        **STATUS_ERRORS,
        # The record was stored before the body was lost, so the lookup
        # that follows an unknown outcome finds it.
        "empty_body": None,
        "truncated_json": None,
        "html_200": BODY,
        "drop_before": NETWORK,
        "drop_after": None,
        "stall_after": None,
    },
    "update": {
        **STATUS_ERRORS,
        "empty_body": BODY,
        "truncated_json": BODY,
        "html_200": BODY,
        "drop_before": NETWORK,
        "drop_after": NETWORK,
        "stall_after": NETWORK,
    },
    "delete": {
        **STATUS_ERRORS,
        # DELETE needs no body, so an empty 200 is a success.
        "empty_body": None,
        "truncated_json": BODY,
        "html_200": BODY,
        "drop_before": NETWORK,
        "drop_after": NETWORK,
        "stall_after": NETWORK,
    },
}
PERSISTENT["list"] = PERSISTENT["get"]

#: Faults that store the write before failing (see ``PERFORMING_KINDS``).
STORED_FIRST = {"empty_body", "truncated_json", "drop_after", "stall_after"}


@pytest.fixture
def ac_short(server):
    """A Session with a short read timeout, so that stalls time out."""
    session = acn.Session(
        server.url, server.api_key, rate_limit=None, timeout=(2.0, READ_TIMEOUT)
    )
    with session:
        session.client.retry = fast_retry(max_retries=2)
        yield session


def customer_row(server: SandboxServer, row_id: int) -> dict[str, Any] | None:
    return server.store.fetch("ecomCustomers", row_id)


def created_rows(server: SandboxServer) -> list[dict[str, Any]]:
    rows = server.store.find("ecomCustomers")
    return [row for row in rows if row["externalid"] == NEW["externalid"]]


def do_get(ac: acn.Session) -> Any:
    return ac.customers.get(3)


def do_list(ac: acn.Session) -> Any:
    return ac.customers.list()


def do_create(ac: acn.Session) -> Any:
    return ac.customers.create(NEW)


def do_update(ac: acn.Session) -> Any:
    return ac.customers.update(3, externalid="U-3")


def do_delete(ac: acn.Session) -> Any:
    return ac.customers.delete(4)


VERBS: dict[str, Callable[[acn.Session], Any]] = {
    "get": do_get,
    "list": do_list,
    "create": do_create,
    "update": do_update,
    "delete": do_delete,
}


def check_success(verb: str, result: Any, server: SandboxServer) -> None:
    """Assert the verb's result and that the store contains exactly its change."""
    if verb == "get":
        assert result.id == 3
    elif verb == "list":
        assert result.ids == list(range(1, 13))
        assert result.total == 12
    elif verb == "create":
        rows = created_rows(server)
        assert len(rows) == 1
        assert result.id == rows[0]["id"]
        assert result.email == NEW["email"]
    elif verb == "update":
        assert result.externalid == "U-3"
        assert customer_row(server, 3)["externalid"] == "U-3"
    elif verb == "delete":
        assert result is None
        assert customer_row(server, 4) is None


def check_unchanged(verb: str, server: SandboxServer) -> None:
    """Assert that a failed write left the store as it was."""
    if verb == "create":
        assert created_rows(server) == []
    elif verb == "update":
        assert customer_row(server, 3)["externalid"] != "U-3"
    elif verb == "delete":
        assert customer_row(server, 4) is not None


def check_clear_error(error: BaseException) -> None:
    assert isinstance(error, acn.ActiveCampaignError)
    assert not isinstance(error, json.JSONDecodeError | KeyError)
    assert not isinstance(error, requests.RequestException)
    assert error.method is not None
    assert error.url is not None
    assert str(error)


CASES = [(verb, fault) for verb in VERBS for fault in FAULTS]


@pytest.mark.parametrize(("verb", "fault"), CASES, ids=[f"{v}-{f}" for v, f in CASES])
def test_transient_fault_is_invisible(ac_short, server, verb, fault):
    injected = server.faults.add(**FAULTS[fault], method=METHODS[verb], count=2)
    result = VERBS[verb](ac_short)
    check_success(verb, result, server)
    assert injected.applied >= 1


@pytest.mark.parametrize(("verb", "fault"), CASES, ids=[f"{v}-{f}" for v, f in CASES])
def test_persistent_fault_outcome(ac_short, server, verb, fault):
    server.faults.add(**FAULTS[fault], method=METHODS[verb])
    expected = PERSISTENT[verb][fault]
    if expected is None:
        check_success(verb, VERBS[verb](ac_short), server)
        return
    with pytest.raises(expected) as info:
        VERBS[verb](ac_short)
    check_clear_error(info.value)
    if fault not in STORED_FIRST:
        check_unchanged(verb, server)


@pytest.mark.parametrize("verb", ["get", "update", "delete"])
def test_retry_budget_counts_attempts(ac_short, server, verb):
    server.faults.add("status", status=503, method=METHODS[verb])
    with pytest.raises(acn.ServerError) as info:
        VERBS[verb](ac_short)
    assert info.value.attempts == 3
    assert info.value.status == 503
    assert "503 Service Unavailable" in str(info.value)
    assert "<html>" not in str(info.value)
    sent = [r for r in server.received if r.method == METHODS[verb]]
    assert len(sent) == 3


def test_create_under_5xx_sends_again_only_after_lookup(ac_short, server):
    server.faults.add("status", status=500, method="POST")
    with pytest.raises(acn.ServerError):
        ac_short.customers.create(NEW)
    methods = [r.method for r in server.received]
    # Each failed POST is followed by a lookup before the next POST.
    assert methods.count("POST") == 3
    assert methods[:2] == ["POST", "GET"]
    assert created_rows(server) == []


def test_create_under_persistent_drop_after_posts_once(ac_short, server):
    server.faults.add("drop_after", method="POST")
    created = ac_short.customers.create(NEW)
    assert created.externalid == NEW["externalid"]
    assert len([r for r in server.received if r.method == "POST"]) == 1


def test_429_storm_raises_rate_limit_error(ac_short, server):
    server.faults.add("status", status=429, headers={"Retry-After": "0"})
    with pytest.raises(acn.RateLimitError) as info:
        ac_short.customers.create(NEW)
    assert info.value.retry_after == 0
    assert info.value.attempts == 3
    assert "rate limit" in str(info.value)
    assert created_rows(server) == []


def test_429_retry_after_pauses_throttle(server):
    with acn.Session(server.url, server.api_key, rate_limit=1000.0) as ac:
        ac.client.retry = fast_retry()
        server.faults.add(
            "status", status=429, headers={"Retry-After": "0.05"}, count=3
        )
        assert ac.customers.get(3).id == 3
        assert ac.throttle_state()["pauses"] >= 3


def test_stall_error_names_timeout(ac_short, server):
    server.faults.add("stall_after", method="GET", seconds=STALL_SECONDS)
    with pytest.raises(acn.NetworkError) as info:
        ac_short.customers.get(3)
    assert "timed out waiting for the response" in str(info.value)
    assert info.value.outcome_unknown is True
    assert info.value.attempts == 3


def test_drop_before_get_error_names_connection(ac_short, server):
    server.faults.add("drop_before", method="GET")
    with pytest.raises(acn.NetworkError) as info:
        ac_short.customers.get(3)
    assert "lost the connection" in str(info.value)


def test_persistent_html_200_error_shows_title(ac_short, server):
    server.faults.add("html", method="GET")
    with pytest.raises(acn.UnexpectedResponseError) as info:
        ac_short.customers.get(3)
    assert "Down for maintenance" in str(info.value)
    assert "<title>" not in str(info.value)
    assert info.value.status == 200


def test_deeply_nested_body_is_unexpected_response(ac_short, server):
    server.faults.add("status", status=200, body="[" * 100_000, method="GET")
    with pytest.raises(acn.UnexpectedResponseError) as info:
        ac_short.customers.get(3)
    check_clear_error(info.value)
    assert "not JSON" in str(info.value)


def test_update_after_drop_reports_unknown_outcome(ac_short, server):
    server.faults.add("drop_after", method="PUT")
    with pytest.raises(acn.NetworkError) as info:
        ac_short.customers.update(3, externalid="U-3")
    assert info.value.outcome_unknown is True
    assert info.value.after_unknown_outcome is True
    assert customer_row(server, 3)["externalid"] == "U-3"


@pytest.mark.parametrize("verb", list(VERBS))
def test_bare_403_is_authentication_error(ac_short, server, verb):
    server.faults.add("forbidden_bare", method=METHODS[verb], count=1)
    with pytest.raises(acn.AuthenticationError) as info:
        VERBS[verb](ac_short)
    check_clear_error(info.value)
    assert info.value.status == 403
    assert info.value.body is None
    assert len([r for r in server.received if r.method == METHODS[verb]]) == 1
    check_unchanged(verb, server)


def test_intermittent_403_fails_only_hit_calls(ac_short, server):
    server.faults.seed(3)
    server.faults.add("forbidden_bare", share=0.5)
    outcomes = []
    for _ in range(12):
        try:
            outcomes.append(ac_short.customers.get(3).id)
        except acn.AuthenticationError as exc:
            outcomes.append(exc.status)
    assert set(outcomes) == {3, 403}
    statuses = [r.status for r in server.received]
    assert statuses.count(403) == outcomes.count(403)


@pytest.mark.parametrize("verb", list(VERBS))
def test_bare_422_is_validation_error(ac_short, server, verb):
    server.faults.add("unprocessable_bare", method=METHODS[verb], count=1)
    with pytest.raises(acn.ValidationError) as info:
        VERBS[verb](ac_short)
    check_clear_error(info.value)
    assert info.value.status == 422
    assert [e.field for e in info.value.errors] == [None]
    assert "could not be processed" in str(info.value)
    check_unchanged(verb, server)
