"""Email checks on final HTML: what mail clients and inbox providers punish.

Takes the HTML an email sends and whether it is promotional; returns `Finding`s, each named
after its check (`[checks]` in syncer.toml sets its level) and located at 1-based line and
column of the HTML. Start tags are found with regular expressions, tolerantly: email HTML is
rarely valid, and a check must never fail on what a client would render.
"""

from __future__ import annotations

import bisect
import re
from html import unescape

from syncer.load.content.personalization import Finding

GMAIL_CLIP_BYTES = 102 * 1024
"""Gmail shows "[Message clipped]" for HTML above about 102 KB."""
_LINK_ATTRS = {"a": "href", "area": "href", "img": "src", "link": "href", "source": "src"}
_DROPPED = ("script", "form")
_INTERESTING = frozenset({"html", *_DROPPED, *_LINK_ATTRS})


_TAG = re.compile(
    r"<!--.*?-->"  # comments (and Outlook's conditional blocks) are skipped whole
    r"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)"
    r"((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>",
    re.S,
)
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


class _Scanner:
    """One pass of regular expressions over the start tags: a tenth of the time of the standard
    library's parser on a 20 KB email (the checks run on every campaign a cold load reads)."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.findings: list[Finding] = []
        self.ids: set[str] = set()
        self.unsubscribe_attr = False
        self.link_texts: list[str] = []
        self._lines = [0, *(m.end() for m in re.finditer("\n", html))]

    def _add(self, offset: int, check: str, message: str, needle: str) -> None:
        line = bisect.bisect_right(self._lines, offset)
        col = offset - self._lines[line - 1] + 1
        self.findings.append(Finding(line, col, message, check=check, needle=needle))

    def scan(self) -> None:
        link_start = -1
        for match in _TAG.finditer(self.html):
            closing, name = match.group(1), match.group(2)
            if name is None:
                continue
            tag = name.lower()
            if tag == "a" and closing and link_start >= 0:
                self.link_texts.append(self.html[link_start : match.start()])
                link_start = -1
                continue
            attrs = match.group(3) or ""
            if closing or (tag not in _INTERESTING and "id" not in attrs.lower()):
                continue  # most tags of an email: nothing to check, nothing to parse
            values: dict[str, str | None] = {}
            for attr in _ATTR.finditer(attrs):
                value = next((v for v in attr.group(2, 3, 4) if v is not None), None)
                values.setdefault(attr.group(1).lower(), None if value is None else unescape(value))
            self._tag(match.start(), tag, values, match.group(0))
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
