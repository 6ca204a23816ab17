"""Helpers for display tests: IPython's own mime bundles and an HTML audit."""

from __future__ import annotations

from html.parser import HTMLParser

from IPython.core.formatters import DisplayFormatter

#: Tags the displays may emit; anything else means a value escaped its cell.
ALLOWED_TAGS = frozenset(
    {
        "a",
        "bdi",
        "code",
        "div",
        "pre",
        "span",
        "style",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
    }
)

#: Attributes the displays may emit.
ALLOWED_ATTRIBUTES = frozenset(
    {"class", "colspan", "href", "rel", "style", "target", "title"}
)


def mime_bundle(obj: object) -> dict[str, str]:
    """Return the mime bundle IPython's display formatter builds for ``obj``."""
    data, _metadata = DisplayFormatter().format(obj)
    return data


class HtmlAudit(HTMLParser):
    """Parse HTML and record every tag, attribute and text fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        else:
            self.text.append(data)

    @property
    def all_text(self) -> str:
        """Text content and attribute values, unescaped, in document order."""
        values = [value or "" for _, value in self.attributes]
        return "".join(self.text) + "\n" + "\n".join(values)


def audit(markup: str) -> HtmlAudit:
    """Parse ``markup`` and return what it contains."""
    parser = HtmlAudit()
    parser.feed(markup)
    parser.close()
    return parser
