"""Progress bars on multi-page list calls (tqdm's text bar outside notebooks)."""

import re

import pytest
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook._pagination import Page
from ac_notebook._progress import PageProgress

SEEDED = 250
DEMO = 12


def seed_customers(server, count):
    """Insert customers straight into the sandbox store, without HTTP."""
    rows = [
        {
            "connectionid": 1,
            "externalid": f"P-{n}",
            "email": f"progress{n}@example.com",
            "email_lower": f"progress{n}@example.com",
            "acceptsMarketing": "0",
            "totalRevenue": 0,
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
    seed_customers(server, SEEDED)
    return server


@pytest.fixture
def session(big):
    with acn.Session(big.url, big.api_key, rate_limit=None) as ac:
        ac.client.retry = fast_retry(max_retries=1)
        yield ac


def final_counts(stderr):
    """Return the last "n/total" a text bar printed, or None without a bar."""
    counts = re.findall(r"(\d+)/(\d+|\?)", stderr)
    return counts[-1] if counts else None


def test_multi_page_list_shows_bar(session, capsys):
    rows = session.customers.list()
    err = capsys.readouterr().err
    total = str(SEEDED + DEMO)
    assert len(rows) == SEEDED + DEMO
    assert "ecomCustomers" in err
    assert "records/s" in err
    assert final_counts(err) == (total, total)


def test_progress_false_shows_nothing(session, capsys):
    session.customers.list(progress=False)
    assert capsys.readouterr().err == ""


def test_single_page_shows_nothing(ac, capsys):
    rows = ac.customers.list()
    assert len(rows) == DEMO
    assert capsys.readouterr().err == ""


def test_progress_true_forces_bar_on_one_page(ac, capsys):
    ac.customers.list(progress=True)
    assert final_counts(capsys.readouterr().err) == (str(DEMO), str(DEMO))


def test_limit_caps_bar_total(session, capsys):
    session.customers.list(limit=150)
    assert final_counts(capsys.readouterr().err) == ("150", "150")


def test_limit_within_one_page_shows_nothing(session, capsys):
    session.customers.list(limit=100)
    assert capsys.readouterr().err == ""


def test_frame_passes_progress(session, capsys):
    frame = session.customers.frame(progress=False)
    assert len(frame) == SEEDED + DEMO
    assert capsys.readouterr().err == ""
    session.customers.frame(limit=120)
    assert final_counts(capsys.readouterr().err) == ("120", "120")


def test_failed_page_closes_bar_part_way(session, big, capsys):
    # The first GET passes; every later page fails past all retries.
    big.faults.add(
        "stall_after", method="GET", route="ecomCustomers", count=1, seconds=0
    )
    big.faults.add("status", method="GET", route="ecomCustomers", status=503)

    with pytest.raises(acn.ServerError) as info:
        session.customers.list()

    err = capsys.readouterr().err
    assert len(info.value.partial) == 100
    assert final_counts(err) == ("100", str(SEEDED + DEMO))


def test_invalid_progress_rejected_before_sending(session, big):
    big.received.clear()
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        session.customers.list(progress="yes")
    assert list(big.received) == []


def page(items, total, excluded=0):
    return Page(0, [{"id": n} for n in range(items)], total, [{}] * excluded)


def test_unknown_total_full_page_opens_bar(capsys):
    with PageProgress("things", None) as bar:
        bar.update(page(100, None))
        assert bar.shown
        bar.update(page(30, None))
    err = capsys.readouterr().err
    assert err.rstrip().split("\r")[-1].startswith("things: 130 records [")
    assert final_counts(err) is None


def test_unknown_total_short_page_no_bar(capsys):
    with PageProgress("things", None) as bar:
        bar.update(page(30, None))
        assert not bar.shown
    assert capsys.readouterr().err == ""


def test_dropped_records_end_bar_at_count(capsys):
    """Duplicates and filter misses are dropped, so the count can fall short."""
    with PageProgress("things", None) as bar:
        bar.update(page(97, 250, excluded=3))
        bar.update(page(100, 250))
        bar.update(page(48, 250, excluded=2))
    assert final_counts(capsys.readouterr().err) == ("245", "245")


def test_error_keeps_reported_total(capsys):
    with pytest.raises(RuntimeError), PageProgress("things", None) as bar:
        bar.update(page(100, 250))
        raise RuntimeError("page failed")
    assert final_counts(capsys.readouterr().err) == ("100", "250")
