"""Rendering of stored rows as the API's JSON records.

Ids, counts and money are JSON strings, as the API sends them, with one
documented exception: ecomOrders in create, update and list responses carry
the cents amounts, ``totalProducts`` and ``state`` as JSON numbers, while
``GET /ecomOrders/{id}`` sends them as strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ac_notebook._properties import (
    CONNECTIONS,
    CUSTOMERS,
    ORDER_PRODUCTS,
    ORDERS,
    PropertyTable,
    PropertyType,
)

from ._schema import ORDER_DISCOUNT_SCHEMA, RELATION_SOURCES
from ._store import Row

__all__ = ["WireFormat"]

_NUMBER_TYPES = frozenset({PropertyType.NUMERIC, PropertyType.CENTS})

# Related-resource names under "links"; each URL is {path}/{id}/{name}.
_LINK_NAMES = {
    CONNECTIONS.path: ("customers",),
    CUSTOMERS.path: ("connection", "orders"),
    ORDERS.path: (
        "connection",
        "customer",
        "orderProducts",
        "orderDiscounts",
        "orderActivities",
    ),
    ORDER_PRODUCTS.path: ("ecomOrder",),
}

#: Order fields sent as JSON numbers outside ``GET /ecomOrders/{id}``.
ORDER_NUMBER_FIELDS = frozenset(
    {prop.name for prop in ORDERS if prop.type is PropertyType.CENTS}
    | {"totalProducts", "state"}
)


def _key_order(table: PropertyTable, moves: dict[str, str] | None = None) -> list[str]:
    """Return the response keys of ``table`` in the API's order.

    The API sends the attributes first, then ``links``, ``id`` and the
    relationship keys. ``moves`` places a key right after another one where
    the API's order differs from the property table's.
    """
    attributes = [
        prop.name
        for prop in table
        if prop.name != "id" and prop.name not in RELATION_SOURCES
    ]
    for key, after in (moves or {}).items():
        attributes.remove(key)
        attributes.insert(attributes.index(after) + 1, key)

    # NOTE: Only the customer key order matches the API's examples. Keys of
    # connections and orders follow the property tables, which order them
    # differently from the examples, so clients must not rely on key order.
    relations = [prop.name for prop in table if prop.name in RELATION_SOURCES]
    return [*attributes, "links", "id", *relations]


# The API returns acceptsMarketing after tstamp, unlike the property table.
_CUSTOMER_KEYS = _key_order(CUSTOMERS, {"acceptsMarketing": "tstamp"})
_CUSTOMER_CREATED_KEYS = [*CUSTOMERS.required, "links", "id", "connection"]
_CONNECTION_KEYS = _key_order(CONNECTIONS)
_ORDER_KEYS = _key_order(ORDERS)
_ORDER_PRODUCT_KEYS = _key_order(ORDER_PRODUCTS)


class WireFormat:
    """Renderer of stored rows as API records with absolute links.

    Args:
        base_url: Server root such as ``"http://127.0.0.1:8765"``; links point
            below ``{base_url}/api/3``.
    """

    def __init__(self, base_url: str) -> None:
        self.api_url = f"{base_url.rstrip('/')}/api/3"

    def connection(self, row: Row) -> dict[str, Any]:
        """Render a connection."""
        return self._render(CONNECTIONS, _CONNECTION_KEYS, row)

    def customer(self, row: Row) -> dict[str, Any]:
        """Render a customer in the full shape of GET, PUT and list responses."""
        return self._render(CUSTOMERS, _CUSTOMER_KEYS, row)

    def customer_created(self, row: Row) -> dict[str, Any]:
        """Render a customer in the short shape of the create response."""
        return self._render(CUSTOMERS, _CUSTOMER_CREATED_KEYS, row)

    def order(
        self,
        row: Row,
        product_ids: Sequence[int],
        discount_ids: Sequence[int],
        *,
        numbers: bool,
    ) -> dict[str, Any]:
        """Render an order with the ids of its products and discounts.

        Args:
            numbers: Send ``ORDER_NUMBER_FIELDS`` as JSON numbers, as create,
                update and list responses do; False sends strings, as GET does.
        """
        record = self._render(ORDERS, _ORDER_KEYS, row)
        record["orderProducts"] = [str(item) for item in product_ids]
        record["orderDiscounts"] = [str(item) for item in discount_ids]
        if numbers:
            for name in ORDER_NUMBER_FIELDS:
                if record[name] is not None:
                    record[name] = int(record[name])
        return record

    def order_product(self, row: Row) -> dict[str, Any]:
        """Render an order product."""
        return self._render(ORDER_PRODUCTS, _ORDER_PRODUCT_KEYS, row)

    def order_discount(self, row: Row) -> dict[str, Any]:
        """Render an order discount; every value is a string or null."""
        record = {
            column.name: _text_or_none(row[column.name])
            for column in ORDER_DISCOUNT_SCHEMA.columns
        }
        record["id"] = str(row["id"])
        return record

    def _render(
        self, table: PropertyTable, keys: Sequence[str], row: Row
    ) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for key in keys:
            if key == "links":
                record[key] = self._links(table.path, row["id"])
            elif key == "id":
                record[key] = str(row["id"])
            elif key in RELATION_SOURCES:
                record[key] = _relation(row[RELATION_SOURCES[key]])
            elif table[key].type is PropertyType.OBJECTS:
                record[key] = []
            elif table[key].type in _NUMBER_TYPES:
                record[key] = _text_or_none(row[key])
            else:
                record[key] = row[key]
        return record

    def _links(self, path: str, row_id: int) -> dict[str, str]:
        base = f"{self.api_url}/{path}/{row_id}"
        return {name: f"{base}/{name}" for name in _LINK_NAMES[path]}


def _relation(value: Any) -> str | None:
    # connectionid "0" means "no connection", which the API renders as null.
    if value is None or value == 0:
        return None
    return str(value)


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
