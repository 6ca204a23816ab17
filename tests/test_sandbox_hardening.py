"""The sandbox under malformed requests, concurrent writers and key guessing.

Every malformed request gets the API's kind of error (a JSON ``message`` or
``errors`` body with a 4xx status), never a 500 or a stack trace. Writers in
several threads, in several processes, and behind two server processes
sharing one SQLite file lose no write. Every route checks the key with
``hmac.compare_digest``, and every wrong key gets the same 403.
"""

from __future__ import annotations

import hmac
import json
import logging
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ac_notebook.sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[1]
CONNECTION = {
    "service": "shop",
    "externalid": "s1",
    "name": "Shop",
    "logoUrl": "https://example.com/l.png",
    "linkUrl": "https://example.com/",
}


def call(
    server: SandboxServer,
    method: str,
    path: str,
    *,
    key: str | None = None,
    **options: Any,
) -> requests.Response:
    headers = {"Api-Token": server.api_key if key is None else key}
    headers.update(options.pop("headers", {}))
    return requests.request(
        method, f"{server.url}{path}", headers=headers, timeout=10, **options
    )


def raw_exchange(server: SandboxServer, data: bytes) -> bytes:
    """Send raw bytes and return everything the server sends back."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def check_api_error(response: requests.Response, *statuses: int) -> None:
    """Assert a 4xx with a JSON body shaped like the API's, and no traceback."""
    assert response.status_code in statuses, response.text[:200]
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict)
    assert set(body) & {"message", "errors"}
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


@pytest.fixture
def no_crash_logs(caplog) -> Iterator[None]:
    with caplog.at_level(logging.ERROR, logger="ac_notebook.sandbox"):
        yield
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


# -- malformed requests ----------------------------------------------------------


@pytest.fixture(scope="module")
def shared():
    """A demo sandbox shared by the tests whose requests are all rejected,
    and by the fuzz test, whose writes no other test reads."""
    with SandboxServer(dataset="demo", rate_limit=None) as server:
        yield server


WRITE_ROUTES = [
    ("POST", "/api/3/connections"),
    ("POST", "/api/3/ecomCustomers"),
    ("POST", "/api/3/ecomOrders"),
    ("PUT", "/api/3/connections/1"),
    ("PUT", "/api/3/ecomCustomers/1"),
    ("PUT", "/api/3/ecomOrders/1"),
]

BAD_BODIES = {
    "cut_json": (b'{"ecomCustomer": {', "application/json"),
    "not_utf8": (b'{"ecomCustomer": {"email": "\xff\xfe"}}', "application/json"),
    "nan": (b'{"ecomCustomer": {"connectionid": NaN}}', "application/json"),
    "form": (
        b"email=a%40example.com&connectionid=1",
        "application/x-www-form-urlencoded",
    ),
    "xml": (b"<ecomCustomer><email>a@example.com</email></ecomCustomer>", "text/xml"),
    "array": (b"[1, 2, 3]", "application/json"),
    "string": (b'"ecomCustomer"', "application/json"),
    "null": (b"null", "application/json"),
    "wrong_envelope": (b'{"contact": {"email": "a@example.com"}}', "application/json"),
    "nested_deep": (
        b'{"ecomCustomer": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        "application/json",
    ),
    "bom": (b'\xef\xbb\xbf{"ecomCustomer": 5}', "application/json"),
}


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_bad_body_is_api_error(shared, no_crash_logs, method, path, kind):
    data, content_type = BAD_BODIES[kind]
    response = call(
        shared, method, path, data=data, headers={"Content-Type": content_type}
    )
    check_api_error(response, 400, 422)


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_oversized_body_is_413_on_every_write(no_crash_logs, method):
    with SandboxServer(dataset="demo", rate_limit=None, max_body=2000) as server:
        path = "/api/3/ecomCustomers" + ("/1" if method == "PUT" else "")
        body = {"ecomCustomer": {"externalid": "x" * 5000}}
        response = call(server, method, path, json=body)
        check_api_error(response, 413)
        assert server.store.fetch("ecomCustomers", 1)["externalid"] == "1001"


