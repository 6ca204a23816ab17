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
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ._exceptions import (
    NetworkError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from ._pool import in_worker, ordered_map, worker_pool

__all__ = [
    "MAX_PAGE_SIZE",
    "RESUMABLE_ERRORS",
    "Page",
    "fetch_pages",
    "matches_filters",
    "parse_total",
]

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


RawPage = tuple[list[dict[str, Any]], int | None]
FetchPage = Callable[[int, int], RawPage]

#: Errors after which a page is fetched again from the same offset: the
#: server or the connection failed, or the body was cut short or malformed.
RESUMABLE_ERRORS = (
    NetworkError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)


def parse_total(meta: Any) -> int | None:
    """Read ``meta.total`` whether it is a string, a number, null or absent.

    Anything but a whole number of at least 0, in digits 0-9, gives ``None``.
    """
    if not isinstance(meta, Mapping):
        return None
    total = meta.get("total")
    if isinstance(total, bool):
        return None
    if isinstance(total, int):
        return total if total >= 0 else None
    if isinstance(total, str) and total.strip().isascii() and total.strip().isdigit():
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
    workers: int = 1,
    attempts: int = 1,
    backoff: Callable[[int], float] | None = None,
) -> Iterator[Page]:
    """Yield pages in offset order until the server runs out or ``limit`` is met.

    With ``workers`` above 1, the first page is fetched alone to learn the
    total, and the pages up to it are then fetched by a pool of that many
    threads while they are still yielded in offset order. The pages and
    records are those of a sequential walk. Only when a page comes back
    short of the total (records deleted meanwhile) may calls already sent
    for later offsets be dropped. The walk is sequential with one worker,
    an unknown total, or a caller that already runs in a pool worker, and
    then it fetches each page only when the previous one has been consumed.

    Args:
        fetch: ``fetch(offset, count)`` returns the raw records of one page
            and the reported total.
        filters: Wire filter values each record must match.
        limit: Maximum number of records to yield; ``None`` for all.
        page_size: Records to ask for per call, at most ``MAX_PAGE_SIZE``.
        start: Offset of the first page.
        workers: Threads fetching pages at once.
        attempts: Tries per page. A page that fails with a transient error
            (5xx, network, 429 or malformed body) after the client's own
            retries is fetched again from the same offset, so the walk
            resumes there with no gap and no repeat.
        backoff: ``backoff(attempt)`` returns the seconds to wait before
            page attempt ``attempt + 1``; no wait when ``None``.

    Raises:
        ActiveCampaignError: A page failed on every attempt. The pages
            before it have been yielded.
    """
    walk = _Walk(
        fetch=_resumable(fetch, attempts, backoff),
        filters=filters,
        limit=limit,
        page_size=max(1, min(page_size, MAX_PAGE_SIZE)),
        offset=start,
    )
    concurrent = workers > 1 and not in_worker()
    if not concurrent:
        yield from walk.sequential()
        return
    with worker_pool(workers) as executor:
        yield from walk.concurrent(executor, window=2 * workers)


PageRequest = tuple[int, int]


@dataclass
class _Walk:
    """The state of one walk over the pages: next offset, records yielded, ids seen."""

    fetch: FetchPage
    filters: Mapping[str, str]
    limit: int | None
    page_size: int
    offset: int
    yielded: int = 0
    total: int | None = None
    done: bool = False
    seen: set[Any] = field(default_factory=set)

    def sequential(self) -> Iterator[Page]:
        while not self.done and not self._limit_met():
            request = (self.offset, self._want(self.offset, None))
            yield self._accept(request, self.fetch(*request))

    def concurrent(self, executor: ThreadPoolExecutor, window: int) -> Iterator[Page]:
        while not self.done and not self._limit_met():
            results = ordered_map(executor, self._fetch_request, self._plan(), window)
            try:
                for request, result in results:
                    yield self._accept(request, result)
                    if self.done or self._limit_met():
                        break
            finally:
                results.close()

    def _fetch_request(self, request: PageRequest) -> tuple[PageRequest, RawPage]:
        return request, self.fetch(*request)

    def _plan(self) -> Iterator[PageRequest]:
        """Plan the next calls: one until the total is known, then up to it.

        The plan is generated lazily, so ``ordered_map`` only creates the
        requests inside its window. A ``meta.total`` far above the real
        count costs no memory, and the walk still stops at the first short
        page.
        """
        if self.total is None or self.total <= self.offset:
            yield (self.offset, self._want(self.offset, None))
            return
        end = self.total
        if self.limit is not None:
            end = min(end, self.offset + self.limit - self.yielded)
        for offset in range(self.offset, max(end, self.offset + 1), self.page_size):
            yield (offset, self._want(offset, end))

    def _want(self, offset: int, end: int | None) -> int:
        if self.limit is None:
            return self.page_size
        if end is None:
            end = offset + self.limit - self.yielded
        return max(1, min(self.page_size, end - offset))

    def _accept(self, request: PageRequest, result: RawPage) -> Page:
        offset, want = request
        items, total = result
        page = _screen(offset, items, total, self.filters, self.seen)
        if self.limit is not None:
            page.items = page.items[: self.limit - self.yielded]
        self.yielded += len(page.items)
        if self.total is not None and total is not None and total != self.total:
            logger.warning(
                "meta.total changed from %d to %d at offset %d, so records were "
                "added or deleted during the walk; records may have shifted "
                "between pages and been skipped. List again for a consistent result",
                self.total,
                total,
                offset,
            )
        self.total = total
        self.offset = offset + len(items)
        self.done = _last_page(items, want, self.offset, total)
        return page

    def _limit_met(self) -> bool:
        return self.limit is not None and self.yielded >= self.limit


def _resumable(
    fetch: FetchPage, attempts: int, backoff: Callable[[int], float] | None
) -> FetchPage:
    """Wrap ``fetch`` so that a transient failure fetches the same page again."""
    if attempts <= 1:
        return fetch

    def fetch_again_on_failure(offset: int, count: int) -> RawPage:
        for attempt in range(1, attempts + 1):
            try:
                return fetch(offset, count)
            except RESUMABLE_ERRORS as exc:
                if attempt == attempts:
                    raise
                wait = backoff(attempt) if backoff is not None else 0.0
                logger.warning(
                    "page at offset %d failed (%s: %s); fetching it again in "
                    "%.2f s, attempt %d of %d",
                    offset,
                    type(exc).__name__,
                    exc.message,
                    wait,
                    attempt + 1,
                    attempts,
                )
                time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    return fetch_again_on_failure


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
