"""Sandbox HTTP behaviour: auth, malformed requests, rate limit, control routes."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from typing import Any

import pytest
import requests

from ac_notebook.sandbox import SandboxServer
from ac_notebook.sandbox._resources import Customers


def call(
    server: SandboxServer,
    method: str,
    path: str,
    body: Any = None,
    *,
    key: str | None = None,
    **params: Any,
) -> requests.Response:
    return requests.request(
        method,
        f"{server.url}{path}",
        json=body,
        params=params,
        headers={"Api-Token": server.api_key if key is None else key},
        timeout=10,
    )


def test_wrong_key_is_403(server):
    response = call(server, "GET", "/api/3/ecomCustomers", key="wrong")
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


def test_missing_key_is_403(server):
    response = requests.get(f"{server.url}/api/3/ecomCustomers/1", timeout=10)
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


def test_header_name_ignores_case(server):
    headers = {"api-token": server.api_key}
    response = requests.get(
        f"{server.url}/api/3/connections", headers=headers, timeout=10
    )
    assert response.status_code == 200


def test_given_api_key_is_used():
    with SandboxServer(dataset="empty", api_key="k-123", rate_limit=None) as server:
        assert server.api_key == "k-123"
        assert call(server, "GET", "/api/3/connections").status_code == 200


def test_random_keys_differ():
    assert SandboxServer().api_key != SandboxServer().api_key


@pytest.mark.parametrize(
    "path", ["/api/3/contacts", "/api/3/ecomCustomers/1/x/y", "/", "/api"]
)
def test_unknown_route_is_json_404(server, path):
    response = call(server, "GET", path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert "No route" in response.json()["message"]


def test_unsupported_method_is_405(server):
    response = call(server, "PATCH", "/api/3/ecomCustomers/1", {"ecomCustomer": {}})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT, DELETE"
    assert "PATCH" in response.json()["message"]


def test_malformed_json_is_400(server):
    response = requests.post(
        f"{server.url}/api/3/ecomCustomers",
        data=b'{"ecomCustomer": {',
        headers={"Api-Token": server.api_key, "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("The request body is not valid JSON")


def test_json_with_other_content_type_is_accepted(server):
    fields = {"connectionid": "1", "externalid": "T", "email": "t@example.com"}
    response = requests.post(
        f"{server.url}/api/3/ecomCustomers",
        data=json.dumps({"ecomCustomer": fields}),
        headers={"Api-Token": server.api_key, "Content-Type": "text/plain"},
        timeout=10,
    )
    assert response.status_code == 201


def test_form_body_is_400(server):
    response = requests.post(
        f"{server.url}/api/3/ecomCustomers",
        data={"email": "t@example.com"},
        headers={"Api-Token": server.api_key},
        timeout=10,
    )
    assert response.status_code == 400


def test_oversized_body_is_413():
    with SandboxServer(dataset="empty", rate_limit=None, max_body=1000) as server:
        body = {"ecomCustomer": {"email": "x" * 2000}}
        response = call(server, "POST", "/api/3/ecomCustomers", body)
        assert response.status_code == 413
        assert "more than the maximum of 1000 bytes" in response.json()["message"]
        assert server.store.count("ecomCustomers") == 0


def test_handler_exception_is_json_500(server, monkeypatch, caplog):
    def fail(self: Customers, row_id: int) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Customers, "get", fail)
    with caplog.at_level(logging.ERROR, logger="ac_notebook.sandbox"):
        response = call(server, "GET", "/api/3/ecomCustomers/1")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal sandbox error"}
    assert "secret detail" in caplog.text
    assert "Traceback" in caplog.text


def test_rate_limit_exceeded_is_429():
    with SandboxServer(dataset="empty", rate_limit=0.01, retry_after=7) as server:
        first = call(server, "GET", "/api/3/connections")
        second = call(server, "GET", "/api/3/connections")
    assert first.status_code == 200
    assert first.headers["RateLimit-Limit"] == "0.01"
    assert first.headers["RateLimit-Remaining"] == "0"
    assert second.status_code == 429
    assert second.json() == {"message": "Too Many Requests"}
    assert second.headers["Retry-After"] == "7"
    assert second.headers["RateLimit-Remaining"] == "0"


def test_default_rate_limit_allows_burst_of_five():
    with SandboxServer(dataset="empty") as server:
        response = call(server, "GET", "/api/3/connections")
    assert response.status_code == 200
    assert response.headers["RateLimit-Limit"] == "5"
    assert response.headers["RateLimit-Remaining"] == "4"


def test_rate_limit_off_sends_no_headers(server):
    responses = [call(server, "GET", "/api/3/connections") for _ in range(30)]
    assert {response.status_code for response in responses} == {200}
    assert "RateLimit-Limit" not in responses[-1].headers


def test_rate_limit_set_while_running(server):
    server.rate_limit = 0.01
    statuses = [call(server, "GET", "/api/3/connections").status_code for _ in range(2)]
    server.rate_limit = None
    assert statuses == [200, 429]
    assert call(server, "GET", "/api/3/connections").status_code == 200


def test_rate_limit_counts_only_valid_keys():
    with SandboxServer(dataset="empty", rate_limit=0.01) as server:
        rejected = call(server, "GET", "/api/3/connections", key="wrong")
        accepted = call(server, "GET", "/api/3/connections")
    assert rejected.status_code == 403
    assert rejected.headers["RateLimit-Remaining"] == "1"
    assert accepted.status_code == 200


def test_latency_setter_rejects_negative(server):
    server.latency = 0.01
    assert call(server, "GET", "/api/3/connections").status_code == 200
    with pytest.raises(ValueError, match="at least 0"):
        server.latency = -1


def test_received_records_request_without_token(server):
    server.received.clear()
    body = {"ecomCustomer": {"acceptsMarketing": "1"}}
    call(server, "PUT", "/api/3/ecomCustomers/1", body, **{"filters[x]": "a+b"})
    (received,) = server.received
    assert (received.method, received.path) == ("PUT", "/api/3/ecomCustomers/1")
    assert received.query == {"filters[x]": ["a+b"]}
    assert received.body == body
    assert received.status == 200
    assert server.api_key not in repr(asdict(received))


def test_received_keeps_malformed_body_as_text(server):
    server.received.clear()
    requests.post(
        f"{server.url}/api/3/ecomCustomers",
        data="{oops",
        headers={"Api-Token": server.api_key},
        timeout=10,
    )
    assert server.received[0].body == "{oops"
    assert server.received[0].status == 400


def test_control_routes_need_key(server):
    response = call(server, "GET", "/_sandbox/requests", key="wrong")
    assert response.status_code == 403


def test_control_routes_manage_faults(server):
    fault = {"kind": "status", "status": 503, "method": "GET", "count": 1}
    added = call(server, "POST", "/_sandbox/faults", fault)
    assert added.status_code == 201
    assert added.json()["fault"]["kind"] == "status"
    assert len(call(server, "GET", "/_sandbox/faults").json()["faults"]) == 1

    assert call(server, "GET", "/api/3/ecomCustomers/1").status_code == 503
    assert call(server, "GET", "/api/3/ecomCustomers/1").status_code == 200

    call(server, "POST", "/_sandbox/faults", {"kind": "html"})
    assert call(server, "DELETE", "/_sandbox/faults").json() == {}
    assert len(server.faults) == 0


@pytest.mark.parametrize(
    "fault", [{"kind": "melt"}, {"kind": "status"}, {"kind": "html", "colour": "red"}]
)
def test_control_rejects_invalid_fault(server, fault):
    response = call(server, "POST", "/_sandbox/faults", fault)
    assert response.status_code == 422
    assert response.json()["message"].startswith("Invalid fault")


def test_control_lists_and_clears_requests(server):
    server.received.clear()
    call(server, "GET", "/api/3/ecomCustomers", limit=1)
    listed = call(server, "GET", "/_sandbox/requests").json()["requests"]
    assert listed == [
        {
            "method": "GET",
            "path": "/api/3/ecomCustomers",
            "query": {"limit": ["1"]},
            "body": None,
            "status": 200,
        }
    ]
    call(server, "DELETE", "/_sandbox/requests")
    assert server.received == []


def test_control_routes_skip_rate_limit():
    with SandboxServer(dataset="empty", rate_limit=0.01) as server:
        statuses = {
            call(server, "GET", "/_sandbox/faults").status_code for _ in range(5)
        }
        assert statuses == {200}
        assert len(server.received) == 0


def test_stop_closes_keep_alive_connections():
    server = SandboxServer(dataset="empty", rate_limit=None).start()
    with requests.Session() as session:
        headers = {"Api-Token": server.api_key}
        url = f"{server.url}/api/3/connections"
        assert session.get(url, headers=headers, timeout=10).status_code == 200
        server.stop()
        with pytest.raises(requests.ConnectionError):
            session.get(url, headers=headers, timeout=10)


def test_restart_serves_again():
    server = SandboxServer(dataset="empty", rate_limit=None)
    with server:
        first_url = server.url
    with server:
        assert call(server, "GET", "/api/3/connections").status_code == 200
    assert first_url.startswith("http://127.0.0.1:")
    assert not server.running


def test_url_before_start_raises():
    with pytest.raises(RuntimeError, match="start"):
        _ = SandboxServer().url
