"""Submitting forms to the sandbox over HTTP: saves, server errors, double clicks."""

from __future__ import annotations

import json
import logging
import threading
import time

import ipywidgets as widgets
import pytest
from conftest import fast_retry

import ac_notebook as acn
from ac_notebook._form_inputs import FieldInput


def requests_to(server, method):
    return [r for r in server.received.snapshot() if r.method == method]


def fill_customer(form, email="new.buyer@example.com", externalid="WEB-1"):
    form.fields["connectionid"].value = "1"
    form.fields["externalid"].value = externalid
    form.fields["email"].value = email


def all_widgets(root):
    """Return every widget reachable from ``root`` through its traits."""
    found = {}
    pending = [root]
    while pending:
        widget = pending.pop()
        if widget.model_id in found:
            continue
        found[widget.model_id] = widget
        for name in widget.keys:
            value = getattr(widget, name)
            items = value if isinstance(value, list | tuple) else [value]
            pending.extend(item for item in items if isinstance(item, widgets.Widget))
    return list(found.values())


def widget_state_text(form):
    states = [w.get_state() for w in all_widgets(form)]
    return json.dumps(states, default=str)


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within the timeout")
        time.sleep(0.01)


# -- successful saves ----------------------------------------------------------


def test_create_saves_and_shows_record(ac, server):
    form = ac.customers.create_form()
    fill_customer(form)
    form.fields["acceptsMarketing"].value = True

    record = form.submit()

    assert isinstance(record, acn.Record)
    assert form.result is record
    assert record.email == "new.buyer@example.com"
    assert record.acceptsMarketing is True
    assert record.totalOrders == 0
    assert ac.customers.get(record.id).externalid == "WEB-1"
    [post] = requests_to(server, "POST")
    assert post.body == {
        "ecomCustomer": {
            "connectionid": "1",
            "externalid": "WEB-1",
            "email": "new.buyer@example.com",
            "acceptsMarketing": "1",
        }
    }
    assert f"Created ecomCustomer {record.id}" in form.summary.value
    [shown] = form.output.outputs
    assert shown["output_type"] == "display_data"
    assert "new.buyer@example.com" in shown["data"]["text/plain"]


def test_create_shown_when_reload_fails(ac, server):
    ac.client.retry = fast_retry(max_retries=0)
    server.faults.add("status", method="GET", route="ecomCustomers/{id}", status=500)
    form = ac.customers.create_form()
    fill_customer(form)

    record = form.submit()

    assert record is not None
    assert record.email == "new.buyer@example.com"
    assert f"Created ecomCustomer {record.id}." in form.summary.value
    assert "Reloading it failed (ServerError" in form.summary.value
    assert len(form.output.outputs) == 1


def test_create_button_click_saves(ac, server):
    form = ac.customers.create_form()
    fill_customer(form)

    form.buttons["submit"].click()

    assert form.result is not None
    assert len(requests_to(server, "POST")) == 1
    assert form.buttons["submit"].disabled is False


def test_create_keeps_read_only_empty(ac):
    form = ac.customers.create_form()
    fill_customer(form)

    form.submit()

    assert form.fields["id"].value == ""
    assert form.fields["id"].disabled is True


def test_clear_prepares_next_entry(ac, server):
    form = ac.customers.create_form(connectionid=1)
    fill_customer(form)
    first = form.submit()

    form.buttons["reset"].click()

    assert form.fields["email"].value == ""
    assert form.fields["connectionid"].value == "1"
    assert form.output.outputs == ()
    assert form.result is first
    fill_customer(form, email="second@example.com", externalid="WEB-2")
    second = form.submit()
    assert second.id != first.id
    assert len(requests_to(server, "POST")) == 2


