"""The ``cdnow`` dataset: real purchases of the CDNOW online music store.

``data/cdnow_master.txt.gz`` contains 69,659 purchases made by 23,570 customers
from January 1997 to June 1998 (source and licence in
``data/CDNOW_LICENSE.txt``). The loader turns them into one connection for
the store, one customer per CDNOW customer and one order per purchase, with
bulk inserts and one aggregate pass at the end instead of 69,659 validated
creates.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from ._schema import (
    CONNECTION_SCHEMA,
    CUSTOMER_SCHEMA,
    ORDER_PRODUCT_SCHEMA,
    ORDER_SCHEMA,
)
from ._store import Row, Store
from ._timestamps import SERVER_ZONE, format_timestamp, now_text

__all__ = [
    "CDNOW_CONNECTION_ID",
    "CDNOW_DATA_FILE",
    "Purchase",
    "cdnow_email",
    "load_cdnow",
    "read_purchases",
]

logger = logging.getLogger(__name__)

#: Package-relative path of the compressed purchase file.
CDNOW_DATA_FILE = "data/cdnow_master.txt.gz"

#: Id of the one connection (the store) in the ``cdnow`` dataset.
CDNOW_CONNECTION_ID = 1

_ORDER_STATE_COMPLETED = 1
_SOURCE_HISTORICAL = 0
_CATEGORY = "Music"

_CONNECTION = {
    "service": "cdnow",
    "externalid": "cdnow.example.com",
    "name": "CDNOW (purchases 1997-1998)",
    "logoUrl": "https://cdnow.example.com/logo.png",
    "linkUrl": "https://cdnow.example.com/",
    "listId": 0,
    "status": "1",
    "syncStatus": "0",
    "isInternal": "0",
    "lastSync": None,
}


@dataclass(frozen=True)
class Purchase:
    """One line of the CDNOW file.

    Attributes:
        customer: CDNOW customer number, 1 to 23570.
        date: Purchase date.
        cds: Number of CDs bought.
        cents: Amount paid, in US cents.
    """

    customer: int
    date: dt.date
    cds: int
    cents: int


def read_purchases() -> Iterator[Purchase]:
    """Yield the purchases in file order (by customer, then by date).

    Raises:
        ValueError: A line does not have the four expected columns; the
            message gives its line number.
    """
    data = resources.files("ac_notebook.sandbox").joinpath(CDNOW_DATA_FILE)
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as text:
        next(text)  # The header line names the columns.
        for number, line in enumerate(text, start=2):
            if line.strip():
                yield _parse_line(line, number)


def _parse_line(line: str, number: int) -> Purchase:
    fields = line.split()
    try:
        customer, date, cds, dollars = fields
        return Purchase(
            customer=int(customer),
            date=_date(date),
            cds=int(cds),
            cents=_cents(dollars),
        )
    except ValueError as exc:
        raise ValueError(
            f"{CDNOW_DATA_FILE} line {number} is not "
            f"'customer date cds dollars': {line.strip()!r} ({exc})"
        ) from None


@functools.lru_cache(maxsize=1024)
def _date(text: str) -> dt.date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError(f"invalid date {text!r}, expected YYYYMMDD")
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _cents(dollars: str) -> int:
    whole, point, fraction = dollars.partition(".")
    if not whole.isdigit() or len(fraction) > 2 or (point and not fraction.isdigit()):
        raise ValueError(f"invalid dollar amount {dollars!r}, expected 12.34")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def cdnow_email(customer: int) -> str:
    """Return the generated email address of a CDNOW customer number."""
    return f"cdnow-{customer:05d}@example.com"


def load_cdnow(store: Store) -> None:
    """Fill an empty store with the CDNOW connection, customers and orders.

    Customer ids equal the CDNOW customer numbers and order ids follow the
    file's order. When another process filled the same file store between
    the emptiness check and this transaction, nothing is added.
    """
    purchases = list(read_purchases())
    stamp = now_text()

    with store.transaction():
        if not store.is_empty():
            logger.info("Store %s already has data; cdnow not loaded", store.path)
            return

        store.insert_many(CONNECTION_SCHEMA.name, [_connection_row(stamp)])
        store.insert_many(CUSTOMER_SCHEMA.name, _customer_rows(purchases, stamp))
        store.insert_many(ORDER_SCHEMA.name, _order_rows(purchases, stamp))
        store.insert_many(ORDER_PRODUCT_SCHEMA.name, _product_rows(purchases, stamp))
        store.recompute_customers(tstamp=stamp)

    logger.info("Loaded cdnow: %d purchases into %s", len(purchases), store.path)


def _connection_row(stamp: str) -> Row:
    return {"id": CDNOW_CONNECTION_ID, **_CONNECTION, "cdate": stamp, "udate": stamp}


def _customer_rows(purchases: list[Purchase], stamp: str) -> Iterator[Row]:
    customers = sorted({purchase.customer for purchase in purchases})
    for customer in customers:
        email = cdnow_email(customer)
        yield {
            "id": customer,
            "connectionid": CDNOW_CONNECTION_ID,
            "externalid": str(customer),
            "email": email,
            "email_lower": email,
            "acceptsMarketing": "0",
            "totalRevenue": 0,
            "totalOrders": 0,
            "totalProducts": 0,
            "avgRevenuePerOrder": 0,
            "avgProductCategory": "",
            "tstamp": stamp,
        }


def _order_rows(purchases: list[Purchase], stamp: str) -> Iterator[Row]:
    counts: dict[int, int] = {}
    for order_id, purchase in enumerate(purchases, start=1):
        counts[purchase.customer] = counts.get(purchase.customer, 0) + 1
        email = cdnow_email(purchase.customer)
        date = _date_text(purchase.date)
        yield {
            "id": order_id,
            # "3-5" is the fifth purchase of customer 3.
            "externalid": f"{purchase.customer}-{counts[purchase.customer]}",
            "externalcheckoutid": None,
            "source": _SOURCE_HISTORICAL,
            "email": email,
            "email_lower": email,
            "totalPrice": purchase.cents,
            "shippingAmount": 0,
            "taxAmount": 0,
            "discountAmount": 0,
            "currency": "USD",
            "connectionid": CDNOW_CONNECTION_ID,
            "customerid": purchase.customer,
            "orderUrl": None,
            "externalCreatedDate": date,
            "externalUpdatedDate": date,
            "abandonedDate": None,
            "shippingMethod": None,
            "orderNumber": None,
            "totalProducts": purchase.cds,
            "state": _ORDER_STATE_COMPLETED,
            "orderDate": date,
            "createdDate": stamp,
            "updatedDate": stamp,
            "tstamp": stamp,
        }


def _product_rows(purchases: list[Purchase], stamp: str) -> Iterator[Row]:
    # The data records only how many CDs a purchase had and what it cost, so
    # each order gets one product line whose price is the average per CD,
    # rounded to whole cents. The order's totalPrice keeps the exact amount.
    for order_id, purchase in enumerate(purchases, start=1):
        yield {
            "orderid": order_id,
            "connectionid": CDNOW_CONNECTION_ID,
            "externalid": "CD",
            "sku": "CD",
            "name": "CD",
            "description": f"{purchase.cds} CD(s) from CDNOW",
            "price": _average_price(purchase),
            "quantity": purchase.cds,
            "category": _CATEGORY,
            "imageUrl": None,
            "productUrl": None,
            "createdDate": stamp,
            "updatedDate": stamp,
            "tstamp": stamp,
        }


def _average_price(purchase: Purchase) -> int:
    if purchase.cds <= 0:
        return purchase.cents
    # Integer arithmetic that rounds halves up.
    return (2 * purchase.cents + purchase.cds) // (2 * purchase.cds)


@functools.lru_cache(maxsize=1024)
def _date_text(date: dt.date) -> str:
    midnight = dt.datetime(date.year, date.month, date.day, tzinfo=SERVER_ZONE)
    return format_timestamp(midnight)