ODD_IDS = [
    "abc",
    "-1",
    "0",
    "1.5",
    "1e3",
    "%00",
    "%20",
    "99999999999999999999999",
    "%EF%BC%91",
    "%C2%B2",
    "1%2F2",
    "..",
    "%2e%2e",
    "1;drop",
]
ID_ROUTES = ["connections", "ecomCustomers", "ecomOrders", "ecomOrderProducts"]


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize("route", ID_ROUTES)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_non_numeric_ids_are_404(shared, no_crash_logs, route, odd, method):
    response = call(
        shared, method, f"/api/3/{route}/{odd}", json={route[:-1]: {"name": "x"}}
    )
    check_api_error(response, 404, 405)


@pytest.mark.parametrize("odd", ["abc", "0", "99999999999999999999999", "%C2%B2"])
@pytest.mark.parametrize(
    "template", ["/api/3/ecomCustomers/{}/orders", "/api/3/ecomOrders/{}/orderProducts"]
)
def test_non_numeric_parent_ids_are_404(shared, no_crash_logs, template, odd):
    check_api_error(call(shared, "GET", template.format(odd)), 404)


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "²"},
        {"offset": "²"},
        {"limit": "-1"},
        {"limit": "1e2"},
        {"offset": str(2**64)},
        {"offset": "9" * 400},
        {"filters[connectionid]": str(2**64)},
        {"filters[connectionid]": "²"},
        {"filters[email]": "\x00"},
        {"orders[external_created_date]": "sideways"},
    ],
    ids=lambda query: "-".join(f"{k}={v[:8]}" for k, v in query.items()),
)
@pytest.mark.parametrize("route", ["ecomCustomers", "ecomOrders", "connections"])
def test_odd_query_values_never_crash(shared, no_crash_logs, route, query):
    response = call(shared, "GET", f"/api/3/{route}", params=query)
    if response.status_code == 200:
        assert isinstance(response.json()[route], list)
    else:
        check_api_error(response, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/api/3/contacts",
        "/api/3/",
        "/api/3/ecomCustomers/1/x",
        "/api/2/ecomCustomers",
        "/favicon.ico",
        "/api/3/ecomCustomers/1/orders/2",
        "/_sandbox/nothing",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_unknown_routes_are_api_errors(shared, no_crash_logs, path, method):
    check_api_error(call(shared, method, path, json={}), 404, 405)


@pytest.mark.parametrize(
    "data",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /api/3/ecomCustomers HTTP/1.1\r\nContent-Length: x\r\n\r\n",
        b"GET /api/3/ecomCustomers HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST /api/3/ecomCustomers HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        b"GET /api/3/ecomCustomers HTTP/9.9\r\n\r\n",
        b"GET /api/3/ecomCustomers HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n",
    ],
    ids=[
        "garbage",
        "length_text",
        "length_negative",
        "chunked",
        "long_uri",
        "bad_version",
        "many_headers",
    ],
)
def test_unparsable_requests_get_json_errors(shared, no_crash_logs, data):
    reply = raw_exchange(shared, data)
    head, _, body = reply.partition(b"\r\n\r\n")
    payload = json.loads(body or head)
    assert isinstance(payload, dict)
    assert "message" in payload
    assert b"Traceback" not in reply
    if reply.startswith(b"HTTP/"):
        status = int(head.split()[1])
        assert 400 <= status < 500 or status == 505


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["1", "0", "²", "9" * 30, "a@example.com", "USD", ""]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELD_NAMES = [
    "connectionid",
    "externalid",
    "email",
    "acceptsMarketing",
    "service",
    "name",
    "logoUrl",
    "linkUrl",
    "status",
    "syncStatus",
    "customerid",
    "totalPrice",
    "currency",
    "orderProducts",
    "orderDiscounts",
    "externalcheckoutid",
    "abandonedDate",
    "source",
    "externalCreatedDate",
    "state",
    "id",
    "tstamp",
]


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    envelope=st.sampled_from(
        [
            ("connections", "connection"),
            ("ecomCustomers", "ecomCustomer"),
            ("ecomOrders", "ecomOrder"),
        ]
    ),
    fields=st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=8),
    method=st.sampled_from(["POST", "PUT"]),
)
def test_random_write_bodies_never_crash(shared, envelope, fields, method):
    route, key = envelope
    path = f"/api/3/{route}" + ("/1" if method == "PUT" else "")
    response = call(shared, method, path, json={key: fields})
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        check_api_error(response, 400, 404, 422)


