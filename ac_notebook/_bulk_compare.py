"""Compare an upsert payload with the stored record, field by field.

An upsert sends only the fields whose values differ from the stored ones.
Values are compared as decoded Python values, so ``"1000"`` equals ``1000``
and two timestamps are equal when they denote the same instant.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ._properties import Property, PropertyTable, PropertyType
from ._types import decode

if TYPE_CHECKING:
    from ._records import Record
    from ._resources import Resource

__all__ = ["SERVER_ZONE", "changed_fields"]

#: The zone of the API server's clock. The API documents its timestamps with
#: offsets such as -06:00 and stores a time sent without an offset as local
#: time there, so naive input is read as America/Chicago time.
SERVER_ZONE = ZoneInfo("America/Chicago")

#: The nested line items that can be read back, by order property.
_READABLE_ITEMS = frozenset({"orderProducts"})


def changed_fields(
    resource: Resource, existing: Record, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the payload fields whose values differ from ``existing``'s."""
    stored = existing.raw
    changed = {}
    for name, value in payload.items():
        prop = resource.table[name]
        if prop.type is PropertyType.OBJECTS:
            same = _same_items(existing, prop, value)
        else:
            same = same_value(prop, stored.get(name), value)
        if not same:
            changed[name] = value
    return changed


def same_value(prop: Property, stored: Any, given: Any) -> bool:
    """Compare a stored wire value with a payload value as decoded values."""
    if stored is None:
        return False
    old = decode(prop, stored)
    new = decode(prop, given)
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        return _as_server_time(old) == _as_server_time(new)
    return bool(old == new)


def _as_server_time(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=SERVER_ZONE)
    return value


def _same_items(existing: Record, prop: Property, items: list[dict[str, Any]]) -> bool:
    """Compare line items with the ones stored on the record, in any order.

    The record lists its line items by id, so products are fetched through
    ``GET /ecomOrders/<id>/orderProducts``.
    """
    stored_ids = existing.raw.get(prop.name) or []
    if not items and not stored_ids:
        return True
    # NOTE: The API has no documented route that lists an order's discounts,
    # so discounts given in an upsert are always sent again.
    if prop.name not in _READABLE_ITEMS or prop.items is None:
        return False
    if len(items) != len(stored_ids):
        return False
    stored = [product.raw for product in existing.products(progress=False)]
    return _item_counts(prop.items, stored) == _item_counts(prop.items, items)


def _item_counts(
    table: PropertyTable, items: list[dict[str, Any]]
) -> Counter[tuple[Any, ...]]:
    return Counter(
        tuple(_item_value(item_prop, item.get(item_prop.name)) for item_prop in table)
        for item in items
    )


def _item_value(prop: Property, value: Any) -> Any:
    if value is None or value == "":
        return None
    decoded = decode(prop, value)
    return repr(decoded)
