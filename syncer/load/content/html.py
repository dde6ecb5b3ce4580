"""Email checks on final HTML: what mail clients and inbox providers punish.

Takes the HTML an email sends and whether it is promotional; returns `Finding`s, each named
after its check (`[checks]` in syncer.toml sets its level) and located at 1-based line and
column of the HTML. Start tags are found with regular expressions, tolerantly: email HTML is
rarely valid, and a check must never fail on what a client would render.
"""

from __future__ import annotations

import re
from html import unescape

from syncer.load.content.personalization import Finding

GMAIL_CLIP_BYTES = 102 * 1024
"""Gmail shows "[Message clipped]" for HTML above about 102 KB."""
_LINK_ATTRS = {"a": "href", "area": "href", "img": "src", "link": "href", "source": "src"}
_DROPPED = ("script", "form")
_INTERESTING = frozenset({"html", *_DROPPED, *_LINK_ATTRS})


_NAME = r"[a-zA-Z][a-zA-Z0-9:-]*"
_ATTRS = r"""(?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*"""
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _no_id(stop: str, *, empty: bool) -> str:
    """Characters outside `stop` that never spell "id" (in any case), as an unrolled loop: a
    run of a character class is what the engine reads fastest."""
    run = rf"[^iI{stop}]*(?:[iI](?![dD])[^iI{stop}]*)*"
    return run if empty else rf"(?=[^{stop}])(?![iI][dD]){run}"


# Atomic, and an unquoted value never starts with a quote: where the attributes hold an "id",
# this fails instead of finding another reading of them (`href="a>b id=1"` is not `href="a`).
_NO_ID_NAME = _no_id(r"\s=/>", empty=False)
_NO_ID_VALUE = "|".join(
    [
        '"' + _no_id('"', empty=True) + '"',
        "'" + _no_id("'", empty=True) + "'",
        r"""(?!["'])""" + _no_id(r"\s>", empty=False),
    ]
)
_NO_ID_ATTRS = rf"(?>(?:\s+{_NO_ID_NAME}(?:\s*=\s*(?:{_NO_ID_VALUE}))?)*)"

# Tags are read left to right as `<name attributes>` (comments, and Outlook's conditional blocks,
# skipped whole), what needs no look consumed by the regular-expression engine itself: comments,
# closing tags but </a>, and start tags of no interest (a name outside `_INTERESTING`, no "id"
# in the attributes). Each match is that run, then one tag worth a look
# (or the end of the text): a 20 KB email is a few matches instead of hundreds. The units are
# atomic and the run possessive, so nothing is ever read twice.
_WORTH = "|".join(sorted(_INTERESTING))
_DULL = (
    r"<!--.*?-->"
    rf"|</(?!(?i:a)(?![a-zA-Z0-9:-])){_NAME}{_ATTRS}\s*/?>"
    rf"|<(?!(?i:{_WORTH})(?![a-zA-Z0-9:-])){_NAME}{_NO_ID_ATTRS}\s*/?>"
)
_SCAN = re.compile(
    rf"(?>{_DULL}|[^<]+|<(?!!--.*?-->|/?{_NAME}{_ATTRS}\s*/?>))*+"
    rf"(?:(?P<tag><(/?)({_NAME})({_ATTRS})\s*/?>)|\Z)",
    re.S,
)


