"""Client, session, pagination and frame checks against hostile input and servers."""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import threading

import numpy as np
import pytest
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook._client import RetryPolicy
from ac_notebook._properties import CUSTOMERS
from ac_notebook._records import Record, RecordList
from ac_notebook._throttle import Throttle, shared_throttle
from ac_notebook.sandbox import SandboxServer


def fake_customers(count, start=1):
    return [
        {
            "id": str(i),
            "connectionid": "1",
            "externalid": f"F{i}",
            "email": f"f{i}@example.com",
        }
        for i in range(start, start + count)
    ]


def order_fields(**extra):
    return {
        "externalid": "H1",
        "source": 1,
        "email": "alice@example.com",
        "totalPrice": 100,
        "currency": "USD",
        "connectionid": 1,
        "customerid": 1,
        **extra,
    }


def line_item(**extra):
    return {"externalid": "p", "name": "n", "price": 100, "quantity": 1, **extra}


# -- redirects -----------------------------------------------------------------


@pytest.mark.parametrize("body", [None, "", "<html><title>301 Moved</title></html>"])
def test_redirect_fails_without_retry(server, ac, body):
    extra = {} if body is None else {"body": body}
    location = "https://moved.example/api/3/ecomCustomers/1"
    server.faults.add("status", status=301, headers={"Location": location}, **extra)
    with pytest.raises(acn.ActiveCampaignError) as caught:
        ac.customers.get(1)
    assert caught.value.attempts == 1
    assert caught.value.status == 301
    assert location in caught.value.message
    assert "account URL" in caught.value.message
    assert len(server.received.snapshot()) == 1


def test_redirect_on_post_is_not_success(server, ac):
    server.faults.add("status", status=302, headers={"Location": "https://x.example/"})
    with pytest.raises(acn.ActiveCampaignError) as caught:
        ac.client.request("POST", "ecomCustomers", json_body={})
    assert "redirected (302)" in caught.value.message


# -- session settings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("rate_limit", 0),
        ("rate_limit", -1),
        ("rate_limit", "5"),
        ("rate_limit", True),
        ("rate_limit", float("nan")),
        ("rate_limit", float("inf")),
        ("timeout", -1),
        ("timeout", 0),
        ("timeout", "x"),
        ("timeout", (1, 2, 3)),
        ("timeout", (1, 0)),
        ("timeout", True),
        ("max_retries", -1),
        ("max_retries", "3"),
        ("max_retries", None),
        ("max_retries", 2.5),
        ("max_retries", True),
    ],
)
def test_session_rejects_bad_setting(server, setting, value):
    with pytest.raises(acn.ConfigurationError) as caught:
        acn.Session(server.url, server.api_key, **{setting: value})
    assert setting in caught.value.message
    assert repr(value) in caught.value.message


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("rate_limit", None),
        ("rate_limit", 2),
        ("timeout", 3),
        ("timeout", (1, 2.5)),
        ("max_retries", 0),
        ("max_retries", np.int64(2)),
    ],
)
def test_session_accepts_good_setting(server, setting, value):
    with acn.Session(server.url, server.api_key, **{setting: value}) as session:
        assert session.customers.get(1).id == 1


# -- throttle ------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@pytest.mark.parametrize("limit", [0.0001, 1e-300])
def test_throttle_pause_capped(limit):
    clock = FakeClock()
    throttle = Throttle(5.0, clock=clock, sleep=clock.sleep)
    throttle.observe(0, limit, max_wait=30.0)
    assert throttle.acquire() == 30.0


@pytest.mark.parametrize("limit", [0.0, float("inf"), float("nan"), None])
def test_throttle_ignores_bad_limit(limit):
    clock = FakeClock()
    throttle = Throttle(5.0, clock=clock, sleep=clock.sleep)
    throttle.observe(0, limit, max_wait=30.0)
    assert round(throttle.acquire(), 6) == 0.2


def test_tiny_limit_header_pause_capped(server):
    with acn.Session(server.url, server.api_key, rate_limit=5) as session:
        session.client.retry = RetryPolicy(max_retries=0, max_backoff=0.5)
        server.faults.add(
            "status",
            status=200,
            count=1,
            body={"ecomCustomer": {"id": "1"}},
            headers={"RateLimit-Remaining": "0", "RateLimit-Limit": "0.0001"},
        )
        session.customers.get(1)
        assert session.client.throttle.acquire() <= 0.5


