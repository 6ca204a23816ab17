"""Sort order of list calls: ``order_by`` to ``orders[field]=ASC|DESC``.

The API applies several ``orders[...]`` parameters in the order they are
sent, and documents them only for some fields of some resources (for
ecomOrders: connectionid, externalid, externalcheckoutid, email, state,
customerid, external_created_date). Each property table lists its sortable
fields in ``orderings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

from ._exceptions import FieldError, ValidationError
from ._properties import PropertyTable

__all__ = ["OrderBy", "sort_params"]

#: A field name ("email" sorts ascending, "-email" descending), a list of
#: such names applied in order, or a mapping of names to "ASC" or "DESC".
OrderBy: TypeAlias = str | Sequence[str] | Mapping[str, str] | None

_DIRECTIONS = ("ASC", "DESC")


def sort_params(table: PropertyTable, order_by: OrderBy) -> dict[str, str]:
    """Return the ``orders[name]`` query parameters for ``order_by``, in order.

    Raises:
        ValidationError: A name is not sortable for this resource, or a
            direction is not ASC or DESC. Nothing has been sent.

    >>> from ac_notebook._properties import ORDERS
    >>> sort_params(ORDERS, ["-external_created_date", "email"])
    {'orders[external_created_date]': 'DESC', 'orders[email]': 'ASC'}
    """
    if order_by is None:
        return {}
    _check_shape(order_by)
    pairs = _pairs(order_by)
    errors = [error for name, way in pairs for error in _check(table, name, way)]
    if errors:
        raise ValidationError(
            "invalid order_by (nothing was sent): "
            + "; ".join(error.message for error in errors),
            errors,
        )
    return {f"orders[{name}]": way.upper() for name, way in pairs}


def _check_shape(order_by: object) -> None:
    if isinstance(order_by, str | Mapping):
        return
    if isinstance(order_by, Sequence) and all(isinstance(n, str) for n in order_by):
        return
    raise ValidationError(
        f"invalid order_by (nothing was sent): expected a field name such as "
        f"'email' or '-email', a list of them, or a dict of names to 'ASC' or "
        f"'DESC', got {order_by!r}"
    )


def _pairs(order_by: str | Sequence[str] | Mapping[str, str]) -> list[tuple[str, str]]:
    if isinstance(order_by, Mapping):
        return [(str(name), str(way)) for name, way in order_by.items()]
    names = [order_by] if isinstance(order_by, str) else list(order_by)
    pairs = []
    for name in names:
        text = str(name)
        if text.startswith("-"):
            pairs.append((text[1:], "DESC"))
        else:
            pairs.append((text, "ASC"))
    return pairs


def _check(table: PropertyTable, name: str, way: str) -> list[FieldError]:
    errors = []
    if name not in table.orderings:
        known = ", ".join(table.orderings)
        reason = (
            f"the API's sortable fields are: {known}"
            if known
            else "the API documents no sorting for this resource"
        )
        errors.append(
            FieldError(
                name,
                "unknown_ordering",
                f"{table.path} cannot be sorted by {name!r}; {reason}",
            )
        )
    if way.upper() not in _DIRECTIONS:
        errors.append(
            FieldError(
                name,
                "field_invalid",
                f"sort direction of {name!r} must be 'ASC' or 'DESC', got {way!r}",
            )
        )
    return errors
