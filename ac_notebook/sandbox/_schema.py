"""SQLite tables of the sandbox, derived from the shared property tables.

Each API resource gets one table named after its URL path. Its columns are the
resource's properties, except ``id`` (the primary key), relationship keys such
as ``connection`` (derived from ``connectionid`` when a record is rendered)
and nested arrays (stored in their own tables).
"""

from __future__ import annotations

from dataclasses import dataclass

from ac_notebook._properties import (
    CONNECTIONS,
    CUSTOMERS,
    ORDER_PRODUCTS,
    ORDERS,
    PropertyTable,
    PropertyType,
)

__all__ = [
    "CONNECTION_SCHEMA",
    "CUSTOMER_SCHEMA",
    "ORDER_DISCOUNT_SCHEMA",
    "ORDER_PRODUCT_SCHEMA",
    "ORDER_SCHEMA",
    "RELATION_SOURCES",
    "SCHEMAS",
    "Column",
    "TableSchema",
    "order_discount_items",
    "order_product_items",
]

#: Relationship keys in responses and the stored column each one repeats.
RELATION_SOURCES = {
    "connection": "connectionid",
    "customer": "customerid",
    "ecomOrder": "orderid",
}

_INTEGER_TYPES = frozenset({PropertyType.NUMERIC, PropertyType.CENTS})


@dataclass(frozen=True)
class Column:
    """One stored column: its name and SQLite type (``INTEGER`` or ``TEXT``)."""

    name: str
    sql_type: str


@dataclass(frozen=True)
class TableSchema:
    """One SQLite table: its name, columns besides ``id``, and indexes."""

    name: str
    columns: tuple[Column, ...]
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> frozenset[str]:
        return frozenset(column.name for column in self.columns) | {"id"}

    def create_statements(self) -> list[str]:
        """Return the ``CREATE TABLE`` and ``CREATE INDEX`` statements."""
        columns = ", ".join(
            f'"{column.name}" {column.sql_type}' for column in self.columns
        )
        statements = [
            f'CREATE TABLE IF NOT EXISTS "{self.name}" '
            f"(id INTEGER PRIMARY KEY AUTOINCREMENT, {columns})"
        ]
        for index in self.indexes:
            index_name = f"{self.name}_{'_'.join(index)}"
            quoted = ", ".join(f'"{name}"' for name in index)
            statements.append(
                f'CREATE INDEX IF NOT EXISTS "{index_name}" ON "{self.name}" ({quoted})'
            )
        return statements


def order_product_items() -> PropertyTable:
    """Return the property table of the ``orderProducts`` a client sends."""
    return _items_of(ORDERS, "orderProducts")


def order_discount_items() -> PropertyTable:
    """Return the property table of the ``orderDiscounts`` a client sends."""
    return _items_of(ORDERS, "orderDiscounts")


def _items_of(table: PropertyTable, name: str) -> PropertyTable:
    items = table[name].items
    if items is None:
        raise LookupError(f"property {name!r} of {table.label} has no item table")
    return items


def _columns_of(table: PropertyTable) -> tuple[Column, ...]:
    columns = []
    for prop in table:
        if prop.name == "id" or prop.name in RELATION_SOURCES:
            continue
        if prop.type is PropertyType.OBJECTS:
            continue
        sql_type = "INTEGER" if prop.type in _INTEGER_TYPES else "TEXT"
        columns.append(Column(prop.name, sql_type))
    return tuple(columns)


#: Lower-cased copy of ``email`` for case-insensitive lookups and filters.
_EMAIL_LOWER = Column("email_lower", "TEXT")

CONNECTION_SCHEMA = TableSchema(
    name=CONNECTIONS.path,
    columns=_columns_of(CONNECTIONS),
    indexes=(("service", "externalid"),),
)

CUSTOMER_SCHEMA = TableSchema(
    name=CUSTOMERS.path,
    columns=(*_columns_of(CUSTOMERS), _EMAIL_LOWER),
    indexes=(("connectionid", "email_lower"), ("email_lower",), ("externalid",)),
)

ORDER_SCHEMA = TableSchema(
    name=ORDERS.path,
    columns=(*_columns_of(ORDERS), _EMAIL_LOWER),
    indexes=(
        ("customerid",),
        ("connectionid", "externalid"),
        ("connectionid", "externalcheckoutid"),
        ("email_lower",),
    ),
)

ORDER_PRODUCT_SCHEMA = TableSchema(
    name=ORDER_PRODUCTS.path,
    columns=_columns_of(ORDER_PRODUCTS),
    indexes=(("orderid",),),
)

# The API documents no read-side table for discounts, so the stored columns
# are the fields a client sends plus the order id and the two timestamps that
# the create response shows.
ORDER_DISCOUNT_SCHEMA = TableSchema(
    name=order_discount_items().path,
    columns=(
        *_columns_of(order_discount_items()),
        Column("orderid", "INTEGER"),
        Column("createdDate", "TEXT"),
        Column("updatedDate", "TEXT"),
    ),
    indexes=(("orderid",),),
)

#: Every table of the store, by name.
SCHEMAS = {
    schema.name: schema
    for schema in (
        CONNECTION_SCHEMA,
        CUSTOMER_SCHEMA,
        ORDER_SCHEMA,
        ORDER_PRODUCT_SCHEMA,
        ORDER_DISCOUNT_SCHEMA,
    )
}
