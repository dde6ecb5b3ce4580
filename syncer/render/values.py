"""How field values are shown to people: short values inline, long text as a line diff."""

from __future__ import annotations

import difflib
import json
from typing import Any

INLINE = 100
DIFF_LINES = 40


def short(value: Any, limit: int = INLINE) -> str:
    """A one-line rendering, cut with `…` past `limit` characters."""
    if value is None:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
