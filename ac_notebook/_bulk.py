"""Bulk writes: ``create_many``, ``update_many``, ``upsert_many`` and ``upsert``.

Each input row is validated first; a row that is invalid fails on its own and
sends nothing. Valid rows are written by a small pool of threads under the
shared throttle, so a bulk write reaches the rate limit however slow each
round trip is. Rows that share an identifying key (an id, or a group of
``table.match_keys``) run one after another in input order in the same
thread, so two rows for the same record never race.

The result is a report frame with one row per input row, indexed by the
row's position. Its columns are the ``status``, the record's ``id``, the
``error`` message and then the input's own fields. The status is
``created``, ``updated``, ``unchanged`` or ``failed``, or ``skipped`` when an
earlier failure stopped the run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm.auto import tqdm

from ._bulk_compare import changed_fields
from ._bulk_rows import (
    InputRow,
    KeysOf,
    RowResult,
    group_chains,
    id_key,
    match_keys,
    prepare_create,
    prepare_create_part,
    prepare_update,
    prepare_upsert,
    read_rows,
)
from ._exceptions import (
    ActiveCampaignError,
    DuplicateError,
    UnexpectedResponseError,
    ValidationError,
)
from ._payload import build_payload, collect_values
from ._pool import ordered_map, pool_size, worker_pool
from ._records import Record

if TYPE_CHECKING:
    from ._resources import Resource

__all__ = [
    "REPORT_COLUMNS",
    "STATUSES",
    "create_many",
    "update_many",
    "upsert",
    "upsert_many",
]

logger = logging.getLogger(__name__)

#: Every status a report row can have.
STATUSES = ("created", "updated", "unchanged", "failed", "skipped")

#: The columns every report starts with; the input's fields follow them.
REPORT_COLUMNS = ("status", "id", "error")

#: Sends of one update whose 2xx response could not be read. PUT is
#: idempotent, so sending it again is safe.
UPDATE_ATTEMPTS = 3

#: Maximum chains of rows submitted to the pool ahead of the running ones,
#: per worker.
_WINDOW_PER_WORKER = 4

Operation = Callable[["Resource", InputRow], RowResult]


# -- public entry points -------------------------------------------------------


def create_many(
    resource: Resource,
    rows: Any,
    *,
    stop_on_error: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Create one record per row and return the report frame.

    A create whose outcome is unknown (timeout, reset, 5xx, unreadable 2xx)
    is looked up before it is sent again, as ``Resource.create`` does.
    """
    inputs = read_rows(resource, rows, prepare_create)
    return _run(
        resource, rows, inputs, _create, match_keys, stop_on_error, progress, "create"
    )


