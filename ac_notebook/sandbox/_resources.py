"""Reads and validated writes of connections and customers.

Each resource class checks a client's fields the way the API does, writes
them to the store inside one transaction, and returns stored rows. Rendering
the rows as JSON is left to ``WireFormat``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ac_notebook._properties import CONNECTIONS, CUSTOMERS, PropertyTable

from ._schema import (
    CONNECTION_SCHEMA,
    CUSTOMER_SCHEMA,
    ORDER_DISCOUNT_SCHEMA,
    ORDER_PRODUCT_SCHEMA,
    ORDER_SCHEMA,
    TableSchema,
)
from ._store import Condition, Row, Store
from ._timestamps import now_text
from ._validation import (
    FieldErrors,
    clean_fields,
    not_found,
    parse_decimal,
    reject_blank_required,
    require_fields,
)

__all__ = ["Connections", "Customers", "Resource", "delete_orders"]

logger = logging.getLogger(__name__)

# Filters whose stored column differs from the filter name. Email filters
# compare lower-cased text, so they match whatever the case of the address.
_FILTER_COLUMNS = {
    "email": "email_lower",
    "external_created_date": "externalCreatedDate",
}
# Filters that match values starting with the given text, so that a date
# such as "2019-06-29" matches every time on that day (in server time).
_PREFIX_FILTERS = frozenset({"external_created_date"})
# Largest integer SQLite stores.
_MAX_INTEGER = 2**63 - 1


class Resource:
    """Reads shared by every resource: fetch by id and filtered lists."""

    table: ClassVar[PropertyTable]
    schema: ClassVar[TableSchema]
    #: Resource name used in error titles.
    noun: ClassVar[str]
    #: Filter names accepted in ``filters[name]``; others are ignored.
    filters: ClassVar[tuple[str, ...]] = ()
    #: Field names accepted in ``orders[name]``; others are ignored.
    orderings: ClassVar[tuple[str, ...]] = ()

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, row_id: int) -> Row:
        """Return the stored row, or raise the API's 404 error."""
        row = self.store.fetch(self.schema.name, row_id)
        if row is None:
            raise not_found(self.table.model, str(row_id))
        return row

    def list_page(
        self,
        filters: Mapping[str, str],
        *,
        orderings: Sequence[tuple[str, str]] = (),
        limit: int | None = None,
        offset: int = 0,
        scope: Sequence[Condition] = (),
    ) -> tuple[list[Row], int]:
        """Return one page of matching rows and the count of all matches.

        Args:
            filters: ``filters[name]`` values from the query; names that the
                resource does not support are ignored, as the API does.
            orderings: ``(name, "ASC" or "DESC")`` pairs from ``orders[name]``.
            limit: Page size; ``None`` returns every match.
            offset: Number of matches to skip.
            scope: Extra conditions, such as the customer of a sub-resource.
        """
        conditions = self._filter_conditions(filters)
        if conditions is None:
            return [], 0

        conditions = [*scope, *conditions]
        columns = [(_FILTER_COLUMNS.get(name, name), way) for name, way in orderings]
        with self.store.transaction():
            total = self.store.count(self.schema.name, conditions)
            rows = self.store.find(
                self.schema.name,
                conditions,
                order_by=columns,
                limit=limit,
                offset=offset,
            )
        return rows, total

    def _filter_conditions(self, filters: Mapping[str, str]) -> list[Condition] | None:
        """Return the conditions for ``filters``; ``None`` when none can match."""
        conditions = []
        for name, value in filters.items():
            if name not in self.filters:
                logger.debug("Ignoring unsupported filter %s on %s", name, self.noun)
                continue

            column = _FILTER_COLUMNS.get(name, name)
            converted = _filter_value(self.schema, column, value)
            if converted is None:
                return None
            conditions.append(Condition(column, converted, name in _PREFIX_FILTERS))
        return conditions

    def _exists(self, table: str, row_id: int) -> bool:
        return self.store.count(table, [Condition("id", row_id)]) > 0


def _filter_value(schema: TableSchema, column: str, value: str) -> Any:
    integer_columns = {col.name for col in schema.columns if col.sql_type == "INTEGER"}
    if column in integer_columns:
        # Values SQLite cannot store as an integer match no row.
        number = parse_decimal(value.strip())
        if number is None or not 0 <= number <= _MAX_INTEGER:
            return None
        return number
    if column == "email_lower":
        return value.lower()
    return value