def test_order_create_sends_cents_and_products(ac, server):
    form = ac.orders.create_form()
    entries = {
        "externalid": "WEB-ORDER-1",
        "source": "1",
        "email": "morgan.lee@example.com",
        "totalPrice": "12.34",
        "currency": "USD",
        "connectionid": "1",
        "customerid": "1",
        "externalCreatedDate": "2024-05-01T10:00:00-05:00",
        "orderProducts": json.dumps(
            [{"externalid": "P-1", "name": "Pen", "price": 617, "quantity": 2}]
        ),
    }
    for name, value in entries.items():
        form.fields[name].value = value

    record = form.submit()

    assert record is not None, form.errors
    [post] = requests_to(server, "POST")
    sent = post.body["ecomOrder"]
    assert sent["totalPrice"] == "1234"
    assert sent["orderProducts"] == [
        {"externalid": "P-1", "name": "Pen", "price": "617", "quantity": "2"}
    ]
    assert record.totalPrice == 1234


def test_update_sends_only_changes(ac, server):
    form = ac.customers.update_form(1)
    server.received.clear()
    form.fields["email"].value = "morgan.lee+new@example.com"

    assert form.changes == {"email": "morgan.lee+new@example.com"}
    record = form.submit()

    assert record.email == "morgan.lee+new@example.com"
    [put] = requests_to(server, "PUT")
    assert put.path == "/api/3/ecomCustomers/1"
    assert put.body == {"ecomCustomer": {"email": "morgan.lee+new@example.com"}}
    assert form.result is record
    assert form.changes == {}
    assert form.fields["tstamp"].value == record.raw["tstamp"]


def test_update_flag_and_amount(ac, server):
    form = ac.orders.update_form(1)
    server.received.clear()
    form.fields["shippingAmount"].value = "7.5"

    record = form.submit()

    assert record.shippingAmount == 750
    [put] = requests_to(server, "PUT")
    assert put.body == {"ecomOrder": {"shippingAmount": "750"}}
    assert form.fields["shippingAmount"].value == "7.50"


def test_update_clears_optional_text(ac, server):
    form = ac.orders.update_form(1)
    server.received.clear()
    form.fields["shippingMethod"].value = ""

    record = form.submit()

    assert record is not None, form.errors
    [put] = requests_to(server, "PUT")
    assert put.body == {"ecomOrder": {"shippingMethod": ""}}


def test_long_ids_sent_exactly(ac, server):
    long_id = "123456789012345678901234567890"
    form = ac.customers.create_form()
    fill_customer(form)
    form.fields["connectionid"].value = long_id

    assert form.submit() is None

    [post] = requests_to(server, "POST")
    assert post.body["ecomCustomer"]["connectionid"] == long_id
    assert "connectionid" in form.errors


# -- server errors -------------------------------------------------------------


def test_server_422_mapped_to_field(ac, server):
    form = ac.customers.create_form()
    fill_customer(form)
    form.fields["connectionid"].value = "999"

    assert form.submit() is None

    assert "does not exist" in form.errors["connectionid"]
    row = next(
        c
        for c in form.children
        if isinstance(c, widgets.Box) and form.fields["connectionid"] in c.children
    )
    assert "does not exist" in row.children[-1].value
    assert "ac-form-invalid" in row._dom_classes
    assert "1 problem; nothing was saved" in form.summary.value
    assert form.result is None


def test_server_message_controls_made_visible(ac, server):
    title = "bad\u202evalue " + "x" * 2000
    body = {
        "errors": [{"title": title, "source": {"pointer": "/data/attributes/email"}}]
    }
    server.faults.add("status", method="POST", status=422, count=1, body=body)
    form = ac.customers.create_form()
    fill_customer(form)

    assert form.submit() is None

    row = next(
        c
        for c in form.children
        if isinstance(c, widgets.Box) and form.fields["email"] in c.children
    )
    shown = row.children[-1].value
    assert form.errors["email"] == title
    assert "\u202e" not in shown
    assert "bad\\u202evalue" in shown
    assert "(2,010 chars)" in shown
    assert len(shown) < 1000


def test_duplicate_names_existing_record(ac):
    form = ac.customers.create_form()
    fill_customer(form, email="morgan.lee@example.com", externalid="WEB-9")

    assert form.submit() is None

    assert "already exists" in form.errors["email"]
    assert "update_form(1)" in form.errors[""]


