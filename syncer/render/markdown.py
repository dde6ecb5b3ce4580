"""RENDER Markdown: a `Plan` -> a pull-request comment, always under 65,000 characters."""

from __future__ import annotations

from syncer.plan.model import Plan
from syncer.render.text import LABELS

LIMIT = 65_000


def render_plan_markdown(plan: Plan, artifact_url: str | None = None) -> str:
    lines = ["### campaign-syncer plan", "", "| action | campaigns |", "|---|---|"]
    for action, label in LABELS.items():
        lines.append(f"| {label} | {plan.count(action)} |")
    text = "\n".join(lines) + "\n"
    return text[:LIMIT]
