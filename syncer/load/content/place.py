"""Where a finding in a final string was written: the YAML value, or the template file.

Takes a `Finding` (line and column in the final string), the string's path in the campaign
block and what it was resolved from; returns the file, line and column to report. An inline
YAML string maps position for position; a plain `{file:}` file is the final string itself; a
rendered template (`.j2`, `.mjml`) is searched for the text at fault (vendor syntax passes
through rendering unchanged), checked file by file for syntax errors, and otherwise reported at
the YAML line that names it.
"""

from __future__ import annotations

import re

from syncer.load.content.personalization import Finding, check
from syncer.load.content.render import Rendered
from syncer.load.content.resolve import Anchor, Loc
from syncer.model.email import Personalization

_BUILD_TIME = re.compile(r"\[\[.*?\]\]|\[%.*?%\]|\[#.*?#\]", re.S)


def place(
    finding: Finding, path: Loc, origin: Rendered | None, anchor: Anchor, spec: Personalization
) -> tuple[str, int, int, str]:
    """(file, line, col, note): `note` is added to the message when the spot is approximate."""
    if finding.whole:
        line, col = anchor.key(path)
        return anchor.display, line, col, ""
    if origin is None:
        return (*_inline(finding, path, anchor), "")
    if origin.direct:
        return origin.files[0].display, finding.line, finding.col, ""
    if finding.check is None:
        for source in origin.files:
            for found in check(blank_build_time(source.text), spec):
                if found.check is None:
                    return source.display, found.line, found.col, ""
    if finding.needle:
        for source in origin.files:
            offset = source.text.find(finding.needle)
            if offset >= 0:
                line, col = position(source.text, offset)
                return source.display, line, col, ""
    line, col = anchor.key(path)
    return anchor.display, line, col, f" (line {finding.line} of the rendered text)"


def _inline(finding: Finding, path: Loc, anchor: Anchor) -> tuple[str, int, int]:
    line, col, style = anchor.value(path)
    if style in ("|", ">"):
        # A block scalar's text starts on the line after its indicator, indented.
        start = line + finding.line
        return anchor.display, start, anchor.indent(start) + finding.col
    if finding.line == 1:
        quote = 1 if style in ("'", '"') else 0
        return anchor.display, line, col + quote + finding.col - 1
    return anchor.display, line + finding.line - 1, finding.col


def blank_build_time(text: str) -> str:
    """`text` with `[[ ]]`, `[% %]`, `[# #]` replaced by spaces (line breaks kept): the vendor's
    syntax of one template file, at its own positions."""
    return _BUILD_TIME.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
