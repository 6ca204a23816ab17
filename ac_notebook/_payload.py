"""Turn what a user passes to a write into a validated wire payload.

Writes accept a helper object, a dict, a fetched ``Record``, a pandas row
(``Series``), a dataclass, any object with attributes, or keyword
arguments. Everything is checked against the property table before any
request is sent, and every problem is reported at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

from ._exceptions import FieldError, ValidationError
from ._properties import PropertyTable, PropertyType
from ._records import Record
from ._types import InvalidValue, encode, is_missing

__all__ = ["Values", "build_payload", "collect_values"]

Mode = Literal["create", "update"]

#: Keys a fetched record carries that are not properties and never sent.
_CARRIED_KEYS = frozenset({"links"})


@dataclasses.dataclass
class Values:
    """The fields a user passed, and whether read-only ones came along with
    fetched data (a ``Record`` or a DataFrame row) rather than being set."""

    fields: dict[str, Any]
    carried: bool = False


def collect_values(data: Any = None, **fields: Any) -> Values:
    """Gather the fields of any accepted input kind into one mapping.

    Keyword arguments override the same names in ``data``.

    Raises:
        TypeError: ``data`` is of a kind that has no fields.
    """
    values = _as_values(data)
    values.fields.update(fields)
    return values


def _as_values(data: Any) -> Values:
    if data is None:
        return Values({})
    if isinstance(data, Record):
        return Values(data.to_dict(), carried=True)
    to_values = getattr(data, "_ac_values", None)
    if callable(to_values):
        return Values(dict(to_values()))
    if isinstance(data, Mapping):
        return Values(dict(data))
    if _is_series(data):
        return Values(_series_fields(data), carried=True)
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return Values(dataclasses.asdict(data))
    if hasattr(data, "_asdict"):
        return Values(dict(data._asdict()))
    if hasattr(data, "__dict__") and not isinstance(data, type):
        return Values({k: v for k, v in vars(data).items() if not k.startswith("_")})
    raise TypeError(
        f"cannot read fields from a {type(data).__name__}; pass a dict, a helper "
        "object such as EcomCustomer, a pandas row, a dataclass or keyword arguments"
    )


def _is_series(data: Any) -> bool:
    cls = type(data)
    return cls.__name__ == "Series" and cls.__module__.startswith("pandas")


def _series_fields(row: Any) -> dict[str, Any]:
    fields = {str(name): value for name, value in row.items()}
    if row.name is not None and "id" not in fields and not is_missing(row.name):
        fields["id"] = row.name
    return fields


def build_payload(table: PropertyTable, values: Values, mode: Mode) -> dict[str, Any]:
    """Validate ``values`` for a ``mode`` write and return the wire payload.

    Missing values (``None``, NaN, pandas NA) count as not given. Read-only
    properties set by the caller are errors; read-only values carried by a
    fetched record or a DataFrame row are left out.

    Raises:
        ValidationError: One ``FieldError`` per problem: an unknown or
            read-only name, a value of the wrong type, or (for create) a
            missing required property.
    """
    payload: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, value in values.fields.items():
        error = _add_field(table, payload, name, value, values.carried)
        if error is not None:
            errors.append(error)
    if mode == "create":
        # A field that already has an error gets no second "required" error.
        missing = _missing_required(table, payload)
        errors.extend([error for error in missing if not _has(errors, error)])
    if errors:
        raise _invalid(table, mode, errors)
    if not payload:
        raise ValidationError(
            f"nothing to {mode}: no writable {table.label} properties were given; "
            f"writable ones are {', '.join(table.writable)}"
        )
    return payload


def _add_field(
    table: PropertyTable,
    payload: dict[str, Any],
    name: str,
    value: Any,
    carried: bool,
) -> FieldError | None:
    if name not in table:
        if carried:
            return None
        return _unknown(table, name)
    prop = table[name]
    if prop.read_only:
        if carried or is_missing(value):
            return None
        return FieldError(
            name,
            "read_only",
            f"{name} is read-only and cannot be set; the server computes it. "
            "Remove it from the data",
        )
    if carried and prop.type is PropertyType.OBJECTS and _id_list(value):
        # A fetched order lists its products and discounts by id only, and
        # ids cannot be sent back as products.
        return None
    if _blank(value):
        return None
    try:
        payload[name] = encode(prop, value)
    except InvalidValue as exc:
        return FieldError(name, "field_invalid", str(exc))
    return None


def _id_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and not any(
        isinstance(item, Mapping) for item in value
    )


def _blank(value: Any) -> bool:
    if isinstance(value, list | tuple | dict):
        return False
    return is_missing(value)


def _unknown(table: PropertyTable, name: str) -> FieldError | None:
    if name in _CARRIED_KEYS:
        return None
    hint = table.suggest(name)
    suggestion = f"; did you mean {hint!r}?" if hint else ""
    return FieldError(
        name,
        "unknown_property",
        f"{table.label} has no property {name!r}{suggestion}",
    )


def _missing_required(
    table: PropertyTable, payload: dict[str, Any]
) -> list[FieldError]:
    errors = [
        FieldError(
            name,
            "field_missing",
            f"{name} is required to create {_article(table.label)}",
        )
        for name in table.required
        if not _given(payload, name)
    ]
    for rule in table.requirements:
        applies = all(_given(payload, name) for name in rule.when) and not any(
            _given(payload, name) for name in rule.unless
        )
        if applies and not _given(payload, rule.name):
            errors.append(FieldError(rule.name, "field_missing", rule.message))
    return errors


def _has(errors: list[FieldError], error: FieldError) -> bool:
    return any(known.field == error.field for known in errors)


def _given(payload: dict[str, Any], name: str) -> bool:
    return name in payload and payload[name] != ""


def _invalid(
    table: PropertyTable, mode: Mode, errors: list[FieldError]
) -> ValidationError:
    summary = "; ".join(str(error) for error in errors)
    return ValidationError(
        f"invalid {table.label} for {mode} (nothing was sent): {summary}", errors
    )


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"
