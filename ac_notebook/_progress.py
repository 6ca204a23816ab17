"""Progress bars for list calls that fetch several pages.

The bar comes from ``tqdm.auto``: an ipywidgets bar in a Jupyter kernel and
a text bar on stderr elsewhere. It counts records against the total the
first page reports, capped by the caller's ``limit``. In a notebook the bar
turns red when the call fails part way.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from ._pagination import MAX_PAGE_SIZE, Page

__all__ = ["PageProgress"]

logger = logging.getLogger(__name__)


class PageProgress:
    """A progress bar over the records of one list call, opened when useful.

    Use it as a context manager and call ``update`` with each page.

    Args:
        description: Text before the bar, such as ``"ecomCustomers"``.
        mode: ``True`` always shows a bar, ``False`` never does, and ``None``
            shows one when the first page reports more records than fit on
            one page (or reports no total but comes back full).
        limit: The caller's limit on the records fetched, if any.
        page_size: Records requested per page.

    Raises:
        TypeError: ``mode`` is not ``True``, ``False`` or ``None``.
    """

    def __init__(
        self,
        description: str,
        mode: bool | None,
        *,
        limit: int | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        if mode is not None and not isinstance(mode, bool):
            raise TypeError(
                f"progress must be True, False or None (automatic), got {mode!r}"
            )
        self.description = description
        self.mode = mode
        self.limit = limit
        self.page_size = page_size
        self.pages = 0
        self._bar: Any = None

    @property
    def shown(self) -> bool:
        """True once a bar has been opened."""
        return self._bar is not None

    def update(self, page: Page) -> None:
        """Count the records of ``page``, opening the bar on the first page."""
        self.pages += 1
        if self.pages == 1 and self._bar_needed(page):
            self._open(self._expected(page.total))
        if self._bar is not None:
            self._bar.update(len(page.items))

    def _expected(self, total: int | None) -> int | None:
        if total is None:
            return self.limit
        if self.limit is None:
            return total
        return min(total, self.limit)

    def _bar_needed(self, page: Page) -> bool:
        if self.mode is not None:
            return self.mode
        expected = self._expected(page.total)
        if page.total is None or expected is None:
            received = len(page.items) + len(page.excluded)
            return received >= self.page_size
        return expected > self.page_size

    def _open(self, total: int | None) -> None:
        # tqdm.auto picks the notebook bar only inside a Jupyter kernel and
        # silences tqdm's warning that the notebook bar is experimental.
        from tqdm.auto import tqdm

        self._bar = tqdm(
            total=total,
            desc=self.description,
            unit=" records",
            dynamic_ncols=True,
        )

    def __enter__(self) -> PageProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        bar = self._bar
        if bar is None:
            return
        self._bar = None
        if exc_type is None and bar.total is not None and bar.n != bar.total:
            # Duplicates and records that fail the filter check are dropped,
            # so a finished list can end below the reported total. Setting
            # the total to the count keeps the notebook bar from turning red.
            bar.total = bar.n
            bar.refresh()
        bar.close()
