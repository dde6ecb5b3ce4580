"""The email checks' tag scanner reads HTML exactly as a plain tag-by-tag reading would.

`html._SCAN` lets the regular-expression engine consume the tags that need no look; the
reference here is the straightforward reading it replaced (every tag matched, then filtered
in Python). Property-based: generated email-like HTML, with the cases that part readers
(comments, unclosed comments, stray `<`, `>` inside quotes, "id" inside other words,
interesting names as prefixes of others, any case), must give identical findings.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syncer.load.content import html

_REFERENCE_TAG = re.compile(
    r"<!--.*?-->"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)"
    r"((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>",
    re.S,
)


class _Reference(html._Scanner):
    def scan(self) -> None:
        link_start = -1
        for match in _REFERENCE_TAG.finditer(self.html):
            closing, name = match.group(1), match.group(2)
            if name is None:
                continue
            tag = name.lower()
            if tag == "a" and closing and link_start >= 0:
                self.link_texts.append(self.html[link_start : match.start()])
                link_start = -1
                continue
            attrs = match.group(3) or ""
            if closing or (tag not in html._INTERESTING and "id" not in attrs.lower()):
                continue
            values: dict[str, str | None] = {}
            for attr in html._ATTR.finditer(attrs):
                value = next((v for v in attr.group(2, 3, 4) if v is not None), None)
                values.setdefault(attr.group(1).lower(), None if value is None else unescape(value))
            self._tag(match.start(), tag, values, match.group(0))
            if tag == "a":
                link_start = match.end()


NAMES = ["a", "A", "abbr", "img", "IMG", "image", "html", "htmlx", "p", "div", "video",
         "link", "linkx", "script", "form", "formx", "area", "source", "td", "br", "o:p",
         "span"]  # fmt: skip
ATTR_NAMES = ["id", "ID", "width", "href", "src", "alt", "lang", "class", "data-unsubscribe",
              "style", "valid", "i", "d"]  # fmt: skip
VALUES = ["", "#", "x", "http://a.example/", "https://b.example/?i=d", "a > b", "kid", "i",
          "&amp;", "unsubscribe", "{{unsubscribe}}"]  # fmt: skip


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(ATTR_NAMES))
    form = draw(st.sampled_from(["bare", "double", "single", "unquoted"]))
    value = draw(st.sampled_from(VALUES))
    if form == "bare":
        return name
    if form == "double":
        return f'{name}="{value}"'
    if form == "single":
        return f"{name}='{value}'"
    unquoted = value.replace(" ", "").replace(">", "") or "v"
    return f"{name}={unquoted}"


@st.composite
def fragment(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["open", "open", "close", "text", "comment", "stray", "self"]))
    if kind == "text":
        return draw(st.sampled_from(["hello ", "\n", "a < b ", "x", "unsubscribe", "  "]))
    if kind == "comment":
        inner = draw(st.sampled_from(["", " <a href='http://c'> ", "[if mso]>", "<p id=x>"]))
        return f"<!--{inner}" + draw(st.sampled_from(["-->", "->", ""]))
    if kind == "stray":
        return draw(st.sampled_from(["<", "< a>", "<1>", "</>", "<a", "<!-", ">"]))
    name = draw(st.sampled_from(NAMES))
    if kind == "close":
        return f"</{name}{draw(st.sampled_from(['', ' ', ' id=x']))}>"
    attrs = draw(st.lists(attribute(), max_size=4))
    space = draw(st.sampled_from([" ", "  ", "\n", "\t"]))
    end = "/>" if kind == "self" else draw(st.sampled_from([">", " >", "/>"]))
    return "<" + name + "".join(space + a for a in attrs) + end


def _read(scanner: html._Scanner) -> tuple[Any, ...]:
    scanner.scan()
    return scanner.findings, scanner.link_texts, scanner.ids, scanner.unsubscribe_attr


@settings(max_examples=600, deadline=None)
@given(st.lists(fragment(), max_size=40))
def test_the_scan_reads_every_tag_as_the_plain_reading_does(fragments: list[str]) -> None:
    text = "".join(fragments)
    assert _read(html._Scanner(text)) == _read(_Reference(text))


def test_an_unclosed_comment_hides_nothing_after_it_and_costs_one_pass() -> None:
    text = "<p>" * 2000 + "<!-- never closed " + '<img src="http://x/a.png">' * 3
    assert _read(html._Scanner(text)) == _read(_Reference(text))
    found = html._Scanner(text)
    found.scan()
    assert [f.check for f in found.findings] == ["insecure_link", "image_alt"] * 3


@pytest.mark.parametrize(
    "text",
    [
        '<abbr href="a > b" id>',  # the id after a quoted ">": still one tag
        '<abbr href="a>b id=1"><p id=1>',  # an id inside a quoted value, another reading of it
        '<td valid="1"><td kid=2>',  # "id" inside other words still counts as the plain reading
        '<p title="unclosed><img src=http://x>',
    ],
)
def test_readings_that_part_at_a_quote(text: str) -> None:
    assert _read(html._Scanner(text)) == _read(_Reference(text))