# -- the control routes ----------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "html", "method": 5},
        {"kind": "html", "route": 5},
        {"kind": "html", "route": ["ecomCustomers"]},
        {"kind": "html", "count": 1.5},
        {"kind": "html", "count": True},
        {"kind": "html", "share": "half"},
        {"kind": "status", "status": "503"},
        {"kind": "stall_after", "seconds": "1"},
        {"kind": "html", "headers": ["Retry-After", "1"]},
        {"kind": "html", "query": "offset=100"},
        {"kind": ["html"]},
        {"kind": None},
    ],
    ids=lambda fault: "-".join(f"{k}={v!r}"[:20] for k, v in fault.items()),
)
def test_control_rejects_fault_of_wrong_type(server, no_crash_logs, fault):
    check_api_error(call(server, "POST", "/_sandbox/faults", json=fault), 422)
    assert len(server.faults) == 0
    assert call(server, "GET", "/api/3/ecomCustomers/1").status_code == 200


def test_control_fault_values_become_text(server):
    fault = {
        "kind": "status",
        "status": 503,
        "headers": {"Retry-After": 2},
        "query": {"offset": 100},
    }
    added = call(server, "POST", "/_sandbox/faults", json=fault)
    assert added.status_code == 201
    assert added.json()["fault"]["headers"] == {"Retry-After": "2"}
    missed = call(server, "GET", "/api/3/ecomCustomers", params={"offset": "0"})
    hit = call(server, "GET", "/api/3/ecomCustomers", params={"offset": "100"})
    assert missed.status_code == 200
    assert hit.status_code == 503
    assert hit.headers["Retry-After"] == "2"


# -- the key check ---------------------------------------------------------------

