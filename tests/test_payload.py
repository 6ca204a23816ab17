"""Payload building from every input kind, validated before any request."""

import dataclasses
import datetime as dt
from collections import namedtuple
from types import SimpleNamespace

import pandas as pd
import pytest

import ac_notebook as acn
from ac_notebook._payload import build_payload, collect_values
from ac_notebook._properties import CUSTOMERS
from ac_notebook._records import Record

EXPECTED = {"connectionid": "1", "externalid": "C-1", "email": "a@example.com"}


@dataclasses.dataclass
class CustomerRow:
    connectionid: int
    externalid: str
    email: str


Row = namedtuple("Row", "connectionid externalid email")


def create_payload(data=None, **fields):
    return build_payload(CUSTOMERS, collect_values(data, **fields), "create")


@pytest.mark.parametrize(
    "data",
    [
        acn.EcomCustomer(connectionid=1, externalid="C-1", email="a@example.com"),
        {"connectionid": 1, "externalid": "C-1", "email": "a@example.com"},
        SimpleNamespace(connectionid=1, externalid="C-1", email="a@example.com"),
        CustomerRow(1, "C-1", "a@example.com"),
        Row(1, "C-1", "a@example.com"),
        pd.Series({"connectionid": 1, "externalid": "C-1", "email": "a@example.com"}),
    ],
    ids=["helper", "dict", "namespace", "dataclass", "namedtuple", "series"],
)
def test_input_kinds_give_same_payload(data):
    assert create_payload(data) == EXPECTED


def test_keywords_give_same_payload():
    assert create_payload(connectionid=1, externalid="C-1", email="a@example.com") == (
        EXPECTED
    )


def test_keywords_override_data():
    payload = create_payload(dict(EXPECTED), email="b@example.com")
    assert payload["email"] == "b@example.com"


def test_ints_sent_as_strings():
    payload = create_payload(connectionid=7, externalid=56789, email="a@example.com")
    assert payload["connectionid"] == "7"
    assert payload["externalid"] == "56789"


@pytest.mark.parametrize(
    ("value", "wire"), [(True, "1"), (False, "0"), (1, "1"), ("0", "0"), ("yes", "1")]
)
def test_flag_values_encode(value, wire):
    payload = create_payload(EXPECTED, acceptsMarketing=value)
    assert payload["acceptsMarketing"] == wire


@pytest.mark.parametrize(
    "email", ["first+tag@example.com", "zoë@例え.jp", "A.B+c@x.io", "o'brien@ex.ie"]
)
def test_valid_emails_accepted(email):
    assert create_payload(EXPECTED, email=email)["email"] == email


@pytest.mark.parametrize(
    "email", ["no-at-sign", "a@b", "two@@ats.com", "sp ace@x.com", "@x.com", "a@.x.com"]
)
def test_invalid_emails_rejected(email):
    with pytest.raises(acn.ValidationError) as info:
        create_payload(EXPECTED, email=email)
    assert info.value.fields["email"]
    assert repr(email) in str(info.value)


def test_missing_required_fields_all_named():
    with pytest.raises(acn.ValidationError) as info:
        create_payload(email="a@example.com")
    names = {error.field for error in info.value.errors}
    assert names == {"connectionid", "externalid"}
    assert all(error.code == "field_missing" for error in info.value.errors)


def test_read_only_set_explicitly_rejected():
    with pytest.raises(acn.ValidationError) as info:
        create_payload(EXPECTED, totalRevenue=100)
    assert info.value.errors[0].field == "totalRevenue"
    assert "read-only" in info.value.errors[0].message


def test_read_only_carried_by_record_left_out():
    fetched = Record(
        CUSTOMERS,
        {**EXPECTED, "id": "4", "totalRevenue": "100", "links": {"orders": "/x"}},
    )
    payload = build_payload(CUSTOMERS, collect_values(fetched), "update")
    assert payload == EXPECTED


def test_read_only_carried_by_frame_row_left_out():
    row = pd.Series({**EXPECTED, "totalRevenue": 100, "tstamp": pd.NaT}, name=4)
    payload = build_payload(CUSTOMERS, collect_values(row), "update")
    assert payload == EXPECTED


def test_unknown_field_suggests_name():
    with pytest.raises(acn.ValidationError) as info:
        create_payload(EXPECTED, emial="x@example.com")
    assert "did you mean 'email'" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("connectionid", "abc", "whole number"),
        ("connectionid", -3, "negative"),
        ("connectionid", 1.5, "whole number"),
        ("connectionid", True, "whole number"),
        ("acceptsMarketing", "maybe", '"1"/"0"'),
        ("externalid", ["list"], "must be text"),
    ],
)
def test_wrong_types_named(field, value, fragment):
    with pytest.raises(acn.ValidationError) as info:
        create_payload(EXPECTED, **{field: value})
    assert info.value.errors[0].field == field
    assert fragment in info.value.errors[0].message


def test_none_and_nan_mean_not_given():
    payload = create_payload(EXPECTED, acceptsMarketing=None)
    assert "acceptsMarketing" not in payload
    payload = create_payload(EXPECTED, acceptsMarketing=float("nan"))
    assert "acceptsMarketing" not in payload


def test_empty_update_rejected():
    with pytest.raises(acn.ValidationError) as info:
        build_payload(CUSTOMERS, collect_values({}), "update")
    assert "nothing to update" in str(info.value)


def test_unreadable_input_kind_raises_type_error():
    with pytest.raises(TypeError) as info:
        collect_values(42)
    assert "int" in str(info.value)


def test_helper_rejects_unknown_name_with_hint():
    customer = acn.EcomCustomer()
    with pytest.raises(acn.ValidationError) as info:
        customer.emial = "x@example.com"
    assert "did you mean 'email'" in str(info.value)


def test_helper_reads_unset_as_none():
    customer = acn.EcomCustomer(email="a@example.com")
    assert customer.email == "a@example.com"
    assert customer.externalid is None


def test_helper_repr_in_table_order():
    customer = acn.EcomCustomer(email="a@example.com", connectionid=1)
    assert repr(customer) == "EcomCustomer(connectionid=1, email='a@example.com')"


def test_helper_equality():
    assert acn.EcomCustomer(email="a@x.io") == acn.EcomCustomer(email="a@x.io")
    assert acn.EcomCustomer(email="a@x.io") != acn.EcomCustomer(email="b@x.io")


def test_timestamp_values_encode():
    from ac_notebook._properties import ORDERS
    from ac_notebook._types import encode

    when = dt.datetime(
        2019, 1, 1, 10, 23, 22, tzinfo=dt.timezone(dt.timedelta(hours=-6))
    )
    assert encode(ORDERS["externalCreatedDate"], when) == "2019-01-01T10:23:22-06:00"


def test_missing_field_message_uses_article():
    with pytest.raises(acn.ValidationError) as info:
        create_payload(email="a@example.com", connectionid=1)
    assert "externalid is required to create an ecomCustomer" in str(info.value)
