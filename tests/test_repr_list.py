"""RecordList tables: total, filters, head and tail rows, bounded size."""

import re

import pytest
from repr_checks import audit, mime_bundle

import ac_notebook as acn
from ac_notebook._properties import CUSTOMERS, ORDERS
from ac_notebook._repr import HEAD_ROWS, MAX_ROWS, TAIL_ROWS


def customer_raw(n):
    return {
        "connectionid": "1",
        "externalid": f"E-{n}",
        "email": f"c{n}@example.com",
        "totalRevenue": str(n * 100 + 99),
        "totalOrders": "1",
        "tstamp": "2024-01-15T10:02:11-06:00",
        "links": {"orders": f"/api/3/ecomCustomers/{n}/orders"},
        "id": str(n),
    }


def make_list(count, total=None, **filters):
    records = [acn.Record(CUSTOMERS, customer_raw(n)) for n in range(1, count + 1)]
    return acn.RecordList(
        CUSTOMERS, records, total=count if total is None else total, filters=filters
    )


def body_rows(markup):
    body = re.search(r"<tbody>(.*)</tbody>", markup)
    assert body is not None
    return re.findall(r"<tr[^>]*>.*?</tr>", body.group(1))


def test_bundle_has_html_and_text(ac):
    rows = ac.customers.list()
    bundle = mime_bundle(rows)
    assert set(bundle) >= {"text/html", "text/plain"}
    assert bundle["text/plain"].startswith("ecomCustomer: 12 records, server total 12")


def test_repr_stays_short(ac):
    assert repr(ac.customers.list(limit=3)) == "<RecordList ecomCustomer 3 of 12>"


def test_short_list_shows_every_row():
    rows = make_list(MAX_ROWS)
    assert len(body_rows(rows._repr_html_())) == MAX_ROWS
    assert "more rows" not in rows._repr_html_()


def test_long_list_shows_head_and_tail():
    rows = make_list(MAX_ROWS + 1)
    markup = rows._repr_html_()
    table_rows = body_rows(markup)

    assert len(table_rows) == HEAD_ROWS + 1 + TAIL_ROWS
    more = MAX_ROWS + 1 - HEAD_ROWS - TAIL_ROWS
    assert f"… {more} more rows" in table_rows[HEAD_ROWS]
    ids = [audit(row).text[0] for row in table_rows]
    assert ids[:HEAD_ROWS] == [str(n) for n in range(1, HEAD_ROWS + 1)]
    assert ids[-TAIL_ROWS:] == [
        str(n) for n in range(MAX_ROWS + 2 - TAIL_ROWS, MAX_ROWS + 2)
    ]


def test_huge_list_renders_bounded_rows():
    record = acn.Record(CUSTOMERS, customer_raw(1))
    rows = acn.RecordList(CUSTOMERS, [record] * 100_000, total=100_000)

    markup = rows._repr_html_()
    text = str(rows)

    assert len(body_rows(markup)) == HEAD_ROWS + 1 + TAIL_ROWS
    assert f"… {100_000 - HEAD_ROWS - TAIL_ROWS:,} more rows" in markup
    assert "100,000 records, server total 100,000" in markup
    assert len(markup) < 60_000
    assert len(text.splitlines()) < HEAD_ROWS + TAIL_ROWS + 10


def test_total_and_filters_shown(ac):
    rows = ac.customers.list(limit=2, connectionid=1)
    markup = rows._repr_html_()
    meta = [
        "".join(audit(m).text)
        for m in re.findall(r'<div class="acnb-meta">.*?</div>', markup)
    ]
    title = re.search(r'<div class="acnb-title">(.*?)</div>', markup).group(1)

    assert title == f"ecomCustomer: 2 records, server total {rows.total}"
    assert "filters: connectionid=1" in meta
    assert f"{rows.total - 2} more match on the server, not fetched" in meta
    assert "filters: connectionid=1" in str(rows)


def test_unknown_total_said_plainly():
    rows = acn.RecordList(CUSTOMERS, make_list(2), total=None)
    assert "the server reported no total" in rows._repr_html_()
    assert "the server reported no total" in str(rows)


def test_empty_list_says_so(empty_server):
    with acn.Session(empty_server.url, empty_server.api_key, rate_limit=None) as ac:
        rows = ac.customers.list()
    markup = rows._repr_html_()
    assert "ecomCustomer: 0 records, server total 0" in markup
    assert "No records." in markup
    assert "<table" not in markup
    assert str(rows).endswith("(no records)")


def test_columns_follow_table_then_extras():
    raws = [dict(customer_raw(1), tier="gold"), customer_raw(2)]
    records = [acn.Record(CUSTOMERS, raw) for raw in raws]
    markup = acn.RecordList(CUSTOMERS, records, total=2)._repr_html_()
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", markup).group(1)
    names = audit(header).text
    assert names == ["id", *[n for n in CUSTOMERS.names if n != "id"], "tier"]
    assert "links" not in names


def test_cells_use_display_formats():
    markup = make_list(1)._repr_html_()
    cells = audit(body_rows(markup)[0]).text
    assert "1.99" in cells
    assert "2024-01-15 10:02:11-06:00" in cells
    assert "—" in cells
    assert "None" not in cells


def test_order_list_types_match_get(ac):
    """List responses send order amounts as JSON numbers, GET as strings."""
    listed = ac.orders.list(limit=1)
    fetched = acn.RecordList(ORDERS, [ac.orders.get(listed[0].id)], total=1)
    assert isinstance(listed[0].raw["totalPrice"], int)
    assert isinstance(fetched[0].raw["totalPrice"], str)
    assert body_rows(listed._repr_html_()) == body_rows(fetched._repr_html_())


def test_text_table_fits_width():
    rows = make_list(30)
    lines = str(rows).splitlines()
    assert all(len(line) <= 130 for line in lines)
    assert any(line.startswith("… 15 more rows") for line in lines)
    assert lines[-1].startswith("(")
    assert "to_frame() has them all" in lines[-1]


def test_text_table_right_aligns_numbers():
    raws = [dict(customer_raw(1), totalRevenue="5"), customer_raw(2)]
    rows = acn.RecordList(CUSTOMERS, [acn.Record(CUSTOMERS, r) for r in raws])
    lines = str(rows).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("id"))
    end = lines[at].index("totalRevenue") + len("totalRevenue")
    first, second = lines[at + 1 : at + 3]
    assert first[:end].endswith("0.05")
    assert second[:end].endswith("2.99")


@pytest.mark.parametrize("count", [0, 1, 5])
def test_slices_keep_total_and_render(count):
    rows = make_list(25, total=40)[:count]
    assert f"{count} record" in str(rows)
    assert "server total 40" in rows._repr_html_()
