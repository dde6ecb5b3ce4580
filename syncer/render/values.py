"""How field changes are shown to people, by every renderer.

Short values inline; long text as a line diff; HTML as a diff of its visible text and links;
lists and objects as a diff of their indented JSON (so the one filter that changed is visible).
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from syncer.model.display import INLINE, short
from syncer.model.plan import FieldChange
from syncer.render.visible import html_diff, is_html

DIFF_LINES = 40


def is_long_text(before: Any, after: Any) -> bool:
    return (
        isinstance(before, str)
        and isinstance(after, str)
        and ("\n" in before or "\n" in after or max(len(before), len(after)) > INLINE)
    )


def text_diff(before: str, after: str, limit: int = DIFF_LINES) -> list[str]:
    """A unified diff of two long texts (HTML bodies), at most `limit` lines."""
    lines = list(
        difflib.unified_diff(
            _lines(before), _lines(after), fromfile="remote", tofile="desired", lineterm="", n=1
        )
    )[2:]
    if len(lines) > limit:
        hidden = len(lines) - limit
        lines = [*lines[:limit], f"… {hidden} more diff lines"]
    return lines


def _lines(text: str) -> list[str]:
    # Single-line HTML is split at tags so that a diff shows the part that changed.
    if "\n" not in text.strip() and len(text) > INLINE:
        return text.replace("><", ">\n<").splitlines()
    return text.splitlines()


def change_lines(change: FieldChange) -> list[str]:
    """The diff lines of one field change (HTML as visible text and links)."""
    marker = " [blocked]" if change.blocked else ""
    before, after = change.before, change.after
    if is_long_text(before, after) and (is_html(before) or is_html(after)):
        assert isinstance(before, str) and isinstance(after, str)
        return [f"~ {change.path}{marker} (visible text and links)", *html_diff(before, after)]
    if is_long_text(before, after):
        assert isinstance(before, str) and isinstance(after, str)
        return [f"~ {change.path}{marker}", *text_diff(before, after)]
    if isinstance(before, dict | list) and isinstance(after, dict | list):
        old, new = (
            json.dumps(v, indent=1, sort_keys=True, ensure_ascii=False) for v in (before, after)
        )
        return [f"~ {change.path}{marker}", *text_diff(old, new)]
    return [f"~ {change.path}{marker}", f"- {short(before)}", f"+ {short(after)}"]
