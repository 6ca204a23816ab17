"""Building blocks of the displays: value formatting, escaping, layout.

``format_value`` turns one raw field into the text a display shows, using the
property's type: cents as an amount, times with their offset, flags as
yes/no, and a visible mark for empty values. ``clip``, ``visible`` and
``esc`` make any text safe to show: bounded in length, with control and
bidirectional characters made visible, and HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._properties import Property, PropertyType
from ._types import decode

__all__ = [
    "CSS",
    "EMPTY_MARK",
    "MISSING",
    "Formatted",
    "as_text",
    "cell_html",
    "clip",
    "clip_html",
    "esc",
    "format_money",
    "format_value",
    "name_html",
    "one_line",
    "table_html",
    "text_grid",
    "value_html",
    "visible",
    "wrap_html",
]

logger = logging.getLogger(__name__)

#: Items of an ``array (objects)`` value shown in a record card.
NESTED_ITEMS = 10

#: Characters of a property or field name shown in a header cell.
NAME_CHARS = 80

#: Characters of a tooltip; longer ones are cut like values.
TITLE_CHARS = 300

#: Longest URL shown as a link; longer ones are shown as text.
LINK_CHARS = 2000

#: Marks a field that the response does not contain, as opposed to null.
MISSING = object()

#: Text shown for an empty value: null, absent or "".
EMPTY_MARK = "—"

# C0 and C1 controls (except tab and newline), bidirectional overrides,
# isolates and marks, and lone surrogates, which cannot be encoded as UTF-8.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)
_WEB_URL = re.compile(r"^https?://[^\s\"'<>`\\]+$", re.IGNORECASE)

CSS = """
.acnb{--acnb-fg:var(--jp-content-font-color1,inherit);
--acnb-muted:var(--jp-content-font-color2,#8a8a8a);
--acnb-border:var(--jp-border-color2,rgba(128,128,128,.35));
--acnb-head:var(--jp-layout-color2,rgba(128,128,128,.12));
--acnb-badge:var(--jp-layout-color3,rgba(128,128,128,.25));
--acnb-error:var(--jp-error-color1,#d9534f);
color:var(--acnb-fg);font-family:var(--jp-ui-font-family,inherit);
font-size:var(--jp-ui-font-size1,13px);max-width:100%;}
.acnb .acnb-fallback{display:none;}
.acnb .acnb-rich{display:block !important;}
.acnb .acnb-title{font-weight:600;margin:2px 0 4px 0;}
.acnb .acnb-meta,.acnb .acnb-foot{color:var(--acnb-muted);margin:2px 0;
white-space:pre-wrap;overflow-wrap:anywhere;}
.acnb .acnb-scroll{overflow-x:auto;max-width:100%;}
.acnb table.acnb-t{border-collapse:collapse;margin:2px 0;width:auto;
table-layout:auto;color:var(--acnb-fg);}
.acnb table.acnb-t th,.acnb table.acnb-t td{border:1px solid var(--acnb-border);
padding:2px 6px;text-align:left;vertical-align:top;white-space:pre-wrap;
overflow-wrap:anywhere;max-width:40em;}
.acnb table.acnb-t thead th{background:var(--acnb-head);font-weight:600;}
.acnb table.acnb-list th,.acnb table.acnb-list td{white-space:nowrap;
overflow-wrap:normal;max-width:none;}
.acnb table.acnb-t td.acnb-time{white-space:nowrap;}
.acnb table.acnb-list td.acnb-num{text-align:right;white-space:nowrap;
font-variant-numeric:tabular-nums;}
.acnb .acnb-empty,.acnb .acnb-missing,.acnb .acnb-type,.acnb .acnb-clip,
.acnb .acnb-more td{color:var(--acnb-muted);}
.acnb .acnb-more td{font-style:italic;text-align:center;}
.acnb .acnb-invalid{color:var(--acnb-error);}
.acnb .acnb-ro{background:var(--acnb-badge);border-radius:3px;padding:0 4px;
font-size:85%;white-space:nowrap;}
.acnb code{font-family:var(--jp-code-font-family,monospace);}
.acnb a{color:var(--jp-content-link-color,inherit);text-decoration:underline;}
.acnb table.acnb-nested{margin:4px 0 0 0;font-size:95%;}
"""

# -- values -------------------------------------------------------------------


@dataclass(frozen=True)
class Formatted:
    """A value ready for display: its text, a kind for styling and a tooltip."""

    text: str
    kind: str
    title: str = ""


def format_money(cents: int, currency: str | None = None) -> str:
    """Format integer cents as an amount: ``150761`` becomes ``1,507.61``.

    >>> format_money(150761, "USD")
    'USD 1,507.61'
    """
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    amount = f"{sign}{units:,}.{rest:02d}"
    return f"{currency} {amount}" if currency else amount


def format_value(
    prop: Property | None, value: Any, record: Mapping[str, Any] | None = None
) -> Formatted:
    """Describe how one raw field value is displayed.

    Args:
        prop: The field's property, or ``None`` for a field the table lacks.
        value: The value as the API sent it; ``MISSING`` when absent.
        record: The whole raw record, read for its ``currency``.
    """
    if value is MISSING:
        return Formatted(EMPTY_MARK, "missing", "not in the response")
    if value is None:
        return Formatted(EMPTY_MARK, "empty", "null")
    if value == "":
        return Formatted(EMPTY_MARK, "empty", "empty string")
    try:
        if prop is None:
            return Formatted(as_text(value), "text")
        return _FORMATTERS[prop.type](prop, value, record or {})
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # Any formatting error falls back to the raw text, so a display does not
        # raise for an odd stored value (tests run the hostile corpus through it).
        return Formatted(as_text(value), "invalid", f"cannot be displayed: {exc}")


def as_text(value: Any) -> str:
    """Return a raw value as text, with a placeholder if ``str()`` fails."""
    try:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, default=str)
        return str(value)
    except (ValueError, TypeError, OverflowError, RecursionError):
        # str() rejects an int of more than sys.get_int_max_str_digits() digits.
        return f"<{type(value).__name__} that cannot be shown as text>"


def _invalid(prop: Property, value: Any) -> Formatted:
    return Formatted(as_text(value), "invalid", f"not a valid {prop.type}")


def _format_number(prop: Property, value: Any, record: Mapping[str, Any]) -> Formatted:
    number = decode(prop, value)
    if not isinstance(number, int):
        return _invalid(prop, value)
    return Formatted(str(number), "num")


def _format_cents(prop: Property, value: Any, record: Mapping[str, Any]) -> Formatted:
    cents = decode(prop, value)
    if not isinstance(cents, int):
        return _invalid(prop, value)
    return Formatted(format_money(cents, _currency(record)), "num", f"{cents} cents")


def _currency(record: Mapping[str, Any]) -> str | None:
    code = record.get("currency")
    if not isinstance(code, str) or not code.strip():
        return None
    return code.strip().upper()[:8]


def _format_time(prop: Property, value: Any, record: Mapping[str, Any]) -> Formatted:
    moment = decode(prop, value)
    if moment is None:
        return Formatted(EMPTY_MARK, "empty", as_text(value))
    if isinstance(moment, str) or not hasattr(moment, "isoformat"):
        return _invalid(prop, value)
    if moment.utcoffset() is None:
        title = "no UTC offset was sent"
    else:
        try:
            title = f"{moment.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC"
        except OverflowError:
            # In UTC the time falls before year 1 or after year 9999.
            return Formatted(
                as_text(value), "invalid", "outside the years 1 to 9999 in UTC"
            )
    return Formatted(moment.isoformat(sep=" "), "time", title)


def _format_flag(prop: Property, value: Any, record: Mapping[str, Any]) -> Formatted:
    flag = decode(prop, value)
    if not isinstance(flag, bool):
        return _invalid(prop, value)
    return Formatted("yes" if flag else "no", "flag", f"sent as {value!r}")


def _format_text(prop: Property, value: Any, record: Mapping[str, Any]) -> Formatted:
    if isinstance(value, dict | list):
        return _invalid(prop, value)
    kind = "url" if prop.type is PropertyType.URL else "text"
    return Formatted(str(value), kind)


def _format_objects(prop: Property, value: Any, record: Mapping[str, Any]) -> Formatted:
    if not isinstance(value, list):
        return _invalid(prop, value)
    noun = "item" if len(value) == 1 else "items"
    text = f"{len(value)} {noun}"

    # GET /ecomOrders/{id} lists the ids of the order products, not objects.
    scalars = [item for item in value[:NESTED_ITEMS] if isinstance(item, str | int)]
    if value and len(scalars) == min(len(value), NESTED_ITEMS):
        more = ", …" if len(value) > NESTED_ITEMS else ""
        text += ": " + ", ".join(str(item) for item in scalars) + more
    return Formatted(text, "objects")


_FORMATTERS: dict[
    PropertyType, Callable[[Property, Any, Mapping[str, Any]], Formatted]
] = {
    PropertyType.STRING: _format_text,
    PropertyType.NUMERIC: _format_number,
    PropertyType.EMAIL: _format_text,
    PropertyType.TIMESTAMP: _format_time,
    PropertyType.CENTS: _format_cents,
    PropertyType.FLAG: _format_flag,
    PropertyType.URL: _format_text,
    PropertyType.OBJECTS: _format_objects,
}


# -- text helpers ---------------------------------------------------------------


def visible(text: str) -> str:
    """Replace control, bidirectional and surrogate characters by escapes."""
    return _INVISIBLE.sub(_escape_code_point, text)


def _escape_code_point(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with the length.

    The cut happens before any escaping, so the work is bounded by
    ``limit`` even for a value of many megabytes.
    """
    if len(text) <= limit:
        return visible(text)
    return visible(text[:limit]) + _clip_mark(text)


def _clip_mark(text: str) -> str:
    return f"… ({len(text):,} chars)"


def clip_html(text: str, limit: int) -> str:
    """Clip and escape ``text`` for HTML, with the cut mark styled apart."""
    if len(text) <= limit:
        return esc(visible(text))
    mark = esc(_clip_mark(text))
    return f'{esc(visible(text[:limit]))}<span class="acnb-clip">{mark}</span>'


def one_line(text: str, limit: int) -> str:
    """Fold the whitespace of ``text`` and cut it to ``limit`` characters."""
    head = text[: limit * 4]
    folded = " ".join(head.split())
    if len(folded) <= limit and len(head) == len(text):
        return visible(folded)
    return visible(folded[: limit - 1]) + "…"


def esc(value: object) -> str:
    """Escape ``value`` for HTML text and quoted attributes."""
    return html.escape(str(value), quote=True)


def text_grid(
    headers: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    right: Sequence[bool] = (),
) -> list[str]:
    """Align ``rows`` in columns, under ``headers`` when given.

    Columns whose flag in ``right`` is true are right-aligned, as numbers are.
    """
    every = [headers, *rows] if headers is not None else list(rows)
    widths = [max(len(row[i]) for row in every) for i in range(len(every[0]))]
    flags = list(right) + [False] * (len(widths) - len(right))
    return [_grid_line(row, widths, flags) for row in every]


def _grid_line(cells: Sequence[str], widths: Sequence[int], right: list[bool]) -> str:
    padded = (
        cell.rjust(width) if flush_right else cell.ljust(width)
        for cell, width, flush_right in zip(cells, widths, right, strict=True)
    )
    return "  ".join(padded).rstrip()


# -- HTML helpers -----------------------------------------------------------------


def wrap_html(rich: str, text: str) -> str:
    """Wrap a rich rendering with the stylesheet and an escaped text copy."""
    return (
        f'<div class="acnb"><style>{CSS}</style>'
        f'<pre class="acnb-fallback">{esc(text)}</pre>'
        f'<div class="acnb-rich" style="display:none">{rich}</div></div>'
    )


def value_html(formatted: Formatted, limit: int) -> str:
    body = f"<bdi>{clip_html(formatted.text, limit)}</bdi>"
    link = len(formatted.text) <= LINK_CHARS and _WEB_URL.match(formatted.text)
    if formatted.kind == "url" and link:
        body = (
            f'<a href="{esc(formatted.text)}" target="_blank" '
            f'rel="noopener noreferrer">{body}</a>'
        )
    return body


def cell_html(formatted: Formatted, limit: int) -> str:
    title = (
        f' title="{esc(clip(formatted.title, TITLE_CHARS))}"' if formatted.title else ""
    )
    return (
        f'<td class="acnb-{formatted.kind}"{title}>{value_html(formatted, limit)}</td>'
    )


def name_html(name: str, title: str = "", tag: str = "th") -> str:
    tip = f' title="{esc(clip(title, TITLE_CHARS))}"' if title else ""
    return f"<{tag}{tip}><bdi>{clip_html(name, NAME_CHARS)}</bdi></{tag}>"


def table_html(
    header: Sequence[str] | None, rows: Iterable[str], classes: str = "acnb-t"
) -> str:
    head = ""
    if header is not None:
        names = "".join(f"<th>{esc(name)}</th>" for name in header)
        head = f"<thead><tr>{names}</tr></thead>"
    return f'<table class="{classes}">{head}<tbody>{"".join(rows)}</tbody></table>'
