"""Property tables: the one description of each API resource's fields.

Validation, payload building, DataFrame dtypes, HTML reprs and form widgets
all read these tables; no other module lists a resource's fields.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, SupportsIndex

__all__ = [
    "CONNECTIONS",
    "CUSTOMERS",
    "ORDERS",
    "ORDER_PRODUCTS",
    "Property",
    "PropertyTable",
    "PropertyType",
    "Requirement",
]


class PropertyType(str, Enum):
    """Wire type of a property, as the API documents it."""

    STRING = "string"
    NUMERIC = "string (numeric)"
    EMAIL = "string (email)"
    TIMESTAMP = "string (timestamp)"
    CENTS = "string (cents)"
    FLAG = 'string ("0"/"1")'
    URL = "string (url)"
    OBJECTS = "array (objects)"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Property:
    """One field of a resource: its wire name, type and write rules."""

    name: str
    type: PropertyType
    required: bool
    read_only: bool
    description: str
    #: Nested property table for ``OBJECTS`` properties (order products).
    items: PropertyTable | None = None

    @property
    def writable(self) -> bool:
        return not self.read_only


@dataclass(frozen=True)
class Requirement:
    """A property that a create needs only in some cases.

    It applies when every property in ``when`` is given and none in
    ``unless`` is.

    Attributes:
        name: The property that is then required.
        unless: Properties any one of which makes ``name`` optional.
        when: Properties that must all be given for the rule to apply.
        message: Why the property is needed, shown when it is missing.
    """

    name: str
    unless: tuple[str, ...] = ()
    when: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class PropertyTable:
    """The properties of one API resource, in documented order.

    Attributes:
        label: Name shown to users, such as ``"ecomCustomer"``.
        path: URL path below ``/api/3``, such as ``"ecomCustomers"``.
        singular: JSON key of one record in request and response bodies.
        plural: JSON key of the record array in list responses.
        model: Model name the API uses in 404 messages.
        properties: The fields, in the order the API returns them.
        filters: Names accepted as ``filters[name]`` on list requests.
        orderings: Names accepted as ``orders[name]`` on list requests.
        match_keys: Field groups that identify one record, tried in order
            when a create must be reconciled or an upsert matched.
        requirements: Properties a create needs only in some cases, such as
            an order's ``externalid`` unless it is an abandoned cart.
        writable_resource: False for resources the API only lets you read.
        shared_values: Per field, lowercase values that many records share and
            that so identify none, such as a guest customer's external id.
            A match-key group with such a value is not used to find a record.
    """

    label: str
    path: str
    singular: str
    plural: str
    model: str
    properties: tuple[Property, ...]
    filters: tuple[str, ...] = ()
    orderings: tuple[str, ...] = ()
    match_keys: tuple[tuple[str, ...], ...] = ()
    requirements: tuple[Requirement, ...] = ()
    writable_resource: bool = True
    shared_values: Mapping[str, frozenset[str]] = field(
        default_factory=dict, compare=False
    )
    _by_name: dict[str, Property] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._by_name.update({prop.name: prop for prop in self.properties})

    def __iter__(self) -> Iterator[Property]:
        return iter(self.properties)

    def __len__(self) -> int:
        return len(self.properties)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Property:
        return self._by_name[name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(prop.name for prop in self.properties)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(prop.name for prop in self.properties if prop.required)

    @property
    def writable(self) -> tuple[str, ...]:
        return tuple(prop.name for prop in self.properties if not prop.read_only)

    @property
    def read_only(self) -> tuple[str, ...]:
        return tuple(prop.name for prop in self.properties if prop.read_only)

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        # The module's own tables pickle by label, so a record read back from
        # a pickle has the very same table object.
        if _KNOWN_TABLES.get(self.label) is self:
            return (table_named, (self.label,))
        return super().__reduce_ex__(protocol)

    def is_shared_value(self, name: str, value: object) -> bool:
        """Tell whether ``value`` of ``name`` is shared by many records."""
        shared = self.shared_values.get(name, frozenset())
        return str(value).strip().lower() in shared

    def suggest(self, name: str) -> str | None:
        """Return the property name closest to a misspelt ``name``, if any."""
        if not isinstance(name, str):
            return None
        lowered = {prop.name.lower(): prop.name for prop in self.properties}
        if name.lower() in lowered:
            return lowered[name.lower()]
        matches = difflib.get_close_matches(name, self.names, n=1, cutoff=0.6)
        return matches[0] if matches else None


def _prop(
    name: str,
    type_: PropertyType,
    description: str,
    *,
    required: bool = False,
    read_only: bool = False,
    items: PropertyTable | None = None,
) -> Property:
    return Property(name, type_, required, read_only, description, items)


_S = PropertyType.STRING
_N = PropertyType.NUMERIC
_E = PropertyType.EMAIL
_T = PropertyType.TIMESTAMP
_C = PropertyType.CENTS
_F = PropertyType.FLAG
_U = PropertyType.URL
_O = PropertyType.OBJECTS


CUSTOMERS = PropertyTable(
    label="ecomCustomer",
    path="ecomCustomers",
    singular="ecomCustomer",
    plural="ecomCustomers",
    model="EcomCustomer",
    properties=(
        _prop(
            "connectionid",
            _N,
            "id of the connection (store) the customer comes from",
            required=True,
        ),
        _prop(
            "externalid",
            _S,
            "the customer's id in that store; not always numeric",
            required=True,
        ),
        _prop("email", _E, "the customer's email address", required=True),
        _prop(
            "acceptsMarketing",
            _F,
            "whether the customer opted in to marketing",
        ),
        _prop("totalRevenue", _C, "total revenue, in cents", read_only=True),
        _prop("totalOrders", _N, "number of orders", read_only=True),
        _prop("totalProducts", _N, "number of products ordered", read_only=True),
        _prop(
            "avgRevenuePerOrder",
            _C,
            "average revenue per order, in cents",
            read_only=True,
        ),
        _prop(
            "avgProductCategory",
            _S,
            "most frequent product category name",
            read_only=True,
        ),
        _prop(
            "tstamp",
            _T,
            "last modification time, ISO 8601 with offset",
            read_only=True,
        ),
        _prop(
            "connection",
            _N,
            "id of the related connection, null for none",
            read_only=True,
        ),
        _prop("id", _N, "the customer's id in ActiveCampaign", read_only=True),
    ),
    filters=("email", "externalid", "connectionid"),
    match_keys=(("connectionid", "externalid"), ("connectionid", "email")),
    # Store integrations send "0" or "guest" as the external id of every guest
    # checkout, so a guest is found by connection and email only.
    shared_values={"externalid": frozenset({"0", "guest"})},
)


CONNECTIONS = PropertyTable(
    label="connection",
    path="connections",
    singular="connection",
    plural="connections",
    model="Connection",
    properties=(
        _prop("service", _S, "name of the external service", required=True),
        _prop(
            "externalid",
            _S,
            "id of the account in the external service",
            required=True,
        ),
        _prop(
            "name",
            _S,
            "name of the account in the external service, often a company",
            required=True,
        ),
        _prop("logoUrl", _U, "URL of a logo image for the service", required=True),
        _prop(
            "linkUrl",
            _U,
            "URL of the page where the integration is managed",
            required=True,
        ),
        _prop("listId", _N, "id of the list new contacts are synced into"),
        _prop("status", _F, "connection status: 0 error, 1 connected"),
        _prop("syncStatus", _F, "sync status: 0 stopped, 1 running"),
        _prop(
            "isInternal",
            _F,
            "1 for ActiveCampaign's own integrations, which are read-only",
            read_only=True,
        ),
        _prop("lastSync", _T, "time of the last sync, null for never", read_only=True),
        _prop("cdate", _T, "creation time", read_only=True),
        _prop("udate", _T, "last update time", read_only=True),
        _prop("id", _N, "the connection's id in ActiveCampaign", read_only=True),
    ),
    filters=("service", "externalid"),
    match_keys=(("service", "externalid"),),
)


ORDER_PRODUCT_ITEMS = PropertyTable(
    label="orderProduct",
    path="ecomOrderProducts",
    singular="orderProduct",
    plural="orderProducts",
    model="EcomOrderProduct",
    properties=(
        _prop("externalid", _S, "the product's id in the store", required=True),
        _prop("name", _S, "product name", required=True),
        _prop("price", _C, "unit price, in cents", required=True),
        _prop("quantity", _N, "quantity ordered", required=True),
        _prop("category", _S, "product category"),
        _prop("sku", _S, "stock keeping unit"),
        _prop("description", _S, "product description"),
        _prop("imageUrl", _U, "URL of a product image"),
        _prop("productUrl", _U, "URL of the product in the store"),
    ),
)


ORDER_DISCOUNT_ITEMS = PropertyTable(
    label="orderDiscount",
    path="ecomOrderDiscounts",
    singular="orderDiscount",
    plural="orderDiscounts",
    model="EcomOrderDiscount",
    properties=(
        _prop("name", _S, "discount code or name"),
        _prop("type", _S, "'order' for an order discount, 'shipping' for shipping"),
        _prop("discountAmount", _C, "discount amount, in cents"),
    ),
)


ORDERS = PropertyTable(
    label="ecomOrder",
    path="ecomOrders",
    singular="ecomOrder",
    plural="ecomOrders",
    model="EcomOrder",
    properties=(
        _prop(
            "externalid",
            _S,
            "the order's id in the store; required unless externalcheckoutid",
        ),
        _prop(
            "externalcheckoutid",
            _S,
            "the cart's id in the store, for abandoned carts",
        ),
        _prop(
            "source",
            _N,
            "0 historical, 1 real-time (only real-time orders start automations)",
            required=True,
        ),
        _prop("email", _E, "email address of the customer", required=True),
        _prop(
            "orderProducts",
            _O,
            "products in the order",
            items=ORDER_PRODUCT_ITEMS,
        ),
        _prop(
            "orderDiscounts",
            _O,
            "discounts applied to the order",
            items=ORDER_DISCOUNT_ITEMS,
        ),
        _prop(
            "totalPrice",
            _C,
            "order total in cents, tax and shipping included",
            required=True,
        ),
        _prop("shippingAmount", _C, "shipping amount, in cents"),
        _prop("taxAmount", _C, "tax amount, in cents"),
        _prop("discountAmount", _C, "discount amount, in cents"),
        _prop("currency", _S, "three-letter ISO currency code", required=True),
        _prop("connectionid", _N, "id of the connection", required=True),
        _prop("customerid", _N, "id of the ecomCustomer", required=True),
        _prop("orderUrl", _U, "URL of the order in the store"),
        _prop("externalCreatedDate", _T, "time the order was placed"),
        _prop("externalUpdatedDate", _T, "time the order was last updated"),
        _prop(
            "abandonedDate",
            _T,
            "time the cart was abandoned; required with externalcheckoutid",
        ),
        _prop("shippingMethod", _S, "shipping method"),
        _prop("orderNumber", _S, "order number shown to the customer"),
        _prop("totalProducts", _N, "number of products", read_only=True),
        _prop(
            "state",
            _N,
            "0 pending, 1 completed, 2 abandoned, 3 recovered, 4 waiting",
            read_only=True,
        ),
        _prop("orderDate", _T, "order date", read_only=True),
        _prop("createdDate", _T, "time the order was created", read_only=True),
        _prop("updatedDate", _T, "time the order was updated", read_only=True),
        _prop("tstamp", _T, "last modification time", read_only=True),
        _prop("connection", _N, "id of the related connection", read_only=True),
        _prop("customer", _N, "id of the related customer", read_only=True),
        _prop("id", _N, "the order's id in ActiveCampaign", read_only=True),
    ),
    filters=(
        "connectionid",
        "externalid",
        "externalcheckoutid",
        "email",
        "state",
        "customerid",
        "external_created_date",
    ),
    orderings=(
        "connectionid",
        "externalid",
        "externalcheckoutid",
        "email",
        "state",
        "customerid",
        "external_created_date",
    ),
    match_keys=(("connectionid", "externalid"), ("connectionid", "externalcheckoutid")),
    requirements=(
        Requirement(
            "externalid",
            unless=("externalcheckoutid",),
            message="an order needs externalid (its id in the store), or "
            "externalcheckoutid and abandonedDate for an abandoned cart",
        ),
        Requirement(
            "abandonedDate",
            when=("externalcheckoutid",),
            unless=("externalid",),
            message="an abandoned cart (externalcheckoutid without externalid) "
            "needs abandonedDate",
        ),
    ),
)


ORDER_PRODUCTS = PropertyTable(
    label="ecomOrderProduct",
    path="ecomOrderProducts",
    singular="ecomOrderProduct",
    plural="ecomOrderProducts",
    model="EcomOrderProduct",
    properties=(
        _prop("orderid", _N, "id of the order", read_only=True),
        _prop("connectionid", _N, "id of the connection", read_only=True),
        _prop("externalid", _S, "the product's id in the store", read_only=True),
        _prop("sku", _S, "stock keeping unit", read_only=True),
        _prop("name", _S, "product name", read_only=True),
        _prop("description", _S, "product description", read_only=True),
        _prop("price", _C, "unit price, in cents", read_only=True),
        _prop("quantity", _N, "quantity ordered", read_only=True),
        _prop("category", _S, "product category", read_only=True),
        _prop("imageUrl", _U, "URL of a product image", read_only=True),
        _prop("productUrl", _U, "URL of the product in the store", read_only=True),
        _prop("createdDate", _T, "creation time", read_only=True),
        _prop("updatedDate", _T, "last update time", read_only=True),
        _prop("tstamp", _T, "last modification time", read_only=True),
        _prop("ecomOrder", _N, "id of the related order", read_only=True),
        _prop("id", _N, "the order product's id", read_only=True),
    ),
    writable_resource=False,
)


_KNOWN_TABLES: dict[str, PropertyTable] = {
    table.label: table
    for table in (
        CUSTOMERS,
        CONNECTIONS,
        ORDERS,
        ORDER_PRODUCTS,
        ORDER_PRODUCT_ITEMS,
        ORDER_DISCOUNT_ITEMS,
    )
}


def table_named(label: str) -> PropertyTable:
    """Return the module's property table with ``label``, as pickles need."""
    return _KNOWN_TABLES[label]
