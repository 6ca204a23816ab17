"""Input rows of a bulk write: reading, validating and grouping them.

A DataFrame's rows and a list's items become ``InputRow`` objects with their
wire payload, or with a failed ``RowResult`` when a row cannot be read or is
invalid, before anything is sent. ``group_chains`` then puts rows that
identify the same record into one chain, so that they run in input order.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._exceptions import ValidationError
from ._payload import Values, build_payload, collect_values
from ._types import is_missing

if TYPE_CHECKING:
    from ._resources import Resource

__all__ = [
    "InputRow",
    "KeysOf",
    "RowResult",
    "group_chains",
    "id_key",
    "match_keys",
    "prepare_create",
    "prepare_create_part",
    "prepare_update",
    "prepare_upsert",
    "read_rows",
]

logger = logging.getLogger(__name__)


@dataclass
class RowResult:
    """The outcome of one input row: its status, record id and error message."""

    status: str
    id: int | None = None
    error: str | None = None


@dataclass
class InputRow:
    """One input row, read and validated before anything is sent.

    ``payload`` is the validated wire payload. ``result`` is set instead when
    the row failed before any request. For an upsert, ``create_payload`` is
    the payload to create with, or ``create_error`` is the reason there is none.
    """

    position: int
    fields: dict[str, Any]
    payload: dict[str, Any] = field(default_factory=dict)
    create_payload: dict[str, Any] | None = None
    create_error: ValidationError | None = None
    id: int | None = None
    result: RowResult | None = None


KeysOf = Callable[["Resource", InputRow], list[tuple[Any, ...]]]


# -- reading the input ---------------------------------------------------------

Prepare = Callable[["Resource", InputRow, Values], None]


def read_rows(resource: Resource, rows: Any, prepare: Prepare) -> list[InputRow]:
    """Read a DataFrame or an iterable of rows and prepare each one.

    Raises:
        TypeError: ``rows`` is a single record (a mapping), a string, or not
            iterable.
    """
    if isinstance(rows, pd.DataFrame):
        values = _frame_values(resource, rows)
    elif isinstance(rows, Mapping | str | bytes) or not isinstance(rows, Iterable):
        raise TypeError(
            f"bulk writes take a DataFrame or a list of rows, got a "
            f"{type(rows).__name__}; for a single record use create(), "
            "update() or upsert()"
        )
    else:
        values = [_row_values(row) for row in rows]
    return [
        _prepared(resource, position, value, prepare)
        for position, value in enumerate(values)
    ]


def _row_values(row: Any) -> Values | Exception:
    try:
        values = collect_values(row)
    except (TypeError, ValueError, AttributeError) as exc:
        return exc
    names = [name for name in values.fields if not isinstance(name, str)]
    if names:
        return TypeError(
            f"field names must be strings, got {names[0]!r} "
            f"({type(names[0]).__name__}); rename or remove that key"
        )
    return values


def _prepared(
    resource: Resource, position: int, values: Values | Exception, prepare: Prepare
) -> InputRow:
    if isinstance(values, Exception):
        return InputRow(position, {}, result=RowResult("failed", error=str(values)))
    row = InputRow(position, dict(values.fields))
    try:
        prepare(resource, row, values)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        # The row fails on its own, so one unreadable value never stops the
        # other rows.
        logger.info("row %d could not be read: %s", position, type(exc).__name__)
        row.result = RowResult("failed", id=row.id, error=unreadable_message(exc))
    return row


def unreadable_message(exc: Exception) -> str:
    """Describe an error that a row's values raised while being read."""
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return (
            f"the row has a number with more than {sys.get_int_max_str_digits()} "
            "digits, which no field accepts; correct or remove that value"
        )
    return (
        f"the row could not be read ({type(exc).__name__}: {exc}); check its "
        "field names and values"
    )


