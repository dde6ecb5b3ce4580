"""How field changes are shown to people, by every renderer.

Short values inline; long text as a line diff; HTML as a diff of its visible text and links;
lists and objects as a diff of their indented JSON (so the one filter that changed is visible).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from syncer.model.display import INLINE, short
from syncer.model.plan import NOT_READABLE, FieldChange
from syncer.render.linediff import unified
from syncer.render.visible import html_diff, html_text, is_html

DIFF_LINES = 40
HtmlDiff = Literal["visible", "raw"]


@dataclass(frozen=True)
class View:
    """How a renderer shows a plan: choices of the person reading it, not of the plan."""

    html_diff: HtmlDiff = "visible"
    """`visible`: HTML as a diff of what recipients see and get; `raw`: a line diff of it."""
    preview_url: str | None = None
    """Where `syncer preview`'s pages are published (the Markdown links each campaign's)."""


def is_long_text(before: Any, after: Any) -> bool:
    return (
        isinstance(before, str)
        and isinstance(after, str)
        and ("\n" in before or "\n" in after or max(len(before), len(after)) > INLINE)
    )


def text_diff(before: str, after: str, limit: int = DIFF_LINES) -> list[str]:
    """A unified diff of two long texts (HTML bodies), at most `limit` lines."""
    lines, uncompared = unified(_lines(before), _lines(after), 1)
    return _capped(lines, limit, uncompared)


def _capped(lines: list[str], limit: int, uncompared: int) -> list[str]:
    if len(lines) > limit:
        lines = [*lines[:limit], f"… {len(lines) - limit} more diff lines"]
    if uncompared:
        lines.append(f"… and {uncompared} more lines that differ, not compared")
    return lines


def _parents(lines: list[str], index: int) -> list[str]:
    """The lines that open the objects and lists around `lines[index]` of indented JSON,
    outermost first (the keys a hunk belongs to)."""
    found: list[str] = []
    depth = len(lines[index]) - len(lines[index].lstrip()) if index < len(lines) else 0
    for line in reversed(lines[:index]):
        indent = len(line) - len(line.lstrip())
        if indent < depth and line.rstrip().endswith(("{", "[")):
            found.append(line)
            depth = indent
    return found[::-1]


_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? ")


def json_diff(before: str, after: str, limit: int = DIFF_LINES) -> list[str]:
    """A line diff of two indented JSON texts whose every hunk starts with the lines opening
    the objects it is in (so `"BE"` reads as part of `included_filters.filters[0].value`)."""
    old = before.splitlines()
    lines: list[str] = []
    compared, uncompared = unified(old, after.splitlines(), 2)
    for line in compared:
        found = _HUNK.match(line)
        lines.append(line)
        if found:
            start = max(int(found.group(1)) - 1, 0)
            lines += [f" {parent}" for parent in _parents(old, start)]
    return _capped(lines, limit, uncompared)


def _lines(text: str) -> list[str]:
    # Single-line HTML is split at tags so that a diff shows the part that changed.
    if "\n" not in text.strip() and len(text) > INLINE:
        return text.replace("><", ">\n<").splitlines()
    return text.splitlines()


def full(value: Any) -> str:
    """A value on one line, never cut (what a reviewer approves is read in full)."""
    if value is None:
        return "(absent)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def value_lines(path: str, value: Any) -> list[str]:
    """`+` lines of a new value: HTML as what recipients see, a mapping leaf by leaf."""
    if isinstance(value, dict) and value:
        return [line for key in sorted(value) for line in value_lines(f"{path}.{key}", value[key])]
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return [line for i, item in enumerate(value) for line in value_lines(f"{path}[{i}]", item)]
    if isinstance(value, str) and is_html(value) and len(value) > INLINE:
        return [f"+ {path} (what recipients see):", *html_text(value)]
    return [f"+ {path}: {full(value)}"]


def _unreadable_lines(change: FieldChange, marker: str) -> list[str]:
    # No remote value to diff with: the new content is shown whole, as content.
    lines = [f"~ {change.path}{marker}", f"  ({change.before})"]
    after = change.after
    if isinstance(after, dict):
        # Flat leaves (`messages[0].subject`) are their own paths.
        lines.append("  the file's content:")
        for key, value in after.items():
            lines += value_lines(key, value)
    elif isinstance(after, str) and is_html(after):
        lines += ["  the file's HTML (what recipients see):", *html_text(after)]
    else:
        lines.append(f"+ {full(after)}")
    return lines


def change_lines(
    change: FieldChange, view: View | None = None, *, carried_out: bool = False
) -> list[str]:
    """The diff lines of one field change (HTML as what recipients see, unless `raw`).

    `carried_out`: the change is locked in place but the plan makes it another way (a
    replacement), so it is not labelled blocked.
    """
    marker = " [blocked]" if change.blocked and not carried_out else ""
    before, after = change.before, change.after
    if isinstance(before, str) and before.startswith(NOT_READABLE):
        return _unreadable_lines(change, marker)
    html = is_long_text(before, after) and (is_html(before) or is_html(after))
    if html and (view or View()).html_diff == "raw":
        assert isinstance(before, str) and isinstance(after, str)
        return [f"~ {change.path}{marker} (raw HTML)", *text_diff(before, after, limit=10**6)]
    if html:
        assert isinstance(before, str) and isinstance(after, str)
        return [f"~ {change.path}{marker} (what recipients see)", *html_diff(before, after)]
    if is_long_text(before, after):
        assert isinstance(before, str) and isinstance(after, str)
        return [f"~ {change.path}{marker}", *text_diff(before, after)]
    if isinstance(before, dict | list) and isinstance(after, dict | list):
        old, new = (
            json.dumps(v, indent=1, sort_keys=True, ensure_ascii=False) for v in (before, after)
        )
        return [f"~ {change.path}{marker}", *json_diff(old, new)]
    return [f"~ {change.path}{marker}", f"- {short(before)}", f"+ {short(after)}"]
