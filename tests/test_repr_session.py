"""Session and Resource displays: host, mode, throttle, property tables, calls."""

import re

import pytest
from repr_checks import audit, mime_bundle

import ac_notebook as acn
from ac_notebook._properties import CUSTOMERS, ORDER_PRODUCTS


def all_mime_text(obj):
    bundle = mime_bundle(obj)
    return bundle, "\n".join(str(value) for value in bundle.values())


def test_session_bundle_has_html_and_text(ac):
    bundle = mime_bundle(ac)
    assert set(bundle) >= {"text/html", "text/plain"}
    assert bundle["text/plain"].startswith("ActiveCampaign session")


def test_session_never_shows_key(ac, server):
    ac.customers.list(limit=2)
    _bundle, text = all_mime_text(ac)
    key = server.api_key
    assert key not in text
    for size in (4, 6, 8):
        assert key[:size] not in text
        assert key[-size:] not in text
    assert key not in str(ac)
    assert key not in repr(ac)


def test_live_session_never_shows_key():
    key = "live-key-0123456789abcdef"
    with acn.Session("https://acme.api-us1.com", key) as ac:
        bundle, text = all_mime_text(ac)
        assert key not in text
        assert "0123" not in text
        assert "acme.api-us1.com" in bundle["text/html"]
        assert "live account" in bundle["text/plain"]


def test_session_shows_host_mode_throttle(ac, server):
    ac.customers.list(limit=2)
    text = str(ac)
    host = server.url.split("//", 1)[1]
    assert re.search(rf"^  host +{re.escape(host)}$", text, re.MULTILINE)
    assert "sandbox on this machine" in text
    assert "off; " in text
    assert re.search(r"\b1 requests sent", text)


def test_session_with_throttle_shows_rate(server):
    with acn.Session(server.url, server.api_key, rate_limit=4.0) as ac:
        assert "4 requests/s" in ac._repr_html_()


def test_embedded_sandbox_names_dataset():
    with acn.Session.sandbox(dataset="empty", rate_limit=None) as ac:
        assert "(dataset 'empty')" in str(ac)
        assert ac.sandbox_server.api_key not in ac._repr_html_()


def test_session_lists_resources(ac):
    text = str(ac)
    for name, path in [
        (".customers", "ecomCustomers"),
        (".connections", "connections"),
        (".orders", "ecomOrders"),
        (".order_products", "ecomOrderProducts"),
    ]:
        line = next(line for line in text.splitlines() if line.split()[0] == name)
        assert path in line


def test_session_repr_stays_short(ac):
    assert repr(ac).startswith("<Session sandbox host=")


def property_rows(markup):
    table = re.search(r'<table class="acnb-t">(.*?)</table>', markup).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    return [audit(row).text for row in rows]


def test_resource_shows_property_table(ac):
    bundle = mime_bundle(ac.customers)
    rows = property_rows(bundle["text/html"])

    assert rows[0] == ["property", "type", "required", "read-only", "description"]
    by_name = {row[0]: row for row in rows[1:]}
    assert list(by_name) == list(CUSTOMERS.names)
    assert by_name["email"][:3] == ["email", "string (email)", "yes"]
    assert by_name["totalRevenue"][1:3] == ["string (cents)", "yes"]
    assert by_name["totalRevenue"][-1] == "total revenue, in cents"


def test_resource_text_lists_properties(ac):
    text = mime_bundle(ac.customers)["text/plain"]
    lines = text.splitlines()
    assert lines[0] == "ecomCustomers: ecomCustomer records"
    assert "filters for list(): email, externalid, connectionid" in lines
    email = next(line for line in lines if line.startswith("email "))
    assert email.split()[:4] == ["email", "string", "(email)", "yes"]


def test_resource_shows_calls(ac):
    markup = ac.customers._repr_html_()
    calls = re.findall(r"<code>(.*?)</code>", markup)
    names = [call.split("(", 1)[0] for call in calls]
    for expected in ("get", "create", "update", "delete", "list", "frame", "iter"):
        assert expected in names
    assert any(call.startswith("list(*, limit=None, progress=None") for call in calls)
    assert "Fetch one record by id." in markup


def test_read_only_resource_hides_writes(ac):
    text = str(ac.order_products)
    assert "read-only in the API" in text
    calls = text.split("calls:", 1)[1]
    for verb in ("create(", "update(", "delete("):
        assert f"  {verb}" not in calls
    assert "  get(" in calls
    assert ORDER_PRODUCTS.label in text


def test_nested_items_described(ac):
    text = str(ac.orders)
    lines = text.splitlines()
    line = next(line for line in lines if line.startswith("orderProducts"))
    assert "each item: externalid, name, price, quantity" in line


@pytest.mark.parametrize(
    "include", [None, {"text/plain"}, {"text/html"}, {"text/html", "text/plain"}]
)
def test_bundle_honours_include(ac, include):
    bundle = ac.customers._repr_mimebundle_(include=include)
    expected = {"text/plain", "text/html"} if include is None else include
    assert set(bundle) == expected


def test_bundle_honours_exclude(ac):
    assert set(ac._repr_mimebundle_(exclude={"text/html"})) == {"text/plain"}


def test_no_display_contains_key(ac, server):
    shown = [
        ac,
        ac.customers,
        ac.orders,
        ac.customers.get(1),
        ac.customers.list(),
        ac.orders.list(limit=3),
    ]
    for obj in shown:
        bundle = mime_bundle(obj)
        assert {"text/html", "text/plain"} <= set(bundle), type(obj)
        for mime, data in bundle.items():
            assert server.api_key not in str(data), (type(obj), mime)


def test_resource_repr_stays_short(ac):
    assert repr(ac.customers) == "<Resource ecomCustomers>"
