"""Conversion between wire values and Python values, one pair per property type.

The API sends ids, counts and money as JSON strings (``"15"``), flags as
``"0"``/``"1"`` and times as ISO 8601 with an offset. ``decode`` turns those
into ``int``, ``bool`` and ``datetime`` for records; ``encode`` turns what a
user passes (ints, bools, datetimes, strings) into the wire form, raising
``InvalidValue`` with a message that states the expected form.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Callable
from typing import Any

from ._properties import Property, PropertyType

__all__ = ["InvalidValue", "decode", "encode", "is_missing", "valid_email"]


class InvalidValue(ValueError):
    """A value that cannot be sent as its property's wire type."""


# A practical check, not RFC 5322: one "@", no spaces or control characters,
# a non-empty local part, and a dotted domain whose labels do not start or
# end with a dot. Plus signs and non-ASCII letters are valid (RFC 6531).
_EMAIL_CHAR = r"[^@\s\x00-\x1f\x7f"
_EMAIL = re.compile(rf"^{_EMAIL_CHAR}]{{1,64}}@{_EMAIL_CHAR}.]+(\.{_EMAIL_CHAR}.]+)+$")
_DIGITS = re.compile(r"^[0-9]+$")
_TRUE = {"1", "true", "yes", "y", "t", "on"}
_FALSE = {"0", "false", "no", "n", "f", "off", ""}