def test_throttle_shared_by_host():
    host = f"shared-{threading.get_ident()}.example"
    first = shared_throttle(host, 5.0)
    second = shared_throttle(host.upper(), 4.0)
    third = shared_throttle(host, None)
    assert first is second
    assert second is third
    assert first.rate == 4.0


def test_throttle_off_only_when_all_none():
    host = f"none-{threading.get_ident()}.example"
    first = shared_throttle(host, None)
    assert first.rate is None
    shared_throttle(host, 3.0)
    assert first.rate == 3.0


def test_sessions_share_lowest_rate(server):
    a = acn.Session(server.url, server.api_key, rate_limit=5)
    b = acn.Session(server.url, server.api_key, rate_limit=4)
    with a, b:
        assert a.client.throttle is b.client.throttle
        assert a.throttle_state()["rate"] == 4.0


# -- pagination ----------------------------------------------------------------


def test_absurd_total_stops_at_short_page(server, ac):
    server.faults.add(
        "status",
        status=200,
        method="GET",
        query={"offset": "0"},
        body={"ecomCustomers": fake_customers(100), "meta": {"total": str(10**11)}},
    )
    rows = ac.customers.list(progress=False)
    assert len(rows) == 100


def test_absurd_total_iter(server, ac):
    server.faults.add(
        "status",
        status=200,
        method="GET",
        query={"offset": "0"},
        body={"ecomCustomers": fake_customers(100), "meta": {"total": str(10**24)}},
    )
    assert len(list(ac.customers.iter())) == 100


def test_total_change_logs_warning(server, ac, caplog):
    server.faults.add(
        "status",
        status=200,
        method="GET",
        query={"offset": "0"},
        body={"ecomCustomers": fake_customers(100, 1000), "meta": {"total": "150"}},
    )
    with caplog.at_level(logging.WARNING, logger="ac_notebook._pagination"):
        rows = ac.customers.list(progress=False)
    assert len(rows) == 100
    messages = [r.getMessage() for r in caplog.records]
    changed = [m for m in messages if "meta.total changed" in m]
    assert len(changed) == 1
    assert "from 150 to 12 at offset 100" in changed[0]


# -- connection failures and closed sessions -----------------------------------


def test_refused_connection_message():
    server = SandboxServer(dataset="demo", rate_limit=None).start()
    session = acn.Session(server.url, server.api_key, rate_limit=None)
    session.client.retry = fast_retry(1)
    server.stop()
    with session, pytest.raises(acn.NetworkError) as caught:
        session.customers.get(1)
    assert "could not connect to 127.0.0.1" in caught.value.message
    assert "lost the connection" not in caught.value.message
    assert caught.value.outcome_unknown is False


def test_closed_session_raises_at_once(server):
    session = acn.Session(server.url, server.api_key, rate_limit=None)
    session.close()
    with pytest.raises(acn.ConfigurationError) as caught:
        session.customers.get(1)
    assert "Session is closed" in caught.value.message
    assert server.received.snapshot() == []


def test_closed_sandbox_session_raises():
    session = acn.Session.sandbox("empty", rate_limit=None)
    session.close()
    with pytest.raises(acn.ConfigurationError, match="create a new one"):
        session.customers.list()


# -- line items ----------------------------------------------------------------


@pytest.mark.parametrize("missing", [float("nan"), None, np.nan])
def test_missing_item_value_dropped(server, ac, missing):
    fields = order_fields(orderProducts=[line_item(category=missing)])
    order = ac.orders.create(fields)
    posts = [r for r in server.received.snapshot() if r.method == "POST"]
    assert len(posts) == 1
    assert "category" not in posts[0].body["ecomOrder"]["orderProducts"][0]
    assert order.id is not None


def test_missing_discount_value_dropped(ac):
    discount = {"name": float("nan"), "type": "order", "discountAmount": 5}
    order = ac.orders.create(order_fields(orderDiscounts=[discount]))
    assert order.id is not None


def test_nan_item_update_no_retry(server, ac):
    item = line_item(category=float("nan"), weight=float("nan"))
    order = ac.orders.update(1, orderProducts=[item])
    assert order.id == 1
    puts = [r for r in server.received.snapshot() if r.method == "PUT"]
    assert len(puts) == 1


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        (dt.datetime(2024, 1, 1), "datetime"),
        ({"a"}, "set"),
        (decimal.Decimal("1.5"), "Decimal"),
        (float("inf"), "finite"),
        ({1: "x"}, "text keys"),
    ],
)
def test_bad_item_value_rejected(server, ac, value, needle):
    fields = order_fields(orderProducts=[line_item(extra=value)])
    with pytest.raises(acn.ValidationError) as caught:
        ac.orders.create(fields)
    assert "orderProducts[0].extra" in caught.value.message
    assert needle in caught.value.message
    assert server.received.snapshot() == []


