"""What a reader of an email gets from its HTML: the visible text, and everything else that
changes what they see or what the email does.

Takes an HTML document or fragment; returns a `Reading`: the visible text line by line, the text
hidden from view (`display:none`, `hidden`, zero size...), the images (`src`, `alt`), the links,
forms, scripts and embeds, and the styles. A change of a long HTML body is shown as a diff of
each of these, so that a reviewer sees a tracking pixel, a hidden heading or a form that was
added, and "markup only" is said only when none of them changed. Pure; built on the standard
library's HTMLParser.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from syncer.render.linediff import unified

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")
_BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "br", "center", "dd", "div"),
        *("dl", "dt", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr"),
        *("html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "tr", "ul"),
    }
)
_UNRENDERED = frozenset({"script", "style", "head", "title", "template", "noscript"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_FIELDS = frozenset({"input", "select", "textarea", "button"})
_EMBEDS = frozenset({"iframe", "object", "embed", "frame", "video", "audio"})
# Declarations that hide an element's content from a reader (the usual tricks of emails:
# preheaders, and content a filter or a reviewer should not notice).
_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(\.0*)?\s*(;|$|!)"
    r"|font-size\s*:\s*0+(px|pt|em|rem|%)?\s*(;|$|!)|max-height\s*:\s*0+(px)?\s*(;|$|!)"
    r"|mso-hide\s*:\s*all",
    re.IGNORECASE,
)


_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""", re.IGNORECASE)