def update_many(
    resource: Resource,
    rows: Any,
    *,
    stop_on_error: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Update one record per row, identified by its ``id``, and return the report.

    The id comes from an ``id`` field or column, or from a DataFrame index
    named ``id`` (as ``RecordList.to_frame()`` makes). Only the writable
    fields present in a row are sent; read-only columns are ignored.
    """
    inputs = read_rows(resource, rows, prepare_update)
    return _run(
        resource, rows, inputs, _update, id_key, stop_on_error, progress, "update"
    )


def upsert_many(
    resource: Resource,
    rows: Any,
    *,
    stop_on_error: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Create or update one record per row, matched on ``table.match_keys``.

    See ``upsert`` for how a row is matched and compared.
    """
    _check_matchable(resource)
    inputs = read_rows(resource, rows, prepare_upsert)
    return _run(
        resource, rows, inputs, _upsert, match_keys, stop_on_error, progress, "upsert"
    )


def upsert(
    resource: Resource, data: Any = None, /, **fields: Any
) -> tuple[str, Record]:
    """Create or update one record and return the status and the saved record.

    The record is looked up by each group of ``table.match_keys`` in turn
    (for customers connectionid plus externalid, then connectionid plus
    email), skipping a group with a shared value such as a guest's external
    id. When none matches, it is created. When one matches, the writable
    fields given are compared with the stored values as ``changed_fields``
    does: equal ones are not sent, and when none differs nothing is sent
    (status ``unchanged``).

    Raises:
        ValidationError: The data is invalid, or it matches no record and
            lacks fields that a create requires.
    """
    _check_matchable(resource)
    values = collect_values(data, **fields)
    row = InputRow(0, values.fields)
    row.payload = build_payload(resource.table, values, "update")
    prepare_create_part(resource, row, values)
    status, record = _upsert_record(resource, row)
    logger.info("upsert %s: %s id %s", resource.table.path, status, record.id)
    return status, record


# -- running the rows ----------------------------------------------------------


@dataclass
class _Run:
    """The shared state of one bulk call: results, the stop flag and the bar."""

    operation: Operation
    stop_on_error: bool
    bar: Any
    results: dict[int, RowResult] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run_chain(self, resource: Resource, chain: list[InputRow]) -> None:
        for row in chain:
            self.record(row, self._result(resource, row))

    def _result(self, resource: Resource, row: InputRow) -> RowResult:
        if self.stop.is_set():
            return RowResult("skipped", id=row.id)
        return _safely(self.operation, resource, row)

    def record(self, row: InputRow, result: RowResult) -> None:
        with self.lock:
            self.results[row.position] = result
            self.bar.update(1)
        if result.status == "failed" and self.stop_on_error:
            self.stop.set()


def _run(
    resource: Resource,
    source: Any,
    rows: list[InputRow],
    operation: Operation,
    keys_of: KeysOf,
    stop_on_error: bool,
    progress: bool | None,
    verb: str,
) -> pd.DataFrame:
    description = f"{verb} {resource.table.path}"
    shown = _show_progress(progress, len(rows))
    with tqdm(total=len(rows), desc=description, unit="row", disable=not shown) as bar:
        run = _Run(operation, stop_on_error, bar)
        for row in rows:
            if row.result is not None:
                run.record(row, row.result)
        pending = [row for row in rows if row.result is None]
        _run_chains(resource, run, group_chains(resource, pending, keys_of))
    report = _report(rows, run.results, _input_frame(source, rows))
    _log_summary(description, report)
    return report


def _show_progress(progress: bool | None, count: int) -> bool:
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(
            f"progress must be True, False or None (automatic), got {progress!r}"
        )
    return count > 1 if progress is None else progress


def _run_chains(resource: Resource, run: _Run, chains: list[list[InputRow]]) -> None:
    if not chains:
        return
    workers = min(pool_size(resource._client.throttle.rate), len(chains))

    def run_chain(chain: list[InputRow]) -> None:
        run.run_chain(resource, chain)

    with worker_pool(workers) as executor:
        window = workers * _WINDOW_PER_WORKER
        for _ in ordered_map(executor, run_chain, chains, window):
            pass


def _safely(operation: Operation, resource: Resource, row: InputRow) -> RowResult:
    """Run one row; every error becomes a failed row, never a lost one."""
    try:
        return operation(resource, row)
    except ActiveCampaignError as exc:
        logger.info("row %d failed: %s", row.position, exc)
        return RowResult("failed", id=row.id, error=str(exc))
    except Exception as exc:
        logger.exception("row %d failed unexpectedly", row.position)
        return RowResult("failed", id=row.id, error=f"{type(exc).__name__}: {exc}")


# -- one row -------------------------------------------------------------------


def _create(resource: Resource, row: InputRow) -> RowResult:
    record = resource._create_payload(row.payload)
    return RowResult("created", id=record.id)


def _update(resource: Resource, row: InputRow) -> RowResult:
    if row.id is None:
        raise AssertionError("update rows are prepared with an id")
    record = _put(resource, row.id, row.payload)
    return RowResult("updated", id=record.id)


def _upsert(resource: Resource, row: InputRow) -> RowResult:
    status, record = _upsert_record(resource, row)
    return RowResult(status, id=record.id)


def _upsert_record(resource: Resource, row: InputRow) -> tuple[str, Record]:
    # NOTE: each row is looked up on its own, with one or two list calls, so
    # an upsert costs up to three requests per row even when most rows exist.
    existing = resource.find_existing(row.payload)
    if existing is None:
        if row.create_payload is None:
            raise row.create_error or ValidationError("nothing to create")
        try:
            return "created", resource._create_payload(row.create_payload)
        except DuplicateError as exc:
            # Another client created it between the lookup and the create.
            if exc.existing_id is None:
                raise
            existing = resource.get(exc.existing_id)
    return _update_if_changed(resource, existing, row.payload)


def _update_if_changed(
    resource: Resource, existing: Record, payload: dict[str, Any]
) -> tuple[str, Record]:
    if existing.id is None:
        raise UnexpectedResponseError(f"the matching {resource.table.label} has no id")
    changed = changed_fields(resource, existing, payload)
    if not changed:
        return "unchanged", existing
    return "updated", _put(resource, existing.id, changed)


def _put(resource: Resource, record_id: int, payload: dict[str, Any]) -> Record:
    path = resource._item_path(record_id)
    body = {resource.table.singular: payload}
    for attempt in range(1, UPDATE_ATTEMPTS + 1):
        try:
            response = resource._client.request("PUT", path, json_body=body)
            return resource._record(response.data, "PUT", path)
        except UnexpectedResponseError as exc:
            if attempt == UPDATE_ATTEMPTS or not _unreadable_success(exc):
                raise
            logger.warning(
                "PUT %s returned a body that could not be read (%s); sending "
                "it again, attempt %d of %d",
                path,
                exc.message,
                attempt + 1,
                UPDATE_ATTEMPTS,
            )
    raise AssertionError("unreachable")  # pragma: no cover


def _unreadable_success(exc: UnexpectedResponseError) -> bool:
    return exc.status is None or 200 <= exc.status < 300


def _check_matchable(resource: Resource) -> None:
    if not resource.table.match_keys:
        raise ActiveCampaignError(
            f"{resource.table.path} has no identifying fields to match on, so "
            "it cannot be upserted; use create() and update() instead"
        )


# -- the report ----------------------------------------------------------------


def _input_frame(source: Any, rows: list[InputRow]) -> pd.DataFrame:
    """Return the input as a frame indexed by position.

    A named DataFrame index becomes a column, unless a column has its name.
    """
    if isinstance(source, pd.DataFrame):
        names = [name for name in source.index.names if name is not None]
        keep = names and not any(name in source.columns for name in names)
        frame: pd.DataFrame = source.reset_index(drop=not keep)
    else:
        frame = pd.DataFrame([row.fields for row in rows])
    frame.index = pd.RangeIndex(len(frame), name="row")
    frame.columns = [
        f"input_{name}" if name in REPORT_COLUMNS else str(name)
        for name in frame.columns
    ]
    return frame


def _report(
    rows: list[InputRow], results: dict[int, RowResult], inputs: pd.DataFrame
) -> pd.DataFrame:
    ordered = [results[row.position] for row in rows]
    index = pd.RangeIndex(len(rows), name="row")
    report = pd.DataFrame(
        {
            "status": pd.Categorical(
                [result.status for result in ordered], categories=STATUSES
            ),
            "id": pd.array([result.id for result in ordered], dtype="Int64"),
            "error": pd.array([result.error for result in ordered], dtype="string"),
        },
        index=index,
    )
    combined: pd.DataFrame = pd.concat([report, inputs], axis=1)
    return combined


def _log_summary(description: str, report: pd.DataFrame) -> None:
    counts = report["status"].value_counts()
    summary = ", ".join(
        f"{int(counts[status])} {status}" for status in STATUSES if counts[status]
    )
    logger.info("%s: %s", description, summary or "no rows")
