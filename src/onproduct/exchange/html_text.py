"""HTML as plain text, as a browser would show it: what a tracker's rich-text field
(Azure DevOps' descriptions) becomes in an item's description."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_TAG = re.compile(r"<[A-Za-z/!]")


class PlainText(HTMLParser):
    """HTML as plain text: block elements and <br> become line breaks, list items
    "- " lines, and runs of spaces one space (as a browser shows it)."""

    _BLOCKS = frozenset({
        "div", "p", "li", "tr", "ul", "ol", "table", "blockquote", "pre", "h1", "h2", "h3",
        "h4", "h5", "h6", "dt", "dd", "dl", "section", "article", "header", "footer", "hr",
    })  # fmt: skip
    _PARAGRAPHS = frozenset(
        {"p", "ul", "ol", "table", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
    )
    _HIDDEN = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.breaks = 0  # line breaks at the end of the text so far

    def text_of(self, markup: str) -> str:
        self.reset()
        self.parts = []
        self.hidden = self.pre = self.breaks = 0
        self.feed(markup)
        self.close()
        lines = [" ".join(line.split()) for line in "".join(self.parts).split("\n")]
        result: list[str] = []
        for line in lines:
            if line or (result and result[-1]):  # one blank line at most
                result.append(line)
        return "\n".join(result).strip("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
            self.breaks += 1
        elif tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self._break(tag)
            if tag == "li":
                self.parts.append("- ")
                self.breaks = 0
            elif tag == "pre":
                self.pre += 1
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self._break(tag)
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def _break(self, tag: str) -> None:
        """The line ends here, with a blank line after a paragraph, a list or a table."""
        wanted = 2 if tag in self._PARAGRAPHS else 1
        if self.breaks < wanted:
            self.parts.append("\n" * (wanted - self.breaks))
            self.breaks = wanted

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            self.parts.append(data)
            self.breaks = len(data) - len(data.rstrip("\n")) if data.strip() else self.breaks
        elif data.strip():
            # Outside <pre> a line break in HTML source is a space.
            self.parts.append(data.replace("\r", " ").replace("\n", " "))
            self.breaks = 0
        elif not self.breaks:
            self.parts.append(" ")  # spaces at the start of a line show nothing


def plain_text(text: str, parser: PlainText) -> str:
    """A description's plain text: HTML read, else the text with entities read."""
    if not text or text.isspace():
        return ""
    if "<" in text and _TAG.search(text):
        return parser.text_of(text)
    if "&" in text:
        text = html.unescape(text)
    return text.replace("\r\n", "\n").strip("\n").rstrip()
