"""HTML and plain-text displays of records, lists, resources and sessions.

Every object gets a ``text/html`` rendering for notebooks and a
``text/plain`` twin for terminals and ``print()``. The HTML follows three
rules:

- Every value and every key passes through ``html.escape`` (quotes
  included), after bidirectional-override and control characters are
  replaced by visible escapes such as ``\\u202e``, and is wrapped in
  ``<bdi>`` so right-to-left text cannot reorder the layout around it.
- One ``<style>`` block, scoped by the ``acnb`` class prefix, colours
  everything through JupyterLab's CSS variables with fallbacks that read on
  light and dark backgrounds. Nothing external is loaded and no script runs.
- An escaped ``<pre>`` copy of the text rendering comes first and the
  ``<style>`` block hides it. Where styles are stripped (untrusted
  notebooks, static previews) an inline ``display:none`` hides the rich part
  and the text copy shows instead.

Rendering reads only the rows it shows, so a list of 100,000 records
renders as fast as a list of 20.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._properties import Property, PropertyTable, PropertyType
from ._repr_values import (
    MISSING,
    NESTED_ITEMS,
    Formatted,
    as_text,
    cell_html,
    clip,
    clip_html,
    esc,
    format_value,
    name_html,
    one_line,
    table_html,
    text_grid,
    visible,
    wrap_html,
)

if TYPE_CHECKING:
    from ._records import Record, RecordList
    from ._resources import Resource
    from ._session import Session

__all__ = [
    "RichRepr",
    "list_html",
    "list_text",
    "record_html",
    "record_text",
    "resource_html",
    "resource_text",
    "session_html",
    "session_text",
]

logger = logging.getLogger(__name__)

#: Lists up to this length show every row; longer ones show the first
#: ``HEAD_ROWS`` and last ``TAIL_ROWS`` with a "… N more rows" line between.
MAX_ROWS = 20
HEAD_ROWS = 10
TAIL_ROWS = 5

#: Characters of one value shown in a record card and in a list cell; longer
#: values are cut and marked with their full length.
CARD_CHARS = 200
CELL_CHARS = 60
TEXT_CELL_CHARS = 24
TEXT_CARD_CHARS = 60

#: Fields outside the property table shown in a record card.
EXTRA_FIELDS = 50

#: Widest text table, in characters; columns past it are listed by name.
TEXT_WIDTH = 110


class RichRepr:
    """Notebook and terminal display hooks built on two renderers.

    A subclass implements ``_text_repr`` and ``_html_repr``. ``str()``,
    ``print()`` and terminal IPython show the text, and a notebook gets both
    the HTML and the text in one mime bundle.
    """

    __slots__ = ()

    def _text_repr(self) -> str:
        raise NotImplementedError

    def _html_repr(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self._text_repr()

    def _repr_html_(self) -> str:
        return self._html_repr()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self) if cycle else self._text_repr())

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
    ) -> dict[str, str]:
        renderers: dict[str, Callable[[], str]] = {
            "text/plain": self._text_repr,
            "text/html": self._html_repr,
        }
        selected = [
            mime
            for mime in renderers
            if (include is None or mime in include)
            and (exclude is None or mime not in exclude)
        ]
        return {mime: renderers[mime]() for mime in selected}


def _property(table: PropertyTable, name: str) -> Property | None:
    return table[name] if name in table else None  # noqa: SIM401


def _property_title(prop: Property) -> str:
    marks = [str(prop.type)]
    if prop.required:
        marks.append("required")
    if prop.read_only:
        marks.append("read-only")
    return f"{'; '.join(marks)}. {prop.description}"


# -- records ----------------------------------------------------------------------


def _record_fields(record: Record) -> tuple[list[tuple[str, Property | None]], int]:
    """Return the fields a card shows, in table order, and the fields left out."""
    raw = record._raw
    table = record.table
    fields: list[tuple[str, Property | None]] = [(prop.name, prop) for prop in table]
    extras = [name for name in raw if name not in table and name != "links"]
    fields.extend((name, None) for name in extras[:EXTRA_FIELDS])
    return fields, max(0, len(extras) - EXTRA_FIELDS)


def _record_heading(record: Record) -> str:
    identity = record._raw.get("id")
    label = "(no id)" if identity is None else clip(as_text(identity), 40)
    return f"{record.table.label} {label}"


def record_text(record: Record) -> str:
    """Render a record as aligned lines: property, value, type, read-only."""
    fields, hidden = _record_fields(record)
    rows = []
    for name, prop in fields:
        formatted = format_value(prop, record._raw.get(name, MISSING), record._raw)
        kind = "(not in table)" if prop is None else str(prop.type)
        mark = "read-only" if prop is not None and prop.read_only else ""
        rows.append(
            [one_line(name, 32), one_line(formatted.text, TEXT_CARD_CHARS), kind, mark]
        )

    lines = [_record_heading(record)]
    lines.extend("  " + line for line in text_grid(None, rows))
    if hidden:
        lines.append(f"  … {hidden:,} more fields outside the property table")
    return "\n".join(lines)


def record_html(record: Record) -> str:
    """Render a record as a card: property, value, type and read-only mark."""
    fields, hidden = _record_fields(record)
    rows = [_record_row(record, name, prop) for name, prop in fields]
    if hidden:
        rows.append(
            f'<tr class="acnb-more"><td colspan="4">… {hidden:,} more fields '
            "outside the property table</td></tr>"
        )

    title = f'<div class="acnb-title">{esc(_record_heading(record))}</div>'
    table = table_html(["property", "value", "type", ""], rows)
    return wrap_html(title + table, record_text(record))


def _record_row(record: Record, name: str, prop: Property | None) -> str:
    raw = record._raw.get(name, MISSING)
    formatted = format_value(prop, raw, record._raw)
    if prop is None:
        header = name_html(name, "not in the property table")
        kind = '<td class="acnb-type">(not in table)</td>'
        mark = "<td></td>"
    else:
        header = name_html(name, prop.description)
        kind = f'<td class="acnb-type">{esc(prop.type)}</td>'
        mark = "<td></td>"
        if prop.read_only:
            mark = '<td><span class="acnb-ro">read-only</span></td>'

    value = cell_html(formatted, CARD_CHARS)
    if formatted.kind == "objects" and prop is not None and prop.items is not None:
        value = _objects_cell(formatted, raw, prop.items, record._raw)
    return f"<tr>{header}{value}{kind}{mark}</tr>"


def _objects_cell(
    formatted: Formatted,
    items: list[Any],
    table: PropertyTable,
    parent: Mapping[str, Any],
) -> str:
    """Render the items of an ``array (objects)`` value as a nested table."""
    first_items = items[:NESTED_ITEMS]
    names = [
        prop.name
        for prop in table
        if any(_has(item, prop.name) for item in first_items)
    ]
    rows = []
    for item in first_items:
        entry = item if isinstance(item, Mapping) else {}
        cells = [
            cell_html(
                format_value(table[name], entry.get(name, MISSING), parent), CELL_CHARS
            )
            for name in names
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    if len(items) > NESTED_ITEMS:
        more = len(items) - NESTED_ITEMS
        rows.append(
            f'<tr class="acnb-more"><td colspan="{max(1, len(names))}">'
            f"… {more:,} more items</td></tr>"
        )

    nested = table_html(names, rows, "acnb-t acnb-nested") if names else ""
    return f'<td class="acnb-objects"><bdi>{esc(formatted.text)}</bdi>{nested}</td>'


def _has(item: Any, name: str) -> bool:
    return isinstance(item, Mapping) and name in item


# -- lists ------------------------------------------------------------------------


def _shown_positions(count: int) -> tuple[list[int], list[int]]:
    """Return the row positions shown before and after the "more rows" line."""
    if count <= MAX_ROWS:
        return list(range(count)), []
    return list(range(HEAD_ROWS)), list(range(count - TAIL_ROWS, count))


def _list_columns(rows: RecordList, positions: Iterable[int]) -> list[str]:
    table = rows.table
    names = ["id", *(name for name in table.names if name != "id")]
    seen = set(names)
    for position in positions:
        for name in rows[position]._raw:
            if name not in seen and name != "links":
                seen.add(name)
                names.append(name)
    return names


def _list_summary(rows: RecordList) -> list[str]:
    count = len(rows)
    noun = "record" if count == 1 else "records"
    total = (
        "the server reported no total"
        if rows.total is None
        else f"server total {rows.total:,}"
    )
    lines = [f"{rows.table.label}: {count:,} {noun}, {total}"]
    if rows.filters:
        pairs = ", ".join(
            f"{one_line(str(name), 40)}={one_line(repr(value), 60)}"
            for name, value in rows.filters.items()
        )
        lines.append(f"filters: {pairs}")
    if rows.total is not None and rows.total > count:
        lines.append(f"{rows.total - count:,} more match on the server, not fetched")
    return lines


def list_text(rows: RecordList) -> str:
    """Render a list as a text table that fits about ``TEXT_WIDTH`` characters."""
    head, tail = _shown_positions(len(rows))
    names = _list_columns(rows, head + tail)
    table = rows.table
    cells = {
        position: [_text_cell(rows[position], name, table) for name in names]
        for position in head + tail
    }
    columns = [one_line(name, TEXT_CELL_CHARS) for name in names]
    fitted = _fit_columns(columns, list(cells.values()))

    lines = _list_summary(rows)
    if not rows:
        return "\n".join([*lines, "(no records)"])
    grid = text_grid(
        [columns[i] for i in fitted],
        [[cells[p][i] for i in fitted] for p in head + tail],
        [_is_number(_property(table, names[i])) for i in fitted],
    )
    lines.extend(grid[: 1 + len(head)])
    if tail:
        lines.append(f"… {len(rows) - len(head) - len(tail):,} more rows")
        lines.extend(grid[1 + len(head) :])
    if len(fitted) < len(columns):
        left_out = [columns[i] for i in range(len(columns)) if i not in fitted]
        lines.append(
            f"({len(left_out)} more columns: {', '.join(left_out)}; "
            "to_frame() has them all)"
        )
    return "\n".join(lines)


def _is_number(prop: Property | None) -> bool:
    return prop is not None and prop.type in (PropertyType.NUMERIC, PropertyType.CENTS)


def _text_cell(record: Record, name: str, table: PropertyTable) -> str:
    prop = _property(table, name)
    formatted = format_value(prop, record._raw.get(name, MISSING), record._raw)
    return one_line(formatted.text, TEXT_CELL_CHARS)


def _fit_columns(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Return the positions of the columns that fit within ``TEXT_WIDTH``."""
    fitted: list[int] = []
    used = 0
    for i, name in enumerate(columns):
        width = max([len(name), *(len(row[i]) for row in rows)]) + 2
        if fitted and used + width > TEXT_WIDTH:
            break
        fitted.append(i)
        used += width
    return fitted


