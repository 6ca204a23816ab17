"""Hostile strings for the display and form tests, and a checker for HTML.

Every string that could run script sets ``window.__pwned``, so a browser
test can tell whether anything ran. ``HtmlAudit`` parses HTML and lists
what must never appear in a display: executable tags, event handler
attributes, and links or sources with a script URL.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer

#: The global that any script in the corpus sets.
CANARY = "__pwned"

HOSTILE: dict[str, str] = {
    "script": "<script>window.__pwned='script'</script>",
    "img_onerror": "<img src=x onerror=\"window.__pwned='img'\">",
    "svg_onload": '"><svg onload="window.__pwned=\'svg\'">',
    "attr_break_single": "' autofocus onfocus='window.__pwned=1' x='",
    "attr_break_double": '" autofocus onfocus="window.__pwned=1" x="',
    "js_url": "javascript:window.__pwned='url'",
    "js_url_mixed_case": " JaVaScRiPt:window.__pwned=1",
    "data_url": "data:text/html,<script>window.__pwned=1</script>",
    "table_break": "</bdi></td></tr></table></div><script>window.__pwned=1</script>",
    "comment_break": "--><script>window.__pwned=1</script><!--",
    "style_block": "<style>*{display:none !important}</style>",
    "iframe": '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "entities": "&lt;script&gt;window.__pwned=1&lt;/script&gt;&amp;",
    "template": "{{constructor.constructor('window.__pwned=1')()}}",
    "markdown_link": "[click](javascript:window.__pwned=1)",
    "rtl_override": "\u202eexe.txt\u202c",
    "rtl_isolate": "\u2067abc\u2069 \u200f",
    "zero_width": "a\u200bb\u200dc\ufeff",
    "nul": "before\x00after",
    "ansi_escape": "bell\x07 \x1b[31mred\x1b[0m \x9b",
    "newlines": "line1\nline2\r\nline3\ttab",
    "quotes": "'\"`\\",
    "long_word": "W" * 5000,
    "emoji": "\U0001f600" * 500,
}

#: A value of 10 MB, stored and shown like the others.
HUGE = "x" * 10_000_000

#: Characters that must never reach a display unchanged.
RAW_FORBIDDEN = ["\x00", "\x07", "\x1b", "\x9b", "\u202e", "\u2067", "\u200f"]

_SCRIPT_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)
_EXECUTABLE_TAGS = frozenset(
    {"script", "iframe", "img", "svg", "object", "embed", "form", "input", "link"}
)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href"})
_VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col"})


class HtmlAudit(HTMLParser):
    """Parse HTML and collect the tags, dangerous markup and nesting errors."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.problems: list[str] = []
        self.styles = 0
        self._open: list[str] = []
        self.feed(text)
        self.close()
        if self._open:
            self.problems.append(f"unclosed tags {self._open}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in _EXECUTABLE_TAGS:
            self.problems.append(f"<{tag}> tag")
        if tag == "style":
            self.styles += 1
        for name, value in attrs:
            self._check_attribute(tag, name, value or "")
        if tag not in _VOID_TAGS:
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)
        if not self._open or self._open[-1] != tag:
            self.problems.append(f"</{tag}> does not close {self._open[-1:]}")
            return
        self._open.pop()

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.problems.append(f"{name} handler on <{tag}>")
        if name == "srcdoc" or (name in _URL_ATTRIBUTES and _SCRIPT_URL.match(value)):
            self.problems.append(f"{name}={value[:40]!r} on <{tag}>")
        if name == "style" and ("url(" in value or "expression" in value):
            self.problems.append(f"style {value[:40]!r} on <{tag}>")


def audit(text: str) -> HtmlAudit:
    """Return the audit of ``text``; its ``problems`` list must be empty."""
    return HtmlAudit(text)


def store_corpus(ac: acn.Session, server: SandboxServer) -> dict[str, int]:
    """Store the corpus in a demo sandbox; return the customer id of each entry.

    Each string becomes a customer's externalid through the client, and its
    email and category through the store. Connection 1, order 1 and order
    product 1 get hostile text and script URLs in their fields.
    """
    ids: dict[str, int] = {}
    for name, value in {**HOSTILE, "huge": HUGE}.items():
        record = ac.customers.create(
            email=f"{name}@example.com", connectionid=1, externalid=value
        )
        ids[name] = record.id
        if name != "huge":
            server.store.update(
                "ecomCustomers",
                record.id,
                {"avgProductCategory": value, "email": value, "email_lower": value},
            )
    server.store.update(
        "connections",
        1,
        {
            "name": HOSTILE["script"],
            "service": HOSTILE["svg_onload"],
            "logoUrl": HOSTILE["js_url"],
            "linkUrl": HOSTILE["data_url"],
        },
    )
    server.store.update(
        "ecomOrders",
        1,
        {
            "orderUrl": HOSTILE["js_url_mixed_case"],
            "shippingMethod": HOSTILE["img_onerror"],
            "orderNumber": HOSTILE["table_break"],
            "currency": HOSTILE["quotes"],
        },
    )
    server.store.update(
        "ecomOrderProducts",
        1,
        {
            "name": HOSTILE["script"],
            "category": HOSTILE["rtl_override"],
            "sku": HOSTILE["nul"],
            "description": HOSTILE["comment_break"],
            "imageUrl": HOSTILE["js_url"],
            "productUrl": HOSTILE["iframe"],
        },
    )
    return ids