def _frame_values(resource: Resource, frame: pd.DataFrame) -> list[Values | Exception]:
    """Read a DataFrame's rows as fields carried from fetched data.

    Read-only columns, such as the aggregates ``to_frame()`` includes, are
    left out as they are for a single pandas row. The index counts as the
    ``id`` only when it is named ``id``.
    """
    columns = [str(name) for name in frame.columns]
    _warn_unknown_columns(resource, columns)
    ids = frame.index if frame.index.name == "id" and "id" not in columns else None
    result: list[Values | Exception] = []
    for position, cells in enumerate(frame.itertuples(index=False, name=None)):
        fields = {
            name: _python_value(cell) for name, cell in zip(columns, cells, strict=True)
        }
        if ids is not None:
            fields["id"] = _python_value(ids[position])
        result.append(Values(fields, carried=True))
    return result


def _python_value(value: Any) -> Any:
    """Turn a numpy scalar (``numpy.int64``, ``numpy.bool_``) into its Python value."""
    return value.item() if isinstance(value, np.generic) else value


def _warn_unknown_columns(resource: Resource, columns: list[str]) -> None:
    unknown = [
        name for name in columns if name not in resource.table and name != "links"
    ]
    if unknown:
        logger.warning(
            "columns %s are not %s properties and are not sent",
            unknown,
            resource.table.label,
        )


def prepare_create(resource: Resource, row: InputRow, values: Values) -> None:
    try:
        row.payload = build_payload(resource.table, values, "create")
    except ValidationError as exc:
        row.result = RowResult("failed", error=str(exc))


def prepare_update(resource: Resource, row: InputRow, values: Values) -> None:
    fields = dict(values.fields)
    raw_id = fields.pop("id", None)
    try:
        row.id = _record_id(resource, raw_id)
        row.payload = build_payload(
            resource.table, Values(fields, values.carried), "update"
        )
    except ValidationError as exc:
        row.result = RowResult("failed", id=row.id, error=str(exc))


def prepare_upsert(resource: Resource, row: InputRow, values: Values) -> None:
    try:
        row.payload = build_payload(resource.table, values, "update")
    except ValidationError as exc:
        row.result = RowResult("failed", error=str(exc))
        return
    prepare_create_part(resource, row, values)


def prepare_create_part(resource: Resource, row: InputRow, values: Values) -> None:
    """Keep the create payload, or the reason there is none, for a row not found."""
    try:
        row.create_payload = build_payload(resource.table, values, "create")
    except ValidationError as exc:
        row.create_error = exc


def _record_id(resource: Resource, raw_id: Any) -> int:
    if raw_id is None or is_missing(raw_id):
        raise ValidationError(
            f"the row has no id; update_many needs an id field, an id column or "
            f"a DataFrame index named id to know which {resource.table.label} "
            "to change"
        )
    path = resource._item_path(raw_id)
    return int(path.rsplit("/", 1)[1])


# -- keys that put rows for the same record in one chain -----------------------


def match_keys(resource: Resource, row: InputRow) -> list[tuple[Any, ...]]:
    keys = []
    for group in resource.table.match_keys:
        cells = [row.payload.get(name) for name in group]
        if all(cell not in (None, "") for cell in cells):
            keys.append((group, *(_key_text(cell) for cell in cells)))
    return keys


def id_key(resource: Resource, row: InputRow) -> list[tuple[Any, ...]]:
    return [("id", row.id)] if row.id is not None else []


def _key_text(value: Any) -> str:
    return str(value).strip().lower()


def group_chains(
    resource: Resource, rows: list[InputRow], keys_of: KeysOf
) -> list[list[InputRow]]:
    """Group rows that share any key, each group in input order.

    Groups are ordered by their first row. A row with no key is a group of
    its own.
    """
    owner: dict[tuple[Any, ...], int] = {}
    parent = list(range(len(rows)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for index, row in enumerate(rows):
        for key in keys_of(resource, row):
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[InputRow]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(root(index), []).append(row)
    return sorted(groups.values(), key=lambda group: group[0].position)
