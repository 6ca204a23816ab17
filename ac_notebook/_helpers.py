"""Helper objects: small typed builders for write payloads.

>>> c = EcomCustomer(email="a@example.com", connectionid=1, externalid="C-1")
>>> c.acceptsMarketing = True
>>> c.to_dict()["acceptsMarketing"]
True
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._exceptions import FieldError, ValidationError
from ._properties import CONNECTIONS, CUSTOMERS, ORDERS, PropertyTable

__all__ = ["Connection", "EcomCustomer", "EcomOrder", "HelperObject"]


class HelperObject:
    """Base of the helper objects; each subclass names its property table.

    Only the table's properties can be set; any other name raises
    ``ValidationError`` with the closest property name as a suggestion.
    Unset properties read as ``None``. Values are checked when the object
    is sent, so a helper can be filled in any order.
    """

    table: ClassVar[PropertyTable]
    __slots__ = ("_values",)
    _values: dict[str, Any]

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "_values", {})
        for name, value in values.items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        self._check_name(name)
        self._values[name] = value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        self._check_name(name)
        return self._values.get(name)

    def __delattr__(self, name: str) -> None:
        self._check_name(name)
        self._values.pop(name, None)

    def _check_name(self, name: str) -> None:
        if name in self.table:
            return
        hint = self.table.suggest(name)
        suggestion = f"; did you mean {hint!r}?" if hint else ""
        message = f"{self.table.label} has no property {name!r}{suggestion}"
        raise ValidationError(message, [FieldError(name, "unknown_property", message)])

    # copy and pickle restore the values through __setstate__, because
    # __setattr__ accepts only property names.

    def __getstate__(self) -> dict[str, Any]:
        return dict(self._values)

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "_values", dict(state))

    def _ac_values(self) -> dict[str, Any]:
        return dict(self._values)

    def to_dict(self) -> dict[str, Any]:
        """Return the properties that were set, in table order."""
        return {
            name: self._values[name]
            for name in self.table.names
            if name in self._values
        }

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values == other._values

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items())
        return f"{type(self).__name__}({fields})"


class EcomCustomer(HelperObject):
    """An e-commerce customer to create or update (``ecomCustomers``)."""

    table = CUSTOMERS
    __slots__ = ()


class Connection(HelperObject):
    """A connection (store) to create or update (``connections``)."""

    table = CONNECTIONS
    __slots__ = ()


class EcomOrder(HelperObject):
    """An order or abandoned cart to create or update (``ecomOrders``)."""

    table = ORDERS
    __slots__ = ()
