"""Offset pagination over list endpoints.

The API returns at most 100 records a call (``limit``), addressed by a
zero-based ``offset``, with the count of all matches in ``meta.total`` (a
string, sometimes absent). ``fetch_pages`` walks the offsets, stops on a
short or empty page, drops records already seen, and keeps only records
that match the filters, because the server's filters can be looser than
they look.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._exceptions import UnexpectedResponseError

__all__ = ["MAX_PAGE_SIZE", "Page", "fetch_pages", "matches_filters", "parse_total"]

logger = logging.getLogger(__name__)

#: The API's largest ``limit``.
MAX_PAGE_SIZE = 100


@dataclass
class Page:
    """One list response: its records (raw JSON objects) and ``meta.total``."""

    offset: int
    items: list[dict[str, Any]]
    total: int | None
    excluded: list[dict[str, Any]] = field(default_factory=list)


FetchPage = Callable[[int, int], tuple[list[dict[str, Any]], int | None]]


def parse_total(meta: Any) -> int | None:
    """Read ``meta.total`` whether it is a string, a number, null or absent."""
    if not isinstance(meta, Mapping):
        return None
    total = meta.get("total")
    if isinstance(total, bool):
        return None
    if isinstance(total, int):
        return total
    if isinstance(total, str) and total.strip().isdigit():
        return int(total.strip())
    return None


def matches_filters(item: Mapping[str, Any], filters: Mapping[str, str]) -> bool:
    """Tell whether a raw record matches every filter (email case-insensitively)."""
    for name, wanted in filters.items():
        if name not in item:
            continue
        actual = item.get(name)
        if actual is None:
            return False
        if name == "email":
            if str(actual).strip().lower() != wanted.strip().lower():
                return False
        elif str(actual) != wanted:
            return False
    return True


def fetch_pages(
    fetch: FetchPage,
    *,
    filters: Mapping[str, str],
    limit: int | None = None,
    page_size: int = MAX_PAGE_SIZE,
    start: int = 0,
) -> Iterator[Page]:
    """Yield pages until the server runs out or ``limit`` records are yielded.

    Args:
        fetch: ``fetch(offset, count)`` returns the raw records of one page
            and the reported total.
        filters: Wire filter values each record must match.
        limit: Most records to yield; ``None`` for all.
        page_size: Records to ask for per call, at most ``MAX_PAGE_SIZE``.
        start: Offset of the first page.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    seen: set[Any] = set()
    offset, yielded = start, 0
    while limit is None or yielded < limit:
        want = page_size if limit is None else min(page_size, limit - yielded)
        items, total = fetch(offset, want)
        page = _screen(offset, items, total, filters, seen)
        if limit is not None:
            page.items = page.items[: limit - yielded]
        yielded += len(page.items)
        yield page
        offset += len(items)
        if _last_page(items, want, offset, total):
            return


def _screen(
    offset: int,
    items: list[dict[str, Any]],
    total: int | None,
    filters: Mapping[str, str],
    seen: set[Any],
) -> Page:
    page = Page(offset, [], total)
    for item in items:
        if not isinstance(item, dict):
            raise UnexpectedResponseError(
                f"a list response contained {type(item).__name__} where a record "
                "object was expected"
            )
        key = item.get("id")
        if key is not None and key in seen:
            continue
        seen.add(key)
        target = page.items if matches_filters(item, filters) else page.excluded
        target.append(item)
    if page.excluded:
        logger.warning(
            "left out %d record(s) at offset %d that do not match the filters %s",
            len(page.excluded),
            offset,
            dict(filters),
        )
    return page


def _last_page(items: list[Any], want: int, offset: int, total: int | None) -> bool:
    if len(items) < want or not items:
        return True
    return total is not None and offset >= total