class Connections(Resource):
    """Connections: the external stores whose data the account contains."""

    table = CONNECTIONS
    schema = CONNECTION_SCHEMA
    noun = "connection"
    filters = CONNECTIONS.filters

    def create(self, fields: Mapping[str, Any]) -> Row:
        """Validate and insert a connection; return the stored row."""
        errors = FieldErrors(self.noun)
        values = clean_fields(self.table, fields, errors)
        require_fields(self.table, values, errors)

        with self.store.transaction():
            errors.raise_if_any()
            self._check_unique(values, None, errors)
            stamp = now_text()
            defaults = {"listId": 0, "status": "1", "syncStatus": "0"}
            row: dict[str, Any] = {name: None for name in self.table.writable}
            row.update(defaults)
            row.update(
                {key: value for key, value in values.items() if value is not None}
            )
            row.update(isInternal="0", lastSync=None, cdate=stamp, udate=stamp)
            row_id = self.store.insert(self.schema.name, row)
            return self.get(row_id)

    def update(self, row_id: int, fields: Mapping[str, Any]) -> Row:
        """Validate and apply a partial update; return the stored row."""
        errors = FieldErrors(self.noun)
        values = clean_fields(self.table, fields, errors)
        reject_blank_required(self.table, values, errors)

        with self.store.transaction():
            current = self.get(row_id)
            errors.raise_if_any()
            self._check_unique({**current, **values}, row_id, errors)
            values["udate"] = now_text()
            self.store.update(self.schema.name, row_id, values)
            return self.get(row_id)

    def delete(self, row_id: int) -> None:
        """Delete a connection with its customers and all their orders.

        Orders of the connection that belong to customers of other
        connections go too, and those customers' aggregates are recomputed.
        """
        # NOTE: The API documents no cascade for connections or customers, so
        # deleting dependants is the sandbox's choice, not observed behaviour.
        with self.store.transaction():
            self.get(row_id)
            by_connection = Condition("connectionid", row_id)
            for customer_id in self.store.ids(CUSTOMER_SCHEMA.name, [by_connection]):
                delete_orders(self.store, Condition("customerid", customer_id))
            affected = delete_orders(self.store, by_connection)
            self.store.delete(CUSTOMER_SCHEMA.name, [by_connection])
            self.store.delete(self.schema.name, [Condition("id", row_id)])
            self.store.recompute_customers(affected, tstamp=now_text())

    def _check_unique(
        self, values: Mapping[str, Any], row_id: int | None, errors: FieldErrors
    ) -> None:
        conditions = [
            Condition("service", values["service"]),
            Condition("externalid", values["externalid"]),
        ]
        if any(
            other != row_id for other in self.store.ids(self.schema.name, conditions)
        ):
            errors.invalid(
                "externalid",
                f"a connection for service {values['service']!r} with externalid "
                f"{values['externalid']!r} already exists",
            )
        errors.raise_if_any()


class Customers(Resource):
    """E-commerce customers, with aggregates computed from their orders."""

    table = CUSTOMERS
    schema = CUSTOMER_SCHEMA
    noun = "customer"
    filters = CUSTOMERS.filters

    def create(self, fields: Mapping[str, Any]) -> Row:
        """Validate and insert a customer; return the stored row."""
        errors = FieldErrors(self.noun)
        values = clean_fields(self.table, fields, errors)
        require_fields(self.table, values, errors)

        with self.store.transaction():
            errors.raise_if_any()
            self._check_relations(values, None, errors)
            row: dict[str, Any] = {
                name: values.get(name) for name in self.table.writable
            }
            row["acceptsMarketing"] = values.get("acceptsMarketing") or "0"
            row.update(
                email_lower=values["email"].lower(),
                totalRevenue=0,
                totalOrders=0,
                totalProducts=0,
                avgRevenuePerOrder=0,
                avgProductCategory="",
                tstamp=now_text(),
            )
            row_id = self.store.insert(self.schema.name, row)
            return self.get(row_id)

    def update(self, row_id: int, fields: Mapping[str, Any]) -> Row:
        """Validate and apply a partial update; return the stored row."""
        errors = FieldErrors(self.noun)
        values = clean_fields(self.table, fields, errors)
        reject_blank_required(self.table, values, errors)
        if values.get("acceptsMarketing", "0") is None:
            values["acceptsMarketing"] = "0"

        with self.store.transaction():
            current = self.get(row_id)
            errors.raise_if_any()
            self._check_relations({**current, **values}, row_id, errors)
            if "email" in values:
                values["email_lower"] = values["email"].lower()
            values["tstamp"] = now_text()
            self.store.update(self.schema.name, row_id, values)
            return self.get(row_id)

    def delete(self, row_id: int) -> None:
        """Delete a customer and its orders."""
        with self.store.transaction():
            self.get(row_id)
            delete_orders(self.store, Condition("customerid", row_id))
            self.store.delete(self.schema.name, [Condition("id", row_id)])

    def _check_relations(
        self, values: Mapping[str, Any], row_id: int | None, errors: FieldErrors
    ) -> None:
        connection_id = values["connectionid"]
        if connection_id != 0 and not self._exists(
            CONNECTION_SCHEMA.name, connection_id
        ):
            errors.add(
                "related_missing",
                "connectionid",
                f"The connection with id {connection_id} does not exist.",
            )
            errors.raise_if_any()

        conditions = [
            Condition("connectionid", connection_id),
            Condition("email_lower", values["email"].lower()),
        ]
        if any(
            other != row_id for other in self.store.ids(self.schema.name, conditions)
        ):
            errors.add(
                "duplicate",
                "email",
                f"A customer with email {values['email']!r} already exists "
                f"for connection {connection_id}.",
            )
        errors.raise_if_any()


def delete_orders(store: Store, condition: Condition) -> list[int]:
    """Delete the orders matching ``condition`` with their products and discounts.

    Returns the ids of the customers whose orders were deleted, so that the
    caller can recompute their aggregates.
    """
    orders = store.find(ORDER_SCHEMA.name, [condition])
    for order in orders:
        for part in (ORDER_PRODUCT_SCHEMA.name, ORDER_DISCOUNT_SCHEMA.name):
            store.delete(part, [Condition("orderid", order["id"])])
    store.delete(ORDER_SCHEMA.name, [condition])
    return sorted({order["customerid"] for order in orders})
