"""Hostile data stored in the sandbox and shown through every display and form.

Each hostile string is stored as a customer's externalid (through the
client), as its email and category (through the sandbox store), and in
connection, order and order product fields. Displays must escape all of
it, keep their structure, stay small for a 10 MB value, and show control
and bidirectional characters only as visible escapes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import ipywidgets as widgets
import pytest
from conftest import fast_retry
from hostile_corpus import HOSTILE, HUGE, RAW_FORBIDDEN, audit, store_corpus

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer

#: Largest HTML or text display of one record, however long its values.
DISPLAY_LIMIT = 200_000


@pytest.fixture(scope="module")
def hostile_server():
    """A demo sandbox holding one customer per hostile string, and a 10 MB one."""
    server = SandboxServer(dataset="demo", rate_limit=None, max_body=32_000_000)
    with server:
        with acn.Session(server.url, server.api_key, rate_limit=None) as ac:
            ids = store_corpus(ac, server)
        server.hostile_ids = ids  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def hostile(hostile_server):
    with acn.Session(hostile_server.url, hostile_server.api_key, rate_limit=None) as ac:
        ac.client.retry = fast_retry()
        yield ac
    hostile_server.faults.clear()


def check_display(html: str, text: str) -> None:
    """Assert that an HTML display and its text twin are inert and bounded."""
    report = audit(html)
    assert report.problems == []
    assert report.styles == 1
    for char in RAW_FORBIDDEN:
        assert char not in html, repr(char)
        assert char not in text, repr(char)
    assert len(html) < DISPLAY_LIMIT
    assert len(text) < DISPLAY_LIMIT


def bundle(obj: Any) -> tuple[str, str]:
    data = obj._repr_mimebundle_()
    return data["text/html"], data["text/plain"]


@pytest.mark.parametrize("name", [*HOSTILE, "huge"])
def test_value_round_trips_unchanged(hostile, hostile_server, name):
    record = hostile.customers.get(hostile_server.hostile_ids[name])
    assert record.externalid == {**HOSTILE, "huge": HUGE}[name]
    if name != "huge":
        assert record.avgProductCategory == HOSTILE[name]
        assert record.email == HOSTILE[name]


@pytest.mark.parametrize("name", [*HOSTILE, "huge"])
def test_record_card_is_inert(hostile, hostile_server, name):
    record = hostile.customers.get(hostile_server.hostile_ids[name])
    html, text = bundle(record)
    check_display(html, text)
    assert record._repr_html_() == html
    assert str(record) == text


def block_tags(html: str) -> list[str]:
    """The tags that lay a display out; inline ``span`` marks are left out."""
    return [tag for tag in audit(html).tags if tag.strip("/") != "span"]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_record_card_keeps_benign_structure(hostile, hostile_server, name):
    benign = hostile.customers.get(1)
    record = hostile.customers.get(hostile_server.hostile_ids[name])
    assert block_tags(record._repr_html_()) == block_tags(benign._repr_html_())


def test_script_text_is_escaped_not_dropped(hostile, hostile_server):
    record = hostile.customers.get(hostile_server.hostile_ids["script"])
    html = record._repr_html_()
    assert "&lt;script&gt;window.__pwned=&#x27;script&#x27;&lt;/script&gt;" in html


def test_huge_value_is_clipped_with_its_length(hostile, hostile_server):
    record = hostile.customers.get(hostile_server.hostile_ids["huge"])
    html, text = bundle(record)
    assert "10,000,000" in html or "10000000" in html
    assert len(html) < 20_000
    assert len(text) < 20_000


def test_list_of_every_hostile_record_is_inert(hostile):
    rows = hostile.customers.list()
    assert len(rows) == 12 + len(HOSTILE) + 1
    html, text = bundle(rows)
    check_display(html, text)
    every = audit(html).tags
    assert every.count("tr") == every.count("/tr")


def test_frame_repr_is_inert(hostile):
    frame = hostile.customers.list().to_frame()
    html = frame._repr_html_()
    report = audit(html)
    assert report.problems == []
    assert "<script>" not in html
    assert len(html) < 2 * DISPLAY_LIMIT


@pytest.mark.parametrize(
    "resource", ["customers", "connections", "orders", "order_products"]
)
def test_resource_lists_and_cards_are_inert(hostile, resource):
    rows = getattr(hostile, resource).list()
    check_display(*bundle(rows))
    check_display(*bundle(rows[0]))
    check_display(*bundle(getattr(hostile, resource)))


def test_script_urls_are_never_links(hostile):
    displays = [
        hostile.connections.get(1)._repr_html_(),
        hostile.orders.get(1)._repr_html_(),
        hostile.order_products.get(1)._repr_html_(),
        hostile.order_products.list()._repr_html_(),
    ]
    for html in displays:
        assert audit(html).problems == []
        assert 'href="javascript' not in html.lower()
        assert "JaVaScRiPt" in html or "javascript:" in html


def test_session_display_is_inert(hostile):
    check_display(*bundle(hostile))


def test_hostile_field_names_are_escaped(hostile, hostile_server):
    item: dict[str, Any] = {"id": "1", "email": "a@example.com", "connectionid": "1"}
    item.update({value[:200]: value[:200] for value in HOSTILE.values()})
    hostile_server.faults.add(
        "status", status=200, body={"ecomCustomer": item}, method="GET", count=1
    )
    record = hostile.customers.get(1)
    assert record[HOSTILE["script"]] == HOSTILE["script"]
    check_display(*bundle(record))


def test_non_utf8_response_is_shown_safely(hostile, hostile_server):
    body = (
        b'{"ecomCustomer": {"id": "1", "connectionid": "1", "email": "a@example.com",'
        b' "externalid": "\xff\xfe\x80<b onmouseover=x>bold</b>\xc3("}}'
    )
    hostile_server.faults.add(
        "status",
        status=200,
        body=body,
        headers={"Content-Type": "application/json"},
        method="GET",
        count=1,
    )
    record = hostile.customers.get(1)
    assert "\ufffd" in record.externalid
    assert "<b onmouseover=x>" in record.externalid
    check_display(*bundle(record))


def test_non_utf8_error_page_gives_clear_error(hostile, hostile_server):
    page = b"<html><title>Erreur \xe9\xe8 <script>x</script></title></html>"
    hostile_server.faults.add(
        "status", status=503, body=page, headers={"Content-Type": "text/html"}
    )
    hostile.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.ServerError) as info:
        hostile.customers.get(1)
    assert "Erreur" in str(info.value)
    assert "\ufffd" in str(info.value)


# -- forms -----------------------------------------------------------------------


def descendants(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def check_form(form: Any, *, controls: bool = True) -> None:
    """Assert that no widget of a form renders hostile text as HTML.

    With ``controls``, control and bidirectional characters must not reach
    an HTML widget unchanged either.
    """
    for widget in descendants(form):
        if isinstance(widget, widgets.HTML | widgets.HTMLMath):
            report = audit(widget.value)
            assert report.problems == [], report.problems
            for char in RAW_FORBIDDEN if controls else ():
                assert char not in widget.value, repr(char)
        description_html = getattr(widget, "description_allow_html", False)
        if description_html:
            assert audit(widget.description).problems == []
        json.dumps(widget.get_state(), default=str)


@pytest.mark.parametrize("name", [*HOSTILE, "huge"])
def test_update_form_shows_values_as_text(hostile, hostile_server, name):
    form = hostile.customers.update_form(hostile_server.hostile_ids[name])
    assert form.fields["externalid"].value == {**HOSTILE, "huge": HUGE}[name]
    check_form(form)


def submit_against_hostile_422(hostile, hostile_server) -> Any:
    title = HOSTILE["img_onerror"] + HOSTILE["rtl_override"]
    pointer = "/data/attributes/" + HOSTILE["svg_onload"]
    body = {
        "errors": [
            {"title": title, "code": HOSTILE["script"], "source": {"pointer": pointer}},
            {
                "title": HOSTILE["table_break"] + HOSTILE["ansi_escape"],
                "source": {"pointer": "/data/attributes/email"},
            },
        ]
    }
    hostile_server.faults.add("status", status=422, body=body, method="POST", count=1)
    form = hostile.customers.create_form(connectionid=1)
    form.fields["email"].value = "form@example.com"
    form.fields["externalid"].value = HOSTILE["script"]
    assert form.submit() is None
    assert form.errors
    return form


def test_form_shows_hostile_server_error_escaped(hostile, hostile_server):
    form = submit_against_hostile_422(hostile, hostile_server)
    check_form(form, controls=False)


def test_form_messages_show_controls_as_escapes(hostile, hostile_server):
    form = submit_against_hostile_422(hostile, hostile_server)
    check_form(form)


def test_form_shows_hostile_local_errors_escaped(hostile):
    form = hostile.customers.create_form()
    form.fields["email"].value = HOSTILE["img_onerror"]
    form.fields["externalid"].value = HOSTILE["script"]
    assert form.submit() is None
    assert "email" in form.errors
    assert "connectionid" in form.errors
    check_form(form)


def test_created_hostile_record_shown_in_form_result(hostile):
    form = hostile.customers.create_form(connectionid=1)
    form.fields["email"].value = "made@example.com"
    form.fields["externalid"].value = HOSTILE["table_break"] + HOSTILE["nul"]
    record = form.submit()
    assert record is not None
    assert record.externalid == HOSTILE["table_break"] + HOSTILE["nul"]
    check_form(form)
