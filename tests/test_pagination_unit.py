"""fetch_pages on hand-made pages: stops, de-duplication and filter checks."""

from ac_notebook._pagination import fetch_pages, matches_filters, parse_total


def pages_from(*pages, total=None):
    calls = []

    def fetch(offset, count):
        calls.append((offset, count))
        index = len(calls) - 1
        return (pages[index] if index < len(pages) else []), total

    return fetch, calls


def test_stops_on_short_page():
    fetch, calls = pages_from([{"id": "1"}, {"id": "2"}], [{"id": "3"}])
    got = [
        item["id"]
        for page in fetch_pages(fetch, filters={}, page_size=2)
        for item in page.items
    ]
    assert got == ["1", "2", "3"]
    assert calls == [(0, 2), (2, 2)]


def test_stops_on_empty_page():
    fetch, calls = pages_from([{"id": "1"}, {"id": "2"}], [])
    got = [
        i for page in fetch_pages(fetch, filters={}, page_size=2) for i in page.items
    ]
    assert len(got) == 2
    assert len(calls) == 2


def test_stops_at_total():
    fetch, calls = pages_from([{"id": "1"}, {"id": "2"}], total=2)
    list(fetch_pages(fetch, filters={}, page_size=2))
    assert calls == [(0, 2)]


def test_duplicates_across_pages_dropped():
    fetch, _ = pages_from([{"id": "1"}, {"id": "2"}], [{"id": "2"}, {"id": "3"}], [])
    got = [
        i["id"]
        for page in fetch_pages(fetch, filters={}, page_size=2)
        for i in page.items
    ]
    assert got == ["1", "2", "3"]


def test_mismatched_records_excluded_and_kept_aside():
    fetch, _ = pages_from(
        [{"id": "1", "email": "A@x.io"}, {"id": "2", "email": "b@x.io"}]
    )
    pages = list(fetch_pages(fetch, filters={"email": "a@x.io"}, page_size=5))
    assert [i["id"] for i in pages[0].items] == ["1"]
    assert [i["id"] for i in pages[0].excluded] == ["2"]


def test_parse_total_variants():
    assert parse_total({"total": "3"}) == 3
    assert parse_total({"total": 3}) == 3
    assert parse_total({"total": None}) is None
    assert parse_total({}) is None
    assert parse_total(None) is None
    assert parse_total({"total": "many"}) is None


def test_matches_filters_exact_for_ids():
    assert matches_filters({"connectionid": "1"}, {"connectionid": "1"})
    assert not matches_filters({"connectionid": "10"}, {"connectionid": "1"})
