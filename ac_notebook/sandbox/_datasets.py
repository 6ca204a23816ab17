"""Datasets a sandbox can start with, as a registry of loader functions.

A loader fills an empty store. ``empty`` adds nothing. ``demo`` adds two
connections and a dozen customers with the API's edge cases. Its orders span
several product categories, so the aggregates are not trivial. ``cdnow``
adds the real purchases of the CDNOW music store (see ``_cdnow``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._cdnow import load_cdnow
from ._orders import Orders
from ._resources import Connections, Customers
from ._store import Store

__all__ = [
    "CACHE_VARIABLE",
    "DATASETS",
    "DatasetLoader",
    "check_dataset",
    "dataset_cache_path",
    "load_dataset",
    "register_dataset",
]

#: Environment variable naming the folder of cached dataset stores.
CACHE_VARIABLE = "AC_NOTEBOOK_CACHE"

DatasetLoader = Callable[[Store], None]

#: Dataset loaders by name.
DATASETS: dict[str, DatasetLoader] = {}


def register_dataset(name: str) -> Callable[[DatasetLoader], DatasetLoader]:
    """Register the decorated function as the loader of dataset ``name``."""

    def decorate(loader: DatasetLoader) -> DatasetLoader:
        DATASETS[name] = loader
        return loader

    return decorate


def check_dataset(name: str) -> None:
    """Raise ``ValueError`` listing the registered datasets unless ``name`` is one."""
    if name not in DATASETS:
        known = ", ".join(sorted(DATASETS))
        raise ValueError(f"unknown dataset {name!r}; choose one of: {known}")


def load_dataset(name: str, store: Store) -> None:
    """Fill ``store`` with dataset ``name``.

    Raises:
        ValueError: No dataset has that name.
    """
    check_dataset(name)
    DATASETS[name](store)


def dataset_cache_path(name: str) -> Path:
    """Return the SQLite file for keeping a dataset's store between runs.

    The folder is ``$AC_NOTEBOOK_CACHE`` when set, else
    ``$XDG_CACHE_HOME/ac_notebook``, else ``~/.cache/ac_notebook``, and it is
    created when missing. A ``SandboxServer`` given the returned path as
    ``db`` fills the file on its first start and reuses it on later starts,
    with any changes made through the sandbox since. Delete the file to load
    the dataset afresh. Each dataset has its own file, because a server
    rejects a file that was filled with another dataset.

    Raises:
        ValueError: No dataset has that name.
    """
    check_dataset(name)
    folder = os.environ.get(CACHE_VARIABLE)
    if not folder:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = os.path.join(xdg, "ac_notebook")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder) / f"{name}.sqlite3"


@register_dataset("empty")
def load_empty(store: Store) -> None:
    """Add nothing."""


register_dataset("cdnow")(load_cdnow)


_DEMO_CONNECTIONS = [
    {
        "service": "shopify",
        "externalid": "harbor-books.myshopify.com",
        "name": "Harbor Books",
        "logoUrl": "https://harbor-books.example.com/logo.png",
        "linkUrl": "https://harbor-books.example.com/admin",
        "listId": "1",
    },
    {
        "service": "woocommerce",
        "externalid": "tidewater-audio",
        "name": "Tidewater Audio & Vinyl",
        "logoUrl": "https://tidewater-audio.example.com/logo.png",
        "linkUrl": "https://tidewater-audio.example.com/wp-admin",
        "listId": "2",
    },
]

# Customer ids follow list order, starting at 1. The edge cases by id:
#   1, 2: one email on both connections
#   3: guest with externalid "0"
#   4: no connection (connectionid "0")
#   5: plus sign in the email
#   6: non-ASCII email
#   7: no orders
#   8: long email and externalid
#   9: non-numeric externalid
#   10: mixed-case email
#   11: only an abandoned cart
# Customer 4 has the documented examples' email on connection 0 only, so the
# documented create request (connection 1) succeeds against this data.
_DEMO_CUSTOMERS = [
    ("1", "1001", "morgan.lee@example.com", "1"),
    ("2", "A-77", "morgan.lee@example.com", "0"),
    ("1", "0", "guest.buyer@example.org", "0"),
    ("0", "0", "alice@example.com", "0"),
    ("1", "1002", "bob+newsletter@example.com", "1"),
    ("2", "C-3", "zoë@例え.jp", "1"),
    ("1", "1003", "carol@example.com", "0"),
    (
        "2",
        "CUST-000000000000000000000000000042",
        "maximilian.alexander.von-hohenberg-schwarzenfeld@mail.example.co.uk",
        "1",
    ),
    ("2", "guest", "dave@example.com", "0"),
    ("1", "1004", "Erin.Walsh@Example.COM", "1"),
    ("1", "1005", "frank@example.com", "0"),
    ("2", "C-12", "grace@example.com", "1"),
]

# (customer id, externalid, date, [(name, category, price, quantity)],
#  shipping, discount). Prices are in cents.
_DEMO_ORDERS: list[tuple[int, str, str, list[tuple[str, str, int, int]], int, int]] = [
    (
        1,
        "5001",
        "2024-01-15T10:02:11-06:00",
        [
            ("The Sea Around Us", "Books", 1899, 1),
            ("Dot-grid notebook", "Stationery", 650, 2),
        ],
        500,
        0,
    ),
    (
        1,
        "5002",
        "2024-03-02T16:45:00-06:00",
        [
            ("Moby-Dick", "Books", 1299, 1),
            ("Two Years Before the Mast", "Books", 1450, 1),
        ],
        0,
        200,
    ),
    (
        2,
        "T-100",
        "2024-02-10T09:30:00-06:00",
        [("Turntable belt", "Accessories", 1200, 1)],
        350,
        0,
    ),
    (
        3,
        "5003",
        "2024-04-21T13:00:00-05:00",
        [("Lighthouse bookmark", "Gifts", 499, 3)],
        300,
        0,
    ),
    (
        5,
        "5004",
        "2024-05-05T08:15:42-05:00",
        [("Tide tables 2024", "Books", 999, 1)],
        0,
        0,
    ),
    (
        6,
        "T-101",
        "2024-06-30T19:20:00-05:00",
        [
            ("Kind of Blue (LP)", "Music", 2999, 1),
            ("Blue Train (LP)", "Music", 2799, 1),
        ],
        600,
        0,
    ),
    (
        8,
        "T-102",
        "2024-07-04T11:11:11-05:00",
        [
            ("Phono preamp", "Electronics", 14900, 1),
            ("Record brush", "Accessories", 1500, 2),
        ],
        0,
        1000,
    ),
    (
        9,
        "T-103",
        "2024-08-18T15:00:00-05:00",
        [("Headphone stand", "Accessories", 2500, 1)],
        400,
        0,
    ),
    (
        10,
        "5005",
        "2024-09-09T09:09:09-05:00",
        [("Field guide to shorebirds", "Books", 2450, 1)],
        500,
        0,
    ),
    (
        12,
        "T-104",
        "2024-10-01T20:00:00-05:00",
        [
            ("A Love Supreme (LP)", "Music", 3199, 1),
            ("Inner sleeves, 50 pack", "Accessories", 1299, 1),
        ],
        0,
        0,
    ),
    (
        12,
        "T-105",
        "2024-11-12T12:30:00-06:00",
        [("Giant Steps (LP)", "Music", 2899, 2)],
        800,
        500,
    ),
]


@register_dataset("demo")
def load_demo(store: Store) -> None:
    """Add the demo connections, customers and orders."""
    connections = Connections(store)
    customers = Customers(store)
    orders = Orders(store)

    with store.transaction():
        for fields in _DEMO_CONNECTIONS:
            connections.create(fields)
        for connectionid, externalid, email, accepts in _DEMO_CUSTOMERS:
            customers.create(
                {
                    "connectionid": connectionid,
                    "externalid": externalid,
                    "email": email,
                    "acceptsMarketing": accepts,
                }
            )
        for order in _DEMO_ORDERS:
            orders.create(_demo_order(customers, *order))
        orders.create(_demo_abandoned_cart(customers))


def _demo_order(
    customers: Customers,
    customer_id: int,
    externalid: str,
    date: str,
    products: list[tuple[str, str, int, int]],
    shipping: int,
    discount: int,
) -> dict[str, Any]:
    customer = customers.get(customer_id)
    store_url = _DEMO_CONNECTIONS[customer["connectionid"] - 1]["linkUrl"]
    subtotal = sum(price * quantity for _, _, price, quantity in products)
    order: dict[str, Any] = {
        "externalid": externalid,
        "source": "1",
        "email": customer["email"],
        "orderProducts": [
            _demo_product(store_url, f"{externalid}-{index + 1}", *product)
            for index, product in enumerate(products)
        ],
        "totalPrice": subtotal + shipping - discount,
        "shippingAmount": shipping,
        "discountAmount": discount,
        "currency": "USD",
        "connectionid": customer["connectionid"],
        "customerid": customer_id,
        "orderUrl": f"{store_url}/orders/{externalid}",
        "externalCreatedDate": date,
        "externalUpdatedDate": date,
        "shippingMethod": "Ground" if shipping else "Pickup",
        "orderNumber": f"#{externalid}",
    }
    if discount:
        order["orderDiscounts"] = [
            {"name": "WELCOME", "type": "order", "discountAmount": discount}
        ]
    return order


def _demo_product(
    store_url: str, sku: str, name: str, category: str, price: int, quantity: int
) -> dict[str, Any]:
    return {
        "externalid": f"PROD-{sku}",
        "name": name,
        "price": price,
        "quantity": quantity,
        "category": category,
        "sku": sku,
        "description": f"{name} ({category.lower()})",
        "imageUrl": f"{store_url}/images/{sku}.jpg",
        "productUrl": f"{store_url}/products/{sku}",
    }


def _demo_abandoned_cart(customers: Customers) -> dict[str, Any]:
    customer = customers.get(11)
    return {
        "externalcheckoutid": "cart-9001",
        "source": "1",
        "email": customer["email"],
        "orderProducts": [
            _demo_product(
                _DEMO_CONNECTIONS[0]["linkUrl"],
                "cart-9001-1",
                "Atlas of remote islands",
                "Books",
                3500,
                1,
            )
        ],
        "totalPrice": 3500,
        "currency": "USD",
        "connectionid": customer["connectionid"],
        "customerid": 11,
        "abandonedDate": "2024-12-01T18:00:00-06:00",
    }
