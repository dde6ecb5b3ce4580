"""A line diff of bounded cost, for every renderer's long-text and JSON diffs.

Takes the lines of two texts and the context wanted; returns difflib's unified-diff lines (no
file header), computed on the part between the lines the texts share at their start and end,
and on at most `MAX_COMPARED` lines of each side of it, plus how many lines were left
uncompared. difflib's matcher is quadratic on texts with many repeated lines (an HTML email's
`<tr>` and `</td>`): a 512 KB body took 1.7 s to diff, 30 times the time of 128 KB. Pure.
"""

from __future__ import annotations

import difflib
import re

MAX_COMPARED = 2000
_HUNK = re.compile(r"@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def unified(old: list[str], new: list[str], context: int) -> tuple[list[str], int]:
    """Unified-diff lines of `old` -> `new` and the count of lines not compared (when the
    differing part is longer than `MAX_COMPARED` lines on a side, only its start is)."""
    shortest = min(len(old), len(new))
    prefix = 0
    while prefix < shortest and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = max(prefix - context, 0)
    kept_end = max(suffix - context, 0)
    a, b = old[start : len(old) - kept_end], new[start : len(new) - kept_end]
    uncompared = max(len(a), len(b)) - MAX_COMPARED
    if uncompared > 0:
        a, b = a[:MAX_COMPARED], b[:MAX_COMPARED]
    lines = list(difflib.unified_diff(a, b, lineterm="", n=context))[2:]
    if start:
        lines = [_shifted(line, start) if line.startswith("@@") else line for line in lines]
    return lines, max(uncompared, 0)


def _shifted(hunk: str, offset: int) -> str:
    """A hunk header with its line numbers as in the whole texts."""
    found = _HUNK.match(hunk)
    if found is None:
        return hunk
    old_start, old_len, new_start, new_len = found.groups()
    return (
        f"@@ -{int(old_start) + offset}{old_len} +{int(new_start) + offset}{new_len} @@"
        + hunk[found.end() :]
    )
