"""Reads and validated writes of orders (and abandoned carts) and their products.

An order arrives with its products and discounts inline; the sandbox stores
them in their own tables, as the API exposes them as ``ecomOrderProducts``.
Every write of an order recomputes the aggregates of the customers involved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ac_notebook._properties import ORDER_PRODUCTS, ORDERS, PropertyTable, PropertyType

from ._resources import Resource, delete_orders
from ._schema import (
    CONNECTION_SCHEMA,
    CUSTOMER_SCHEMA,
    ORDER_DISCOUNT_SCHEMA,
    ORDER_PRODUCT_SCHEMA,
    ORDER_SCHEMA,
    order_discount_items,
    order_product_items,
)
from ._store import ORDER_STATE_ABANDONED, Condition, Row
from ._timestamps import now_text
from ._validation import (
    FieldErrors,
    clean_fields,
    reject_blank_required,
    require_fields,
)

__all__ = ["OrderParts", "OrderProducts", "Orders"]

ORDER_STATE_COMPLETED = 1
ORDER_STATE_RECOVERED = 3

_DISCOUNT_TYPES = ("order", "shipping")
_ORDER_FIELDS = tuple(
    prop.name
    for prop in ORDERS
    if prop.writable and prop.type is not PropertyType.OBJECTS
)
_ZERO_DEFAULTS = ("shippingAmount", "taxAmount", "discountAmount")


@dataclass
class OrderParts:
    """An order row with its product and discount rows."""

    order: Row
    products: list[Row] = field(default_factory=list)
    discounts: list[Row] = field(default_factory=list)


@dataclass
class _OrderInput:
    """Checked fields of one order request; ``None`` lists were not sent."""

    values: dict[str, Any]
    products: list[dict[str, Any]] | None
    discounts: list[dict[str, Any]] | None


class Orders(Resource):
    """Orders and abandoned carts (orders with only ``externalcheckoutid``)."""

    table = ORDERS
    schema = ORDER_SCHEMA
    noun = "order"
    filters = ORDERS.filters
    orderings = ORDERS.orderings

    def create(self, fields: Mapping[str, Any]) -> OrderParts:
        """Validate and insert an order with its products and discounts."""
        errors = FieldErrors(self.noun)
        order = _check_input(fields, errors)
        require_fields(self.table, order.values, errors)
        _check_identity(order.values, errors)

        with self.store.transaction():
            errors.raise_if_any()
            self._check_relations(order.values, errors)
            self._check_unique(order.values, None, errors)
            return self._insert(order)

    def update(self, row_id: int, fields: Mapping[str, Any]) -> OrderParts:
        """Validate and apply a partial update.

        Products or discounts that the update sends replace the stored ones.
        Adding ``externalid`` to an abandoned cart marks it recovered.
        """
        errors = FieldErrors(self.noun)
        order = _check_input(fields, errors)
        reject_blank_required(self.table, order.values, errors)

        with self.store.transaction():
            current = self.get(row_id)
            merged = {**current, **order.values}
            _check_identity(merged, errors)
            errors.raise_if_any()
            self._check_relations(order.values, errors)
            self._check_unique(merged, row_id, errors)
            return self._apply_update(current, order)

    def delete(self, row_id: int) -> None:
        """Delete an order with its products and discounts."""
        with self.store.transaction():
            self.get(row_id)
            customer_ids = delete_orders(self.store, Condition("id", row_id))
            self.store.recompute_customers(customer_ids, tstamp=now_text())

    def parts(self, row: Row) -> OrderParts:
        """Return an order row together with its product and discount rows."""
        by_order = [Condition("orderid", row["id"])]
        return OrderParts(
            row,
            self.store.find(ORDER_PRODUCT_SCHEMA.name, by_order),
            self.store.find(ORDER_DISCOUNT_SCHEMA.name, by_order),
        )

    def part_ids(self, order_id: int) -> tuple[list[int], list[int]]:
        """Return the product ids and discount ids of an order."""
        by_order = [Condition("orderid", order_id)]
        return (
            self.store.ids(ORDER_PRODUCT_SCHEMA.name, by_order),
            self.store.ids(ORDER_DISCOUNT_SCHEMA.name, by_order),
        )

    def _insert(self, order: _OrderInput) -> OrderParts:
        values = order.values
        stamp = now_text()
        row = {name: values.get(name) for name in _ORDER_FIELDS}
        for name in _ZERO_DEFAULTS:
            row[name] = row[name] or 0
        row.update(
            email_lower=values["email"].lower(),
            totalProducts=_quantity(order.products or []),
            state=_next_state(None, values),
            orderDate=_order_date(values, stamp),
            createdDate=stamp,
            updatedDate=stamp,
            tstamp=stamp,
        )

        order_id = self.store.insert(self.schema.name, row)
        self._replace_products(order_id, values["connectionid"], order.products, stamp)
        self._replace_discounts(order_id, order.discounts, stamp)
        self.store.recompute_customers([values["customerid"]], tstamp=stamp)
        return self.parts(self.get(order_id))

    def _apply_update(self, current: Row, order: _OrderInput) -> OrderParts:
        values = dict(order.values)
        merged = {**current, **values}
        stamp = now_text()
        order_id = current["id"]

        if order.products is not None:
            values["totalProducts"] = _quantity(order.products)
        if "email" in values:
            values["email_lower"] = values["email"].lower()
        values.update(
            state=_next_state(current["state"], merged),
            orderDate=_order_date(merged, current["createdDate"]),
            updatedDate=stamp,
            tstamp=stamp,
        )
        self.store.update(self.schema.name, order_id, values)

        connection_id = merged["connectionid"]
        self._replace_products(order_id, connection_id, order.products, stamp)
        self._replace_discounts(order_id, order.discounts, stamp)
        if "connectionid" in values:
            by_order = [Condition("orderid", order_id)]
            update = {"connectionid": connection_id}
            self.store.update_where(ORDER_PRODUCT_SCHEMA.name, by_order, update)

        customers = {current["customerid"], merged["customerid"]}
        self.store.recompute_customers(customers, tstamp=stamp)
        return self.parts(self.get(order_id))

    def _replace_products(
        self,
        order_id: int,
        connection_id: int,
        products: list[dict[str, Any]] | None,
        stamp: str,
    ) -> None:
        if products is None:
            return

        by_order = [Condition("orderid", order_id)]
        self.store.delete(ORDER_PRODUCT_SCHEMA.name, by_order)
        names = order_product_items().names
        rows = [
            {
                **{name: product.get(name) for name in names},
                "orderid": order_id,
                "connectionid": connection_id,
                "createdDate": stamp,
                "updatedDate": stamp,
                "tstamp": stamp,
            }
            for product in products
        ]
        self.store.insert_many(ORDER_PRODUCT_SCHEMA.name, rows)

    def _replace_discounts(
        self, order_id: int, discounts: list[dict[str, Any]] | None, stamp: str
    ) -> None:
        if discounts is None:
            return

        by_order = [Condition("orderid", order_id)]
        self.store.delete(ORDER_DISCOUNT_SCHEMA.name, by_order)
        names = order_discount_items().names
        rows = [
            {
                **{name: discount.get(name) for name in names},
                "orderid": order_id,
                "createdDate": stamp,
                "updatedDate": stamp,
            }
            for discount in discounts
        ]
        self.store.insert_many(ORDER_DISCOUNT_SCHEMA.name, rows)

    def _check_relations(self, values: Mapping[str, Any], errors: FieldErrors) -> None:
        related = (
            ("connectionid", CONNECTION_SCHEMA.name, "connection"),
            ("customerid", CUSTOMER_SCHEMA.name, "customer"),
        )
        for name, table, noun in related:
            row_id = values.get(name)
            if row_id is not None and not self._exists(table, row_id):
                title = f"The {noun} with id {row_id} does not exist."
                errors.add("related_missing", name, title)
        errors.raise_if_any()

    def _check_unique(
        self, values: Mapping[str, Any], row_id: int | None, errors: FieldErrors
    ) -> None:
        # An order id or a cart id may appear only once per connection.
        for name in ("externalid", "externalcheckoutid"):
            if values.get(name) is None:
                continue
            conditions = [
                Condition("connectionid", values["connectionid"]),
                Condition(name, values[name]),
            ]
            if any(
                other != row_id
                for other in self.store.ids(self.schema.name, conditions)
            ):
                title = (
                    f"An order with {name} {values[name]!r} already exists "
                    f"for connection {values['connectionid']}."
                )
                errors.add("duplicate", name, title)
        errors.raise_if_any()


class OrderProducts(Resource):
    """Products of orders; read-only, written only through their order."""

    table = ORDER_PRODUCTS
    schema = ORDER_PRODUCT_SCHEMA
    noun = "order product"
    # The API documents no filters here; orderid is a sandbox extra.
    filters = ("orderid",)


def _check_input(fields: Mapping[str, Any], errors: FieldErrors) -> _OrderInput:
    values = clean_fields(ORDERS, fields, errors)
    if values.get("source") not in (None, 0, 1):
        errors.invalid("source", f"expected 0 or 1, got {values['source']}")
    currency = values.get("currency")
    if currency is not None and not (
        len(currency) == 3 and currency.isascii() and currency.isalpha()
    ):
        errors.invalid("currency", f"expected a three-letter code, got {currency!r}")

    products = _check_items(fields, "orderProducts", order_product_items(), errors)
    discounts = _check_items(fields, "orderDiscounts", order_discount_items(), errors)
    for index, discount in enumerate(discounts or []):
        if discount.get("type") not in (None, *_DISCOUNT_TYPES):
            errors.invalid(
                f"orderDiscounts/{index}/type",
                f"expected 'order' or 'shipping', got {discount['type']!r}",
            )
    return _OrderInput(values, products, discounts)


def _check_items(
    fields: Mapping[str, Any],
    name: str,
    items: PropertyTable,
    errors: FieldErrors,
) -> list[dict[str, Any]] | None:
    """Check an array of objects such as ``orderProducts``.

    Returns ``None`` when the request did not send the array.
    """
    raw = fields.get(name)
    if raw is None:
        return None
    if not isinstance(raw, list):
        errors.invalid(name, "expected an array of objects")
        return None

    checked = []
    for index, item in enumerate(raw):
        prefix = f"{name}/{index}/"
        if not isinstance(item, Mapping):
            errors.invalid(f"{name}/{index}", "expected an object")
            continue
        values = clean_fields(items, item, errors, pointer_prefix=prefix)
        require_fields(items, values, errors, pointer_prefix=prefix)
        checked.append(values)
    return checked


def _check_identity(values: Mapping[str, Any], errors: FieldErrors) -> None:
    """Require an order id or a cart id, and a cart's abandonedDate."""
    if values.get("externalid") is not None:
        return
    if values.get("externalcheckoutid") is None:
        title = (
            "The order externalid was not provided; send externalid for an "
            "order or externalcheckoutid for an abandoned cart."
        )
        errors.add("field_missing", "externalid", title)
    elif values.get("abandonedDate") is None:
        errors.missing("abandonedDate")


def _next_state(previous: int | None, values: Mapping[str, Any]) -> int:
    if values.get("externalid") is None:
        return ORDER_STATE_ABANDONED
    if previous in (ORDER_STATE_ABANDONED, ORDER_STATE_RECOVERED):
        return ORDER_STATE_RECOVERED
    return ORDER_STATE_COMPLETED


def _order_date(values: Mapping[str, Any], fallback: str) -> str:
    date: str = (
        values.get("externalCreatedDate") or values.get("abandonedDate") or fallback
    )
    return date


def _quantity(products: Sequence[Mapping[str, Any]]) -> int:
    return sum(product.get("quantity") or 0 for product in products)
