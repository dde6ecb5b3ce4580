"""Email checks on final HTML: what mail clients and inbox providers punish.

Takes the HTML an email sends and whether it is promotional; returns `Finding`s, each named
after its check (`[checks]` in syncer.toml sets its level) and located at 1-based line and
column of the HTML. Parsed with the standard library's tolerant HTML parser: email HTML is
rarely valid, and a check must never fail on what a client would render.
"""

from __future__ import annotations

from html.parser import HTMLParser

from syncer.load.content.personalization import Finding

GMAIL_CLIP_BYTES = 102 * 1024
"""Gmail shows "[Message clipped]" for HTML above about 102 KB."""
_LINK_ATTRS = {"a": "href", "area": "href", "img": "src", "link": "href", "source": "src"}
_DROPPED = ("script", "form")


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []
        self.ids: dict[str, tuple[int, int]] = {}
        self.unsubscribe_attr = False
        self.link_texts: list[str] = []
        self._in_link = False

    def _add(self, check: str, message: str, needle: str) -> None:
        line, offset = self.getpos()
        self.findings.append(Finding(line, offset + 1, message, check=check, needle=needle))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        raw = self.get_starttag_text() or f"<{tag}"
        if tag == "html" and not (values.get("lang") or "").strip():
            self._add("missing_lang", "<html> has no lang attribute (screen readers guess)", raw)
        if tag in _DROPPED:
            self._add("script_or_form", f"<{tag}> is removed or disabled by most mail clients", raw)
        attr = _LINK_ATTRS.get(tag)
        url = (values.get(attr) or "").strip() if attr else ""
        if attr and url.lower().startswith("http://"):
            self._add("insecure_link", f"insecure link {url} (use https://)", url)
        if tag == "a" and attr in values and url in ("", "#"):
            self._add("empty_link", f"link to {url or 'nothing'}: href={url!r}", raw)
        if tag == "img" and "alt" not in values:
            self._add("image_alt", "image without alt text (shown when images are off)", url or raw)
        if tag == "a":
            self._in_link = True
            self.link_texts.append(url)
            self.unsubscribe_attr |= any(name.endswith("unsubscribe") for name in values)
        identifier = (values.get("id") or "").strip()
        if identifier:
            if identifier in self.ids:
                self._add("duplicate_id", f"id {identifier!r} is used more than once", raw)
            else:
                self.ids[identifier] = self.getpos()

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_link = False

    def handle_data(self, data: str) -> None:
        if self._in_link:
            self.link_texts.append(data)


def check_html(
    html: str, *, promotional: bool | None, unsubscribe: tuple[str, ...]
) -> list[Finding]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
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
