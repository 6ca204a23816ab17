"""Concurrent page fetches: same result as a sequential walk, resumes, throttle."""

import threading
from collections import Counter

import pytest
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook._pagination import fetch_pages
from ac_notebook._pool import in_worker, ordered_map, pool_size, worker_pool
from ac_notebook._throttle import Throttle
from ac_notebook.sandbox import SandboxServer

CUSTOMERS = 650  # demo's 12 plus these: 7 pages of 100


def seed_customers(server, count, connectionid=1):
    """Insert customers straight into the sandbox store, without HTTP."""
    rows = [
        {
            "connectionid": connectionid,
            "externalid": f"S-{n}",
            "email": f"seed{n}@example.com",
            "email_lower": f"seed{n}@example.com",
            "acceptsMarketing": "1" if n % 3 == 0 else "0",
            "totalRevenue": n,
            "totalOrders": 0,
            "totalProducts": 0,
            "avgRevenuePerOrder": 0,
            "avgProductCategory": "",
            "tstamp": "2024-01-01T00:00:00-06:00",
        }
        for n in range(count)
    ]
    server.store.insert_many("ecomCustomers", rows)


@pytest.fixture
def big(server):
    seed_customers(server, CUSTOMERS)
    server.received.clear()
    return server


@pytest.fixture
def session(big):
    with acn.Session(big.url, big.api_key, rate_limit=None) as ac:
        ac.client.retry = fast_retry(max_retries=2)
        yield ac


def list_gets(server):
    return [r for r in server.received if r.method == "GET"]


def sequential_ids(ac, **filters):
    return [record.id for record in ac.customers.iter(**filters)]


def add_pass_once(server):
    """Let the next GET through unchanged, so that faults added after it hit a
    later page: the first matching fault is taken, and this one performs the
    request and responds after 0 seconds."""
    server.faults.add(
        "stall_after", method="GET", route="ecomCustomers", count=1, seconds=0
    )


# -- same result as a sequential walk -------------------------------------------


def test_list_equals_sequential_walk(session, big):
    expected = sequential_ids(session)
    rows = session.customers.list()
    assert rows.ids == expected
    assert len(rows) == CUSTOMERS + 12
    assert rows.total == CUSTOMERS + 12


def test_each_offset_requested_once(session, big):
    session.customers.list()
    offsets = Counter(call.query["offset"][0] for call in list_gets(big))
    assert sorted(offsets, key=int) == [str(n) for n in range(0, 700, 100)]
    assert set(offsets.values()) == {1}


def test_first_page_requested_first(session, big):
    session.customers.list()
    assert list_gets(big)[0].query["offset"] == ["0"]


@pytest.mark.parametrize("limit", [1, 99, 100, 101, 250, 661, 662, 5000])
def test_limit_matches_sequential(session, limit):
    expected = sequential_ids(session)[:limit]
    assert session.customers.list(limit=limit).ids == expected


def test_limit_asks_only_for_needed_records(session, big):
    session.customers.list(limit=250)
    limits = sorted(
        (int(call.query["offset"][0]), int(call.query["limit"][0]))
        for call in list_gets(big)
    )
    assert limits == [(0, 100), (100, 100), (200, 50)]


def test_filtered_list_matches_sequential(session):
    expected = sequential_ids(session, connectionid=1)
    rows = session.customers.list(connectionid=1)
    assert rows.ids == expected
    assert len(rows) > 600


def test_pages_and_iter_stay_sequential(session, big):
    iterator = session.customers.iter()
    next(iterator)
    assert len(list_gets(big)) == 1
    assert [len(page) for page in session.customers.pages(limit=250)] == [100, 100, 50]


# -- resuming a failed page -----------------------------------------------------


def test_later_page_failure_resumes_there(session, big):
    expected = sequential_ids(session)
    big.received.clear()
    add_pass_once(big)
    big.faults.add("truncated_json", method="GET", route="ecomCustomers", count=1)

    rows = session.customers.list()

    assert rows.ids == expected
    offsets = Counter(call.query["offset"][0] for call in list_gets(big))
    assert offsets["0"] == 1
    assert sorted(offsets.values()) == [1] * 6 + [2]


def test_page_failing_past_client_retries_resumes(session, big):
    expected = sequential_ids(session)
    big.received.clear()
    add_pass_once(big)
    # Three 500s exhaust the client's two retries for one page attempt.
    big.faults.add("status", status=500, method="GET", route="ecomCustomers", count=3)

    rows = session.customers.list()

    assert rows.ids == expected
    assert len(list_gets(big)) == 7 + 3


def test_final_failure_carries_records_so_far(session, big):
    expected = sequential_ids(session)
    add_pass_once(big)
    big.faults.add("status", status=500, method="GET", route="ecomCustomers")

    with pytest.raises(acn.ServerError) as info:
        session.customers.list()

    partial = info.value.partial
    assert partial is not None
    assert partial.ids == expected[:100]
    assert partial.total == CUSTOMERS + 12


def test_random_page_faults_change_nothing(session, big):
    expected = sequential_ids(session)
    big.received.clear()
    fault = big.faults.add(
        "truncated_json", method="GET", route="ecomCustomers", share=0.3
    )
    big.faults.seed(7)

    rows = session.customers.list()

    assert rows.ids == expected
    assert fault.applied > 0
    assert len(list_gets(big)) == 7 + fault.applied


