"""``Form``: an ipywidgets form that creates or updates one record.

The form is generated from the resource's property table: one labelled row
per property, in table order, each with an input picked by the factory
chain in ``_form_inputs`` (``FIELD_FACTORIES``).

Submit checks every field locally before anything is sent, then calls the
API. Problems are shown next to their fields and in a summary. Request
failures and exceptions raised in callbacks are shown in the form too, so
they do not end up only in JupyterLab's log console.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import ipywidgets as widgets
from IPython import get_ipython
from IPython.core.formatters import DisplayFormatter

from ._exceptions import ActiveCampaignError, FieldError, ValidationError
from ._form_inputs import FIELD_FACTORIES, FieldFactory, FieldInput
from ._payload import Values, build_payload
from ._properties import Property, PropertyTable
from ._records import Record
from ._repr_values import clip_html
from ._types import InvalidValue

if TYPE_CHECKING:
    from ._resources import Resource

__all__ = [
    "FIELD_FACTORIES",
    "FieldFactory",
    "FieldInput",
    "Form",
    "require_forms",
]

logger = logging.getLogger(__name__)

Mode = Literal["create", "update"]

#: Key of ``Form.errors`` for problems not tied to one field.
GENERAL = ""

#: Characters of one message shown in the form; longer ones are cut.
MESSAGE_CHARS = 500

_LABEL_WIDTH = "13em"

# Colours fall back to fixed values outside JupyterLab, which defines the
# --jp-* variables.
_STYLE = """<style>
.ac-form .ac-form-required .widget-label { font-weight: bold; }
.ac-form .ac-form-error { color: var(--jp-error-color1, #b00020); }
.ac-form .ac-form-invalid input,
.ac-form .ac-form-invalid textarea {
  border-color: var(--jp-error-color1, #b00020);
}
.ac-form .ac-form-success { color: var(--jp-success-color1, #1b5e20); }
.ac-form .ac-form-hint { color: var(--jp-ui-font-color2, #555); }
.ac-form .ac-form-read-only .widget-label { color: var(--jp-ui-font-color2, #555); }
.ac-form .ac-form-read-only input,
.ac-form .ac-form-read-only textarea {
  background: var(--jp-layout-color2, #eee);
  color: var(--jp-ui-font-color2, #555);
}
</style>"""


# -- rows ----------------------------------------------------------------------


class _Row:
    """One property's label, input, hint and error message, as an HBox."""

    def __init__(self, field: FieldInput) -> None:
        prop = field.prop
        self.field = field
        mark = " *" if prop.required else ""
        self.label = widgets.Label(
            value=prop.name + mark,
            tooltip=prop.description,
            layout=widgets.Layout(width=_LABEL_WIDTH),
        )
        self.error = widgets.HTML(value="")
        parts = [self.label, field.widget]
        if field.hint is not None:
            parts.append(field.hint)
        self.box = widgets.HBox([*parts, self.error])
        self.box.add_class("ac-form-row")
        if prop.required:
            self.box.add_class("ac-form-required")
        if prop.read_only:
            self.box.add_class("ac-form-read-only")

    def show_error(self, message: str | None) -> None:
        if message is None:
            self.error.value = ""
            self.box.remove_class("ac-form-invalid")
            return
        self.error.value = f'<span class="ac-form-error">{text_html(message)}</span>'
        self.box.add_class("ac-form-invalid")


# -- the form ------------------------------------------------------------------


class Form(widgets.VBox):  # type: ignore[misc]
    """A form that creates a record, or updates and deletes one.

    Get one from a resource: ``ac.customers.create_form()`` or
    ``ac.customers.update_form(15)``. The buttons and the methods do the
    same things, so scripts and tests can drive a form without a browser.

    Args:
        resource: The resource to write to.
        record: The record to edit; ``None`` makes a create form.
        initial: Values to prefill a create form with, by property name.

    Raises:
        ActiveCampaignError: The resource is read-only in the API.
        ValidationError: ``initial`` names an unknown or read-only property,
            or has a value of the wrong type.

    Attributes:
        resource: The resource the form writes to.
        table: The resource's property table.
        mode: ``"create"`` or ``"update"``.
        record: The record being edited; after a save, the saved record.
        result: The record saved last, or ``None``.
        deleted: True once the record was deleted from an update form.

    >>> form = ac.customers.create_form(connectionid=1)  # doctest: +SKIP
    >>> form.fields["email"].value = "new@example.com"  # doctest: +SKIP
    >>> form.fields["externalid"].value = "C-9"  # doctest: +SKIP
    >>> form.submit()  # doctest: +SKIP
    <Record ecomCustomer id=13>
    """

    #: Input factories, tried in order for each property.
    factories: ClassVar[tuple[FieldFactory, ...]] = FIELD_FACTORIES

    def __init__(
        self,
        resource: Resource,
        record: Record | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        self.resource = resource
        self.table = resource.table
        self.mode: Mode = "create" if record is None else "update"
        self.record = record
        self.result: Record | None = None
        self.deleted = False
        self._check_arguments(record, initial)

        self._errors: dict[str, str] = {}
        self._lock = threading.Lock()
        self._loading = False
        self._initial = self._initial_wire(initial or {})
        self._baseline: dict[str, Any] = {}
        self._saved_entries: dict[str, Any] | None = None
        self._rows = {prop.name: _Row(self.input_for(prop)) for prop in self.table}
        self._build_controls()
        super().__init__(children=self._layout())
        self.add_class("ac-form")
        self._watch_fields()
        self._load_start_values()

    # -- public API ------------------------------------------------------------

    @property
    def fields(self) -> dict[str, Any]:
        """Map each property name to its input widget, in table order."""
        return {name: row.field.widget for name, row in self._rows.items()}

    @property
    def values(self) -> dict[str, Any]:
        """Map each writable property to its value as entered.

        Text inputs give ``str`` (amounts in currency units, such as
        ``"12.34"``), checkboxes give ``bool``.
        """
        return {name: row.field.entered() for name, row in self._writable_rows()}

    @property
    def changes(self) -> dict[str, Any]:
        """Map each writable property that was edited to its value as entered.

        An entry counts as edited when it differs from the loaded value (on
        an update form) or the initial value (on a create form). An update
        sends only these fields.
        """
        return {
            name: row.field.entered()
            for name, row in self._writable_rows()
            if row.field.entered() != self._baseline.get(name)
        }

    @property
    def errors(self) -> dict[str, str]:
        """Map each field with a problem to its message; others under ``""``.

        Filled by local checks, a 422 from the server, and request failures
        from the last submit or delete.
        """
        return dict(self._errors)

    @property
    def buttons(self) -> dict[str, Any]:
        """Map each button's name to its widget: ``submit``, ``reset`` (labelled
        Clear on a create form) and, on update forms, ``delete``,
        ``confirm_delete`` and ``cancel_delete``."""
        found = {"submit": self._submit_button, "reset": self._reset_button}
        if self.mode == "update":
            found["delete"] = self._delete_button
            found["confirm_delete"] = self._confirm_button
            found["cancel_delete"] = self._cancel_button
        return found

    @property
    def summary(self) -> Any:
        """The HTML widget with the outcome of the last action or its problems."""
        return self._summary

    @property
    def output(self) -> Any:
        """The Output widget that shows the saved record and callback errors."""
        return self._output

    @property
    def busy(self) -> bool:
        """True while a submit or delete request is in flight."""
        return self._lock.locked()

    def input_for(self, prop: Property) -> FieldInput:
        """Build the input of ``prop`` with the first factory that applies.

        Raises:
            TypeError: No factory handles the property's type.
        """
        for factory in self.factories:
            field = factory(prop)
            if field is not None:
                return field
        raise TypeError(f"no form input for {prop.name} of type {prop.type}")

    def validate(self) -> dict[str, str]:
        """Check every field locally, show the problems and return them.

        Nothing is sent. Returns the same mapping as ``errors``.
        """
        self._clear_messages()
        _, errors = self._payload_and_errors()
        self._show_errors(errors)
        return self.errors

    def submit(self) -> Record | None:
        """Check the fields, send the create or update, and show the outcome.

        Does what the Submit button does. Nothing is sent while a field is
        invalid, when an update form has no changes, when a create form
        still shows the record it just saved, or while another request of
        this form is in flight.

        Returns:
            The saved record (also kept in ``result``), or ``None`` when
            nothing was saved; ``errors`` and the summary explain why.
        """
        if not self._lock.acquire(blocking=False):
            self._ignore_busy("submit")
            return None
        self._set_buttons_disabled(True)
        try:
            return self._submit_unlocked()
        finally:
            self._lock.release()
            self._set_buttons_disabled(False)

    def reset(self) -> None:
        """Restore the loaded values (update) or the initial values (create).

        Does what the Reset button of an update form and the Clear button of
        a create form do: messages and shown results are cleared too.
        """
        self._clear_messages()
        self._output.outputs = ()
        self._saved_entries = None
        self._load_start_values()

    def delete(self) -> bool:
        """Delete the edited record; the Delete button requests confirmation first.

        Returns:
            True when the record was deleted, False when the request failed
            (``errors`` and the summary explain why).

        Raises:
            TypeError: The form is a create form.
        """
        if self.mode != "update" or self.record is None:
            raise TypeError("only an update form can delete its record")
        if not self._lock.acquire(blocking=False):
            self._ignore_busy("delete")
            return False
        self._set_buttons_disabled(True)
        try:
            return self._delete_unlocked()
        finally:
            self._lock.release()
            self._set_buttons_disabled(False)

    def __repr__(self) -> str:
        if self.mode == "create":
            return f"<Form create {self.table.label}>"
        return f"<Form update {self.table.label} id={self._record_id()}>"

    # -- building ---------------------------------------------------------------

    def _check_arguments(
        self, record: Record | None, initial: Mapping[str, Any] | None
    ) -> None:
        require_forms(self.table)
        if record is not None and initial:
            raise TypeError(
                "initial values are for create forms; an update form shows the record"
            )
        if record is not None and not isinstance(record.id, int):
            raise ValueError(
                f"cannot edit a record of {self.table.label} that has no id"
            )

    def _initial_wire(self, initial: Mapping[str, Any]) -> dict[str, Any]:
        if not initial:
            return {}
        try:
            return build_payload(self.table, Values(dict(initial)), "update")
        except ValidationError as exc:
            if exc.errors:
                raise
            return {}

    def _build_controls(self) -> None:
        self._title = widgets.HTML(value=self._title_html())
        self._summary = widgets.HTML(value="")
        self._summary.add_class("ac-form-summary")
        self._output = widgets.Output()
        self._output.add_class("ac-form-output")
        self._submit_button = self._button("Submit", "primary", self.submit)
        self._submit_button.add_class("ac-form-submit")
        reset_label = "Clear" if self.mode == "create" else "Reset"
        self._reset_button = self._button(reset_label, "", self.reset)
        self._reset_button.add_class("ac-form-reset")
        self._delete_button = self._button("Delete", "danger", self._ask_delete)
        self._delete_button.add_class("ac-form-delete")
        self._confirm = self._build_confirm_row()

    def _button(self, label: str, style: str, action: Callable[[], object]) -> Any:
        button = widgets.Button(description=label, button_style=style)
        button.on_click(self._guarded(action))
        return button

    def _build_confirm_row(self) -> Any:
        self._question = widgets.HTML(value="")
        self._confirm_button = self._button("Confirm delete", "danger", self.delete)
        self._confirm_button.add_class("ac-form-confirm-delete")
        self._cancel_button = self._button("Cancel", "", self._cancel_delete)
        row = widgets.HBox([self._question, self._confirm_button, self._cancel_button])
        row.layout.display = "none"
        return row

    def _layout(self) -> list[Any]:
        buttons = [self._submit_button, self._reset_button]
        if self.mode == "update":
            buttons.append(self._delete_button)
        legend = widgets.HTML(
            value='<span class="ac-form-hint">* required. Greyed-out fields are '
            "read-only: the server sets them and the form never sends them.</span>"
        )
        return [
            widgets.HTML(value=_STYLE),
            self._title,
            legend,
            *(row.box for row in self._rows.values()),
            self._summary,
            widgets.HBox(buttons),
            *([self._confirm] if self.mode == "update" else []),
            self._output,
        ]

    def _title_html(self) -> str:
        if self.mode == "create":
            text = f"New {self.table.label}"
        else:
            text = f"{self.table.label} {self._record_id()}"
        return f"<b>{text_html(text)}</b>"

    def _watch_fields(self) -> None:
        for name, row in self._rows.items():
            if row.field.prop.writable:
                handler = self._guarded(self._field_checker(name))
                row.field.widget.observe(handler, names="value")

    def _field_checker(self, name: str) -> Callable[[], None]:
        def check() -> None:
            self._check_field(name)

        return check

    # -- loading values ----------------------------------------------------------

    def _load_start_values(self) -> None:
        if self.record is not None:
            self._load(self.record.raw)
        else:
            self._load(self._initial)

    def _load(self, wire_values: Mapping[str, Any]) -> None:
        self._loading = True
        try:
            for name, row in self._rows.items():
                row.field.load(wire_values.get(name))
                row.field.refresh_hint()
        finally:
            self._loading = False
        self._baseline = {name: row.field.entered() for name, row in self._rows.items()}

    def _writable_rows(self) -> Iterable[tuple[str, _Row]]:
        return ((n, r) for n, r in self._rows.items() if r.field.prop.writable)

    def _entries(self) -> dict[str, Any]:
        return {name: row.field.entered() for name, row in self._writable_rows()}

    def _record_id(self) -> int | None:
        return self.record.id if self.record is not None else None

    # -- validation ------------------------------------------------------------

    def _check_field(self, name: str) -> None:
        row = self._rows[name]
        row.field.refresh_hint()
        if self._loading:
            return
        message = None
        if not row.field.is_empty():
            try:
                row.field.wire()
            except InvalidValue as exc:
                message = str(exc)
        self._set_error(name, message)

    def _payload_and_errors(self) -> tuple[dict[str, Any], dict[str, str]]:
        if self.mode == "create":
            names = [name for name, _ in self._writable_rows()]
        else:
            names = list(self.changes)
        parsed, cleared, errors = self._read(names)
        payload: dict[str, Any] = {}
        try:
            if parsed or self.mode == "create":
                payload = build_payload(self.table, Values(parsed), self.mode)
        except ValidationError as exc:
            _merge(errors, exc.errors, exc.message)
        payload.update(cleared)
        return payload, errors

    def _read(
        self, names: list[str]
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
        parsed: dict[str, Any] = {}
        cleared: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in names:
            field = self._rows[name].field
            if field.is_empty():
                if self.mode == "update":
                    self._clear_value(field, cleared, errors)
                continue
            try:
                parsed[name] = field.parse()
            except InvalidValue as exc:
                errors[name] = str(exc)
        return parsed, cleared, errors

    def _clear_value(
        self, field: FieldInput, cleared: dict[str, Any], errors: dict[str, str]
    ) -> None:
        prop = field.prop
        if prop.required:
            errors[prop.name] = f"{prop.name} is required and cannot be blank"
        elif field.blank() is None:
            errors[prop.name] = (
                f"{prop.name} cannot be blank because the API has no empty "
                f"{prop.type} value; enter a value or press Reset"
            )
        else:
            cleared[prop.name] = field.blank()

    # -- submitting --------------------------------------------------------------

    def _submit_unlocked(self) -> Record | None:
        self._clear_messages()
        reason = self._reason_to_skip()
        if reason is not None:
            self._show_summary(reason, "info")
            logger.info("form for %s sent nothing: %s", self.table.label, reason)
            return None
        payload, errors = self._payload_and_errors()
        if errors:
            self._show_errors(errors)
            return None
        return self._send_payload(payload)

    def _reason_to_skip(self) -> str | None:
        if self.deleted:
            return "This record was deleted; nothing was sent."
        if self._saved_entries is not None and self._saved_entries == self._entries():
            return (
                f"Created {self.table.label} {self._result_id()}. Submitting the "
                "same entries again sent nothing; change a field or press Clear "
                "to enter another."
            )
        if self.mode == "update" and not self.changes:
            return "Nothing changed, so nothing was sent."
        return None

    def _send_payload(self, payload: dict[str, Any]) -> Record | None:
        try:
            if self.mode == "create":
                record = self.resource.create(payload)
            else:
                record = self.resource.update(self._record_id_or_fail(), payload)
        except ValidationError as exc:
            self._show_errors(self._server_errors(exc))
            logger.info("%s %s rejected: %s", self.mode, self.table.label, exc)
            return None
        except ActiveCampaignError as exc:
            self._show_failure(exc, self._unsaved_outcome(exc))
            return None
        note = ""
        if self.mode == "create":
            record, note = self._reload(record)
        self._saved(record, note)
        return record

    def _reload(self, created: Record) -> tuple[Record, str]:
        """Fetch a created record, because the API responds to a create with only
        some of its fields (no flags, no aggregates)."""
        if created.id is None:
            return created, ""
        try:
            return self.resource.get(created.id), ""
        except ActiveCampaignError as exc:
            logger.info("could not reload the created %s: %s", self.table.label, exc)
            failure = f"{type(exc).__name__}: {exc}"
            note = f" Reloading it failed ({failure}), so fields may be missing."
            return created, note

    def _unsaved_outcome(self, exc: ActiveCampaignError) -> str:
        if exc.after_unknown_outcome or getattr(exc, "outcome_unknown", False):
            return (
                f"The {self.table.label} may or may not have been saved; "
                "list or get it to check before sending again."
            )
        return f"The {self.table.label} was not saved."

    def _record_id_or_fail(self) -> int:
        record_id = self._record_id()
        if record_id is None:
            raise ValueError(f"the {self.table.label} being edited has no id")
        return record_id

    def _saved(self, record: Record, note: str = "") -> None:
        self.result = record
        if self.mode == "update":
            self.record = record
            self._load(record.raw)
        else:
            self._saved_entries = self._entries()
        verb = "Created" if self.mode == "create" else "Saved"
        self._show_summary(f"{verb} {self.table.label} {record.id}.{note}", "success")
        self._output.outputs = ()
        self._show_object(record)
        logger.info("form %s %s id %s", verb.lower(), self.table.label, record.id)

    def _result_id(self) -> int | None:
        return self.result.id if self.result is not None else None

    def _server_errors(self, exc: ValidationError) -> dict[str, str]:
        errors: dict[str, str] = {}
        pointers = _pointers(exc.body)
        for position, error in enumerate(exc.errors):
            pointer = pointers[position] if position < len(pointers) else None
            name = self._field_for(pointer, error.field)
            message = error.message
            if name == GENERAL and error.field:
                message = f"{error.field}: {message}"
            _add(errors, name, message)
        existing = getattr(exc, "existing_id", None)
        if existing is not None:
            _add(
                errors,
                GENERAL,
                f"The existing {self.table.label} has id {existing}; edit it with "
                f"update_form({existing}).",
            )
        if not errors:
            errors[GENERAL] = exc.message
        return errors

    def _field_for(self, pointer: str | None, field: str | None) -> str:
        if pointer is not None:
            parts = [p for p in pointer.split("/") if p]
            if parts[:2] == ["data", "attributes"]:
                parts = parts[2:]
            if parts and parts[0] in self._rows:
                return parts[0]
        if pointer is None and field in self._rows:
            return str(field)
        return GENERAL

    # -- deleting ----------------------------------------------------------------

    def _ask_delete(self) -> None:
        self._question.value = text_html(
            f"Delete {self.table.label} {self._record_id()}? This cannot be undone."
        )
        self._confirm.layout.display = "flex"

    def _cancel_delete(self) -> None:
        self._confirm.layout.display = "none"

    def _delete_unlocked(self) -> bool:
        self._clear_messages()
        self._confirm.layout.display = "none"
        if self.deleted:
            self._show_summary("This record was already deleted.", "info")
            return False
        record_id = self._record_id_or_fail()
        try:
            self.resource.delete(record_id)
        except ActiveCampaignError as exc:
            self._show_failure(exc, f"The {self.table.label} was not deleted.")
            return False
        self.deleted = True
        self._show_summary(f"Deleted {self.table.label} {record_id}.", "success")
        logger.info("form deleted %s id %s", self.table.label, record_id)
        return True

    # -- showing messages --------------------------------------------------------

    def _set_buttons_disabled(self, disabled: bool) -> None:
        after_delete = self.deleted and not disabled
        for button in (self._submit_button, self._reset_button, self._delete_button):
            button.disabled = disabled or self.deleted
        self._confirm_button.disabled = disabled or self.deleted
        if after_delete:
            for _, row in self._writable_rows():
                row.field.widget.disabled = True

    def _ignore_busy(self, action: str) -> None:
        # The summary is left alone: the request in flight writes its outcome
        # there, and a late "ignored" message could replace that outcome.
        logger.info("form %s ignored: a request is already in flight", action)

    def _clear_messages(self) -> None:
        for name in list(self._errors):
            self._set_error(name, None)
        self._errors.clear()
        self._summary.value = ""

    def _set_error(self, name: str, message: str | None) -> None:
        if message is None:
            self._errors.pop(name, None)
        else:
            self._errors[name] = message
        if name in self._rows:
            self._rows[name].show_error(message)

    def _show_errors(self, errors: Mapping[str, str]) -> None:
        for name, message in errors.items():
            self._set_error(name, message)
        if not errors:
            return
        count = len(errors)
        noun = "problem" if count == 1 else "problems"
        items = "".join(
            f"<li>{_html_item(name, message)}</li>" for name, message in errors.items()
        )
        self._summary.value = (
            f'<div class="ac-form-error">{count} {noun}; nothing was saved.'
            f"<ul>{items}</ul></div>"
        )

    def _show_summary(self, message: str, kind: str) -> None:
        css = {"error": "ac-form-error", "success": "ac-form-success"}.get(
            kind, "ac-form-hint"
        )
        self._summary.value = f'<div class="{css}">{text_html(message)}</div>'

    def _show_failure(self, exc: ActiveCampaignError, outcome: str) -> None:
        text = f"{type(exc).__name__}: {exc}"
        self._errors[GENERAL] = text
        self._show_summary(f"{outcome} {text}", "error")
        logger.info("form request failed: %s", text)

    def _show_object(self, obj: Any) -> None:
        data, metadata = _display_formatter().format(obj)
        output = {"output_type": "display_data", "data": data, "metadata": metadata}
        self._output.outputs = (*self._output.outputs, output)

    def _show_exception(self, exc: BaseException) -> None:
        text = f"{type(exc).__name__}: {exc}"
        self._errors[GENERAL] = text
        self._show_summary(f"The form failed with {text}. Details below.", "error")
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        output = {
            "output_type": "error",
            "ename": type(exc).__name__,
            "evalue": str(exc),
            "traceback": [line.rstrip("\n") for line in lines],
        }
        self._output.outputs = (*self._output.outputs, output)

    def _guarded(self, action: Callable[[], object]) -> Callable[..., None]:
        """Wrap a widget callback so its exceptions are shown and logged.

        In JupyterLab, an exception raised in a widget callback appears only
        in the log console, not in the notebook.
        """

        def callback(*_args: Any) -> None:
            try:
                action()
            except Exception as exc:
                logger.warning(
                    "form callback for %s failed", self.table.label, exc_info=True
                )
                self._show_exception(exc)

        return callback


def require_forms(table: PropertyTable) -> None:
    """Raise ``ActiveCampaignError`` when the API does not let you write ``table``."""
    if not table.writable_resource:
        raise ActiveCampaignError(
            f"{table.path} is read-only in the API, so it has no create or "
            "update form; order products are written as part of an order "
            "(ac.orders.create_form())"
        )


def _merge(errors: dict[str, str], found: list[FieldError], message: str) -> None:
    """Add ``found`` to ``errors``, keeping messages already there per field."""
    for error in found:
        name = error.field or GENERAL
        if name not in errors:
            errors[name] = error.message
    if not found:
        errors.setdefault(GENERAL, message)


def _add(errors: dict[str, str], name: str, message: str) -> None:
    errors[name] = f"{errors[name]}; {message}" if name in errors else message


def _pointers(body: Any) -> list[str | None]:
    """Return each 422 error's ``source.pointer``, in order, or ``None``."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return []
    pointers: list[str | None] = []
    for entry in body["errors"]:
        source = entry.get("source") if isinstance(entry, dict) else None
        pointer = source.get("pointer") if isinstance(source, dict) else None
        pointers.append(pointer if isinstance(pointer, str) else None)
    return pointers


def text_html(text: str) -> str:
    """Return ``text`` for an ``HTML`` widget, which sets innerHTML unsanitised.

    The text is escaped, control and bidirectional characters become visible
    escapes such as ``\\u202e``, and a long text is cut. ``<bdi>`` keeps
    right-to-left text from reordering the words around it.
    """
    return f"<bdi>{clip_html(text, MESSAGE_CHARS)}</bdi>"


def _html_item(name: str, message: str) -> str:
    if name == GENERAL:
        return text_html(message)
    return f"<b>{text_html(name)}</b>: {text_html(message)}"


_standalone_formatter: DisplayFormatter | None = None


def _display_formatter() -> Any:
    """Return the running IPython's display formatter, or a standalone one.

    The formatter picks the same representations ``display()`` would, so
    whatever ``_repr_html_`` or text repr an object has is used.
    """
    global _standalone_formatter
    shell = get_ipython()
    if shell is not None:
        return shell.display_formatter
    if _standalone_formatter is None:
        _standalone_formatter = DisplayFormatter()
    return _standalone_formatter
