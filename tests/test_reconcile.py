"""A create whose response is lost leaves exactly one record."""

import pytest
from conftest import fast_retry

import ac_notebook as acn

NEW = {"email": "lost@example.com", "connectionid": 1, "externalid": "L-1"}


def count_matching(server_session):
    return len(server_session.customers.list(email=NEW["email"]))


def test_dropped_after_write_leaves_one(ac, server):
    server.faults.add("drop_after", method="POST", route="ecomCustomers", count=1)
    created = ac.customers.create(NEW)
    assert created.email == NEW["email"]
    assert count_matching(ac) == 1
    assert len([r for r in server.received if r.method == "POST"]) == 1


def test_stalled_past_read_timeout_leaves_one(server):
    server.faults.add(
        "stall_after", method="POST", route="ecomCustomers", count=1, seconds=2.0
    )
    with acn.Session(
        server.url, server.api_key, rate_limit=None, timeout=(2, 0.5)
    ) as ac:
        ac.client.retry = fast_retry()
        created = ac.customers.create(NEW)
        assert created.externalid == "L-1"
        assert count_matching(ac) == 1


def test_dropped_before_write_is_sent_again(ac, server):
    server.faults.add("drop_before", method="POST", route="ecomCustomers", count=1)
    created = ac.customers.create(NEW)
    assert created.id is not None
    assert count_matching(ac) == 1
    assert len([r for r in server.received if r.method == "POST"]) == 2


def test_put_retried_after_drop(ac, server):
    server.faults.add("drop_after", method="PUT", count=1)
    updated = ac.customers.update(1, acceptsMarketing=True)
    assert updated.acceptsMarketing is True


def test_delete_retried_after_drop_is_success(ac, server):
    created = ac.customers.create(NEW)
    server.faults.add("drop_after", method="DELETE", count=1)
    ac.customers.delete(created.id)
    with pytest.raises(acn.NotFoundError):
        ac.customers.get(created.id)


def test_guest_reconcile_ignores_other_guest(ac, server):
    ac.customers.create(email="guest1@example.com", connectionid=1, externalid="0")
    server.faults.add("drop_before", method="POST", route="ecomCustomers", count=1)
    created = ac.customers.create(
        email="guest2@example.com", connectionid=1, externalid="0"
    )
    assert created.email == "guest2@example.com"
    assert len(ac.customers.list(email="guest2@example.com")) == 1
