"""Building forms from property tables, and local checks before any request."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

import ac_notebook as acn
from ac_notebook._form_inputs import FieldInput
from ac_notebook._properties import CONNECTIONS, CUSTOMERS, ORDERS, PropertyType

WRITABLE_TABLES = [CUSTOMERS, CONNECTIONS, ORDERS]

WIDGET_FOR_TYPE = {
    PropertyType.STRING: widgets.Text,
    PropertyType.NUMERIC: widgets.Text,
    PropertyType.EMAIL: widgets.Text,
    PropertyType.TIMESTAMP: widgets.Text,
    PropertyType.CENTS: widgets.Text,
    PropertyType.URL: widgets.Text,
    PropertyType.FLAG: widgets.Checkbox,
    PropertyType.OBJECTS: widgets.Textarea,
}


def resource_for(ac, table):
    return {
        CUSTOMERS.label: ac.customers,
        CONNECTIONS.label: ac.connections,
        ORDERS.label: ac.orders,
    }[table.label]


def row_of(form, name):
    """Return the HBox that contains the input of property ``name``."""
    field = form.fields[name]
    for child in form.children:
        if isinstance(child, widgets.HBox) and field in child.children:
            return child
    raise AssertionError(f"no row holds the input of {name}")


def label_of(form, name):
    return row_of(form, name).children[0]


def error_html(form, name):
    return row_of(form, name).children[-1].value


# -- building ------------------------------------------------------------------


@pytest.mark.parametrize("table", WRITABLE_TABLES, ids=lambda t: t.label)
def test_create_form_rows_follow_table(ac, table):
    form = resource_for(ac, table).create_form()

    assert isinstance(form, widgets.VBox)
    assert list(form.fields) == list(table.names)
    for prop in table:
        assert label_of(form, prop.name).tooltip == prop.description
        assert form.fields[prop.name].tooltip == prop.description


@pytest.mark.parametrize("table", WRITABLE_TABLES, ids=lambda t: t.label)
def test_widget_type_per_property_type(ac, table):
    form = resource_for(ac, table).create_form()

    for prop in table:
        expected = WIDGET_FOR_TYPE[prop.type]
        assert type(form.fields[prop.name]) is expected, prop.name


def test_text_inputs_update_on_enter_or_blur(ac):
    form = ac.orders.create_form()

    for name, widget in form.fields.items():
        if isinstance(widget, widgets.Text | widgets.Textarea):
            assert widget.continuous_update is False, name


@pytest.mark.parametrize("table", WRITABLE_TABLES, ids=lambda t: t.label)
def test_read_only_inputs_disabled_and_empty(ac, table):
    form = resource_for(ac, table).create_form()

    for prop in table:
        widget = form.fields[prop.name]
        assert widget.disabled is prop.read_only, prop.name
        if prop.read_only and prop.type is not PropertyType.FLAG:
            assert widget.value == "", prop.name
        assert prop.read_only is (prop.name not in form.values)


@pytest.mark.parametrize("table", WRITABLE_TABLES, ids=lambda t: t.label)
def test_required_rows_marked(ac, table):
    form = resource_for(ac, table).create_form()

    for prop in table:
        label = label_of(form, prop.name).value
        classes = row_of(form, prop.name)._dom_classes
        assert label.endswith(" *") is prop.required, prop.name
        assert ("ac-form-required" in classes) is prop.required, prop.name


def test_update_form_shows_current_values(ac):
    record = ac.customers.get(1)

    form = ac.customers.update_form(1)

    assert form.fields["email"].value == record.raw["email"]
    assert form.fields["connectionid"].value == record.raw["connectionid"]
    assert form.fields["acceptsMarketing"].value is True
    assert form.fields["id"].value == "1"
    assert form.fields["tstamp"].value == record.raw["tstamp"]
    assert form.fields["totalRevenue"].value == "62.48"
    assert form.fields["totalRevenue"].disabled is True
    assert form.fields["tstamp"].disabled is True
    assert form.changes == {}


def test_update_form_has_delete_buttons(ac):
    create = ac.customers.create_form()
    update = ac.customers.update_form(1)

    assert set(create.buttons) == {"submit", "reset"}
    assert create.buttons["reset"].description == "Clear"
    assert set(update.buttons) == {
        "submit",
        "reset",
        "delete",
        "confirm_delete",
        "cancel_delete",
    }


def test_create_form_prefills_initial_values(ac):
    form = ac.customers.create_form(connectionid=1, acceptsMarketing=True)

    assert form.fields["connectionid"].value == "1"
    assert form.fields["acceptsMarketing"].value is True
    assert form.changes == {}


def test_create_form_rejects_misspelt_initial(ac):
    with pytest.raises(acn.ValidationError, match="did you mean 'email'"):
        ac.customers.create_form(emial="a@example.com")


def test_create_form_rejects_read_only_initial(ac):
    with pytest.raises(acn.ValidationError, match="read-only"):
        ac.customers.create_form(totalRevenue=100)


def test_order_products_have_no_forms(ac, server):
    with pytest.raises(acn.ActiveCampaignError, match="read-only in the API"):
        ac.order_products.create_form()
    with pytest.raises(acn.ActiveCampaignError, match="read-only in the API"):
        ac.order_products.update_form(1)

    assert server.received.snapshot() == []


def test_update_form_for_missing_record(ac):
    with pytest.raises(acn.NotFoundError):
        ac.customers.update_form(9999)


def test_custom_factory_goes_first(ac):
    class Slider(FieldInput):
        def _make_widget(self):
            return widgets.IntSlider(min=0, max=1)

        def load(self, wire):
            self.widget.value = int(wire or 0)

        def parse(self):
            return str(self.widget.value)

    def source_slider(prop):
        return Slider(prop) if prop.name == "source" else None

    class OrderForm(acn.Form):
        factories = (source_slider, *acn.Form.factories)

    form = OrderForm(ac.orders, ac.orders.get(1))
    form.fields["source"].value = 0

    assert isinstance(form.fields["source"], widgets.IntSlider)
    assert isinstance(form.fields["email"], widgets.Text)
    assert form.changes == {"source": 0}


def test_form_attributes_keep_widget_members(ac):
    class Plain(widgets.VBox):
        pass

    form = ac.customers.update_form(1)
    plain = Plain()

    added = set(vars(form)) - set(vars(plain))
    defined = set(vars(acn.Form)) - set(vars(Plain)) - {"__init__", "__repr__"}
    members = set(dir(widgets.VBox))

    assert added & members == set()
    assert defined & members == set()


# -- local checks --------------------------------------------------------------


def test_empty_create_lists_required_fields(ac, server):
    form = ac.customers.create_form()

    assert form.submit() is None

    assert set(form.errors) == {"connectionid", "externalid", "email"}
    for name in ("connectionid", "externalid", "email"):
        assert "required" in error_html(form, name)
        assert "ac-form-invalid" in row_of(form, name)._dom_classes
    assert "3 problems; nothing was saved" in form.summary.value
    assert server.received.snapshot() == []


def test_invalid_values_shown_per_field(ac, server):
    form = ac.customers.create_form()
    form.fields["connectionid"].value = "1x"
    form.fields["externalid"].value = "C-1"
    form.fields["email"].value = "not-an-email"

    assert form.submit() is None

    assert "whole number" in form.errors["connectionid"]
    assert "not a valid email address" in form.errors["email"]
    assert "externalid" not in form.errors
    assert error_html(form, "externalid") == ""
    assert server.received.snapshot() == []


def test_field_checked_on_change(ac):
    form = ac.customers.create_form()

    form.fields["email"].value = "nobody"
    assert "not a valid email address" in form.errors["email"]
    assert "not a valid email address" in error_html(form, "email")

    form.fields["email"].value = "nobody@example.com"
    assert "email" not in form.errors
    assert error_html(form, "email") == ""


def test_error_messages_escaped(ac):
    form = ac.customers.create_form()

    form.fields["email"].value = "<b>x</b>"

    shown = error_html(form, "email")
    assert "&lt;b&gt;x&lt;/b&gt;" in shown
    assert "<b>x" not in shown


@pytest.mark.parametrize(
    "entered",
    ["12.345", "-1", "1,234.00", "12.", ".5", "1e3", "abc", "12.3.4"],
)
def test_cents_rejects_invalid_amounts(ac, entered):
    form = ac.orders.create_form()

    form.fields["totalPrice"].value = entered

    assert "amount in currency units" in form.errors["totalPrice"]


@pytest.mark.parametrize(
    ("entered", "cents"),
    [("12.34", 1234), ("12.3", 1230), ("12", 1200), ("0.05", 5), (" 7.00 ", 700)],
)
def test_cents_shows_conversion(ac, entered, cents):
    form = ac.orders.create_form()

    form.fields["totalPrice"].value = entered

    hint = row_of(form, "totalPrice").children[2]
    assert hint.value == f"= {cents} cents"
    assert "totalPrice" not in form.errors


def test_objects_must_be_json_list(ac):
    form = ac.orders.create_form()

    form.fields["orderProducts"].value = "[{"
    assert "must be JSON" in form.errors["orderProducts"]

    form.fields["orderProducts"].value = '{"name": "Pen"}'
    assert "list of objects" in form.errors["orderProducts"]

    form.fields["orderProducts"].value = '[{"name": "Pen"}]'
    assert "missing externalid, price, quantity" in form.errors["orderProducts"]


def test_validate_sends_nothing(ac, server):
    form = ac.customers.create_form()
    form.fields["email"].value = "bad@"

    errors = form.validate()

    assert set(errors) == {"connectionid", "externalid", "email"}
    assert server.received.snapshot() == []


def test_update_without_changes_sends_nothing(ac, server):
    form = ac.customers.update_form(1)
    server.received.clear()

    assert form.submit() is None

    assert "Nothing changed" in form.summary.value
    assert server.received.snapshot() == []


def test_update_rejects_blank_required(ac, server):
    form = ac.customers.update_form(1)
    server.received.clear()
    form.fields["email"].value = ""

    assert form.submit() is None

    assert "required" in form.errors["email"]
    assert server.received.snapshot() == []


def test_update_rejects_blank_number(ac, server):
    form = ac.connections.update_form(1)
    server.received.clear()
    form.fields["listId"].value = ""

    assert form.submit() is None

    assert "cannot be blank" in form.errors["listId"]
    assert server.received.snapshot() == []


def test_reset_restores_loaded_values(ac):
    form = ac.customers.update_form(1)
    loaded = form.values
    form.fields["email"].value = "bad"
    form.fields["acceptsMarketing"].value = False

    form.reset()

    assert form.values == loaded
    assert form.errors == {}
    assert form.changes == {}