def test_client_error_is_not_resumed(session, big):
    expected = sequential_ids(session)
    big.received.clear()
    add_pass_once(big)
    big.faults.add("forbidden_bare", method="GET", route="ecomCustomers", count=1)

    with pytest.raises(acn.AuthenticationError) as info:
        session.customers.list()

    # The 403 hits whichever later page arrives first; the partial result is
    # every page before that one.
    partial = info.value.partial
    assert 100 <= len(partial) < len(expected)
    assert len(partial) % 100 == 0
    assert partial.ids == expected[: len(partial)]
    offsets = Counter(call.query["offset"][0] for call in list_gets(big))
    assert set(offsets.values()) == {1}


# -- the throttle and the server's quota ----------------------------------------


def test_concurrent_list_gets_no_429():
    with SandboxServer(dataset="demo", rate_limit=None) as server:
        seed_customers(server, 588)
        server.rate_limit = 5
        server.latency = 0.05
        with acn.Session(server.url, server.api_key, rate_limit=5) as ac:
            rows = ac.customers.list()
        statuses = Counter(r.status for r in server.received)
    assert len(rows) == 600
    assert statuses == {200: 6}


class FakeClock:
    def __init__(self):
        self.now = 50.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_empty_quota_pauses_one_interval():
    clock = FakeClock()
    throttle = Throttle(5.0, clock=clock, sleep=clock.sleep)
    throttle.acquire()
    clock.now += 1.0
    throttle.observe(0)
    assert throttle.acquire() == pytest.approx(0.2)
    assert throttle.state()["observed_empty"] == 1


def test_empty_quota_waits_for_lower_server_limit():
    clock = FakeClock()
    throttle = Throttle(5.0, clock=clock, sleep=clock.sleep)
    throttle.observe(0, limit=2.0)
    assert throttle.acquire() == pytest.approx(0.5)


def test_quota_left_does_not_pause():
    clock = FakeClock()
    throttle = Throttle(5.0, clock=clock, sleep=clock.sleep)
    throttle.observe(3, limit=5.0)
    assert throttle.acquire() == 0
    assert throttle.state()["pauses"] == 0


def test_throttle_off_ignores_quota():
    throttle = Throttle(None)
    throttle.observe(0, limit=5.0)
    assert throttle.acquire() == 0
    assert throttle.state()["observed_empty"] == 0


def test_sandbox_empty_quota_reaches_throttle():
    with (
        SandboxServer(dataset="demo", rate_limit=1) as server,
        acn.Session(server.url, server.api_key, rate_limit=100) as ac,
    ):
        ac.customers.get(1)
        assert ac.throttle_state()["observed_empty"] == 1


# -- fetch_pages on hand-made pages ---------------------------------------------


def pages_by_offset(total, size, short_at=None, totals=None):
    """Return a fetch serving records 0..size-1 by offset, and its call log."""
    calls = []
    lock = threading.Lock()

    def fetch(offset, count):
        with lock:
            calls.append((offset, count))
        end = min(offset + count, size)
        if short_at is not None and offset == short_at:
            end = offset + count // 2
        reported = total if totals is None else totals(offset)
        return [{"id": str(n)} for n in range(offset, end)], reported

    return fetch, calls


def walk(fetch, **options):
    pages = fetch_pages(fetch, filters={}, page_size=10, **options)
    return [item["id"] for page in pages for item in page.items]


def test_concurrent_walk_keeps_offset_order():
    fetch, calls = pages_by_offset(95, 95)
    assert walk(fetch, workers=4) == [str(n) for n in range(95)]
    assert sorted(calls) == [(n, 10) for n in range(0, 100, 10)]


def test_pages_after_first_run_at_once():
    # Each later page waits at the barrier until all three are in flight, so
    # a sequential walk would break the barrier instead of passing it.
    fetch, _ = pages_by_offset(40, 40)
    barrier = threading.Barrier(3, timeout=10)

    def fetch_together(offset, count):
        if offset > 0:
            barrier.wait()
        return fetch(offset, count)

    assert walk(fetch_together, workers=3) == [str(n) for n in range(40)]


def test_short_page_ends_concurrent_walk():
    fetch, _ = pages_by_offset(100, 100, short_at=30)
    got = walk(fetch, workers=4)
    assert got == [str(n) for n in range(35)]


def test_unknown_total_walks_sequentially():
    fetch, calls = pages_by_offset(None, 45)
    assert walk(fetch, workers=4) == [str(n) for n in range(45)]
    assert calls == [(0, 10), (10, 10), (20, 10), (30, 10), (40, 10)]


def test_growing_total_fetches_new_pages():
    fetch, calls = pages_by_offset(None, 60, totals=lambda offset: 20 + offset)
    assert walk(fetch, workers=3) == [str(n) for n in range(60)]
    assert sorted(offset for offset, _ in calls) == list(range(0, 70, 10))


def test_walk_inside_worker_is_sequential():
    fetch, calls = pages_by_offset(50, 50)
    with worker_pool(2) as executor:
        got = executor.submit(lambda: (in_worker(), walk(fetch, workers=4))).result()
    assert got == (True, [str(n) for n in range(50)])
    assert calls == [(n, 10) for n in range(0, 50, 10)]


def test_ordered_map_keeps_order_and_raises_in_order():
    def square_or_fail(n):
        if n == 5:
            raise ValueError("five")
        return n * n

    seen = []
    with worker_pool(3) as executor, pytest.raises(ValueError, match="five"):
        for value in ordered_map(executor, square_or_fail, range(10), window=4):
            seen.append(value)
    assert seen == [0, 1, 4, 9, 16]


@pytest.mark.parametrize(
    ("rate", "workers"), [(5.0, 6), (1.0, 2), (0.1, 2), (100.0, 8), (None, 4)]
)
def test_pool_size_follows_rate(rate, workers):
    assert pool_size(rate) == workers
