"""Records returned by the API: ``Record`` for one, ``RecordList`` for many."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from ._properties import PropertyTable
from ._types import decode

if TYPE_CHECKING:
    from ._resources import Resource

__all__ = ["Record", "RecordList"]


class Record(Mapping[str, Any]):
    """One resource instance as the API returned it.

    Item and attribute access return Python values decoded through the
    property table: ids, counts and cents as ``int``, flags as ``bool``,
    times as timezone-aware ``datetime``. ``raw`` keeps the JSON as received,
    and fields the table does not know are kept unchanged.

    >>> rec = ac.customers.get(15)  # doctest: +SKIP
    >>> rec.email, rec["totalRevenue"], rec.raw["totalRevenue"]  # doctest: +SKIP
    ('john.doe@example.com', 150761, '150761')
    """

    __slots__ = ("_raw", "_resource", "_table")
    _raw: dict[str, Any]
    _resource: Resource | None
    _table: PropertyTable

    def __init__(
        self,
        table: PropertyTable,
        raw: Mapping[str, Any],
        resource: Resource | None = None,
    ) -> None:
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_raw", dict(raw))
        object.__setattr__(self, "_resource", resource)

    @property
    def table(self) -> PropertyTable:
        """The property table of this record's resource."""
        return self._table

    @property
    def raw(self) -> dict[str, Any]:
        """A copy of the JSON object exactly as the API returned it."""
        return dict(self._raw)

    @property
    def id(self) -> int | None:
        value = self["id"] if "id" in self._raw else None
        return value if isinstance(value, int) else None

    def __getitem__(self, name: str) -> Any:
        value = self._raw[name]
        if name in self._table:
            return decode(self._table[name], value)
        return value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._raw:
            return self[name]
        if name in self._table:
            return None
        hint = self._table.suggest(name)
        suffix = f"; did you mean {hint!r}?" if hint else ""
        raise AttributeError(f"{self._table.label} has no property {name!r}{suffix}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            "records are read-only; pass changes to update(), e.g. "
            f"ac.customers.update(rec.id, {{{name!r}: ...}})"
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self._table.label == other._table.label and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """Return every field as a decoded Python value."""
        return {name: self[name] for name in self._raw}

    def __repr__(self) -> str:
        return f"<Record {self._table.label} id={self._raw.get('id')}>"

    def __str__(self) -> str:
        return "\n".join(self._text_lines())

    def _text_lines(self) -> list[str]:
        names = list(self._table.names) + [
            name for name in self._raw if name not in self._table and name != "links"
        ]
        width = max(len(name) for name in names)
        lines = [f"{self._table.label} {self._raw.get('id', '(new)')}"]
        for name in names:
            value = self._raw.get(name)
            shown = "—" if value is None or value == "" else str(value)
            lines.append(f"  {name:<{width}}  {_shorten(shown, 60)}")
        return lines

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self) if cycle else str(self))


class RecordList(Sequence[Record]):
    """Records from a list call, with the server's total and the filters used.

    Attributes:
        total: The count of all matches the server reported (``meta.total``),
            or ``None`` when it reported none. It can exceed ``len()`` when
            ``limit`` capped the fetch.
        filters: The filters the list was made with.
    """

    def __init__(
        self,
        table: PropertyTable,
        records: Sequence[Record] = (),
        *,
        total: int | None = None,
        filters: Mapping[str, Any] | None = None,
        resource: Resource | None = None,
    ) -> None:
        self.table = table
        self._records = list(records)
        self.total = total
        self.filters = dict(filters or {})
        self.resource = resource

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> RecordList: ...

    def __getitem__(self, index: int | slice) -> Record | RecordList:
        if isinstance(index, slice):
            return RecordList(
                self.table,
                self._records[index],
                total=self.total,
                filters=self.filters,
                resource=self.resource,
            )
        return self._records[index]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    @property
    def ids(self) -> list[int | None]:
        return [record.id for record in self._records]

    def raw(self) -> list[dict[str, Any]]:
        """Return the JSON objects as received, one per record."""
        return [record._raw for record in self._records]

    def __repr__(self) -> str:
        total = "?" if self.total is None else self.total
        return f"<RecordList {self.table.label} {len(self)} of {total}>"

    def __str__(self) -> str:
        return "\n".join(_text_table(self))

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self) if cycle else str(self))


_TEXT_ROWS = 10


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _text_table(rows: RecordList) -> list[str]:
    header = [repr(rows)]
    if rows.filters:
        header.append(
            "filters: " + ", ".join(f"{k}={v!r}" for k, v in rows.filters.items())
        )
    columns = [name for name in rows.table.names if name != "links"][:6]
    shown = _rows_to_show(len(rows))
    cells = [[_shorten(_cell(rows[i], name), 28) for name in columns] for i in shown]
    widths = [
        max([len(name), *(len(row[j]) for row in cells)])
        for j, name in enumerate(columns)
    ]
    lines = [*header, _joined(columns, widths)]
    for position, row in zip(shown, cells, strict=True):
        if position == shown[-1] and len(rows) > _TEXT_ROWS and len(shown) > 1:
            lines.append(f"… {len(rows) - len(shown)} more rows")
        lines.append(_joined(row, widths))
    return lines


def _joined(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def _rows_to_show(count: int) -> list[int]:
    if count <= _TEXT_ROWS:
        return list(range(count))
    head = list(range(_TEXT_ROWS - 1))
    return [*head, count - 1]


def _cell(record: Record, name: str) -> str:
    value = record._raw.get(name)
    return "—" if value is None or value == "" else str(value)