def is_missing(value: Any) -> bool:
    """Tell whether ``value`` means "no value": None, NaN, NaT or pandas NA."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in {"NAType", "NaTType"}


def valid_email(value: str) -> bool:
    """Tell whether ``value`` looks like a deliverable email address."""
    return len(value) <= 254 and _EMAIL.match(value) is not None


def _encode_whole(value: Any, prop: Property, unit: str) -> str:
    if isinstance(value, bool):
        raise InvalidValue(f"{prop.name} must be a whole number{unit}, got {value!r}")
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real) and float(value).is_integer():
        number = int(float(value))
    elif isinstance(value, str) and _DIGITS.match(value.strip()):
        if len(value.strip()) > _MAX_DIGITS:
            raise _too_large(prop, len(value.strip()))
        number = int(value.strip())
    else:
        hint = " (amounts are in cents: $12.34 is 1234)" if unit else ""
        raise InvalidValue(
            f"{prop.name} must be a whole number{unit}, got {value!r}{hint}"
        )
    if number < 0:
        raise InvalidValue(f"{prop.name} must not be negative, got {number}")
    if number >= 10**_MAX_DIGITS:
        raise _too_large(prop, len(str(number)) if number < 10**4000 else None)
    return str(number)


#: Most digits a whole number may have; ids and cents fit in far fewer.
_MAX_DIGITS = 30


def _too_large(prop: Property, digits: int | None) -> InvalidValue:
    count = f"{digits} digits" if digits is not None else "over 4000 digits"
    return InvalidValue(
        f"{prop.name} is too large ({count}); a whole number here has at most "
        f"{_MAX_DIGITS} digits"
    )


def _encode_numeric(value: Any, prop: Property) -> str:
    return _encode_whole(value, prop, "")


def _encode_cents(value: Any, prop: Property) -> str:
    return _encode_whole(value, prop, " of cents")


def _encode_flag(value: Any, prop: Property) -> str:
    if _numpy_bool(value):
        value = bool(value)
    if isinstance(value, bool | numbers.Integral) and int(value) in (0, 1):
        return str(int(value))
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return "1" if value.strip().lower() in _TRUE else "0"
    raise InvalidValue(f'{prop.name} must be True/False or "1"/"0", got {value!r}')


def _numpy_bool(value: Any) -> bool:
    # A boolean cell of a DataFrame row is numpy.bool_ (named "bool" since
    # numpy 2), which is neither a Python bool nor numbers.Integral.
    kind = type(value)
    return kind.__module__ == "numpy" and kind.__name__ in ("bool", "bool_")


def _encode_string(value: Any, prop: Property) -> str:
    if isinstance(value, bool) or not isinstance(value, str | numbers.Integral):
        raise InvalidValue(f"{prop.name} must be text, got {type(value).__name__}")
    return str(value)


def _encode_email(value: Any, prop: Property) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"{prop.name} must be text, got {type(value).__name__}")
    email = value.strip()
    if not valid_email(email):
        raise InvalidValue(
            f"{prop.name} {value!r} is not a valid email address "
            "(expected name@domain.tld)"
        )
    return email


def _encode_url(value: Any, prop: Property) -> str:
    text = _encode_string(value, prop).strip()
    if text and not re.match(r"^https?://[^\s]+$", text, re.IGNORECASE):
        raise InvalidValue(
            f"{prop.name} must be an http:// or https:// URL, got {value!r}"
        )
    return text


def _encode_timestamp(value: Any, prop: Property) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        _parse_timestamp(value, prop)
        return value.strip()
    raise InvalidValue(
        f"{prop.name} must be a datetime or an ISO 8601 string, got {value!r}"
    )


def _parse_timestamp(value: str, prop: Property) -> dt.datetime:
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue(
            f"{prop.name} must be an ISO 8601 time such as "
            f"2019-01-01T10:23:22-06:00, got {value!r}"
        ) from None


def _encode_objects(value: Any, prop: Property) -> list[dict[str, Any]]:
    if isinstance(value, dict) or not isinstance(value, list | tuple):
        raise InvalidValue(f"{prop.name} must be a list of objects, got {value!r}")
    items = prop.items
    encoded = []
    for position, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidValue(f"{prop.name}[{position}] must be an object")
        encoded.append(_encode_item(item, items, f"{prop.name}[{position}]"))
    return encoded


def _encode_item(item: dict[str, Any], items: Any, where: str) -> dict[str, Any]:
    """Encode one line item; missing values are left out, as at the top level."""
    result: dict[str, Any] = {}
    for name, raw in item.items():
        if is_missing(raw):
            continue
        if items is None or name not in items:
            result[name] = _plain_json(raw, f"{where}.{name}", 0)
            continue
        try:
            result[name] = encode(items[name], raw)
        except InvalidValue as exc:
            raise InvalidValue(f"{where}.{exc}") from None
    if items is not None:
        missing = [name for name in items.required if is_missing(item.get(name))]
        if missing:
            raise InvalidValue(f"{where} is missing {', '.join(missing)}")
    return result


#: Maximum nesting of lists and objects inside a line item's extra field.
MAX_NESTING = 20


def _plain_json(value: Any, where: str, depth: int) -> Any:
    """Return ``value`` as plain JSON data (numpy scalars become Python numbers).

    Raises:
        InvalidValue: The value is not text, a finite number, a bool, None, or
            a list or object of them nested at most ``MAX_NESTING`` deep.
    """
    if depth > MAX_NESTING:
        raise InvalidValue(
            f"{where} is nested more than {MAX_NESTING} levels deep; flatten it"
        )
    if value is None or isinstance(value, str | bool):
        return value
    if _numpy_bool(value):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _finite(float(value), where)
    if isinstance(value, list | tuple):
        return [
            _plain_json(entry, f"{where}[{i}]", depth + 1)
            for i, entry in enumerate(value)
        ]
    if isinstance(value, dict):
        return _plain_object(value, where, depth)
    raise InvalidValue(
        f"{where} must be text, a number, True/False, None, or a list or object "
        f"of them, got {type(value).__name__}; convert it first (for a datetime, "
        "use .isoformat())"
    )


def _finite(number: float, where: str) -> float | None:
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise InvalidValue(f"{where} must be a finite number, got {number!r}")
    return number


def _plain_object(value: dict[Any, Any], where: str, depth: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, entry in value.items():
        if not isinstance(key, str):
            raise InvalidValue(
                f"{where} must have text keys, got the key {key!r}; convert the "
                "keys with str()"
            )
        result[key] = _plain_json(entry, f"{where}.{key}", depth + 1)
    return result


_ENCODERS: dict[PropertyType, Callable[[Any, Property], Any]] = {
    PropertyType.STRING: _encode_string,
    PropertyType.NUMERIC: _encode_numeric,
    PropertyType.EMAIL: _encode_email,
    PropertyType.TIMESTAMP: _encode_timestamp,
    PropertyType.CENTS: _encode_cents,
    PropertyType.FLAG: _encode_flag,
    PropertyType.URL: _encode_url,
    PropertyType.OBJECTS: _encode_objects,
}


def encode(prop: Property, value: Any) -> Any:
    """Convert a user's value to the wire form of ``prop``.

    Raises:
        InvalidValue: The value cannot be sent as that type; the message
            names the property and the value.
    """
    return _ENCODERS[prop.type](value, prop)


def decode_whole(value: Any) -> Any:
    """Return ``value`` as an int when it is a whole number, else unchanged."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _DIGITS.match(value.strip()):
        return int(value)
    if isinstance(value, str) and re.match(r"^-[0-9]+$", value.strip()):
        return int(value)
    return value


def _decode_flag(value: Any) -> Any:
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return value


def _decode_timestamp(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("0000-00-00"):
        return None
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return value


def _decode_text(value: Any) -> Any:
    return value


_DECODERS: dict[PropertyType, Callable[[Any], Any]] = {
    PropertyType.STRING: _decode_text,
    PropertyType.NUMERIC: decode_whole,
    PropertyType.EMAIL: _decode_text,
    PropertyType.TIMESTAMP: _decode_timestamp,
    PropertyType.CENTS: decode_whole,
    PropertyType.FLAG: _decode_flag,
    PropertyType.URL: _decode_text,
    PropertyType.OBJECTS: _decode_text,
}


def decode(prop: Property, value: Any) -> Any:
    """Convert a wire value of ``prop`` to its Python value.

    Values that do not parse are returned unchanged, so an odd response
    never hides data. ``None`` and ``""`` for a number or time become ``None``.
    """
    if value is None:
        return None
    if value == "" and prop.type not in (
        PropertyType.STRING,
        PropertyType.EMAIL,
        PropertyType.URL,
    ):
        return None
    return _DECODERS[prop.type](value)
