"""Thread-safe SQLite store behind the sandbox.

One connection serves every thread. A re-entrant lock serialises access, and
``transaction()`` holds the lock from ``BEGIN IMMEDIATE`` to ``COMMIT``, so a
validation read and the write that follows it see the same data and no write
is lost between concurrent requests. File stores use write-ahead logging.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ._schema import (
    CUSTOMER_SCHEMA,
    ORDER_PRODUCT_SCHEMA,
    ORDER_SCHEMA,
    SCHEMAS,
    TableSchema,
)

__all__ = ["ORDER_STATE_ABANDONED", "Condition", "Row", "Store"]

logger = logging.getLogger(__name__)

Row = dict[str, Any]

# NOTE: The API documents no rule for carts in customer aggregates, so
# leaving them out (as not yet bought) is the sandbox's choice.
#: Order state of an abandoned cart; such orders are left out of aggregates.
ORDER_STATE_ABANDONED = 2

# Aggregates over a customer's orders, abandoned carts excluded. Integer
# division gives the average in whole cents. The most frequent category wins,
# and ties go to the alphabetically first one.
_CUSTOMER_ID = f'"{CUSTOMER_SCHEMA.name}".id'
_ORDERS_OF = (
    f'FROM "{ORDER_SCHEMA.name}" o WHERE o.customerid = {_CUSTOMER_ID} '
    f"AND o.state != {ORDER_STATE_ABANDONED}"
)
_PRODUCTS_OF = (
    f'FROM "{ORDER_PRODUCT_SCHEMA.name}" p JOIN "{ORDER_SCHEMA.name}" o '
    f"ON o.id = p.orderid WHERE o.customerid = {_CUSTOMER_ID} "
    f"AND o.state != {ORDER_STATE_ABANDONED}"
)
_AGGREGATE_SQL = f"""
UPDATE "{CUSTOMER_SCHEMA.name}" SET
  "totalRevenue" = COALESCE((SELECT SUM(o."totalPrice") {_ORDERS_OF}), 0),
  "totalOrders" = (SELECT COUNT(*) {_ORDERS_OF}),
  "totalProducts" = COALESCE((SELECT SUM(p.quantity) {_PRODUCTS_OF}), 0),
  "avgRevenuePerOrder" =
    COALESCE((SELECT SUM(o."totalPrice") / COUNT(*) {_ORDERS_OF}), 0),
  "avgProductCategory" = COALESCE((
    SELECT p.category {_PRODUCTS_OF} AND COALESCE(p.category, '') != ''
    GROUP BY p.category ORDER BY COUNT(*) DESC, p.category LIMIT 1), ''),
  "tstamp" = COALESCE(?, "tstamp")
