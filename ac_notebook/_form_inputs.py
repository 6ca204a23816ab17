"""Form inputs: one widget per property, picked by a chain of small factories.

Each factory takes a property and returns its input, or ``None`` when the
property is not the factory's type (the pattern of ipywidgets'
``interaction.py``). ``FIELD_FACTORIES`` is the default chain; a ``Form``
subclass can put its own factory first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, ClassVar

import ipywidgets as widgets

from ._properties import Property, PropertyType
from ._types import InvalidValue, decode, encode

__all__ = [
    "FIELD_FACTORIES",
    "CentsInput",
    "EmailInput",
    "FieldFactory",
    "FieldInput",
    "FlagInput",
    "NumericInput",
    "ObjectsInput",
    "TextInput",
    "TimestampInput",
    "UrlInput",
]

#: Width of text inputs, in CSS units.
INPUT_WIDTH = "24em"


class FieldInput:
    """The input widget of one property and its conversion to the wire value.

    Subclasses set how a wire value is shown (``load``) and how the entered
    value is read back (``parse``). ``encode`` then checks the result against
    the property type, as every write does.

    Attributes:
        prop: The property this input edits.
        widget: The ipywidgets input; disabled for read-only properties.
        hint: A widget shown after the input (such as the amount in cents),
            or ``None``.
    """

    placeholder: ClassVar[str] = ""

    def __init__(self, prop: Property) -> None:
        self.prop = prop
        self.widget: Any = self._make_widget()
        self.widget.tooltip = prop.description
        self.widget.disabled = prop.read_only
        self.widget.add_class(f"ac-field-{prop.name}")
        self.hint: Any = None

    def _make_widget(self) -> Any:
        return widgets.Text(
            continuous_update=False,
            placeholder=self._placeholder(),
            layout=widgets.Layout(width=INPUT_WIDTH),
        )

    def _placeholder(self) -> str:
        # A hint to type something would mislead on a disabled input.
        return "" if self.prop.read_only else self.placeholder

    def blank(self) -> Any:
        """Return the wire value that clears the property, or ``None`` when
        the type has no empty value."""
        return None

    def load(self, wire: Any) -> None:
        """Show a wire value; ``None`` empties the input."""
        self.widget.value = "" if wire is None else str(wire)

    def entered(self) -> Any:
        """Return the value as entered, for change tracking."""
        return self.widget.value

    def is_empty(self) -> bool:
        return not str(self.widget.value).strip()

    def parse(self) -> Any:
        """Return the entered value in a form ``encode`` accepts.

        Raises:
            InvalidValue: The text cannot be read as this type.
        """
        return self.widget.value

    def wire(self) -> Any:
        """Return the entered value as its wire form.

        Raises:
            InvalidValue: The value is invalid; the message names the field.
        """
        return encode(self.prop, self.parse())

    def refresh_hint(self) -> None:
        """Update ``hint`` after the value changed; most inputs have none."""


class TextInput(FieldInput):
    """Free text; an update may clear it by sending ``""``."""

    def blank(self) -> Any:
        return ""


class UrlInput(TextInput):
    """An http or https URL, checked by ``encode``."""

    placeholder = "https://…"


class EmailInput(FieldInput):
    """An email address, checked by ``encode`` like every write."""

    placeholder = "name@example.com"


class NumericInput(FieldInput):
    """Whole numbers and ids as text.

    An ``IntText`` would pass the value through a JavaScript number in the
    browser, which loses digits above 2**53, so long ids would change.
    """

    placeholder = "a whole number, e.g. 1"


class TimestampInput(FieldInput):
    """An ISO 8601 time as text; read-only timestamps are shown disabled."""

    placeholder = "2024-01-15T10:02:11-06:00"


_AMOUNT = re.compile(r"^([0-9]+)(?:\.([0-9]{1,2}))?$")


class CentsInput(FieldInput):
    """Money typed in currency units ("12.34") and sent as cents (1234).

    The hint after the input shows the converted number of cents.
    """

    # NOTE: assumes two decimal places. For a currency without them (JPY),
    # an API amount of 1500 is shown as "15.00", so set such amounts in code.

    placeholder = "amount, e.g. 12.34"

    def __init__(self, prop: Property) -> None:
        super().__init__(prop)
        self.hint = widgets.HTML(value="")
        self.hint.add_class("ac-form-hint")

    def load(self, wire: Any) -> None:
        cents = decode(self.prop, wire)
        if isinstance(cents, int) and cents >= 0:
            self.widget.value = f"{cents // 100}.{cents % 100:02d}"
        else:
            self.widget.value = "" if cents is None else str(wire)
        self.refresh_hint()

    def parse(self) -> Any:
        text = str(self.widget.value).strip()
        match = _AMOUNT.match(text)
        if match is None:
            raise InvalidValue(
                f"{self.prop.name} must be an amount in currency units with at "
                f"most two decimals, such as 12.34, got {text!r}"
            )
        units, fraction = match.group(1), match.group(2) or "0"
        return int(units) * 100 + int(fraction.ljust(2, "0"))

    def refresh_hint(self) -> None:
        try:
            cents = None if self.is_empty() else self.parse()
        except InvalidValue:
            cents = None
        self.hint.value = "" if cents is None else f"= {cents} cents"


class FlagInput(FieldInput):
    """A ``"0"``/``"1"`` flag as a checkbox; it always has a value."""

    # NOTE: a checkbox has no "not set" state, so a create form always sends
    # the flag ("0" when unchecked), even where the server's default is "1"
    # (a connection's status).

    def _make_widget(self) -> Any:
        return widgets.Checkbox(value=False, indent=False)

    def load(self, wire: Any) -> None:
        self.widget.value = decode(self.prop, wire) is True

    def is_empty(self) -> bool:
        return False

    def parse(self) -> Any:
        return "1" if self.widget.value else "0"


class ObjectsInput(FieldInput):
    """A list of objects (order products, discounts) as JSON text."""

    placeholder = '[{"name": "…", "price": 1234}]'

    def _make_widget(self) -> Any:
        return widgets.Textarea(
            continuous_update=False,
            placeholder=self._placeholder(),
            rows=4,
            layout=widgets.Layout(width=INPUT_WIDTH),
        )

    def blank(self) -> Any:
        return []

    def load(self, wire: Any) -> None:
        if wire is None or wire == []:
            self.widget.value = ""
            return
        # GET returns the ids of an order's products, not objects; those
        # read better on one line.
        nested = isinstance(wire, list) and any(isinstance(v, dict) for v in wire)
        indent = 1 if nested else None
        self.widget.value = json.dumps(wire, indent=indent, ensure_ascii=False)

    def parse(self) -> Any:
        try:
            value = json.loads(self.widget.value)
        except json.JSONDecodeError as exc:
            raise InvalidValue(
                f"{self.prop.name} must be JSON, a list of objects such as "
                f'[{{"name": "…"}}]: {exc.msg} at line {exc.lineno}, '
                f"column {exc.colno}"
            ) from None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise InvalidValue(
                f"{self.prop.name} must be a JSON list of objects, "
                f"got {type(value).__name__}"
            )
        return value


#: Builds the input of a property, or returns ``None`` when it does not apply.
FieldFactory = Callable[[Property], FieldInput | None]


def flag_input(prop: Property) -> FieldInput | None:
    return FlagInput(prop) if prop.type is PropertyType.FLAG else None


def cents_input(prop: Property) -> FieldInput | None:
    return CentsInput(prop) if prop.type is PropertyType.CENTS else None


def objects_input(prop: Property) -> FieldInput | None:
    return ObjectsInput(prop) if prop.type is PropertyType.OBJECTS else None


def timestamp_input(prop: Property) -> FieldInput | None:
    return TimestampInput(prop) if prop.type is PropertyType.TIMESTAMP else None


def numeric_input(prop: Property) -> FieldInput | None:
    return NumericInput(prop) if prop.type is PropertyType.NUMERIC else None


def email_input(prop: Property) -> FieldInput | None:
    return EmailInput(prop) if prop.type is PropertyType.EMAIL else None


def url_input(prop: Property) -> FieldInput | None:
    return UrlInput(prop) if prop.type is PropertyType.URL else None


def text_input(prop: Property) -> FieldInput | None:
    return TextInput(prop) if prop.type is PropertyType.STRING else None


#: The default chain, tried in order; the first input that is not ``None`` wins.
FIELD_FACTORIES: tuple[FieldFactory, ...] = (
    flag_input,
    cents_input,
    objects_input,
    timestamp_input,
    numeric_input,
    email_input,
    url_input,
    text_input,
)
