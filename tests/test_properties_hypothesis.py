"""Property-based tests: any input is accepted as documented or rejected with
one of the documented errors.

Payloads: ``encode`` returns a wire value or raises ``InvalidValue``, and
``build_payload`` returns a payload of writable properties or raises
``ValidationError``. Responses: ``decode`` and ``parse_total`` never raise,
and any body or status the sandbox sends makes the client return records or
raise the ``ActiveCampaignError`` subclass for the status.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pytest
from conftest import fast_retry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ac_notebook as acn
from ac_notebook._exceptions import error_for_status
from ac_notebook._pagination import parse_total
from ac_notebook._payload import Values, build_payload, collect_values
from ac_notebook._properties import (
    CONNECTIONS,
    CUSTOMERS,
    ORDER_PRODUCTS,
    ORDERS,
    PropertyType,
)
from ac_notebook._types import InvalidValue, decode, encode
from ac_notebook.sandbox import SandboxServer

TABLES = [CUSTOMERS, CONNECTIONS, ORDERS, ORDER_PRODUCTS]
PROPERTIES = [prop for table in TABLES for prop in table]
# No example database, so runs leave no .hypothesis folder behind.
FAST = settings(max_examples=60, deadline=None, database=None)
OVER_HTTP = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
wire_like = st.sampled_from(
    [
        "0",
        "1",
        "15",
        "-3",
        " 7 ",
        "²",
        "١٢",
        "1e3",
        "12.5",
        "",
        "yes",
        "a@example.com",
        "A@Example.COM ",
        "https://example.com/x",
        "javascript:alert(1)",
        "2019-01-01T10:23:22-06:00",
        "2019-01-01T10:23:22Z",
        "2019-01-01",
        "0000-00-00 00:00:00",
        "\x00",
        "\u202e",
    ]
)
user_values = (
    json_values
    | wire_like
    | st.datetimes()
    | st.datetimes(timezones=st.timezones())
    | st.dates()
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.floats()
    | st.tuples(json_scalars)
    | st.lists(
        st.dictionaries(
            st.sampled_from(
                ["name", "price", "quantity", "externalid", "category", "x"]
            ),
            json_values | wire_like,
            max_size=5,
        ),
        max_size=3,
    )
)


def same_instant(first: Any, second: Any) -> bool:
    """Compare decoded values; times compare to the second, as they are sent."""
    if isinstance(first, dt.datetime) and isinstance(second, dt.datetime):
        return first.replace(microsecond=0) == second.replace(microsecond=0)
    return bool(first == second)


# -- payload validation ------------------------------------------------------------


@FAST
@given(prop=st.sampled_from(PROPERTIES), value=user_values)
def test_encode_gives_wire_value_or_invalid_value(prop, value):
    try:
        wire = encode(prop, value)
    except InvalidValue as exc:
        assert prop.name in str(exc)
        return
    if prop.type is PropertyType.OBJECTS:
        assert isinstance(wire, list)
        assert all(isinstance(item, dict) for item in wire)
        return
    assert isinstance(wire, str)
    decoded = decode(prop, wire)
    again = encode(prop, decoded) if decoded is not None else wire
    assert same_instant(decode(prop, again), decoded)


@FAST
@given(prop=st.sampled_from(PROPERTIES), value=json_values | wire_like)
def test_decode_never_raises(prop, value):
    decoded = decode(prop, value)
    if value is None:
        assert decoded is None
    if prop.type in (PropertyType.NUMERIC, PropertyType.CENTS) and isinstance(
        decoded, int
    ):
        assert not isinstance(value, dict | list)


@FAST
@given(value=st.integers(min_value=0, max_value=2**63 - 1))
def test_whole_numbers_round_trip(value):
    for prop in (CUSTOMERS["connectionid"], CUSTOMERS["totalRevenue"]):
        assert encode(prop, value) == str(value)
        assert decode(prop, str(value)) == value


@FAST
@given(value=st.one_of(st.booleans(), st.sampled_from(["0", "1", "true", "no"])))
def test_flags_round_trip(value):
    prop = CUSTOMERS["acceptsMarketing"]
    wire = encode(prop, value)
    assert wire in ("0", "1")
    assert encode(prop, decode(prop, wire)) == wire


@FAST
@given(
    table=st.sampled_from([CUSTOMERS, CONNECTIONS, ORDERS]),
    fields=st.dictionaries(
        st.sampled_from([*CUSTOMERS.names, *ORDERS.names, *CONNECTIONS.names])
        | st.text(max_size=12),
        user_values,
        max_size=8,
    ),
    mode=st.sampled_from(["create", "update"]),
    carried=st.booleans(),
)
def test_build_payload_gives_payload_or_validation_error(table, fields, mode, carried):
    try:
        payload = build_payload(table, Values(dict(fields), carried), mode)
    except acn.ValidationError as exc:
        assert "nothing" in exc.message
        named = {error.field for error in exc.errors}
        assert named <= {*fields, *table.names, None}
        return
    assert payload
    assert set(payload) <= set(table.writable)
    assert set(payload) <= set(fields)
    for name, wire in payload.items():
        assert wire == encode(table[name], fields[name])
    if mode == "create":
        assert set(table.required) <= set(payload)


@FAST
@given(data=json_values | st.integers() | st.text() | st.binary(max_size=8))
def test_collect_values_reads_fields_or_raises_type_error(data):
    try:
        values = collect_values(data)
    except TypeError as exc:
        assert "cannot read fields" in str(exc)
        return
    assert isinstance(values.fields, dict)


@FAST
@given(meta=json_values | st.dictionaries(st.just("total"), json_values | wire_like))
def test_parse_total_is_a_count_or_none(meta):
    total = parse_total(meta)
    assert total is None or (isinstance(total, int) and total >= 0)


def test_parse_total_rejects_non_ascii_digits():
    assert parse_total({"total": "²"}) is None
    assert parse_total({"total": "١٢"}) is None
    assert parse_total({"total": -4}) is None
    assert parse_total({"total": " 12 "}) == 12


# -- response decoding over HTTP ---------------------------------------------------


@pytest.fixture(scope="module")
def body_server():
    with SandboxServer(dataset="demo", rate_limit=None) as server:
        yield server


@pytest.fixture(scope="module")
def body_session(body_server):
    with acn.Session(body_server.url, body_server.api_key, rate_limit=None) as ac:
        ac.client.retry = fast_retry(max_retries=0)
        yield ac


bodies = (
    json_values
    | st.binary(max_size=200)
    | st.text(max_size=200)
    | st.fixed_dictionaries({"ecomCustomer": json_values})
    | st.fixed_dictionaries(
        {"ecomCustomers": st.lists(json_values, max_size=3), "meta": json_values}
    )
    | st.fixed_dictionaries(
        {
            "ecomCustomers": st.lists(
                st.dictionaries(st.text(max_size=6), json_values, max_size=4),
                max_size=3,
            ),
            "meta": st.fixed_dictionaries({"total": json_values | wire_like}),
        }
    )
)


def serve(server: SandboxServer, status: int, body: Any) -> None:
    server.faults.clear()
    server.faults.add("status", status=status, body=body, method="GET")


def show(obj: Any) -> None:
    """Render every display of a result, as a notebook would."""
    repr(obj)
    str(obj)
    obj._repr_html_()


@OVER_HTTP
@given(body=bodies)
def test_any_200_body_gives_record_or_unexpected_response(
    body_server, body_session, body
):
    serve(body_server, 200, body)
    try:
        record = body_session.customers.get(1)
    except acn.UnexpectedResponseError as exc:
        assert exc.method == "GET"
        assert exc.status in (None, 200)
        return
    finally:
        body_server.faults.clear()
    assert isinstance(body, dict)
    assert record.raw == body["ecomCustomer"]
    record.to_dict()
    show(record)


@OVER_HTTP
@given(body=bodies)
def test_any_200_list_body_gives_records_or_unexpected_response(
    body_server, body_session, body
):
    serve(body_server, 200, body)
    try:
        rows = body_session.customers.list(progress=False)
    except acn.UnexpectedResponseError as exc:
        assert exc.partial is not None
        return
    finally:
        body_server.faults.clear()
    assert isinstance(body, dict)
    assert len(rows) <= len(body["ecomCustomers"])
    assert rows.total is None or rows.total >= 0
    show(rows)
    rows.to_frame()


@OVER_HTTP
@given(
    status=st.integers(min_value=400, max_value=599).filter(lambda s: s != 429),
    body=bodies,
)
def test_any_error_status_maps_to_its_exception(
    body_server, body_session, status, body
):
    serve(body_server, status, body)
    try:
        with pytest.raises(acn.ActiveCampaignError) as info:
            body_session.customers.get(1)
    finally:
        body_server.faults.clear()
    assert isinstance(info.value, error_for_status(status))
    assert info.value.status == status
    assert str(info.value)


@FAST
@given(value=st.floats() | st.decimals())
def test_non_finite_numbers_are_invalid(value):
    prop = ORDERS["totalPrice"]
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    try:
        encode(prop, value)
    except InvalidValue:
        return
    assert finite
