"""Hostile values in every HTML path: escaped, bounded, layout-safe."""

import pytest
from repr_checks import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, audit, mime_bundle

import ac_notebook as acn
from ac_notebook._properties import CUSTOMERS, ORDERS

HOSTILE = {
    "script": "<script>alert('x')</script>",
    "img": '<img src=x onerror="alert(1)">',
    "quotes": "\"'><b onmouseover=alert(1)>quoted</b>",
    "ampersand": "Tom & Jerry &amp; &lt;b&gt; &#60;",
    "style": "</style><script>alert(1)</script>",
    "comment": "<!-- --><svg onload=alert(1)>",
    "non_ascii": "Zoë Ĳssel 例え 🙂 مرحبا",
    "rtl_override": "abc\u202etxt.exe\u202c",
    "controls": "bell\x07escape\x1b[31mred\x00nul",
    "long": "A" * 5_000_000 + "<script>tail</script>",
}

#: Fragments that must never appear unescaped in any HTML output.
FORBIDDEN = ("<script", "<img", "<svg", "<b ", "<b>", "<!--")


def assert_safe(markup):
    found = audit(markup)
    assert set(found.tags) <= ALLOWED_TAGS
    assert {name for name, _ in found.attributes} <= ALLOWED_ATTRIBUTES
    hrefs = [value for name, value in found.attributes if name == "href"]
    assert all(value.startswith(("https://", "http://")) for value in hrefs)
    lowered = markup.lower()
    for fragment in FORBIDDEN:
        assert fragment not in lowered, fragment
    assert "\u202e" not in markup
    assert "\x1b" not in markup
    assert "\x00" not in markup
    assert "javascript:" not in "".join(hrefs)
    assert len(markup) < 200_000
    assert "".join(found.styles).count("{") == "".join(found.styles).count("}")
    return found


def hostile_customer(value, name="avgProductCategory"):
    raw = {
        "connectionid": "1",
        "externalid": "E-1",
        "email": "a@example.com",
        "id": "1",
        "tstamp": "2024-01-15T10:02:11-06:00",
    }
    raw[name] = value
    return acn.Record(CUSTOMERS, raw)


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize(
    "name", ["externalid", "email", "avgProductCategory", "totalRevenue", "tstamp"]
)
def test_card_escapes_property_values(value, name):
    record = hostile_customer(value, name)
    found = assert_safe(record._repr_html_())
    if len(value) < 100:
        assert value.replace("\u202e", "").replace("\u202c", "")[:3] in found.all_text


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_card_escapes_unknown_keys_and_values(value):
    raw = {"id": "1", value: value, "nested": {value: [value]}}
    assert_safe(acn.Record(CUSTOMERS, raw)._repr_html_())


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_card_escapes_id_and_currency(value):
    raw = {"id": value, "currency": value, "totalPrice": "100", "orderUrl": value}
    assert_safe(acn.Record(ORDERS, raw)._repr_html_())


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_nested_items_escaped(value):
    raw = {
        "id": "1",
        "orderProducts": [{"name": value, "price": value, "productUrl": value}] * 12,
    }
    assert_safe(acn.Record(ORDERS, raw)._repr_html_())


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_list_escapes_cells_headers_and_filters(value):
    records = [
        hostile_customer(value),
        acn.Record(CUSTOMERS, {"id": "2", value: value, "email": value}),
    ]
    rows = acn.RecordList(CUSTOMERS, records * 20, total=40, filters={value: value})
    assert_safe(rows._repr_html_())


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_text_fallback_escaped(value):
    """The <pre> copy of the text is inside the HTML, so it is escaped too."""
    record = hostile_customer(value)
    markup = record._repr_html_()
    fallback = markup.split('<pre class="acnb-fallback">', 1)[1].split("</pre>", 1)[0]
    assert "<" not in fallback
    assert_safe(markup)


def test_text_twin_shows_controls_visibly():
    record = hostile_customer(HOSTILE["controls"])
    text = mime_bundle(record)["text/plain"]
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "bell\\x07escape\\x1b[31mred\\x00nul" in text


def test_rtl_override_made_visible_and_isolated():
    markup = hostile_customer(HOSTILE["rtl_override"])._repr_html_()
    assert "abc\\u202etxt.exe\\u202c" in markup
    assert "<bdi>abc\\u202etxt.exe\\u202c</bdi>" in markup


def test_non_ascii_kept_as_is():
    value = HOSTILE["non_ascii"]
    record = hostile_customer(value)
    assert value in record._repr_html_()
    assert value in str(record)


def test_long_value_truncated_with_length():
    record = hostile_customer(HOSTILE["long"])
    markup = record._repr_html_()
    assert "(5,000,021 chars)" in markup
    assert "tail" not in markup
    assert len(markup) < 50_000
    assert len(str(record)) < 5_000


def test_lone_surrogate_does_not_break_encoding():
    record = hostile_customer("bad \ud800 half")
    markup = record._repr_html_()
    assert "bad \\ud800 half" in markup
    markup.encode("utf-8")
    str(record).encode("utf-8")


def test_hostile_values_round_trip_through_sandbox(ac):
    """Values stored by the sandbox come back escaped in every display."""
    created = ac.customers.create(
        email="hostile@example.com",
        connectionid=1,
        externalid=HOSTILE["img"],
    )
    rows = ac.customers.list(externalid=HOSTILE["img"])

    for obj in (created, rows, ac.customers.get(created.id)):
        bundle = mime_bundle(obj)
        found = assert_safe(bundle["text/html"])
        assert HOSTILE["img"] in found.all_text
        assert HOSTILE["img"] in bundle["text/plain"]
