"""ecomCustomers CRUD over real HTTP against the sandbox."""

import dataclasses
from types import SimpleNamespace

import pandas as pd
import pytest

import ac_notebook as acn


def new_customer(**extra):
    fields = {"email": "user@example.com", "connectionid": 1, "externalid": "C-1"}
    fields.update(extra)
    return fields


@dataclasses.dataclass
class Shopper:
    email: str
    connectionid: int
    externalid: str


INPUT_KINDS = {
    "helper": lambda f: (acn.EcomCustomer(**f),),
    "dict": lambda f: (dict(f),),
    "namespace": lambda f: (SimpleNamespace(**f),),
    "dataclass": lambda f: (Shopper(**f),),
    "series": lambda f: (pd.Series(f),),
}


@pytest.mark.parametrize("kind", sorted(INPUT_KINDS))
def test_is_creatable_from_each_input_kind(ac, server, kind):
    (data,) = INPUT_KINDS[kind](new_customer())
    created = ac.customers.create(data)
    assert created.email == "user@example.com"
    assert created.connectionid == 1
    assert created.externalid == "C-1"
    stored = server.received[-1]
    assert stored.method == "POST"
    assert stored.body == {
        "ecomCustomer": {
            "email": "user@example.com",
            "connectionid": "1",
            "externalid": "C-1",
        }
    }


def test_is_creatable_from_keywords(ac):
    created = ac.customers.create(**new_customer(acceptsMarketing=True))
    assert ac.customers.get(created.id).acceptsMarketing is True


def test_create_returns_record_with_id(ac):
    created = ac.customers.create(acn.EcomCustomer(**new_customer()))
    assert isinstance(created.id, int)
    assert created.id > 0
    assert repr(created) == f"<Record ecomCustomer id={created.id}>"


def test_is_retrievable(ac):
    created = ac.customers.create(new_customer())
    fetched = ac.customers.get(created.id)
    assert fetched.id == created.id
    assert fetched.totalRevenue == 0
    assert fetched.raw["totalRevenue"] == "0"
    assert fetched.tstamp.utcoffset() is not None


def test_get_accepts_string_id(ac):
    assert ac.customers.get("1").id == 1


def test_is_updatable(ac, server):
    created = ac.customers.create(new_customer())
    updated = ac.customers.update(created.id, {"acceptsMarketing": "1"})
    assert updated.acceptsMarketing is True
    assert server.received[-1].body == {"ecomCustomer": {"acceptsMarketing": "1"}}


def test_update_from_fetched_record_sends_writable_only(ac, server):
    record = ac.customers.get(1)
    ac.customers.update(record.id, record)
    sent = server.received[-1].body["ecomCustomer"]
    assert set(sent) <= {"connectionid", "externalid", "email", "acceptsMarketing"}
    assert "totalRevenue" not in sent


def test_update_with_keywords(ac):
    created = ac.customers.create(new_customer())
    updated = ac.customers.update(created.id, externalid="C-2")
    assert updated.externalid == "C-2"


def test_is_deletable(ac):
    created = ac.customers.create(new_customer())
    assert ac.customers.delete(created.id) is None
    with pytest.raises(acn.NotFoundError) as info:
        ac.customers.get(created.id)
    assert str(created.id) in str(info.value)


def test_delete_missing_raises_not_found(ac):
    with pytest.raises(acn.NotFoundError) as info:
        ac.customers.delete(99999)
    assert info.value.status == 404
    assert "99999" in info.value.message


@pytest.mark.parametrize("bad_id", [0, -1, "abc", "1; DROP", 1.5, None, True])
def test_invalid_id_rejected_before_sending(ac, server, bad_id):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.customers.get(bad_id)
    assert repr(bad_id) in str(info.value)
    assert server.received == []


def test_is_listable(ac):
    rows = ac.customers.list()
    assert len(rows) == rows.total
    assert len(rows) >= 10
    assert all(isinstance(record, acn.Record) for record in rows)


def test_full_sequence_from_the_readme(server):
    with acn.Session(server.url, server.api_key, rate_limit=None) as ac:
        c = ac.customers.create(
            acn.EcomCustomer(email="user@example.com", connectionid=1, externalid="C-1")
        )
        assert ac.customers.get(c.id).email == "user@example.com"
        assert ac.customers.update(c.id, {"acceptsMarketing": "1"}).acceptsMarketing
        assert [r.id for r in ac.customers.list(email="user@example.com")] == [c.id]
        ac.customers.delete(c.id)
        assert len(ac.customers.list(email="user@example.com")) == 0


def test_invalid_payload_sends_nothing(ac, server):
    server.received.clear()
    with pytest.raises(acn.ValidationError) as info:
        ac.customers.create(email="not-an-email", connectionid="x")
    fields = {error.field for error in info.value.errors}
    assert fields == {"email", "connectionid", "externalid"}
    assert server.received == []


def test_connections_are_crud_capable(ac):
    created = ac.connections.create(
        acn.Connection(
            service="fooCommerce",
            externalid="toystore123",
            name="Toystore, Inc.",
            logoUrl="http://example.com/i/foo.png",
            linkUrl="http://example.com/foo/",
        )
    )
    assert ac.connections.get(created.id).name == "Toystore, Inc."
    assert ac.connections.update(created.id, name="Toys 2").name == "Toys 2"
    found = ac.connections.list(service="fooCommerce")
    assert [r.id for r in found] == [created.id]
    ac.connections.delete(created.id)
    with pytest.raises(acn.NotFoundError):
        ac.connections.get(created.id)


def test_create_fills_fields_left_out_of_response(ac):
    created = ac.customers.create(**new_customer(acceptsMarketing=True))
    assert created.acceptsMarketing is True
    assert created.raw["acceptsMarketing"] == "1"
    assert ac.customers.get(created.id).acceptsMarketing is True


@pytest.mark.parametrize("huge", ["1" * 5000, 2**64, "99999999999999999999"])
def test_huge_id_rejected_clearly(ac, huge):
    with pytest.raises(acn.ValidationError) as info:
        ac.customers.get(huge)
    assert "positive whole number" in str(info.value)
    assert len(str(info.value)) < 200