def test_deep_item_value_rejected(server, ac):
    nested: list = []
    for _ in range(5000):
        nested = [nested]
    fields = order_fields(orderProducts=[line_item(extra=nested)])
    with pytest.raises(acn.ValidationError, match="nested more than"):
        ac.orders.create(fields)
    assert server.received.snapshot() == []


def test_unencodable_body_is_validation_error(server, ac):
    with pytest.raises(acn.ValidationError) as caught:
        ac.client.request("POST", "ecomOrders", json_body={"x": float("nan")})
    assert "nothing was sent" in caught.value.message
    assert not isinstance(caught.value, acn.NetworkError)
    assert server.received.snapshot() == []


# -- frames --------------------------------------------------------------------


def frame(raws):
    return RecordList(CUSTOMERS, [Record(CUSTOMERS, r) for r in raws]).to_frame()


def test_frame_int64_exact_beside_overflow():
    big = "9007199254740993"
    df = frame(
        [
            {"id": big, "totalRevenue": big},
            {"id": "3", "totalRevenue": "99999999999999999999"},
        ]
    )
    assert df.index.tolist() == [int(big), 3]
    assert df.totalRevenue.iloc[0] == int(big)
    assert df.totalRevenue.isna().iloc[1]


def test_frame_agrees_with_record_decoder(caplog):
    raws = [{"id": str(i + 1), "totalRevenue": v} for i, v in enumerate(VALUES)]
    with caplog.at_level(logging.WARNING, logger="ac_notebook._frames"):
        df = frame(raws)
    decoded = [Record(CUSTOMERS, r).totalRevenue for r in raws]
    assert decoded == ["12.5", "1e3", 7, -5, 3]
    assert df.totalRevenue.isna().tolist() == [True, True, False, False, False]
    assert df.totalRevenue.iloc[2:].tolist() == [7, -5, 3]
    warnings = [r.getMessage() for r in caplog.records]
    assert any("2 value(s) are not a valid whole number" in m for m in warnings)


VALUES = ["12.5", "1e3", " 7 ", "-5", 3]


# -- server messages -----------------------------------------------------------


def test_server_message_clipped_and_escaped(server, ac):
    text = "\x1b[2J\x1b[31mfake\x1b[0m" + "m" * 100_000
    server.faults.add("status", status=404, count=1, body={"message": text})
    with pytest.raises(acn.NotFoundError) as caught:
        ac.customers.get(1)
    message = caught.value.message
    assert "\x1b" not in message
    assert "\\x1b" in message
    assert len(message) < 600
    assert f"({len(text)} chars)" in message
    assert caught.value.body == {"message": text}


def test_field_error_summary_clipped(server, ac):
    body = {"errors": [{"title": "bad\n" + "x" * 5000, "code": "invalid"}]}
    server.faults.add("status", status=422, count=1, method="POST", body=body)
    with pytest.raises(acn.ValidationError) as caught:
        ac.customers.create(connectionid=1, externalid="Z9", email="z9@example.com")
    assert "\n" not in caught.value.message
    assert len(caught.value.message) < 700


# -- small input checks --------------------------------------------------------


@pytest.mark.parametrize("limit", [True, False, -1, 1.0, "2"])
def test_list_rejects_bad_limit(ac, limit):
    with pytest.raises(acn.ValidationError) as caught:
        ac.customers.list(limit=limit)
    assert repr(limit) in caught.value.message


def test_list_accepts_numpy_limit(ac):
    assert len(ac.customers.list(limit=np.int64(2), progress=False)) == 2


@pytest.mark.parametrize("order_by", [5, [1], 2.5])
def test_order_by_wrong_type(ac, order_by):
    with pytest.raises(acn.ValidationError) as caught:
        ac.orders.list(order_by=order_by)
    assert repr(order_by) in caught.value.message


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (dt.date(2019, 6, 29), "2019-06-29"),
        (dt.datetime(2019, 6, 29, 10, 5), "2019-06-29T10:05:00"),
    ],
)
def test_date_filter_encoded(server, ac, value, wire):
    ac.orders.list(external_created_date=value, progress=False)
    sent = server.received.snapshot()[-1]
    assert sent.query.get("filters[external_created_date]") == [wire]


def test_huge_number_filter_rejected(ac):
    with pytest.raises(acn.ValidationError, match="too large"):
        ac.customers.list(connectionid="1" * 5000)
