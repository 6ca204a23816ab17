"""API errors and the checks that turn client values into stored values.

Error bodies follow the API: 404 and other plain errors carry ``message``,
422 carries ``errors``, a list of objects with ``title``, ``detail``,
``code`` and ``source.pointer`` (``/data/attributes/<field>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ac_notebook._properties import PropertyTable, PropertyType

from ._timestamps import format_timestamp, parse_timestamp

__all__ = [
    "ApiError",
    "FieldErrors",
    "InvalidValue",
    "clean_fields",
    "convert_value",
    "is_blank",
    "is_valid_email",
    "not_found",
    "parse_decimal",
    "reject_blank_required",
    "require_fields",
    "unwrap_body",
]


#: Largest integer SQLite stores (signed 64 bits).
_MAX_INTEGER = 2**63 - 1

#: Number of digits in ``_MAX_INTEGER``. Longer numbers are out of range.
_MAX_DIGITS = len(str(_MAX_INTEGER))


class ApiError(Exception):
    """An error response: HTTP status and JSON body.

    Args:
        status: HTTP status code.
        payload: JSON-serialisable response body.
    """

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__(status, payload)
        self.status = status
        self.payload = payload


class InvalidValue(ValueError):
    """A client value that has the wrong type or range for its property."""


def not_found(model: str, id_text: str) -> ApiError:
    """Return the API's 404 error for a missing record."""
    return ApiError(404, {"message": f"No Result found for {model} with id {id_text}"})


class FieldErrors:
    """Field errors collected while checking one request body.

    Args:
        noun: Resource name used in titles, such as ``"customer"``.
    """

    def __init__(self, noun: str) -> None:
        self.noun = noun
        #: The errors found so far, in the API's form.
        self.errors: list[dict[str, Any]] = []

    def __bool__(self) -> bool:
        return bool(self.errors)

    def add(self, code: str, pointer: str, title: str) -> None:
        """Add one error; ``pointer`` is the field path below the attributes."""
        self.errors.append(
            {
                "title": title,
                "detail": "",
                "code": code,
                "source": {"pointer": f"/data/attributes/{pointer}"},
            }
        )

    def has(self, pointer: str) -> bool:
        """Return True when an error already points at ``pointer``."""
        full = f"/data/attributes/{pointer}"
        return any(error["source"]["pointer"] == full for error in self.errors)

    def missing(self, pointer: str) -> None:
        """Add a ``field_missing`` error for a required field."""
        title = f"The {self.noun} {_field_label(pointer)} was not provided."
        self.add("field_missing", pointer, title)

    def invalid(self, pointer: str, reason: str) -> None:
        """Add a ``field_invalid`` error with the reason the value was rejected."""
        title = f"The {self.noun} {_field_label(pointer)} is invalid: {reason}."
        self.add("field_invalid", pointer, title)

    def raise_if_any(self) -> None:
        """Raise a 422 ``ApiError`` carrying the errors, if there are any."""
        if self.errors:
            raise ApiError(422, {"errors": list(self.errors)})


def unwrap_body(body: Any, singular: str) -> Mapping[str, Any]:
    """Return the fields inside the ``{singular: {...}}`` wrapper of a body.

    Raises:
        ApiError: 422 when the body lacks the wrapper key or its value is not
            a JSON object.
    """
    if not isinstance(body, Mapping) or singular not in body:
        title = (
            f'The request body must be a JSON object with the fields inside a "'
            f'{singular}" key, such as {{"{singular}": {{...}}}}.'
        )
        raise _wrapper_error("field_missing", singular, title)

    fields = body[singular]
    if not isinstance(fields, Mapping):
        title = f'The "{singular}" value must be a JSON object of fields.'
        raise _wrapper_error("field_invalid", singular, title)
    return fields


def _wrapper_error(code: str, singular: str, title: str) -> ApiError:
    source = {"pointer": f"/{singular}"}
    error = {"title": title, "detail": "", "code": code, "source": source}
    return ApiError(422, {"errors": [error]})