def test_update_422_mapped_to_field(ac, server):
    form = ac.customers.update_form(2)
    form.fields["connectionid"].value = "1"

    assert form.submit() is None

    assert "already exists" in form.errors["email"]
    assert form.record.connectionid == 2


def test_forbidden_shown_in_form(server):
    wrong_key = "not-the-key-0123456789"
    with acn.Session(server.url, wrong_key, rate_limit=None) as session:
        form = acn.Form(session.customers)
        fill_customer(form)

        assert form.submit() is None

        assert form.errors[""].startswith("AuthenticationError: ")
        assert "AuthenticationError" in form.summary.value
        assert "was not saved" in form.summary.value
        assert wrong_key not in widget_state_text(form)
        assert form.buttons["submit"].disabled is False


def test_not_found_shown_in_form(ac):
    form = ac.customers.update_form(7)
    ac.customers.delete(7)
    form.fields["acceptsMarketing"].value = True

    assert form.submit() is None

    assert form.errors[""].startswith("NotFoundError: ")
    assert "NotFoundError" in form.summary.value


def test_rate_limit_shown_in_form(ac, server):
    ac.client.retry = fast_retry(max_retries=1)
    server.faults.add("status", method="PUT", status=429, headers={"Retry-After": "0"})
    form = ac.customers.update_form(1)
    form.fields["acceptsMarketing"].value = False

    assert form.submit() is None

    assert form.errors[""].startswith("RateLimitError: ")
    assert len(requests_to(server, "PUT")) == 2


def test_server_error_shown_in_form(ac, server):
    ac.client.retry = fast_retry(max_retries=1)
    server.faults.add("status", method="PUT", status=500)
    form = ac.customers.update_form(1)
    form.fields["acceptsMarketing"].value = False

    assert form.submit() is None

    assert form.errors[""].startswith("ServerError: ")
    assert "ServerError" in form.summary.value
    assert "may or may not have been saved" in form.summary.value
    assert form.buttons["submit"].disabled is False


def test_network_error_shown_in_form(ac, server):
    ac.client.retry = fast_retry(max_retries=1)
    server.faults.add("drop_before", method="POST")
    form = ac.customers.create_form()
    fill_customer(form)

    assert form.submit() is None

    assert form.errors[""].startswith("NetworkError: ")
    assert "NetworkError" in form.summary.value
    assert ac.customers.list(email="new.buyer@example.com").total == 0


def test_api_key_not_in_widget_state(ac, server):
    form = ac.customers.create_form()
    fill_customer(form)
    form.submit()
    update = ac.customers.update_form(form.result.id)
    update.fields["email"].value = "bad"
    update.submit()

    assert server.api_key not in widget_state_text(form)
    assert server.api_key not in widget_state_text(update)
    assert server.api_key not in repr(form)


# -- double submits ------------------------------------------------------------


def test_reentrant_submit_sends_once(ac, server):
    form = ac.customers.create_form()
    fill_customer(form)
    inner = []

    def submit_again(change):
        if change["new"] is True:
            inner.append(form.submit())

    form.buttons["submit"].observe(submit_again, names="disabled")
    outer = form.submit()

    assert isinstance(outer, acn.Record)
    assert inner == [None]
    assert len(requests_to(server, "POST")) == 1


def test_click_during_request_ignored(ac, server):
    server.faults.add(
        "stall_after", method="POST", route="ecomCustomers", count=1, seconds=1.0
    )
    form = ac.customers.create_form()
    fill_customer(form)
    results = []
    worker = threading.Thread(target=lambda: results.append(form.submit()))

    worker.start()
    wait_for(lambda: requests_to(server, "POST"))
    in_flight = form.busy
    disabled = form.buttons["submit"].disabled
    form.buttons["submit"].click()
    worker.join(timeout=30)

    assert in_flight is True
    assert disabled is True
    assert not worker.is_alive()
    assert isinstance(results[0], acn.Record)
    assert len(requests_to(server, "POST")) == 1
    assert form.buttons["submit"].disabled is False
    assert f"Created ecomCustomer {results[0].id}." in form.summary.value