def list_html(rows: RecordList) -> str:
    """Render a list as a table with its total, filters and truncated rows."""
    head, tail = _shown_positions(len(rows))
    columns = _list_columns(rows, head + tail)
    table = rows.table

    summary = _list_summary(rows)
    parts = [f'<div class="acnb-title">{esc(summary[0])}</div>']
    parts.extend(f'<div class="acnb-meta">{esc(line)}</div>' for line in summary[1:])

    if not rows:
        parts.append('<div class="acnb-meta">No records.</div>')
        return wrap_html("".join(parts), list_text(rows))

    body = [_list_row(rows[p], columns, table) for p in head]
    if tail:
        more = len(rows) - len(head) - len(tail)
        body.append(
            f'<tr class="acnb-more"><td colspan="{len(columns)}">'
            f"… {more:,} more rows</td></tr>"
        )
        body.extend(_list_row(rows[p], columns, table) for p in tail)

    header = "".join(_column_header(name, table) for name in columns)
    parts.append(
        '<div class="acnb-scroll"><table class="acnb-t acnb-list">'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
    parts.append(
        '<div class="acnb-foot">to_frame() returns every row as a typed '
        "DataFrame.</div>"
    )
    return wrap_html("".join(parts), list_text(rows))


def _column_header(name: str, table: PropertyTable) -> str:
    if name in table:
        return name_html(name, _property_title(table[name]))
    return name_html(name, "not in the property table")


def _list_row(record: Record, columns: Sequence[str], table: PropertyTable) -> str:
    cells = []
    for name in columns:
        prop = _property(table, name)
        formatted = format_value(prop, record._raw.get(name, MISSING), record._raw)
        cells.append(cell_html(formatted, CELL_CHARS))
    return f"<tr>{''.join(cells)}</tr>"


# -- resources --------------------------------------------------------------------

#: Method name prefixes that write; hidden for resources the API only reads.
#: NOTE: a write method named otherwise would still be listed for them.
_WRITE_PREFIXES = ("create", "update", "delete", "upsert", "bulk")


def resource_calls(resource: Resource) -> list[tuple[str, str]]:
    """Return the public calls of ``resource`` as (signature, summary) pairs.

    The list is read from the class, so calls added later appear without
    changes here.
    """
    calls = []
    for name, member in _public_methods(type(resource)):
        if not resource.table.writable_resource and name.startswith(_WRITE_PREFIXES):
            continue
        summary = (inspect.getdoc(member) or "").split("\n", 1)[0].replace("``", "")
        calls.append((f"{name}{_signature(member)}", summary))
    return calls


def _public_methods(cls: type) -> list[tuple[str, Callable[..., Any]]]:
    methods: dict[str, Callable[..., Any]] = {}
    for klass in reversed(cls.__mro__[:-1]):
        for name, member in vars(klass).items():
            if not name.startswith("_") and inspect.isfunction(member):
                methods[name] = member
    return list(methods.items())


def _signature(function: Callable[..., Any]) -> str:
    signature = inspect.signature(function)
    parameters = [
        parameter.replace(annotation=inspect.Parameter.empty)
        for name, parameter in signature.parameters.items()
        if name != "self"
    ]
    bare = signature.replace(
        parameters=parameters, return_annotation=inspect.Signature.empty
    )
    return str(bare)


def _property_rows(table: PropertyTable) -> list[list[str]]:
    rows = []
    for prop in table:
        description = prop.description
        if prop.items is not None:
            description += f" (each item: {', '.join(prop.items.names)})"
        rows.append(
            [
                prop.name,
                str(prop.type),
                "yes" if prop.required else "",
                "yes" if prop.read_only else "",
                description,
            ]
        )
    return rows


_PROPERTY_HEADER = ["property", "type", "required", "read-only", "description"]


def _resource_heading(resource: Resource) -> list[str]:
    table = resource.table
    lines = [f"{table.path}: {table.label} records"]
    if not table.writable_resource:
        lines.append("read-only in the API: records can be listed and fetched")
    filters = ", ".join(table.filters) or "none"
    lines.append(f"filters for list(): {filters}")
    return lines


def resource_text(resource: Resource) -> str:
    """Render a resource's property table and calls as text."""
    lines = _resource_heading(resource)
    lines.append("")
    lines.extend(text_grid(_PROPERTY_HEADER, _property_rows(resource.table)))
    lines.append("")
    lines.append("calls:")
    lines.extend(
        f"  {signature}  {summary}" for signature, summary in resource_calls(resource)
    )
    return "\n".join(lines)


def resource_html(resource: Resource) -> str:
    """Render a resource's property table and calls as HTML."""
    heading = _resource_heading(resource)
    parts = [f'<div class="acnb-title">{esc(heading[0])}</div>']
    parts.extend(f'<div class="acnb-meta">{esc(line)}</div>' for line in heading[1:])

    rows = []
    for cells in _property_rows(resource.table):
        name, *rest = cells
        tds = "".join(f"<td>{esc(cell)}</td>" for cell in rest)
        rows.append(f"<tr>{name_html(name)}{tds}</tr>")
    parts.append(table_html(_PROPERTY_HEADER, rows))

    calls = [
        f"<tr><td><code>{esc(signature)}</code></td><td>{esc(summary)}</td></tr>"
        for signature, summary in resource_calls(resource)
    ]
    parts.append(table_html(["call", "what it does"], calls))
    return wrap_html("".join(parts), resource_text(resource))


# -- sessions ---------------------------------------------------------------------


def _session_rows(session: Session) -> list[tuple[str, str]]:
    from ._resources import Resource

    kind = "sandbox on this machine" if session.is_sandbox else "live account"
    server = session.sandbox_server
    if server is not None:
        kind += f" (dataset {server.dataset!r})"
    rows = [("host", session.host), ("mode", kind)]
    rows.append(("throttle", _throttle_text(session.throttle_state())))

    for name, value in vars(session).items():
        if isinstance(value, Resource):
            rows.append((f".{name}", f"{value.table.path} ({value.table.label})"))
    return rows


def _throttle_text(state: Mapping[str, Any]) -> str:
    rate = state.get("rate")
    limit = "off" if rate is None else f"{rate:g} requests/s"
    return (
        f"{limit}; {state.get('requests', 0)} requests sent, "
        f"{state.get('waited', 0)} s waited, {state.get('pauses', 0)} pauses"
    )


def session_text(session: Session) -> str:
    """Render a session's host, mode, throttle and resources; never the key."""
    rows = _session_rows(session)
    width = max(len(name) for name, _ in rows)
    lines = ["ActiveCampaign session"]
    lines.extend(f"  {name:<{width}}  {visible(value)}" for name, value in rows)
    return "\n".join(lines)


def session_html(session: Session) -> str:
    """Render a session as a small table; the API key is never included."""
    rows = [
        f"<tr>{name_html(name)}<td><bdi>{clip_html(value, CARD_CHARS)}</bdi></td></tr>"
        for name, value in _session_rows(session)
    ]
    title = '<div class="acnb-title">ActiveCampaign session</div>'
    return wrap_html(title + table_html(None, rows), session_text(session))