def is_blank(value: Any) -> bool:
    """Return True for values that count as not provided: None and ""."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_valid_email(text: str) -> bool:
    """Check the shape of an email address.

    Accepts plus signs and non-ASCII (internationalised) addresses. Rejects
    whitespace or control characters, anything but exactly one ``@``, an
    empty local or domain part, and a domain without an inner dot.
    """
    if any(char.isspace() or not char.isprintable() for char in text):
        return False
    if text.count("@") != 1:
        return False

    local, domain = text.split("@")
    if not local or not domain:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels)


def parse_decimal(text: str) -> int | None:
    """Parse ASCII decimal digits with an optional leading ``-``.

    Returns ``None`` for anything else, including non-ASCII digits such as
    ``"²"`` and a doubled sign. A number with more significant digits than
    SQLite's integer range is returned as ``2**63`` (or ``-2**63``), one past
    that range, so range checks reject it without converting every digit.
    """
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        return None
    sign = -1 if text.startswith("-") else 1
    significant = digits.lstrip("0")
    if len(significant) > _MAX_DIGITS:
        return sign * 2**63
    return sign * int(digits)


def convert_value(prop_type: PropertyType, value: Any) -> Any:
    """Convert a non-blank client value to its stored form.

    Numbers and cents become non-negative ``int``; flags become ``"0"`` or
    ``"1"``; timestamps are reformatted in server time; text stays text.

    Raises:
        InvalidValue: The value has the wrong type or range.
    """
    if prop_type in (PropertyType.NUMERIC, PropertyType.CENTS):
        return _to_count(value)
    if prop_type is PropertyType.FLAG:
        return _to_flag(value)
    if prop_type is PropertyType.TIMESTAMP:
        return _to_timestamp(value)
    if prop_type is PropertyType.OBJECTS:
        raise InvalidValue("expected a list of objects")

    text = _to_text(value)
    if prop_type is PropertyType.EMAIL and not is_valid_email(text):
        raise InvalidValue(f"{text!r} is not a valid email address")
    return text


def clean_fields(
    table: PropertyTable,
    fields: Mapping[str, Any],
    errors: FieldErrors,
    *,
    pointer_prefix: str = "",
) -> dict[str, Any]:
    """Return the writable fields of ``table`` found in ``fields``, converted.

    Read-only and unknown fields are ignored, as the API ignores them, and
    so are arrays of objects, which the caller checks itself. A blank value
    is kept as ``None``. Type errors are added to ``errors``: ``email_invalid``
    for email addresses and ``field_invalid`` for the rest.
    """
    cleaned: dict[str, Any] = {}
    for prop in table:
        if prop.read_only or prop.name not in fields:
            continue
        if prop.type is PropertyType.OBJECTS:
            continue

        value = fields[prop.name]
        pointer = f"{pointer_prefix}{prop.name}"
        if is_blank(value):
            cleaned[prop.name] = None
            continue
        try:
            cleaned[prop.name] = convert_value(prop.type, value)
        except InvalidValue as exc:
            _add_type_error(errors, prop.type, pointer, str(exc))
    return cleaned


def require_fields(
    table: PropertyTable,
    values: Mapping[str, Any],
    errors: FieldErrors,
    *,
    pointer_prefix: str = "",
) -> None:
    """Add ``field_missing`` for each required field that a create lacks.

    A field that already has a type error gets no second error.
    """
    for name in table.required:
        pointer = f"{pointer_prefix}{name}"
        if values.get(name) is None and not errors.has(pointer):
            errors.missing(pointer)


def reject_blank_required(
    table: PropertyTable, values: Mapping[str, Any], errors: FieldErrors
) -> None:
    """Add ``field_missing`` for each required field that an update blanks."""
    for name in table.required:
        if name in values and values[name] is None:
            errors.missing(name)


def _add_type_error(
    errors: FieldErrors, prop_type: PropertyType, pointer: str, reason: str
) -> None:
    if prop_type is PropertyType.EMAIL:
        title = f"The {errors.noun} {_field_label(pointer)} is invalid: {reason}."
        errors.add("email_invalid", pointer, title)
    else:
        errors.invalid(pointer, reason)


def _field_label(pointer: str) -> str:
    # "orderProducts/0/price" reads better as "orderProducts[0].price".
    parts = pointer.split("/")
    label = parts[0]
    for part in parts[1:]:
        label += f"[{part}]" if part.isdigit() else f".{part}"
    return label


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise InvalidValue(f"expected a string, got {_json_type(value)}")


def _to_count(value: Any) -> int:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        number = parse_decimal(value.strip())

    if number is None:
        raise InvalidValue(f"expected a whole number, got {value!r}")
    if number < 0:
        raise InvalidValue(f"expected a number of at least 0, got {number}")
    if number > _MAX_INTEGER:
        raise InvalidValue(f"expected a number of at most {_MAX_INTEGER}")
    return number


def _to_flag(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if value in (0, 1, "0", "1"):
        return str(int(value))
    raise InvalidValue(f'expected "0" or "1", got {value!r}')


def _to_timestamp(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"expected an ISO 8601 string, got {_json_type(value)}")
    try:
        moment = parse_timestamp(value)
    except ValueError:
        raise InvalidValue(f"{value!r} is not an ISO 8601 date-time") from None
    try:
        return format_timestamp(moment)
    except OverflowError:
        raise InvalidValue(
            f"{value!r} is outside the years 1 to 9999 in server time"
        ) from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__