class _Scanner:
    """One pass of a regular expression over the tags: about 0.2 ms for a 20 KB email, a
    fifteenth of the standard library's parser (the checks run on every campaign a cold load
    reads)."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.findings: list[Finding] = []
        self.ids: set[str] = set()
        self.unsubscribe_attr = False
        self.link_texts: list[str] = []

    def _add(self, offset: int, check: str, message: str, needle: str) -> None:
        # Counted when something is found (rarely), not by indexing every line of every email.
        line = self.html.count("\n", 0, offset) + 1
        col = offset - self.html.rfind("\n", 0, offset)
        self.findings.append(Finding(line, col, message, check=check, needle=needle))

    def scan(self) -> None:
        link_start = -1
        for match in _SCAN.finditer(self.html):
            name = match.group(3)
            if name is None:
                continue  # the end of the text
            start = match.start("tag")
            closing, tag = match.group(2), name.lower()
            if tag == "a" and closing and link_start >= 0:
                self.link_texts.append(self.html[link_start:start])
                link_start = -1
                continue
            attrs = match.group(4) or ""
            if closing or (tag not in _INTERESTING and "id" not in attrs.lower()):
                continue  # a closing </a> without an open link; a "width" that says "id"
            values: dict[str, str | None] = {}
            for attr in _ATTR.finditer(attrs):
                value = next((v for v in attr.group(2, 3, 4) if v is not None), None)
                values.setdefault(attr.group(1).lower(), None if value is None else unescape(value))
            self._tag(start, tag, values, match.group("tag"))
            if tag == "a":
                link_start = match.end()

    def _tag(self, at: int, tag: str, values: dict[str, str | None], raw: str) -> None:
        if tag == "html" and not (values.get("lang") or "").strip():
            self._add(
                at, "missing_lang", "<html> has no lang attribute (screen readers guess)", raw
            )
        if tag in _DROPPED:
            self._add(
                at, "script_or_form", f"<{tag}> is removed or disabled by most mail clients", raw
            )
        attr = _LINK_ATTRS.get(tag)
        url = (values.get(attr) or "").strip() if attr else ""
        if attr and url.lower().startswith("http://"):
            self._add(at, "insecure_link", f"insecure link {url} (use https://)", url)
        if tag == "a" and attr in values and url in ("", "#"):
            self._add(at, "empty_link", f"link to {url or 'nothing'}: href={url!r}", raw)
        if tag == "img" and "alt" not in values:
            self._add(
                at, "image_alt", "image without alt text (shown when images are off)", url or raw
            )
        if tag == "a":
            self.link_texts.append(url)
            self.unsubscribe_attr |= any(name.endswith("unsubscribe") for name in values)
        identifier = (values.get("id") or "").strip()
        if identifier and identifier in self.ids:
            self._add(at, "duplicate_id", f"id {identifier!r} is used more than once", raw)
        self.ids.add(identifier)


def check_html(
    html: str, *, promotional: bool | None, unsubscribe: tuple[str, ...]
) -> list[Finding]:
    scanner = _Scanner(html)
    scanner.scan()
    findings = list(scanner.findings)
    size = len(html.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        findings.append(
            Finding(
                1,
                1,
                f"HTML is {size / 1024:.0f} KB: Gmail clips messages above 102 KB, hiding "
                "the rest (and its unsubscribe link)",
                check="gmail_clipping",
                whole=True,
            )
        )
    if promotional and not _has_unsubscribe(scanner, html, unsubscribe):
        findings.append(
            Finding(
                1,
                1,
                "promotional email without an unsubscribe link (required by law and by "
                "Gmail and Yahoo for bulk senders)",
                check="unsubscribe_link",
                whole=True,
            )
        )
    return findings


def _has_unsubscribe(scanner: _Scanner, html: str, tokens: tuple[str, ...]) -> bool:
    """A link whose address, text or attributes say unsubscribe, or a vendor's token for it."""
    if scanner.unsubscribe_attr:
        return True
    linked = " ".join(scanner.link_texts).lower()
    if "unsubscribe" in linked:
        return True
    lowered = html.lower()
    return any(token != "unsubscribe" and token in lowered for token in tokens) or any(
        "unsubscribe" in token for token in _vendor_tokens(lowered)
    )


def _vendor_tokens(lowered: str) -> list[str]:
    found = []
    position = 0
    while (start := lowered.find("{{", position)) >= 0:
        end = lowered.find("}}", start)
        if end < 0:
            break
        found.append(lowered[start : end + 2])
        position = end + 2
    return found
