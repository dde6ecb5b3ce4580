"""How one value reads on one line, for the plan's own sentences and for every renderer."""

from __future__ import annotations

import json
from typing import Any

INLINE = 100
"""Characters of a value shown inline before it is cut."""


def short(value: Any, limit: int = INLINE) -> str:
    """A one-line rendering, cut with `…` past `limit` characters."""
    if value is None:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
