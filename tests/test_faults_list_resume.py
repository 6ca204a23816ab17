"""A list that fails on a later page resumes there, or fails with the records
fetched so far.

The sandbox contains 250 customers, so a full list is three pages (offsets 0,
100 and 200). Faults are scoped to one page with ``query={"offset": ...}``.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook._resources import PAGE_ATTEMPTS
from ac_notebook.sandbox import SandboxServer

CUSTOMERS = 250
CLIENT_RETRIES = 1
CLIENT_ATTEMPTS = CLIENT_RETRIES + 1


@pytest.fixture(scope="module")
def big_server():
    """A sandbox with one connection and 250 customers, shared by this module."""
    with SandboxServer(dataset="empty", rate_limit=None) as server:
        with acn.Session(server.url, server.api_key, rate_limit=None) as ac:
            shop = ac.connections.create(
                service="shop",
                externalid="s1",
                name="Shop",
                logoUrl="https://example.com/l.png",
                linkUrl="https://example.com/",
            )
            for n in range(CUSTOMERS):
                ac.customers.create(
                    email=f"c{n}@example.com", connectionid=shop.id, externalid=f"E{n}"
                )
        yield server


@pytest.fixture
def paged(big_server):
    """A Session on the shared server, with its faults and request log cleared."""
    big_server.faults.clear()
    big_server.received.clear()
    session = acn.Session(
        big_server.url, big_server.api_key, rate_limit=None, timeout=(2.0, 0.4)
    )
    with session:
        session.client.retry = fast_retry(max_retries=CLIENT_RETRIES)
        yield session
    big_server.faults.clear()


def all_ids(server: SandboxServer) -> list[int]:
    return [row["id"] for row in server.store.find("ecomCustomers")]


def page_requests(server: SandboxServer, offset: int) -> list[Any]:
    return [
        r
        for r in server.received
        if r.method == "GET" and r.query.get("offset") == [str(offset)]
    ]


RESUMABLE: dict[str, dict[str, Any]] = {
    "503_html": {"kind": "status", "status": 503},
    "500": {"kind": "status", "status": 500},
    "520": {"kind": "status", "status": 520},
    "429": {"kind": "status", "status": 429, "headers": {"Retry-After": "0"}},
    "empty_body": {"kind": "empty_body"},
    "truncated_json": {"kind": "truncated_json"},
    "html_200": {"kind": "html"},
    "drop_before": {"kind": "drop_before"},
    "drop_after": {"kind": "drop_after"},
    "stall_after": {"kind": "stall_after", "seconds": 1.0},
}

FINAL_ERRORS: dict[str, type[acn.ActiveCampaignError]] = {
    "503_html": acn.ServerError,
    "500": acn.ServerError,
    "520": acn.ServerError,
    "429": acn.RateLimitError,
    "empty_body": acn.UnexpectedResponseError,
    "truncated_json": acn.UnexpectedResponseError,
    "html_200": acn.UnexpectedResponseError,
    "drop_before": acn.NetworkError,
    "drop_after": acn.NetworkError,
    "stall_after": acn.NetworkError,
}


@pytest.mark.parametrize("fault", list(RESUMABLE))
def test_later_page_resumes_without_gap(paged, big_server, fault):
    # Enough failures to spend the client's own retries once, so that the
    # page itself is fetched again from its offset.
    big_server.faults.add(
        **RESUMABLE[fault], query={"offset": "100"}, count=CLIENT_ATTEMPTS
    )
    rows = paged.customers.list()
    assert rows.ids == all_ids(big_server)
    assert len(set(rows.ids)) == CUSTOMERS
    assert rows.total == CUSTOMERS
    assert len(page_requests(big_server, 100)) == CLIENT_ATTEMPTS + 1
    assert len(page_requests(big_server, 0)) == 1
    assert len(page_requests(big_server, 200)) == 1


@pytest.mark.parametrize("fault", list(RESUMABLE))
def test_failed_page_attaches_records_before_it(paged, big_server, fault):
    big_server.faults.add(**RESUMABLE[fault], query={"offset": "200"})
    with pytest.raises(FINAL_ERRORS[fault]) as info:
        paged.customers.list()
    partial = info.value.partial
    assert isinstance(partial, acn.RecordList)
    assert partial.ids == all_ids(big_server)[:200]
    assert partial.total == CUSTOMERS
    assert len(page_requests(big_server, 200)) == CLIENT_ATTEMPTS * PAGE_ATTEMPTS


def test_second_page_failure_keeps_only_first_page(paged, big_server):
    big_server.faults.add("status", status=502, query={"offset": "100"})
    with pytest.raises(acn.ServerError) as info:
        paged.customers.list()
    # The third page may have arrived, but records after a gap are not kept.
    assert info.value.partial.ids == all_ids(big_server)[:100]


def test_first_page_failure_has_empty_partial(paged, big_server):
    big_server.faults.add("status", status=500, query={"offset": "0"})
    with pytest.raises(acn.ServerError) as info:
        paged.customers.list()
    assert len(info.value.partial) == 0
    assert page_requests(big_server, 100) == []


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("forbidden_bare", acn.AuthenticationError),
        ("unprocessable_bare", acn.ValidationError),
    ],
)
def test_client_error_on_later_page_is_not_repeated(paged, big_server, kind, error):
    big_server.faults.add(kind, query={"offset": "100"})
    with pytest.raises(error) as info:
        paged.customers.list()
    assert info.value.partial.ids == all_ids(big_server)[:100]
    assert len(page_requests(big_server, 100)) == 1


def test_iter_resumes_later_page(paged, big_server):
    big_server.faults.add(
        "status", status=503, query={"offset": "100"}, count=CLIENT_ATTEMPTS
    )
    ids = [record.id for record in paged.customers.iter()]
    assert ids == all_ids(big_server)
    assert len(page_requests(big_server, 100)) == CLIENT_ATTEMPTS + 1


def test_pages_with_limit_resume(paged, big_server):
    big_server.faults.add(
        "truncated_json", query={"offset": "100"}, count=CLIENT_ATTEMPTS
    )
    rows = paged.customers.list(limit=150)
    assert rows.ids == all_ids(big_server)[:150]
    assert [r.query["limit"] for r in page_requests(big_server, 100)] == [["50"]] * (
        CLIENT_ATTEMPTS + 1
    )


def test_intermittent_5xx_by_share_loses_nothing(paged, big_server):
    big_server.faults.seed(1)
    big_server.faults.add("status", status=503, share=0.3)
    paged.client.retry = fast_retry(max_retries=5)
    rows = paged.customers.list()
    assert rows.ids == all_ids(big_server)
    assert 503 in [r.status for r in big_server.received]