"""

_ID_CHUNK = 500


@dataclass(frozen=True)
class Condition:
    """One ``WHERE`` term: ``column = value``, or a text prefix match.

    Attributes:
        column: Stored column name; it must belong to the queried table.
        value: Value compared with the column.
        prefix: Match rows whose text starts with ``value`` instead of equal.
    """

    column: str
    value: Any
    prefix: bool = False


class Store:
    """SQLite store holding connections, customers, orders and their parts.

    Args:
        path: Database file, created when missing and reused when it exists.
            ``None`` keeps the data in memory for the life of the store.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = None if path is None else os.fspath(path)
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(
            self.path or ":memory:",
            check_same_thread=False,
            isolation_level=None,
            timeout=30.0,
        )
        self._conn.row_factory = sqlite3.Row
        self._create_tables()

    def close(self) -> None:
        """Close the database connection; later calls raise ``sqlite3.Error``."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction while holding the store's lock.

        Nested calls in the same thread join the outer transaction. An
        exception rolls the whole transaction back and propagates.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return

            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def insert(self, table: str, values: Row) -> int:
        """Insert one row and return its new id."""
        schema = self._schema(table)
        columns = self._checked_columns(schema, values)
        sql = _insert_sql(schema, columns)
        with self._lock:
            cursor = self._conn.execute(sql, [values[name] for name in columns])
        if cursor.lastrowid is None:
            raise sqlite3.DatabaseError(f"insert into {table} returned no row id")
        return cursor.lastrowid

    def insert_many(self, table: str, rows: Iterable[Row]) -> None:
        """Insert rows that all have the same keys, in one statement."""
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return

        schema = self._schema(table)
        columns = self._checked_columns(schema, first)
        sql = _insert_sql(schema, columns)
        parameters = (
            [row[name] for name in columns] for row in _chain(first, iterator)
        )
        with self.transaction():
            self._conn.executemany(sql, parameters)

    def update(self, table: str, row_id: int, values: Row) -> None:
        """Set the given columns of one row; other columns keep their values."""
        self.update_where(table, [Condition("id", row_id)], values)

    def update_where(
        self, table: str, conditions: Sequence[Condition], values: Row
    ) -> None:
        """Set the given columns of every row matching all conditions."""
        if not values:
            return

        schema = self._schema(table)
        columns = self._checked_columns(schema, values)
        assignments = ", ".join(f'"{name}" = ?' for name in columns)
        where, parameters = _where_clause(schema, conditions)
        sql = f'UPDATE "{schema.name}" SET {assignments}{where}'
        with self._lock:
            self._conn.execute(sql, [*(values[name] for name in columns), *parameters])

    def delete(self, table: str, conditions: Sequence[Condition]) -> int:
        """Delete the rows matching every condition and return their count."""
        schema = self._schema(table)
        where, parameters = _where_clause(schema, conditions)
        with self._lock:
            cursor = self._conn.execute(
                f'DELETE FROM "{schema.name}"{where}', parameters
            )
        return cursor.rowcount

    def fetch(self, table: str, row_id: int) -> Row | None:
        """Return one row as a dict, or ``None`` when no row has ``row_id``."""
        rows = self.find(table, [Condition("id", row_id)], limit=1)
        return rows[0] if rows else None

    def find(
        self,
        table: str,
        conditions: Sequence[Condition] = (),
        *,
        order_by: Sequence[tuple[str, str]] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Row]:
        """Return rows matching every condition, sorted and paged.

        Args:
            table: Table name, such as ``"ecomCustomers"``.
            conditions: Terms combined with ``AND``.
            order_by: ``(column, "ASC" or "DESC")`` pairs, applied in order
                before the final ascending ``id`` that keeps pages stable.
            limit: Maximum number of rows; ``None`` returns all of them.
            offset: Number of matching rows to skip.
        """
        schema = self._schema(table)
        where, parameters = _where_clause(schema, conditions)
        sql = f'SELECT * FROM "{schema.name}"{where}{_order_clause(schema, order_by)}'
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            parameters += [limit, offset]

        with self._lock:
            cursor = self._conn.execute(sql, parameters)
            return [dict(row) for row in cursor.fetchall()]

    def count(self, table: str, conditions: Sequence[Condition] = ()) -> int:
        """Return the number of rows in ``table`` matching every condition."""
        schema = self._schema(table)
        where, parameters = _where_clause(schema, conditions)
        with self._lock:
            cursor = self._conn.execute(
                f'SELECT COUNT(*) FROM "{schema.name}"{where}', parameters
            )
            result: int = cursor.fetchone()[0]
        return result

    def ids(self, table: str, conditions: Sequence[Condition]) -> list[int]:
        """Return the ids of the matching rows, in ascending order."""
        schema = self._schema(table)
        where, parameters = _where_clause(schema, conditions)
        with self._lock:
            cursor = self._conn.execute(
                f'SELECT id FROM "{schema.name}"{where} ORDER BY id', parameters
            )
            return [row[0] for row in cursor.fetchall()]

    def is_empty(self) -> bool:
        """Return True when every table is empty."""
        return all(self.count(name) == 0 for name in SCHEMAS)

    def recompute_customers(
        self, customer_ids: Iterable[int] | None = None, *, tstamp: str | None = None
    ) -> None:
        """Recompute the order aggregates of customers from their stored orders.

        Args:
            customer_ids: Customers to update; ``None`` updates every customer,
                which is how bulk loads finish.
            tstamp: New ``tstamp`` for the updated customers; ``None`` keeps
                the stored one.
        """
        with self.transaction():
            if customer_ids is None:
                self._conn.execute(_AGGREGATE_SQL, [tstamp])
                return

            unique_ids = sorted(set(customer_ids))
            for start in range(0, len(unique_ids), _ID_CHUNK):
                chunk = unique_ids[start : start + _ID_CHUNK]
                marks = ", ".join("?" for _ in chunk)
                sql = f"{_AGGREGATE_SQL} WHERE id IN ({marks})"
                self._conn.execute(sql, [tstamp, *chunk])

    def get_setting(self, key: str) -> str | None:
        """Return a value from the store's own settings table."""
        with self._lock:
            cursor = self._conn.execute(
                "SELECT value FROM sandbox_settings WHERE key = ?", [key]
            )
            row = cursor.fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        """Store a value in the store's own settings table."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO sandbox_settings (key, value) VALUES (?, ?)",
                [key, value],
            )

    def _create_tables(self) -> None:
        with self._lock:
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")

            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS sandbox_settings "
                "(key TEXT PRIMARY KEY, value TEXT)"
            )
            for schema in SCHEMAS.values():
                self._create_table(schema)

    def _create_table(self, schema: TableSchema) -> None:
        statements = schema.create_statements()
        self._conn.execute(statements[0])
        self._add_missing_columns(schema)
        for statement in statements[1:]:
            self._conn.execute(statement)

    def _add_missing_columns(self, schema: TableSchema) -> None:
        # A file store written by an older version may lack columns that the
        # property tables gained since; adding them keeps the data usable.
        cursor = self._conn.execute(f'PRAGMA table_info("{schema.name}")')
        existing = {row["name"] for row in cursor.fetchall()}
        for column in schema.columns:
            if column.name not in existing:
                logger.info(
                    "Adding column %s to table %s in %s",
                    column.name,
                    schema.name,
                    self.path,
                )
                self._conn.execute(
                    f'ALTER TABLE "{schema.name}" '
                    f'ADD COLUMN "{column.name}" {column.sql_type}'
                )

    def _schema(self, table: str) -> TableSchema:
        try:
            return SCHEMAS[table]
        except KeyError:
            known = ", ".join(sorted(SCHEMAS))
            raise KeyError(f"unknown table {table!r}; known tables: {known}") from None

    def _checked_columns(self, schema: TableSchema, values: Row) -> list[str]:
        columns = list(values)
        _check_columns(schema, columns)
        return columns


def _insert_sql(schema: TableSchema, columns: Sequence[str]) -> str:
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{schema.name}" ({names}) VALUES ({marks})'


def _where_clause(
    schema: TableSchema, conditions: Sequence[Condition]
) -> tuple[str, list[Any]]:
    _check_columns(schema, [condition.column for condition in conditions])
    terms = []
    parameters: list[Any] = []
    for condition in conditions:
        if condition.prefix:
            terms.append(f'substr("{condition.column}", 1, ?) = ?')
            parameters += [len(str(condition.value)), str(condition.value)]
        else:
            terms.append(f'"{condition.column}" = ?')
            parameters.append(condition.value)

    where = f" WHERE {' AND '.join(terms)}" if terms else ""
    return where, parameters


def _order_clause(schema: TableSchema, order_by: Sequence[tuple[str, str]]) -> str:
    _check_columns(schema, [column for column, _ in order_by])
    terms = []
    for column, direction in order_by:
        if direction not in ("ASC", "DESC"):
            raise ValueError(f"sort direction must be ASC or DESC, not {direction!r}")
        terms.append(f'"{column}" {direction}')
    terms.append("id ASC")
    return f" ORDER BY {', '.join(terms)}"


def _check_columns(schema: TableSchema, columns: Iterable[str]) -> None:
    # Column names are placed in SQL text, so only known names may pass.
    unknown = sorted(set(columns) - schema.column_names)
    if unknown:
        raise KeyError(f"unknown columns for table {schema.name}: {unknown}")


def _chain(first: Row, rest: Iterator[Row]) -> Iterator[Row]:
    yield first
    yield from rest
