"""Related records of one record: a customer's orders, an order's products.

``Record.orders()`` and ``Record.products()`` call these functions. A
customer's orders come from ``GET /ecomOrders`` with ``filters[customerid]``,
a filter the API documents. An order's products come from the documented
``GET /ecomOrders/{id}/orderProducts``, because the API documents no filter
on ``/ecomOrderProducts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._helpers import EcomOrder
from ._properties import CUSTOMERS, ORDER_PRODUCTS, ORDERS, PropertyTable
from ._resources import Resource

if TYPE_CHECKING:
    from ._client import Client
    from ._records import Record, RecordList
    from ._sorting import OrderBy

__all__ = ["customer_orders", "order_products"]


class _NestedList(Resource):
    """A read-only list below one record's URL, such as an order's products."""

    def __init__(self, client: Client, table: PropertyTable, list_path: str) -> None:
        super().__init__(client, table)
        self._nested_path = list_path

    @property
    def list_path(self) -> str:
        return self._nested_path


def customer_orders(
    customer: Record,
    *,
    limit: int | None = None,
    order_by: OrderBy = None,
    progress: bool | None = None,
) -> RecordList:
    """List the orders (and abandoned carts) of an ecomCustomer record."""
    customer_id = _checked_id(customer, CUSTOMERS, "orders")
    orders = Resource(_client_of(customer), ORDERS, EcomOrder)
    return orders.list(
        limit=limit, order_by=order_by, progress=progress, customerid=customer_id
    )


def order_products(
    order: Record, *, limit: int | None = None, progress: bool | None = None
) -> RecordList:
    """List the products of an ecomOrder record."""
    order_id = _checked_id(order, ORDERS, "products")
    # NOTE: The API documents this route but not its paging; limit, offset
    # and meta.total are assumed to work as on the top-level lists.
    path = f"{ORDERS.path}/{order_id}/orderProducts"
    products = _NestedList(_client_of(order), ORDER_PRODUCTS, path)
    return products.list(limit=limit, progress=progress)


def _checked_id(record: Record, table: PropertyTable, method: str) -> int:
    if record.table.label != table.label:
        raise TypeError(
            f"{method}() is available on {table.label} records, "
            f"not on {record.table.label} records"
        )
    if record.id is None:
        raise ValueError(
            f"this {table.label} record has no id, so its {method} cannot be "
            "listed; use a record returned by the API"
        )
    return record.id


def _client_of(record: Record) -> Client:
    resource = record._resource
    if resource is None:
        raise ValueError(
            f"this {record.table.label} record is not tied to a Session; fetch "
            f"it through one, e.g. ac.{_session_name(record.table)}.get(id)"
        )
    return resource._client


def _session_name(table: PropertyTable) -> str:
    return {CUSTOMERS.label: "customers", ORDERS.label: "orders"}.get(
        table.label, table.path
    )
