"""What a reader of an email sees of its HTML: the visible text, line by line, and the links.

Used to show a change of a long HTML body as a diff of what recipients see (plus the links
that changed) instead of a diff of markup. Pure; built on the standard library's HTMLParser.
"""

from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")
_BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "br", "center", "dd", "div"),
        *("dl", "dt", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr"),
        *("html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "tr", "ul"),
    }
)
_HIDDEN = frozenset({"script", "style", "head", "title", "template"})


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        if tag in _BLOCK:
            self.chunks.append("\n")
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in _BLOCK:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data)


def is_html(text: object) -> bool:
    return isinstance(text, str) and _TAG.search(text) is not None


def read(html: str) -> tuple[list[str], list[str]]:
    """(visible text lines, link targets) of an HTML document or fragment."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    text = "".join(reader.chunks)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return [line for line in lines if line], reader.links


def html_diff(before: str, after: str) -> list[str]:
    """Diff lines (`-`, `+`, ` ` prefixed) of the visible text, then the links that changed."""
    old_text, old_links = read(before)
    new_text, new_links = read(after)
    lines = [
        line
        for line in difflib.unified_diff(old_text, new_text, lineterm="", n=1)
        if not line.startswith(("---", "+++"))
    ]
    lines = ["  …" if line.startswith("@@") else f"{line[0]} {line[1:]}" for line in lines]
    if lines and lines[0] == "  …":
        lines = lines[1:]
    removed = [link for link in old_links if link not in new_links]
    added = [link for link in new_links if link not in old_links]
    if removed or added:
        lines.append("  links:")
        lines.extend(f"- {link}" for link in removed)
        lines.extend(f"+ {link}" for link in added)
    if not lines:
        lines.append(
            f"  (markup only: {len(before)} -> {len(after)} characters; "
            "the visible text and the links are the same)"
        )
    return lines


def html_text(html: str) -> list[str]:
    """A new HTML body as `+` lines of its visible text, then its links."""
    text, links = read(html)
    lines = [f"+ {line}" for line in text]
    if links:
        lines.append("  links:")
        lines.extend(f"+ {link}" for link in links)
    return lines
