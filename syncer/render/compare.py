"""RENDER A COMPARISON: `plan.compare.Comparison` -> text for people, or JSON for tools.

Text lists, per campaign key that differs, the two targets' ids and planned actions, then the
fields whose effective definitions differ and the fields whose remote campaigns differ, each as
`path: <left> | <right>`; keys that are the same everywhere are counted, not listed (unless
asked). JSON carries everything (`format_version` 1).
"""

from __future__ import annotations

import json
from typing import Any

from syncer.plan.compare import ABSENT, Comparison, Difference, KeyComparison, Side

_WIDTH = 70
"""Longer values are cut in text output (the JSON has them whole)."""


def _value(value: Any, absent: bool) -> str:
    if absent:
        return ABSENT
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _difference(diff: Difference) -> str:
    left = _value(diff.left, diff.left_absent)
    right = _value(diff.right, diff.right_absent)
    return f"      {diff.path}: {left} | {right}"


def _side(name: str, side: Side, offline: bool) -> str:
    if not side.declared:
        return f"{name}: no file declares it"
    if offline:
        return f"{name}: declared"
    where = side.id or "not created yet"
    return f"{name}: {side.action or 'not read'} ({where})"


def render_comparison_text(comparison: Comparison, *, show_same: bool = False) -> str:
    left, right = comparison.left, comparison.right
    lines = [
        f"Compare {left} | {right}" + (" (definitions only, offline)" if comparison.offline else "")
    ]
    same = 0
    for campaign in comparison.campaigns:
        if not campaign.differs and not show_same:
            same += 1
            continue
        lines += _campaign(campaign, left, right, comparison.offline)
    differ = sum(1 for c in comparison.campaigns if c.differs)
    lines.append("")
    lines.append(
        f"Summary: {differ} campaign(s) differ between {left} and {right}, "
        f"{len(comparison.campaigns) - differ} the same"
        + (f" (not listed: {same})" if same and not show_same else "")
        + "."
    )
    return "\n".join(lines) + "\n"


def _campaign(campaign: KeyComparison, left: str, right: str, offline: bool) -> list[str]:
    lines = [
        "",
        f"  {campaign.key}",
        f"    {_side(left, campaign.left, offline)}   {_side(right, campaign.right, offline)}",
    ]
    if campaign.definitions:
        lines.append(f"    definitions differ ({left} | {right}):")
        lines += [_difference(d) for d in campaign.definitions]
    elif campaign.left.declared and campaign.right.declared:
        lines.append("    definitions: the same")
    if campaign.remote:
        lines.append(f"    workspaces differ ({left} | {right}):")
        declared = {d.path.removeprefix("campaign.") for d in campaign.definitions}
        for diff in campaign.remote:
            # What the files do not explain: a dashboard edit, or a change not applied yet.
            drift = diff.path.removeprefix("campaign.") not in declared
            lines.append(_difference(diff) + ("   <- not from the definitions" if drift else ""))
    elif campaign.remote is not None:
        lines.append("    workspaces: the same")
    elif not offline:
        lines.append("    workspaces: not compared (a side has no remote campaign)")
    return lines


def render_comparison_json(comparison: Comparison) -> str:
    data = {"format_version": 1, **comparison.model_dump(mode="json")}
    for campaign in data["campaigns"]:
        campaign["differs"] = next(
            c.differs for c in comparison.campaigns if c.key == campaign["key"]
        )
    data["differs"] = comparison.differs
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
