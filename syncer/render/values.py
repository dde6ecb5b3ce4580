"""How field changes are shown to people, by every renderer.

Short values inline; long text as a line diff; HTML as a diff of its visible text and links;
lists and objects as a diff of their indented JSON (so the one filter that changed is visible).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Literal

from syncer.model.display import INLINE, short
from syncer.model.plan import FieldChange
from syncer.render.visible import html_diff, is_html

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


def change_lines(
    change: FieldChange, view: View | None = None, *, carried_out: bool = False
) -> list[str]:
    """The diff lines of one field change (HTML as what recipients see, unless `raw`).

    `carried_out`: the change is locked in place but the plan makes it another way (a
    replacement), so it is not labelled blocked.
    """
    marker = " [blocked]" if change.blocked and not carried_out else ""
    before, after = change.before, change.after
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
        return [f"~ {change.path}{marker}", *text_diff(old, new)]
    return [f"~ {change.path}{marker}", f"- {short(before)}", f"+ {short(after)}"]