def _squash(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Reading:
    """What an HTML body shows and does, each part as lines a diff can compare."""

    text: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    """Scripts, event-handler attributes and embedded frames or objects."""
    styles: list[str] = field(default_factory=list)
    """Styled elements (`tag style=... class=...`) and the lines of `<style>` blocks."""

    def sections(self) -> list[tuple[str, list[str]]]:
        """The parts other than the visible text, with their headings."""
        return [
            ("hidden text", self.hidden),
            ("images", self.images),
            ("links", self.links),
            ("forms", self.forms),
            ("scripts and embeds", self.scripts),
            ("styles", self.styles),
        ]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden_chunks: list[str] = []
        self.found = Reading()
        self.unrendered: list[str] = []
        self.hiding: list[list[str | int]] = []
        """[tag, open count] of each element that hides its content (tags nest by name)."""
        self.inline: list[str] = []
        """The text of the `<script>` or `<style>` being read."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        self._record(tag, values)
        if tag in _UNRENDERED:
            self.unrendered.append(tag)
            self.inline = []
        if tag in _BLOCK:
            self._chunk("\n")
        if tag in _VOID:
            return
        for entry in self.hiding:
            if entry[0] == tag:
                entry[1] = int(entry[1]) + 1
        if "hidden" in values or _HIDING.search(values.get("style", "")):
            self.hiding.append([tag, 1])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, {k: (v or "") for k, v in attrs})
        if tag in _BLOCK:
            self._chunk("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.unrendered and self.unrendered[-1] == tag:
            self.unrendered.pop()
            self._inline_end(tag)
        if tag in _BLOCK:
            self._chunk("\n")
        for entry in list(self.hiding):
            if entry[0] == tag:
                entry[1] = int(entry[1]) - 1
                if entry[1] == 0:
                    self.hiding.remove(entry)

    def handle_data(self, data: str) -> None:
        if self.unrendered:
            if self.unrendered[-1] in ("script", "style"):
                self.inline.append(data)
            return
        self._chunk(data)

    def _chunk(self, data: str) -> None:
        (self.hidden_chunks if self.hiding else self.chunks).append(data)

    def _inline_end(self, tag: str) -> None:
        body = "".join(self.inline)
        self.inline = []
        if tag == "script" and body.strip():
            self.found.scripts.append(f"inline script: {_squash(body)}")
        elif tag == "style":
            self.found.styles += [_squash(line) for line in body.splitlines() if line.strip()]
            self.found.images += [f"{url} (in a <style> block)" for url in _URL.findall(body)]

    def _record(self, tag: str, values: dict[str, str]) -> None:
        found = self.found
        if tag == "img":
            alt = f'alt "{_squash(values["alt"])}"' if "alt" in values else "no alt"
            found.images.append(f"{values.get('src', '').strip() or '(no src)'} ({alt})")
        if values.get("background", "").strip():
            found.images.append(f"{values['background'].strip()} (background of {tag})")
        # Images a style loads (a background pixel) are images too, not only a restyling.
        found.images += [
            f"{url} (in the style of {tag})" for url in _URL.findall(values.get("style", ""))
        ]
        if tag in ("a", "area") and values.get("href", "").strip():
            found.links.append(values["href"].strip())
        if tag == "base" and values.get("href"):
            found.links.append(f"base {values['href'].strip()} (every relative link)")
        if tag == "link" and values.get("href"):
            found.styles.append(f"link rel={values.get('rel', '')!r} href={values['href'].strip()}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            found.scripts.append(f"meta refresh {values.get('content', '')!r}")
        if tag == "form":
            found.forms.append(
                f"form action={values.get('action', '')!r} method={values.get('method', 'get')!r}"
            )
        elif tag in _FIELDS:
            shown = " ".join(
                f"{k}={values[k]!r}" for k in ("type", "name", "value", "formaction") if k in values
            )
            found.forms.append(f"{tag} {shown}".strip())
        if tag == "script" and values.get("src"):
            found.scripts.append(f"script src={values['src'].strip()}")
        if tag in _EMBEDS:
            found.scripts.append(f"{tag} src={values.get('src') or values.get('data', '')}")
        found.scripts += [
            f"{tag} {k}={_squash(v)!r}" for k, v in values.items() if k.startswith("on")
        ]
        styled = [f"{k}={_squash(values[k])!r}" for k in ("style", "class") if values.get(k)]
        if styled:
            found.styles.append(f"{tag} {' '.join(styled)}")


def is_html(text: object) -> bool:
    return isinstance(text, str) and _TAG.search(text) is not None


def _lines(chunks: Iterable[str]) -> list[str]:
    lines = (_squash(line) for line in "".join(chunks).splitlines())
    return [line for line in lines if line]


def read(html: str) -> Reading:
    """Everything a reader of `html` sees or triggers (see `Reading`)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    found = reader.found
    found.text = _lines(reader.chunks)
    found.hidden = _lines(reader.hidden_chunks)
    return found


def _text_diff(old: list[str], new: list[str]) -> list[str]:
    # Bounded cost (linediff): a long email's visible lines repeat ("Shop now") as its tags do.
    diff, uncompared = unified(old, new, 1)
    lines = ["  …" if line.startswith("@@") else f"{line[0]} {line[1:]}" for line in diff]
    lines = lines[1:] if lines and lines[0] == "  …" else lines
    if uncompared:
        lines.append(f"  … and {uncompared} more lines of text that differ, not compared")
    return lines


def _counted_diff(old: list[str], new: list[str]) -> list[str]:
    """`-` / `+` lines of what is in one list and not the other, counting repeats (an
    added second copy of a tracking pixel is a change), in the lists' order."""
    gone = Counter(old) - Counter(new)
    came = Counter(new) - Counter(old)
    lines = []
    for sign, items, extra in (("-", old, gone), ("+", new, came)):
        for item in items:
            if extra[item] > 0:
                extra[item] -= 1
                lines.append(f"{sign} {item}")
    return lines


def html_diff(before: str, after: str) -> list[str]:
    """Diff lines (`-`, `+`, ` ` prefixed) of the visible text, then of each other part that
    changed (hidden text, images, links, forms, scripts, styles)."""
    old, new = read(before), read(after)
    lines = _text_diff(old.text, new.text)
    for (heading, was), (_, now) in zip(old.sections(), new.sections(), strict=True):
        changed = _counted_diff(was, now)
        if changed:
            lines.append(f"  {heading}:")
            lines.extend(changed)
    if not lines:
        lines.append(
            f"  (markup only: {len(before)} -> {len(after)} characters; the visible and hidden "
            "text, images, links, forms, scripts and styles are the same)"
        )
    return lines


def html_text(html: str) -> list[str]:
    """A new HTML body as `+` lines of its visible text, then its other parts (styles are
    left out: a new body's styles say nothing a reviewer reads)."""
    found = read(html)
    lines = [f"+ {line}" for line in found.text]
    for heading, items in found.sections():
        if items and heading != "styles":
            lines.append(f"  {heading}:")
            lines.extend(f"+ {item}" for item in items)
    return lines
