"""Records returned by the API: ``Record`` for one, ``RecordList`` for many."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from ._properties import PropertyTable
from ._repr import RichRepr, list_html, list_text, record_html, record_text
from ._repr_values import as_text, clip
from ._types import decode

if TYPE_CHECKING:
    import pandas as pd

    from ._resources import Resource
    from ._sorting import OrderBy

__all__ = ["Record", "RecordList"]


class Record(Mapping[str, Any], RichRepr):
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
        # Decoded JSON objects are not shared with anyone else, so they are kept
        # without a copy; ``raw`` hands out copies.
        owned = raw if type(raw) is dict else dict(raw)
        object.__setattr__(self, "_raw", owned)
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
        identity = clip(as_text(self._raw.get("id")), 40)
        return f"<Record {self._table.label} id={identity}>"

    # A copy shares the record's resource. A pickle holds only the table and
    # the JSON, so no Session, and no API key, is ever written with it.

    def __copy__(self) -> Record:
        return Record(self._table, self._raw, self._resource)

    def __deepcopy__(self, memo: dict[int, Any]) -> Record:
        return Record(self._table, copy.deepcopy(self._raw, memo), self._resource)

    def __getstate__(self) -> dict[str, Any]:
        return {"table": self._table, "raw": self._raw}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        Record.__init__(self, state["table"], state["raw"])

    def to_frame(self) -> pd.DataFrame:
        """Return this record as a one-row DataFrame, typed as a list's frame is."""
        from ._frames import records_frame

        return records_frame(self._table, [self._raw])

    def orders(
        self,
        *,
        limit: int | None = None,
        order_by: OrderBy = None,
        progress: bool | None = None,
    ) -> RecordList:
        """List this customer's orders and abandoned carts.

        Sends ``GET /ecomOrders?filters[customerid]=<id>``. The arguments are
        those of ``Resource.list()``.

        Raises:
            TypeError: The record is not an ecomCustomer.

        >>> customer = ac.customers.get(3)  # doctest: +SKIP
        >>> customer.orders(order_by="-external_created_date")  # doctest: +SKIP
        """
        from ._relations import customer_orders

        return customer_orders(self, limit=limit, order_by=order_by, progress=progress)

    def products(
        self, *, limit: int | None = None, progress: bool | None = None
    ) -> RecordList:
        """List this order's products (``GET /ecomOrders/<id>/orderProducts``).

        Raises:
            TypeError: The record is not an ecomOrder.
        """
        from ._relations import order_products

        return order_products(self, limit=limit, progress=progress)

    def _text_repr(self) -> str:
        return record_text(self)

    def _html_repr(self) -> str:
        return record_html(self)


class RecordList(Sequence[Record], RichRepr):
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

    def to_frame(self) -> pd.DataFrame:
        """Return the records as a DataFrame typed from the property table.

        The index is ``id`` (``Int64``). Ids, counts and cents are ``Int64``,
        flags ``boolean``, times ``datetime64[ns, UTC]``, text ``string``,
        and arrays of objects (order products) ``object`` columns of lists.
        ``links`` is left out, and fields the table does not know are kept
        as extra columns. An empty list gives the same columns and dtypes.

        >>> ac.customers.list(limit=2).to_frame().dtypes["tstamp"]  # doctest: +SKIP
        datetime64[ns, UTC]
        """
        from ._frames import records_frame

        return records_frame(self.table, [record._raw for record in self._records])

    def __repr__(self) -> str:
        total = "?" if self.total is None else self.total
        return f"<RecordList {self.table.label} {len(self)} of {total}>"

    # As for Record: copies share the resource, and pickles leave it out.

    def __copy__(self) -> RecordList:
        return self._with_records(list(self._records))

    def __deepcopy__(self, memo: dict[int, Any]) -> RecordList:
        return self._with_records(copy.deepcopy(self._records, memo))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(vars(self))
        state["resource"] = None
        return state

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        vars(self).update(state)

    def _with_records(self, records: list[Record]) -> RecordList:
        return RecordList(
            self.table,
            records,
            total=self.total,
            filters=copy.deepcopy(self.filters),
            resource=self.resource,
        )

    def _text_repr(self) -> str:
        return list_text(self)

    def _html_repr(self) -> str:
        return list_html(self)