def test_second_create_click_sends_nothing(ac, server):
    form = ac.customers.create_form()
    fill_customer(form)

    form.buttons["submit"].click()
    form.buttons["submit"].click()

    assert len(requests_to(server, "POST")) == 1
    assert "same entries again sent nothing" in form.summary.value


def test_second_update_click_sends_nothing(ac, server):
    form = ac.customers.update_form(1)
    server.received.clear()
    form.fields["acceptsMarketing"].value = False

    form.buttons["submit"].click()
    form.buttons["submit"].click()

    assert len(requests_to(server, "PUT")) == 1
    assert "Nothing changed" in form.summary.value


# -- delete --------------------------------------------------------------------


def test_delete_needs_confirmation(ac, server):
    form = ac.customers.update_form(7)
    confirm_row = next(
        c
        for c in form.children
        if isinstance(c, widgets.Box) and form.buttons["confirm_delete"] in c.children
    )

    form.buttons["delete"].click()
    assert confirm_row.layout.display == "flex"
    assert requests_to(server, "DELETE") == []

    form.buttons["cancel_delete"].click()
    assert confirm_row.layout.display == "none"
    assert requests_to(server, "DELETE") == []


def test_confirmed_delete_removes_record(ac, server):
    form = ac.customers.update_form(7)

    form.buttons["delete"].click()
    form.buttons["confirm_delete"].click()

    assert form.deleted is True
    assert len(requests_to(server, "DELETE")) == 1
    assert "Deleted ecomCustomer 7" in form.summary.value
    with pytest.raises(acn.NotFoundError):
        ac.customers.get(7)
    assert form.buttons["submit"].disabled is True
    assert form.fields["email"].disabled is True
    assert form.submit() is None
    assert requests_to(server, "PUT") == []


def test_create_form_cannot_delete(ac):
    form = ac.customers.create_form()

    with pytest.raises(TypeError, match="only an update form"):
        form.delete()


# -- callback errors -----------------------------------------------------------


class BrokenInput(FieldInput):
    """An input whose parse fails with a bug, not with InvalidValue."""

    def parse(self):
        raise RuntimeError("parse failed <here>")


def broken_externalid(prop):
    return BrokenInput(prop) if prop.name == "externalid" else None


class BrokenForm(acn.Form):
    factories = (broken_externalid, *acn.Form.factories)


def test_change_callback_error_shown(ac, caplog):
    form = BrokenForm(ac.customers)

    with caplog.at_level(logging.WARNING, logger="ac_notebook._forms"):
        form.fields["externalid"].value = "WEB-1"

    [shown] = form.output.outputs
    assert shown["ename"] == "RuntimeError"
    assert "RuntimeError" in form.summary.value
    assert len(caplog.records) == 1


def test_callback_error_shown_in_output(ac, server, caplog):
    form = BrokenForm(ac.customers)
    fill_customer(form)
    form.output.outputs = ()
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="ac_notebook._forms"):
        form.buttons["submit"].click()

    [shown] = form.output.outputs
    assert shown["output_type"] == "error"
    assert shown["ename"] == "RuntimeError"
    assert shown["evalue"] == "parse failed <here>"
    assert "RuntimeError: parse failed &lt;here&gt;" in form.summary.value
    assert form.errors[""] == "RuntimeError: parse failed <here>"
    [logged] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert logged.exc_info is not None
    assert form.buttons["submit"].disabled is False
    assert requests_to(server, "POST") == []


def test_programmatic_submit_raises_bugs(ac):
    form = BrokenForm(ac.customers)
    fill_customer(form)

    with pytest.raises(RuntimeError, match="parse failed"):
        form.submit()
    assert form.busy is False


def test_ignored_submit_keeps_outcome(ac, server):
    form = ac.customers.create_form()
    fill_customer(form)
    saved = form.submit()
    shown = form.summary.value

    with form._lock:
        ignored = form.submit()

    assert ignored is None
    assert f"Created ecomCustomer {saved.id}." in shown
    assert form.summary.value == shown
    assert len(requests_to(server, "POST")) == 1
