"""Record cards: values by type, read-only marks, text twin, short repr."""

import json
import re
from pathlib import Path

import pytest
from repr_checks import audit, mime_bundle

import ac_notebook as acn
from ac_notebook._properties import CUSTOMERS, ORDERS
from ac_notebook._repr_values import format_money

DATA = Path(__file__).parent / "data"


def load(name, key):
    return json.loads((DATA / name).read_text())[key]


@pytest.fixture
def customer():
    """The documented GET /ecomCustomers/15 response as a Record."""
    return acn.Record(CUSTOMERS, load("customer_get_200.json", "ecomCustomer"))


def card_rows(markup):
    """Map each property name of a card to the text of its value cell."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>(?=<tr>|</tbody>)", markup):
        name = re.search(r"<th[^>]*><bdi>(.*?)</bdi></th>", row)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        if name and cells:
            rows[name.group(1)] = ["".join(audit(cell).text).strip() for cell in cells]
    return rows


def test_bundle_has_html_and_text(customer):
    bundle = mime_bundle(customer)
    assert set(bundle) >= {"text/html", "text/plain"}
    assert bundle["text/plain"].startswith("ecomCustomer 15")
    assert "acnb" in bundle["text/html"]


def test_repr_stays_short(customer):
    assert repr(customer) == "<Record ecomCustomer id=15>"


def test_card_shows_money_as_amount(customer):
    rows = card_rows(customer._repr_html_())
    assert rows["totalRevenue"][0] == "1,507.61"
    assert rows["avgRevenuePerOrder"][0] == "1,507.61"
    assert 'title="150761 cents"' in customer._repr_html_()


def test_card_keeps_timestamp_offset(customer):
    markup = customer._repr_html_()
    assert card_rows(markup)["tstamp"][0] == "2019-01-01 10:23:22-06:00"
    assert 'title="2019-01-01 16:23:22 UTC"' in markup


def test_card_shows_types_and_read_only(customer):
    rows = card_rows(customer._repr_html_())
    assert rows["totalRevenue"][1:] == ["string (cents)", "read-only"]
    assert rows["email"][1:] == ["string (email)", ""]
    assert rows["acceptsMarketing"][:2] == ["no", 'string ("0"/"1")']
    read_only = [name for name, cells in rows.items() if cells[-1] == "read-only"]
    assert read_only == list(CUSTOMERS.read_only)


def test_card_lists_every_property_in_table_order(customer):
    assert list(card_rows(customer._repr_html_())) == list(CUSTOMERS.names)


def test_empty_values_show_a_mark_not_none():
    raw = load("customer_get_200.json", "ecomCustomer")
    raw.update(avgProductCategory=None, connection="", totalOrders=None)
    del raw["acceptsMarketing"]
    record = acn.Record(CUSTOMERS, raw)

    markup = record._repr_html_()
    rows = card_rows(markup)
    text = str(record)

    for name in ("avgProductCategory", "connection", "totalOrders", "acceptsMarketing"):
        assert rows[name][0] == "—", name
    assert "None" not in audit(markup).all_text
    assert "None" not in text
    assert 'title="not in the response"' in markup
    assert 'title="null"' in markup
    assert 'title="empty string"' in markup


def test_invalid_values_shown_as_received():
    raw = load("customer_get_200.json", "ecomCustomer")
    raw.update(totalRevenue="12.5", tstamp="yesterday", acceptsMarketing="maybe")
    rows = card_rows(acn.Record(CUSTOMERS, raw)._repr_html_())
    assert rows["totalRevenue"][0] == "12.5"
    assert rows["tstamp"][0] == "yesterday"
    assert rows["acceptsMarketing"][0] == "maybe"
    markup = acn.Record(CUSTOMERS, raw)._repr_html_()
    assert markup.count('class="acnb-invalid"') == 3


def test_unknown_fields_listed_after_table(customer):
    raw = dict(customer.raw, loyaltyTier="gold", scores=[1, 2])
    record = acn.Record(CUSTOMERS, raw)
    rows = card_rows(record._repr_html_())
    assert list(rows)[-2:] == ["loyaltyTier", "scores"]
    assert rows["loyaltyTier"][:2] == ["gold", "(not in table)"]
    assert rows["scores"][0] == "[1, 2]"
    assert "links" not in rows
    assert "loyaltyTier" in str(record)


def test_order_money_carries_currency(ac):
    order = ac.orders.get(1)
    rows = card_rows(order._repr_html_())
    assert rows["totalPrice"][0] == "USD 36.99"
    assert rows["currency"][0] == "USD"
    assert "USD 36.99" in str(order)


def test_order_products_nested_table():
    raw = load("order_get_200.json", "ecomOrder")
    raw["orderProducts"] = [
        {"name": "Moby-Dick", "price": "1299", "quantity": "1"},
        {"name": "Bookmark", "price": 250, "quantity": 2},
    ]
    markup = acn.Record(ORDERS, raw)._repr_html_()
    nested = re.search(r'<table class="acnb-t acnb-nested">(.*?)</table>', markup)
    assert nested is not None
    cells = audit(nested.group(1)).text
    assert cells[:3] == ["name", "price", "quantity"]
    assert "USD 12.99" in cells
    assert "USD 2.50" in cells
    assert "2 items" in markup


def test_order_product_ids_listed(ac):
    order = ac.orders.get(1)
    rows = card_rows(order._repr_html_())
    assert rows["orderProducts"][0] == "2 items: 1, 2"


def test_url_linked_only_for_http():
    raw = load("order_get_200.json", "ecomOrder")
    markup = acn.Record(ORDERS, raw)._repr_html_()
    assert '<a href="https://examplestore.com/orders/123456789"' in markup
    assert 'rel="noopener noreferrer"' in markup

    raw["orderUrl"] = "javascript:alert(1)"
    markup = acn.Record(ORDERS, raw)._repr_html_()
    assert "<a " not in markup
    assert "javascript:alert(1)" in markup


def test_text_twin_reads_in_print(customer, capsys):
    print(customer)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "ecomCustomer 15"
    revenue = next(line for line in lines if "totalRevenue" in line)
    assert revenue.split() == [
        "totalRevenue",
        "1,507.61",
        "string",
        "(cents)",
        "read-only",
    ]
    assert "<" not in out


@pytest.mark.parametrize(
    ("cents", "currency", "expected"),
    [
        (150761, None, "1,507.61"),
        (0, None, "0.00"),
        (5, None, "0.05"),
        (-123456789, None, "-1,234,567.89"),
        (100, "EUR", "EUR 1.00"),
        (10**20, None, "1,000,000,000,000,000,000.00"),
    ],
)
def test_format_money(cents, currency, expected):
    assert format_money(cents, currency) == expected


def test_record_from_create_marks_missing_fields(ac):
    created = ac.customers.create(
        email="new@example.com", connectionid=1, externalid="NEW-1"
    )
    markup = created._repr_html_()
    assert 'title="not in the response"' in markup
    assert "new@example.com" in markup


# -- values no display can fail on ----------------------------------------------

EXTREME_TIMES = [
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:00:00-06:00",
    "9999-12-31T23:59:59-23:59",
    "2019-13-01T00:00:00Z",
    "10000-01-01",
]

ODD_VALUES = [
    "1" * 5000,
    10**5000,
    [10**5000],
    {"nested": [1, None]},
    float("nan"),
    float("inf"),
    -1,
    True,
]


def all_displays(record):
    rows = acn.RecordList(record.table, [record])
    return [
        record._repr_html_(),
        str(record),
        repr(record),
        rows._repr_html_(),
        str(rows),
    ]


@pytest.mark.parametrize("stamp", EXTREME_TIMES)
def test_extreme_time_shown_invalid(stamp):
    record = acn.Record(CUSTOMERS, {"id": "1", "tstamp": stamp})
    html, text, *_ = all_displays(record)
    assert stamp in text
    assert card_rows(html)["tstamp"][0] == stamp
    assert 'class="acnb-invalid"' in html


def test_far_future_order_date_displays():
    record = acn.Record(
        ORDERS, {"id": "7", "externalCreatedDate": "9999-12-31T23:00:00-06:00"}
    )
    assert "9999-12-31T23:00:00-06:00" in str(record)
    assert "9999-12-31T23:00:00-06:00" in record._repr_html_()


@pytest.mark.parametrize("value", ODD_VALUES, ids=lambda value: type(value).__name__)
@pytest.mark.parametrize("name", [prop.name for prop in ORDERS] + ["extra"])
def test_odd_value_never_breaks_display(name, value):
    record = acn.Record(ORDERS, {"id": "1", "currency": "USD", name: value})
    for shown in all_displays(record):
        assert isinstance(shown, str)
        assert shown


def test_hostile_corpus_never_breaks_display():
    from hostile_corpus import HOSTILE

    for table in (CUSTOMERS, ORDERS):
        for value in [*HOSTILE.values(), *EXTREME_TIMES]:
            for prop in table:
                record = acn.Record(table, {"id": value, prop.name: value})
                for shown in all_displays(record):
                    assert isinstance(shown, str)


def test_huge_int_id_shown_as_placeholder():
    record = acn.Record(CUSTOMERS, {"id": 10**5000})
    assert "int that cannot be shown as text" in repr(record)
    assert "int that cannot be shown as text" in str(record)