ROUTES = [
    ("GET", "/api/3/ecomCustomers"),
    ("GET", "/api/3/ecomCustomers/1"),
    ("POST", "/api/3/ecomCustomers"),
    ("PUT", "/api/3/ecomCustomers/1"),
    ("DELETE", "/api/3/ecomCustomers/12"),
    ("GET", "/api/3/ecomCustomers/1/orders"),
    ("GET", "/api/3/connections/1"),
    ("GET", "/api/3/ecomOrders/1/orderProducts"),
    ("GET", "/api/3/ecomOrderProducts"),
    ("GET", "/api/3/contacts"),
    ("PATCH", "/api/3/ecomCustomers/1"),
    ("GET", "/api/3"),
    ("GET", "/_sandbox/faults"),
    ("POST", "/_sandbox/faults"),
    ("DELETE", "/_sandbox/faults"),
    ("GET", "/_sandbox/requests"),
    ("DELETE", "/_sandbox/requests"),
    ("GET", "/_sandbox/unknown"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_checks_key_with_compare_digest(server, monkeypatch, method, path):
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(received: Any, expected: Any) -> bool:
        compared.append((received, expected))
        return real(received, expected)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    wrong = call(server, method, path, key="not-the-key", json={"kind": "html"})
    right = call(server, method, path, json={"kind": "status", "status": 418})
    server.faults.clear()

    assert wrong.status_code == 403
    assert right.status_code != 403
    assert compared == [
        (b"not-the-key", server.api_key.encode()),
        (server.api_key.encode(), server.api_key.encode()),
    ]


def wrong_keys(key: str) -> list[str]:
    keys = [""]
    keys += ["a" * length for length in range(1, 101)]
    keys += [key[:length] for length in range(1, len(key))]
    keys += [key + "x", key.upper(), key[:-1] + ("A" if key[-1] != "A" else "B")]
    keys += ["é" * length for length in (1, len(key), 64)]
    keys += [key + " ", key + "\t"]
    return keys


def test_wrong_keys_of_every_length_get_same_403():
    with SandboxServer(dataset="empty", rate_limit=5.0) as server:
        replies = set()
        with requests.Session() as http:
            for key in wrong_keys(server.api_key):
                response = http.get(
                    f"{server.url}/api/3/connections",
                    headers={"Api-Token": key.encode("latin-1")},
                    timeout=10,
                )
                headers = sorted(
                    (k, v) for k, v in response.headers.items() if k != "Date"
                )
                replies.add((response.status_code, response.content, tuple(headers)))
            missing = http.get(f"{server.url}/api/3/connections", timeout=10)
    assert len(replies) == 1
    ((status, body, _),) = replies
    assert status == 403
    assert body == b'{"message": "Forbidden"}'
    assert (missing.status_code, missing.content) == (status, body)


# -- concurrent writers ----------------------------------------------------------

WRITER = """
import sys, requests
url, key, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
urls = url.split(",")
statuses = []
with requests.Session() as http:
    for number in range(count):
        body = {"ecomCustomer": {"connectionid": "1",
                "externalid": f"P{worker}-{number}",
                "email": f"p{worker}-{number}@example.com"}}
        target = urls[number % len(urls)]
        response = http.post(target + "/api/3/ecomCustomers", json=body,
                             headers={"Api-Token": key}, timeout=60)
        statuses.append(response.status_code)
print(",".join(map(str, statuses)))
"""


def run_writers(urls: list[str], key: str, workers: int, count: int) -> list[int]:
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                ",".join(urls),
                key,
                str(worker),
                str(count),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(workers)
    ]
    statuses: list[int] = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        statuses += [int(status) for status in out.strip().split(",")]
    return statuses


def externalids(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(row["externalid"] for row in rows)


def expected_ids(workers: int, count: int) -> list[str]:
    return sorted(f"P{w}-{n}" for w in range(workers) for n in range(count))


def test_writer_processes_lose_nothing(empty_server):
    call(empty_server, "POST", "/api/3/connections", json={"connection": CONNECTION})
    statuses = run_writers([empty_server.url], empty_server.api_key, 4, 30)
    rows = empty_server.store.find("ecomCustomers")
    assert statuses == [201] * 120
    assert externalids(rows) == expected_ids(4, 30)
    assert len({row["id"] for row in rows}) == 120


@pytest.fixture
def shared_file_servers(tmp_path) -> Iterator[list[str]]:
    """Two sandbox processes serving one SQLite file; their URLs."""
    db = tmp_path / "shared.sqlite3"
    processes: list[subprocess.Popen[str]] = []
    urls = []
    try:
        for _ in range(2):
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "ac_notebook.sandbox",
                    "--db",
                    str(db),
                    "--dataset",
                    "empty",
                    "--rate-limit",
                    "off",
                    "--api-key",
                    "shared",
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            processes.append(process)
            assert process.stdout is not None
            # The first server has created the tables once it prints its URL.
            urls.append(process.stdout.readline().split(" at ")[1].strip())
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.communicate(timeout=30)


def test_two_server_processes_share_one_file(shared_file_servers):
    first, second = shared_file_servers
    headers = {"Api-Token": "shared"}
    created = requests.post(
        f"{first}/api/3/connections",
        json={"connection": CONNECTION},
        headers=headers,
        timeout=10,
    )
    statuses = run_writers(shared_file_servers, "shared", 3, 20)
    listed = [
        requests.get(
            f"{url}/api/3/ecomCustomers",
            params={"limit": 100},
            headers=headers,
            timeout=10,
        ).json()
        for url in (first, second)
    ]
    assert created.status_code == 201
    assert statuses == [201] * 60
    for body in listed:
        assert body["meta"]["total"] == "60"
        assert externalids(body["ecomCustomers"]) == expected_ids(3, 20)


def test_duplicate_race_across_server_processes(shared_file_servers):
    headers = {"Api-Token": "shared"}
    requests.post(
        f"{shared_file_servers[0]}/api/3/connections",
        json={"connection": CONNECTION},
        headers=headers,
        timeout=10,
    )
    statuses: list[int] = []

    def create(worker: int) -> None:
        body = {
            "ecomCustomer": {
                "connectionid": "1",
                "externalid": f"D{worker}",
                "email": "same@example.com",
            }
        }
        url = shared_file_servers[worker % 2]
        response = requests.post(
            f"{url}/api/3/ecomCustomers", json=body, headers=headers, timeout=30
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [422] * 9
