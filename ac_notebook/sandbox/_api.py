"""Routing and handlers of the ``/api/3`` routes, independent of HTTP.

``SandboxApi.match`` finds the route of a request path and
``SandboxApi.handle`` runs it, turning ``ApiError`` into error responses.
A path id that is not a positive decimal number gets the same 404 as an id
that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ._orders import OrderParts, OrderProducts, Orders
from ._resources import Connections, Customers, Resource
from ._store import Condition, Row, Store
from ._validation import ApiError, not_found, parse_decimal, unwrap_body
from ._wire import WireFormat

__all__ = ["ApiRequest", "ApiResponse", "RouteMatch", "SandboxApi"]

#: Page size when a list request sends no ``limit``.
DEFAULT_LIMIT = 20
#: Largest page size; larger ``limit`` values are lowered to it.
MAX_LIMIT = 100

_FILTER_PARAMETER = re.compile(r"^filters\[([A-Za-z_]+)\]$")
_ORDERING_PARAMETER = re.compile(r"^orders\[([A-Za-z_]+)\]$")
_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ApiRequest:
    """One request to an ``/api/3`` route, with its body already decoded.

    Attributes:
        method: HTTP method in upper case.
        query: Query parameters in the order they were sent.
        body: Decoded JSON body, or ``None`` when the body was empty.
    """

    method: str
    query: Sequence[tuple[str, str]]
    body: Any


@dataclass(frozen=True)
class ApiResponse:
    """Status and JSON body of a response."""

    status: int
    payload: Any


Handler = Callable[[ApiRequest, Sequence[str]], ApiResponse]


@dataclass(frozen=True)
class RouteMatch:
    """The route a path matched.

    Attributes:
        template: Route pattern such as ``"ecomCustomers/{id}"``.
        params: The path segments that filled ``{id}``.
        handlers: Handler of each method the route supports.
    """

    template: str
    params: tuple[str, ...]
    handlers: dict[str, Handler]


class SandboxApi:
    """The ``/api/3`` routes over one store.

    Args:
        store: Store holding the data.
        base_url: Server root used in ``links``, such as
            ``"http://127.0.0.1:8765"``.
    """

    def __init__(self, store: Store, base_url: str) -> None:
        self.wire = WireFormat(base_url)
        self.connections = Connections(store)
        self.customers = Customers(store)
        self.orders = Orders(store)
        self.order_products = OrderProducts(store)
        self._routes = self._build_routes()

    def match(self, path: str) -> RouteMatch | None:
        """Return the route of ``path`` (relative to ``/api/3/``), if any."""
        segments = tuple(path.strip("/").split("/"))
        for template, handlers in self._routes.items():
            params = _match_template(template, segments)
            if params is not None:
                return RouteMatch(template, params, handlers)
        return None

    def handle(self, request: ApiRequest, route: RouteMatch) -> ApiResponse:
        """Run the route's handler; ``ApiError`` becomes its error response.

        The caller checks first that ``route`` supports ``request.method``.
        """
        handler = route.handlers[request.method]
        try:
            return handler(request, route.params)
        except ApiError as exc:
            return ApiResponse(exc.status, exc.payload)

    def _build_routes(self) -> dict[str, dict[str, Handler]]:
        return {
            "connections": {
                "GET": self._list_connections,
                "POST": self._create_connection,
            },
            "connections/{id}": {
                "GET": self._get_connection,
                "PUT": self._update_connection,
                "DELETE": self._delete_connection,
            },
            "connections/{id}/customers": {"GET": self._list_connection_customers},
            "ecomCustomers": {
                "GET": self._list_customers,
                "POST": self._create_customer,
            },
            "ecomCustomers/{id}": {
                "GET": self._get_customer,
                "PUT": self._update_customer,
                "DELETE": self._delete_customer,
            },
            "ecomCustomers/{id}/orders": {"GET": self._list_customer_orders},
            "ecomCustomers/{id}/connection": {"GET": self._get_customer_connection},
            "ecomOrders": {"GET": self._list_orders, "POST": self._create_order},
            "ecomOrders/{id}": {
                "GET": self._get_order,
                "PUT": self._update_order,
                "DELETE": self._delete_order,
            },
            "ecomOrders/{id}/orderProducts": {"GET": self._list_order_products},
            "ecomOrders/{id}/customer": {"GET": self._get_order_customer},
            "ecomOrders/{id}/connection": {"GET": self._get_order_connection},
            "ecomOrderProducts": {"GET": self._list_all_order_products},
            "ecomOrderProducts/{id}": {"GET": self._get_order_product},
            "ecomOrderProducts/{id}/ecomOrder": {"GET": self._get_product_order},
        }

    # Connections

    def _list_connections(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        return self._list(self.connections, request, self.wire.connection)

    def _create_connection(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        fields = unwrap_body(request.body, self.connections.table.singular)
        row = self.connections.create(fields)
        return ApiResponse(201, {"connection": self.wire.connection(row)})

    def _get_connection(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.connections.get(_row_id(self.connections, params[0]))
        return ApiResponse(200, {"connection": self.wire.connection(row)})

    def _update_connection(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row_id = _row_id(self.connections, params[0])
        self.connections.get(row_id)
        fields = unwrap_body(request.body, self.connections.table.singular)
        row = self.connections.update(row_id, fields)
        return ApiResponse(200, {"connection": self.wire.connection(row)})

    def _delete_connection(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        self.connections.delete(_row_id(self.connections, params[0]))
        return ApiResponse(200, {})

    def _list_connection_customers(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.connections.get(_row_id(self.connections, params[0]))
        scope = [Condition("connectionid", row["id"])]
        return self._list(self.customers, request, self.wire.customer, scope)

    # Customers

    def _list_customers(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        return self._list(self.customers, request, self.wire.customer)

    def _create_customer(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        fields = unwrap_body(request.body, self.customers.table.singular)
        row = self.customers.create(fields)
        return ApiResponse(201, {"ecomCustomer": self.wire.customer_created(row)})

    def _get_customer(self, request: ApiRequest, params: Sequence[str]) -> ApiResponse:
        row = self.customers.get(_row_id(self.customers, params[0]))
        return ApiResponse(200, {"ecomCustomer": self.wire.customer(row)})

    def _update_customer(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row_id = _row_id(self.customers, params[0])
        self.customers.get(row_id)
        fields = unwrap_body(request.body, self.customers.table.singular)
        row = self.customers.update(row_id, fields)
        return ApiResponse(200, {"ecomCustomer": self.wire.customer(row)})

    def _delete_customer(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        self.customers.delete(_row_id(self.customers, params[0]))
        return ApiResponse(200, {})

    def _list_customer_orders(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.customers.get(_row_id(self.customers, params[0]))
        scope = [Condition("customerid", row["id"])]
        return self._list(self.orders, request, self._listed_order, scope)

    def _get_customer_connection(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.customers.get(_row_id(self.customers, params[0]))
        connection = self.connections.get(row["connectionid"])
        return ApiResponse(200, {"connection": self.wire.connection(connection)})

    # Orders

    def _list_orders(self, request: ApiRequest, params: Sequence[str]) -> ApiResponse:
        return self._list(self.orders, request, self._listed_order)

    def _create_order(self, request: ApiRequest, params: Sequence[str]) -> ApiResponse:
        fields = unwrap_body(request.body, self.orders.table.singular)
        parts = self.orders.create(fields)
        connection = self.connections.get(parts.order["connectionid"])
        payload = {
            "connections": [self.wire.connection(connection)],
            **self._order_parts(parts),
        }
        return ApiResponse(201, payload)

    def _get_order(self, request: ApiRequest, params: Sequence[str]) -> ApiResponse:
        row = self.orders.get(_row_id(self.orders, params[0]))
        product_ids, discount_ids = self.orders.part_ids(row["id"])
        order = self.wire.order(row, product_ids, discount_ids, numbers=False)
        return ApiResponse(200, {"ecomOrder": order})

    def _update_order(self, request: ApiRequest, params: Sequence[str]) -> ApiResponse:
        row_id = _row_id(self.orders, params[0])
        self.orders.get(row_id)
        fields = unwrap_body(request.body, self.orders.table.singular)
        parts = self.orders.update(row_id, fields)
        return ApiResponse(200, self._order_parts(parts))

    def _delete_order(self, request: ApiRequest, params: Sequence[str]) -> ApiResponse:
        self.orders.delete(_row_id(self.orders, params[0]))
        return ApiResponse(200, {})

    def _list_order_products(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.orders.get(_row_id(self.orders, params[0]))
        scope = [Condition("orderid", row["id"])]
        render = self.wire.order_product
        return self._list(self.order_products, request, render, scope)

    def _get_order_customer(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.orders.get(_row_id(self.orders, params[0]))
        customer = self.customers.get(row["customerid"])
        return ApiResponse(200, {"ecomCustomer": self.wire.customer(customer)})

    def _get_order_connection(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.orders.get(_row_id(self.orders, params[0]))
        connection = self.connections.get(row["connectionid"])
        return ApiResponse(200, {"connection": self.wire.connection(connection)})

    def _listed_order(self, row: Row) -> dict[str, Any]:
        product_ids, discount_ids = self.orders.part_ids(row["id"])
        return self.wire.order(row, product_ids, discount_ids, numbers=True)

    def _order_parts(self, parts: OrderParts) -> dict[str, Any]:
        product_ids = [row["id"] for row in parts.products]
        discount_ids = [row["id"] for row in parts.discounts]
        order = self.wire.order(parts.order, product_ids, discount_ids, numbers=True)
        return {
            "ecomOrderProducts": [
                self.wire.order_product(row) for row in parts.products
            ],
            "ecomOrderDiscounts": [
                self.wire.order_discount(row) for row in parts.discounts
            ],
            "ecomOrder": order,
        }

    # Order products

    def _list_all_order_products(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        return self._list(self.order_products, request, self.wire.order_product)

    def _get_order_product(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.order_products.get(_row_id(self.order_products, params[0]))
        return ApiResponse(200, {"ecomOrderProduct": self.wire.order_product(row)})

    def _get_product_order(
        self, request: ApiRequest, params: Sequence[str]
    ) -> ApiResponse:
        row = self.order_products.get(_row_id(self.order_products, params[0]))
        order = self.orders.get(row["orderid"])
        product_ids, discount_ids = self.orders.part_ids(order["id"])
        rendered = self.wire.order(order, product_ids, discount_ids, numbers=False)
        return ApiResponse(200, {"ecomOrder": rendered})

    # Lists

    def _list(
        self,
        resource: Resource,
        request: ApiRequest,
        render: Callable[[Row], dict[str, Any]],
        scope: Sequence[Condition] = (),
    ) -> ApiResponse:
        page = _parse_page(request.query, resource)
        rows, total = resource.list_page(
            page.filters,
            orderings=page.orderings,
            limit=page.limit,
            offset=page.offset,
            scope=scope,
        )
        payload = {
            resource.table.plural: [render(row) for row in rows],
            "meta": {"total": str(total)},
        }
        return ApiResponse(200, payload)


@dataclass(frozen=True)
class _Page:
    filters: dict[str, str]
    orderings: list[tuple[str, str]]
    limit: int
    offset: int


def _parse_page(query: Sequence[tuple[str, str]], resource: Resource) -> _Page:
    """Read ``filters[...]``, ``orders[...]``, ``limit`` and ``offset``.

    A ``limit`` above ``MAX_LIMIT`` is lowered to it. A ``limit`` below 1, a
    negative ``offset``, a value that is not a whole number and an ordering
    direction other than ASC or DESC get a 422 naming the parameter.
    """
    filters: dict[str, str] = {}
    orderings: dict[str, str] = {}
    limit, offset = DEFAULT_LIMIT, 0
    for name, value in query:
        filter_match = _FILTER_PARAMETER.match(name)
        ordering_match = _ORDERING_PARAMETER.match(name)
        if filter_match:
            filters[filter_match.group(1)] = value
        elif ordering_match and ordering_match.group(1) in resource.orderings:
            orderings[ordering_match.group(1)] = _direction(name, value)
        elif name == "limit":
            limit = min(_whole_number(name, value, minimum=1), MAX_LIMIT)
        elif name == "offset":
            offset = _whole_number(name, value, minimum=0)
    return _Page(filters, list(orderings.items()), limit, offset)


def _direction(parameter: str, value: str) -> str:
    direction = value.strip().upper()
    if direction not in ("ASC", "DESC"):
        raise _parameter_error(parameter, f"must be ASC or DESC, not {value!r}")
    return direction


def _whole_number(parameter: str, value: str, *, minimum: int) -> int:
    """Parse an ASCII whole number; values past SQLite's integer range are capped."""
    number = parse_decimal(value.strip())
    if number is None or number < minimum:
        raise _parameter_error(
            parameter, f"must be a whole number of at least {minimum}, not {value!r}"
        )
    return min(number, _MAX_ID)


def _parameter_error(parameter: str, reason: str) -> ApiError:
    error = {
        "title": f"The query parameter {parameter} {reason}.",
        "detail": "",
        "code": "field_invalid",
        "source": {"parameter": parameter},
    }
    return ApiError(422, {"errors": [error]})


def _row_id(resource: Resource, text: str) -> int:
    """Parse a path id; anything but a positive decimal number is not found."""
    number = parse_decimal(text) if text.isdigit() else None
    if number is None or not 0 < number <= _MAX_ID:
        raise not_found(resource.table.model, text)
    return number


def _match_template(template: str, segments: tuple[str, ...]) -> tuple[str, ...] | None:
    parts = template.split("/")
    if len(parts) != len(segments):
        return None

    params = []
    for part, segment in zip(parts, segments, strict=True):
        if part == "{id}":
            params.append(segment)
        elif part != segment:
            return None
    return tuple(params)
