"""RENDER text: a `Plan` -> a Rich `Text` a Terraform user reads at once.

Colour is added as styles; the CLI's console drops it when the output is not a terminal or
NO_COLOR is set. The function itself is pure: it returns a value and prints nothing.
"""

from __future__ import annotations

from rich.text import Text

from syncer.model.plan import Action, CampaignPlan, FieldChange, Plan
from syncer.render.content import created_content
from syncer.render.values import View, change_lines

SYMBOLS = {
    "create": ("+", "green"),
    "update": ("~", "yellow"),
    "state_change": ("~", "cyan"),
    "replace": ("-/+", "magenta"),
    "blocked": ("!", "red"),
    # Not Terraform's `-` (destroy): the remote campaign keeps running, only the tool forgets it.
    "orphan": ("<-", "bright_black"),
    "noop": ("=", "bright_black"),
}
LABELS: dict[Action, str] = {
    "create": "to create",
    "update": "to update",
    "state_change": "state changes",
    "replace": "to replace",
    "blocked": "blocked",
    "orphan": "to forget",
    "noop": "unchanged",
}


def render_plan(plan: Plan, *, show_noop: bool = False, view: View | None = None) -> Text:
    out = Text()
    view = view or View()
    targets = sorted({c.target for c in plan.campaigns} | set(plan.targets))
    for target in targets:
        identity = plan.targets.get(target)
        where = ""
        if identity:
            place = "embedded sandbox" if identity.sandbox else identity.base_url
            where = f" ({identity.provider}, {place})"
        out.append(f"Target {target}{where}\n", style="bold")
        shown = [
            c for c in plan.campaigns if c.target == target and (show_noop or c.action != "noop")
        ]
        hidden = [
            c for c in plan.campaigns if c.target == target and c.action == "noop" and not show_noop
        ]
        for campaign in shown:
            _campaign(out, campaign, view)
        if hidden:
            names = ", ".join(c.key for c in hidden[:5]) + (" …" if len(hidden) > 5 else "")
            out.append(f"  = {len(hidden)} unchanged: {names}\n", style="bright_black")
        if not shown and not hidden:
            out.append("  (no campaigns)\n", style="bright_black")
        out.append("\n")
    for note in plan.notes:
        out.append(f"Note: {note}\n", style="bright_black")
    out.append(summary_line(plan) + "\n", style="bold")
    starting = [c for c in plan.campaigns if c.starts_sending]
    for campaign in starting:
        out.append(f"! {campaign.starts_sending}\n", style="bold red")
    return out


def summary_line(plan: Plan) -> str:
    counts = [f"{plan.count(action)} {label}" for action, label in LABELS.items()]
    return "Plan: " + ", ".join(counts) + "."


def _campaign(out: Text, campaign: CampaignPlan, view: View) -> None:
    symbol, style = SYMBOLS[campaign.action]
    out.append(f"  {symbol} ", style=style)
    out.append(_verb(campaign), style=f"bold {style}")
    out.append(f" {campaign.key}")
    details = []
    if campaign.name:
        details.append(repr(campaign.name))
    if campaign.id:
        details.append(campaign.id)
    if campaign.remote_state:
        details.append(campaign.remote_state)
    if details:
        out.append(f"  ({', '.join(details)})", style="bright_black")
    out.append("\n")
    if campaign.action == "create":
        for line in created_content(campaign):
            out.append(f"      {line}\n", style="green" if line.startswith("  +") else "")
    else:
        for change in campaign.changes:
            _change(out, change, view, carried_out=campaign.action == "replace")
    for reason in campaign.reasons:
        out.append(f"      ! {reason}\n", style="red")
    for note in campaign.notes:
        out.append(f"      note: {note}\n", style="bright_black")
    for request in campaign.requests:
        out.append(f"      -> {request.method} {request.path}", style="blue")
        if request.summary:
            out.append(f"  {request.summary}", style="bright_black")
        out.append("\n")
    if campaign.starts_sending:
        out.append(f"      ! {campaign.starts_sending}\n", style="bold red")


def _verb(campaign: CampaignPlan) -> str:
    if campaign.action == "orphan":
        return "retire and forget" if campaign.requests else "forget"
    return campaign.action.replace("_", " ")


def _change(out: Text, change: FieldChange, view: View, *, carried_out: bool) -> None:
    head, *lines = change_lines(change, view, carried_out=carried_out)
    out.append(f"      {head}\n", style="red" if "[blocked]" in head else "yellow")
    for line in lines:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
        out.append(f"          {line}\n", style=style)
