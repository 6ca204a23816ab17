"""Sandbox fault injection: each kind, request matching, count and share."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from ac_notebook.sandbox import SandboxServer

NEW = {
    "ecomCustomer": {"connectionid": "1", "externalid": "F", "email": "f@example.com"}
}


def call(
    server: SandboxServer, method: str, path: str, body: Any = None, timeout: float = 10
) -> requests.Response:
    return requests.request(
        method,
        f"{server.url}/api/3/{path}",
        json=body,
        headers={"Api-Token": server.api_key},
        timeout=timeout,
    )


def customers(server: SandboxServer) -> int:
    return server.store.count("ecomCustomers")


def test_status_fault_skips_the_store(server):
    server.faults.add("status", status=500, method="POST")
    response = call(server, "POST", "ecomCustomers", NEW)
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    assert customers(server) == 12


def test_status_503_sends_html(server):
    server.faults.add("status", status=503)
    response = call(server, "GET", "ecomCustomers/1")
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>503 Service Unavailable</title>" in response.text


def test_status_520_has_reason(server):
    server.faults.add("status", status=520)
    response = call(server, "GET", "ecomCustomers/1")
    assert response.status_code == 520
    assert response.reason == "Unknown Error"


def test_status_429_sends_retry_after(server):
    server.faults.add("status", status=429)
    response = call(server, "GET", "ecomCustomers/1")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.json() == {"message": "Too Many Requests"}


def test_status_fault_with_body_and_headers(server):
    body = {"errors": [{"title": "The connection service was not provided."}]}
    server.faults.add("status", status=422, body=body, headers={"X-Trace": "t-1"})
    response = call(server, "GET", "ecomCustomers/1")
    assert response.status_code == 422
    assert response.json() == body
    assert response.headers["X-Trace"] == "t-1"


def test_status_fault_with_text_body_overrides_type(server):
    page = "<html><title>502 Bad Gateway</title></html>"
    headers = {"Content-Type": "text/html"}
    server.faults.add("status", status=502, body=page, headers=headers)
    response = call(server, "GET", "ecomCustomers/1")
    assert response.text == page
    assert response.headers["Content-Type"] == "text/html"


def test_empty_body_performs_request(server):
    server.faults.add("empty_body", method="POST")
    response = call(server, "POST", "ecomCustomers", NEW)
    assert response.status_code == 200
    assert response.content == b""
    assert customers(server) == 13


def test_truncated_json_performs_request(server):
    server.faults.add("truncated_json", method="POST")
    response = call(server, "POST", "ecomCustomers", NEW)
    assert response.status_code == 200
    assert response.text.startswith('{"ecomCustomer": {')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert customers(server) == 13


def test_html_fault_skips_the_store(server):
    server.faults.add("html", method="POST")
    response = call(server, "POST", "ecomCustomers", NEW)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert customers(server) == 12


def test_drop_before_skips_the_store(server):
    server.faults.add("drop_before", method="POST")
    with pytest.raises(requests.ConnectionError):
        call(server, "POST", "ecomCustomers", NEW)
    assert customers(server) == 12
    assert server.received[-1].status is None


def test_drop_after_performs_request(server):
    server.faults.add("drop_after", method="POST")
    with pytest.raises(requests.ConnectionError):
        call(server, "POST", "ecomCustomers", NEW)
    assert customers(server) == 13


def test_stall_after_performs_then_times_out(server):
    server.faults.add("stall_after", method="POST", seconds=30)
    with pytest.raises(requests.ReadTimeout):
        call(server, "POST", "ecomCustomers", NEW, timeout=1)
    assert customers(server) == 13


def test_short_stall_still_responds(server):
    server.faults.add("stall_after", method="GET", seconds=0.05)
    response = call(server, "GET", "ecomCustomers/1")
    assert response.status_code == 200
    assert response.json()["ecomCustomer"]["id"] == "1"


def test_forbidden_bare_has_no_body(server):
    server.faults.add("forbidden_bare")
    response = call(server, "GET", "ecomCustomers/1")
    assert response.status_code == 403
    assert response.content == b""
    assert "Content-Type" not in response.headers


def test_unprocessable_bare_has_no_errors(server):
    server.faults.add("unprocessable_bare", method="PUT")
    response = call(
        server, "PUT", "ecomCustomers/1", {"ecomCustomer": {"externalid": "Z"}}
    )
    assert response.status_code == 422
    assert list(response.json()) == ["message"]
    assert (
        call(server, "GET", "ecomCustomers/1").json()["ecomCustomer"]["externalid"]
        == "1001"
    )


def test_fault_matches_method(server):
    server.faults.add("status", status=503, method="POST")
    assert call(server, "GET", "ecomCustomers/1").status_code == 200


@pytest.mark.parametrize(
    ("route", "path", "applies"),
    [
        ("ecomCustomers", "ecomCustomers", True),
        ("ecomCustomers", "ecomCustomers/1", True),
        ("ecomCustomers", "ecomCustomers/1/orders", True),
        ("ecomCustomers", "connections", False),
        ("ecomCustomers/{id}", "ecomCustomers/1", True),
        ("ecomCustomers/{id}", "ecomCustomers", False),
        ("ecomCustomers/2", "ecomCustomers/2", True),
        ("ecomCustomers/2", "ecomCustomers/1", False),
        ("ecomOrders/{id}/orderProducts", "ecomOrders/1/orderProducts", True),
    ],
)
def test_fault_matches_route(server, route, path, applies):
    server.faults.add("status", status=503, route=route)
    assert (call(server, "GET", path).status_code == 503) is applies


def test_count_limits_applications(server):
    fault = server.faults.add("status", status=503, count=2)
    statuses = [call(server, "GET", "ecomCustomers/1").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert fault.applied == 2
    assert len(server.faults) == 0


def test_first_added_fault_wins(server):
    server.faults.add("status", status=502, count=1)
    server.faults.add("status", status=504, count=1)
    statuses = [call(server, "GET", "ecomCustomers/1").status_code for _ in range(3)]
    assert statuses == [502, 504, 200]


def test_share_is_repeatable_with_seed(server):
    def run() -> list[int]:
        server.faults.clear()
        server.faults.seed(7)
        server.faults.add("status", status=503, share=0.5)
        return [call(server, "GET", "connections").status_code for _ in range(16)]

    first = run()
    assert first == run()
    assert 503 in first
    assert 200 in first


@pytest.mark.parametrize(("share", "status"), [(0.0, 200), (1.0, 503)])
def test_share_extremes(server, share, status):
    server.faults.add("status", status=503, share=share)
    statuses = {call(server, "GET", "connections").status_code for _ in range(5)}
    assert statuses == {status}


def test_clear_removes_faults(server):
    server.faults.add("status", status=503)
    server.faults.clear()
    assert call(server, "GET", "ecomCustomers/1").status_code == 200


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": "melt"}, "unknown fault kind"),
        ({"kind": "status"}, "needs a status"),
        ({"kind": "status", "status": 99}, "needs a status"),
        ({"kind": "stall_after"}, "needs seconds"),
        ({"kind": "html", "share": 2.0}, "between 0 and 1"),
        ({"kind": "html", "count": 0}, "at least 1"),
        ({"kind": "html", "method": "PATCH"}, "GET, POST, PUT or DELETE"),
    ],
)
def test_invalid_fault_raises(arguments, message):
    server = SandboxServer()
    kind = arguments.pop("kind")
    with pytest.raises(ValueError, match=message):
        server.faults.add(kind, **arguments)


def test_fault_kinds_are_listed():
    from ac_notebook.sandbox import FAULT_KINDS

    assert set(FAULT_KINDS) == {
        "status",
        "empty_body",
        "truncated_json",
        "html",
        "drop_before",
        "drop_after",
        "stall_after",
        "forbidden_bare",
        "unprocessable_bare",
    }
