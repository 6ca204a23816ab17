"""The sandbox at the edges of its input: long numbers, odd digits, far dates.

Also covers a reused store file filled with another dataset, the memory the
request log keeps, wall times that a daylight-saving change skips, and the
command line's start-up errors.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from ac_notebook.sandbox import MAX_RECORDED_BODY, SandboxServer

ROOT = Path(__file__).resolve().parents[1]
LONG_NUMBER = "1" * 5000
ORDER = {
    "externalid": "edge-1",
    "source": "1",
    "email": "alice@example.com",
    "totalPrice": 100,
    "currency": "USD",
    "connectionid": 1,
    "customerid": 1,
}


def call(
    server: SandboxServer, method: str, path: str, **options: Any
) -> requests.Response:
    headers = {"Api-Token": server.api_key}
    return requests.request(
        method, f"{server.url}/api/3/{path}", headers=headers, timeout=10, **options
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


def error_pointers(response: requests.Response) -> list[str]:
    return [error["source"]["pointer"] for error in response.json()["errors"]]


@pytest.fixture
def quiet_server(server, caplog) -> Iterator[SandboxServer]:
    """The demo server; the test fails if the sandbox logs an error."""
    with caplog.at_level(logging.ERROR, logger="ac_notebook.sandbox"):
        yield server
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == []
    assert call(server, "GET", "ecomCustomers?limit=1").status_code == 200


# Numbers


def test_long_limit_is_capped(quiet_server):
    response = call(quiet_server, "GET", f"ecomCustomers?limit={LONG_NUMBER}")
    assert response.status_code == 200
    assert len(response.json()["ecomCustomers"]) == 12


def test_long_offset_gives_empty_page(quiet_server):
    response = call(quiet_server, "GET", f"ecomCustomers?offset={LONG_NUMBER}")
    assert response.status_code == 200
    assert response.json()["ecomCustomers"] == []
    assert response.json()["meta"]["total"] == "12"


@pytest.mark.parametrize("value", ["\u00b2", "--5", "\u0661"])
def test_odd_limit_is_422(quiet_server, value):
    response = call(quiet_server, "GET", "ecomCustomers", params={"limit": value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"parameter": "limit"}


def test_long_path_id_is_404(quiet_server):
    response = call(quiet_server, "GET", f"ecomCustomers/{LONG_NUMBER}")
    assert response.status_code == 404
    assert "No Result found for EcomCustomer" in response.json()["message"]


def test_long_connectionid_filter_matches_nothing(quiet_server):
    path = f"ecomCustomers?filters[connectionid]={LONG_NUMBER}"
    response = call(quiet_server, "GET", path)
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == "0"


@pytest.mark.parametrize("value", ["\u00b2", "\u00b9", "--5", "-", "\u0665", "１２"])
def test_odd_connectionid_post_is_422(quiet_server, value):
    fields = {"connectionid": value, "externalid": "x", "email": "q@example.com"}
    response = call(
        quiet_server, "POST", "ecomCustomers", json={"ecomCustomer": fields}
    )
    assert response.status_code == 422
    assert error_pointers(response) == ["/data/attributes/connectionid"]
    assert "expected a whole number" in response.json()["errors"][0]["title"]


@pytest.mark.parametrize("value", ["\u00b2", "--1"])
def test_odd_connectionid_put_is_422(quiet_server, value):
    body = {"ecomCustomer": {"connectionid": value}}
    response = call(quiet_server, "PUT", "ecomCustomers/1", json=body)
    assert response.status_code == 422
    assert error_pointers(response) == ["/data/attributes/connectionid"]


def test_long_connectionid_is_422(quiet_server):
    fields = {"connectionid": "9" * 5000, "externalid": "x", "email": "q@example.com"}
    response = call(
        quiet_server, "POST", "ecomCustomers", json={"ecomCustomer": fields}
    )
    assert response.status_code == 422
    assert "at most 9223372036854775807" in response.json()["errors"][0]["title"]


@pytest.mark.parametrize("value", ["\u00b3", "--5"])
def test_odd_product_price_is_422(quiet_server, value):
    product = {"externalid": "p", "name": "n", "price": value, "quantity": 1}
    body = {"ecomOrder": {**ORDER, "orderProducts": [product]}}
    response = call(quiet_server, "POST", "ecomOrders", json=body)
    assert response.status_code == 422
    pointer = "/data/attributes/orderProducts/0/price"
    assert error_pointers(response) == [pointer]


def test_odd_product_price_put_is_422(quiet_server):
    product = {"externalid": "p", "name": "n", "price": "\u00b2", "quantity": 1}
    body = {"ecomOrder": {"orderProducts": [product]}}
    response = call(quiet_server, "PUT", "ecomOrders/1", json=body)
    assert response.status_code == 422
    pointer = "/data/attributes/orderProducts/0/price"
    assert error_pointers(response) == [pointer]


@pytest.mark.parametrize(
    "date", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-12:00"]
)
def test_date_past_year_range_is_422(quiet_server, date):
    body = {"ecomOrder": {**ORDER, "externalCreatedDate": date}}
    response = call(quiet_server, "POST", "ecomOrders", json=body)
    assert response.status_code == 422
    assert error_pointers(response) == ["/data/attributes/externalCreatedDate"]
    assert "outside the years 1 to 9999" in response.json()["errors"][0]["title"]


def test_date_past_year_range_put_is_422(quiet_server):
    body = {"ecomOrder": {"externalCreatedDate": "0001-01-01T00:00:00+05:00"}}
    response = call(quiet_server, "PUT", "ecomOrders/1", json=body)
    assert response.status_code == 422
    assert error_pointers(response) == ["/data/attributes/externalCreatedDate"]


def post_with_length(server: SandboxServer, length: bytes) -> bytes:
    request = (
        b"POST /api/3/ecomCustomers HTTP/1.1\r\nHost: x\r\nApi-Token: "
        + server.api_key.encode()
        + b"\r\nContent-Length: "
        + length
        + b"\r\n\r\nab"
    )
    return raw_exchange(server, request)


@pytest.mark.parametrize("length", [b"\xb2", b"\xb9", b"--2", b"\xd9\xa1"])
def test_odd_content_length_is_400(quiet_server, length):
    reply = post_with_length(quiet_server, length)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert b"Invalid Content-Length header" in reply


def test_long_content_length_is_413(quiet_server):
    reply = post_with_length(quiet_server, LONG_NUMBER.encode())
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"more than the maximum" in reply


# Reused store files


def test_db_of_other_dataset_raises(tmp_path):
    db = tmp_path / "store.sqlite3"
    with SandboxServer(dataset="demo", db=db, rate_limit=None):
        pass

    server = SandboxServer(dataset="empty", db=db, rate_limit=None)
    with pytest.raises(ValueError) as caught:
        server.start()
    message = str(caught.value)
    assert "'demo'" in message
    assert "'empty'" in message
    assert str(db) in message
    assert "delete the file" in message
    assert not server.running


def test_db_of_same_dataset_reused(tmp_path):
    db = tmp_path / "store.sqlite3"
    with SandboxServer(dataset="demo", db=db, rate_limit=None) as server:
        assert call(server, "DELETE", "ecomCustomers/7").status_code == 200
    with SandboxServer(dataset="demo", db=db, rate_limit=None) as server:
        assert call(server, "GET", "ecomCustomers/7").status_code == 404
        assert server.store.get_setting("dataset") == "demo"


def test_missing_db_folder_raises(tmp_path):
    db = tmp_path / "missing" / "store.sqlite3"
    server = SandboxServer(dataset="empty", db=db)
    with pytest.raises(ValueError, match="Cannot open the sandbox database") as caught:
        server.start()
    assert str(db) in str(caught.value)
    assert not server.running


def test_non_sqlite_db_raises(tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("not a database\n" * 100)
    with pytest.raises(ValueError, match="file is not a database"):
        SandboxServer(dataset="empty", db=db).start()


def test_unknown_dataset_raises_at_once():
    with pytest.raises(ValueError, match="choose one of: cdnow, demo, empty"):
        SandboxServer(dataset="nope")


def test_invalid_port_raises():
    with pytest.raises(ValueError, match="invalid port 99999"):
        SandboxServer(port=99999)


# Request log


def test_large_body_recorded_as_marker(empty_server):
    externalid = "x" * (MAX_RECORDED_BODY + 10)
    body = {"ecomCustomer": {"externalid": externalid}}
    response = call(empty_server, "POST", "ecomCustomers", json=body)
    size = len(response.request.body or b"")
    assert size > MAX_RECORDED_BODY
    assert empty_server.received[-1].body == {"_truncated": True, "bytes": size}


def test_large_invalid_body_recorded_as_marker(empty_server):
    data = b"{" * (MAX_RECORDED_BODY + 1)
    call(empty_server, "POST", "ecomCustomers", data=data)
    expected = {"_truncated": True, "bytes": MAX_RECORDED_BODY + 1}
    assert empty_server.received[-1].body == expected


def test_body_at_maximum_recorded_whole(empty_server):
    prefix = b'{"ecomCustomer": {"externalid": "'
    suffix = b'"}}'
    padding = b"x" * (MAX_RECORDED_BODY - len(prefix) - len(suffix))
    call(empty_server, "POST", "ecomCustomers", data=prefix + padding + suffix)
    recorded = empty_server.received[-1].body
    assert recorded == {"ecomCustomer": {"externalid": padding.decode()}}


def test_marker_listed_by_control_route(empty_server):
    body = {"ecomCustomer": {"externalid": "x" * MAX_RECORDED_BODY}}
    call(empty_server, "POST", "ecomCustomers", json=body)
    response = requests.get(
        f"{empty_server.url}/_sandbox/requests",
        headers={"Api-Token": empty_server.api_key},
        timeout=10,
    )
    recorded = response.json()["requests"][-1]["body"]
    assert recorded["_truncated"] is True
    assert recorded["bytes"] > MAX_RECORDED_BODY


# Daylight-saving changes in server time (America/Chicago)


def create_order_on(server: SandboxServer, number: int, date: str) -> str:
    order = {**ORDER, "externalid": f"dst-{number}", "externalCreatedDate": date}
    response = call(server, "POST", "ecomOrders", json={"ecomOrder": order})
    assert response.status_code == 201, response.text[:200]
    return str(response.json()["ecomOrder"]["externalCreatedDate"])


def test_skipped_wall_time_moves_forward(server):
    assert create_order_on(server, 1, "2019-03-10T02:30:00") == (
        "2019-03-10T03:30:00-05:00"
    )


def test_skipped_wall_time_matches_offset_form(server):
    naive = create_order_on(server, 1, "2019-03-10T02:30:00")
    with_offset = create_order_on(server, 2, "2019-03-10T02:30:00-06:00")
    in_utc = create_order_on(server, 3, "2019-03-10T08:30:00Z")
    assert naive == with_offset
    assert naive == in_utc


def test_repeated_wall_time_takes_first(server):
    assert create_order_on(server, 1, "2019-11-03T01:30:00") == (
        "2019-11-03T01:30:00-05:00"
    )
    assert create_order_on(server, 2, "2019-11-03T07:30:00Z") == (
        "2019-11-03T01:30:00-06:00"
    )


def test_skipped_wall_time_stored_normalised(server):
    create_order_on(server, 1, "2019-03-10T02:30:00")
    listed = call(server, "GET", "ecomOrders?filters[externalid]=dst-1").json()
    assert listed["ecomOrders"][0]["externalCreatedDate"] == (
        "2019-03-10T03:30:00-05:00"
    )


# Command line


def run_module(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ac_notebook.sandbox", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_port_out_of_range_exits_2():
    result = run_module("--port", "99999")
    assert result.returncode == 2
    assert "expected a port from 0 to 65535, not 99999" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_missing_db_folder_exits_2(tmp_path):
    db = tmp_path / "missing" / "x.sqlite3"
    result = run_module("--db", str(db))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("python -m ac_notebook.sandbox: error: ")
    assert str(db) in lines[0]


def test_cli_db_of_other_dataset_exits_2(tmp_path):
    db = tmp_path / "store.sqlite3"
    with SandboxServer(dataset="demo", db=db, rate_limit=None):
        pass
    result = run_module("--dataset", "empty", "--db", str(db))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "contains dataset 'demo', not 'empty'" in result.stderr


def test_cli_port_in_use_exits_2(empty_server):
    port = empty_server.url.rsplit(":", 1)[1]
    result = run_module("--dataset", "empty", "--port", port)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
