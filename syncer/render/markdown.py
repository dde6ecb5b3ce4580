"""RENDER Markdown: a `Plan` -> a pull-request comment, always under 65,000 characters.

It says what the text renderer says (every campaign, change, reason, note, call and sending
warning), laid out for review: a summary table, a separate line for what starts sending, one
collapsible `<details>` per campaign (blocked ones first), and long HTML shown as a diff of
its visible text plus the links that changed. When the comment would be too long, campaigns
past the budget are listed in one line each (then only counted), with a pointer to the full
plan. Everything that comes from campaign content is escaped: it can neither break the layout
(HTML, Markdown, code fences) nor mention people or issues.
"""

from __future__ import annotations

import re
import textwrap

from syncer.model.plan import ACTIONS, Action, CampaignPlan, FieldChange, Plan
from syncer.render.content import created_content
from syncer.render.escape import code, fenced, h, hcode, md
from syncer.render.preview import page_path, page_url
from syncer.render.text import LABELS
from syncer.render.values import View, change_lines, value_lines

LIMIT = 65_000
"""GitHub refuses comments of 65,536 characters or more; stay clearly below."""
MARKER = "<!-- campaign-syncer-plan -->"
"""Lets a pipeline find (and update) its own comment."""
ICONS: dict[Action, str] = {
    "create": "🟢",
    "update": "🟡",
    "state_change": "🔵",
    "replace": "🟣",
    "blocked": "🛑",
    "orphan": "⚪",
    "noop": "▫️",
}
ORDER: tuple[Action, ...] = ("blocked", "replace", "create", "update", "state_change", "orphan")
HEADINGS: dict[Action, str] = {
    "blocked": "Blocked: apply leaves these unchanged",
    "replace": "To replace (retire, then create a new campaign)",
    "create": "To create",
    "update": "To update",
    "state_change": "State changes",
    "orphan": "To forget: files removed; the remote campaigns keep running unless a call is listed",
}
DIFF_LINES = 60
CONTENT_LINES = 200
"""Lines of a new campaign's content shown before pointing at the full plan."""
LINE_CHARS = 240
LISTED = 10
NAME_CHARS = 200
"""Names, sending sentences and notes are cut to this many characters in the comment's lists
(the full text is in the plan): ten 5,000-character names once filled the whole comment."""
OPEN_UP_TO = 10
"""A plan changing at most this many campaigns shows each one open: few changes are read one
by one, and clicking each open is a chore. More stay folded (blocked and sending ones excepted)
so that the comment can be scanned."""


# --- one campaign ------------------------------------------------------------------------


def _short(text: str, limit: int = NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrapped(lines: list[str]) -> list[str]:
    """Lines past LINE_CHARS wrapped, not cut: a reviewer reads every value in full."""
    out: list[str] = []
    for line in lines:
        if len(line) <= LINE_CHARS:
            out.append(line)
            continue
        pieces = textwrap.wrap(line, LINE_CHARS, drop_whitespace=False) or [line]
        out += [pieces[0], *(f"  {piece}" for piece in pieces[1:])]
    return out


def created_lines(change: FieldChange) -> list[str]:
    """What a new campaign will hold, field by field (HTML as what recipients see)."""
    return value_lines(change.path, change.after)


def _capped(lines: list[str], limit: int) -> list[str]:
    if len(lines) > limit:
        hidden = len(lines) - limit
        lines = [*lines[:limit], f"… {hidden} more lines (see the full plan)"]
    return _wrapped(lines)


def _diff_block(campaign: CampaignPlan, view: View) -> list[str]:
    lines: list[str] = []
    for change in campaign.changes:
        if campaign.action == "create":
            lines.extend(created_lines(change))
        else:
            lines.extend(change_lines(change, view, carried_out=campaign.action == "replace"))
    return _capped(lines, DIFF_LINES)


def summary_of(campaign: CampaignPlan, show_target: bool) -> str:
    where = f"{hcode(campaign.target)} / " if show_target else ""
    words = campaign.action.replace("_", " ")
    text = f"{ICONS[campaign.action]} <b>{words}</b> {where}{hcode(campaign.key)}"
    if campaign.name:
        text += f" — {h(_short(campaign.name))}"
    details = [hcode(campaign.id)] if campaign.id else []
    if campaign.remote_state:
        details.append(h(campaign.remote_state))
    if details:
        text += f" ({', '.join(details)})"
    if campaign.starts_sending:
        text += " ⚠️ <b>starts sending</b>"
    return text


def _preview(campaign: CampaignPlan, view: View) -> list[str]:
    url = page_url(view.preview_url, campaign)
    if url is None or url == view.preview_url:
        # One link for all (an archive): say which page of it is this campaign's.
        link = _link(url, "previews")
        return [f"- 🖼️ preview: {link}, open {code(page_path(campaign))}"] if link else []
    link = _link(url, "before and after, at 600 and 375 px")
    return [f"- 🖼️ preview: {link}"] if link else []


def campaign_block(
    campaign: CampaignPlan, show_target: bool, view: View | None = None, *, few: bool = False
) -> str:
    """One collapsible section: content or changes, reasons, notes, calls, sending warning.

    Open when it needs a look (blocked, starts sending) or when the plan has `few` changes."""
    view = view or View()
    opened = " open" if few or campaign.action == "blocked" or campaign.starts_sending else ""
    parts = [f"<details{opened}><summary>{summary_of(campaign, show_target)}</summary>", ""]
    content = created_content(campaign) if campaign.action == "create" else []
    if content:
        parts += [fenced(_capped(content, CONTENT_LINES)), ""]
    diff = _diff_block(campaign, view)
    if diff and content:
        fields = len(diff)
        parts += [f"<details><summary>every field ({fields} lines)</summary>", ""]
        parts += [fenced(diff), "", "</details>", ""]
    elif diff:
        parts += [fenced(diff), ""]
    items = _preview(campaign, view)
    items += [f"- ⛔ {md(reason)}" for reason in campaign.reasons]
    items += [f"- ⚠️ **{md(campaign.starts_sending)}**"] if campaign.starts_sending else []
    items += [f"- note: {md(note)}" for note in campaign.notes]
    items += [
        f"- call: {code(f'{r.method} {r.path}')}" + (f" — {md(r.summary)}" if r.summary else "")
        for r in campaign.requests
    ]
    if items:
        parts += [*items, ""]
    parts.append("</details>")
    return "\n".join(parts) + "\n"


def one_line(campaign: CampaignPlan, show_target: bool) -> str:
    where = f"{code(campaign.target)} / " if show_target else ""
    name = f" — {md(_short(campaign.name))}" if campaign.name else ""
    changes = f", {len(campaign.changes)} field(s)" if campaign.changes else ""
    sending = " ⚠️ **starts sending**" if campaign.starts_sending else ""
    return (
        f"- {ICONS[campaign.action]} {campaign.action.replace('_', ' ')} "
        f"{where}{code(_short(campaign.key))}{name}{changes}{sending}"
    )


# --- the whole comment -------------------------------------------------------------------


def _title(plan: Plan) -> str:
    counts = [f"{plan.count(a)} {LABELS[a]}" for a in ACTIONS if a != "noop" and plan.count(a)]
    if not counts:
        return "### campaign-syncer plan: no changes"
    return "### campaign-syncer plan: " + " · ".join(counts)


def _head(plan: Plan) -> list[str]:
    lines = [MARKER]
    if plan.checksum:
        lines.append(f"<!-- checksum: {plan.checksum} -->")
    lines += [_title(plan), ""]
    # Only the actions present: a table of zeros hides the one row that matters.
    rows = [f"| {ICONS[a]} {LABELS[a]} | {plan.count(a)} |" for a in ACTIONS if plan.count(a)]
    if rows:
        lines += ["| action | campaigns |", "|:--|--:|", *rows]
    lines.append("")
    sending = [c for c in plan.campaigns if c.starts_sending]
    if sending:
        lines.append(
            f"**⚠️ Starts sending: applying this plan starts sending {len(sending)} campaign(s):**"
        )
        several = len({c.target for c in plan.campaigns}) > 1
        lines += [
            f"- {code(c.target) + ' / ' if several else ''}{code(_short(c.key))}: "
            f"{md(_short(c.starts_sending or ''))}"
            for c in sending[:LISTED]
        ]
        if len(sending) > LISTED:
            # Below, each is a section or a line marked ⚠️, or among those only counted.
            more = len(sending) - LISTED
            lines.append(f"- and {more} more (marked ⚠️ below, or counted there)")
        lines.append("")
    blocked = plan.count("blocked")
    if blocked:
        lines += [
            f"**🛑 {blocked} blocked:** apply leaves them unchanged and exits 3; "
            "each says why and the way out.",
            "",
        ]
    lines += _targets(plan)
    for note in plan.notes[:LISTED]:
        lines.append(f"> note: {md(_short(note, 5 * NAME_CHARS))}")
    if plan.notes:
        lines.append("")
    return lines


def _targets(plan: Plan) -> list[str]:
    if not plan.targets:
        return []
    lines = ["| target | provider | API | workspace |", "|:--|:--|:--|:--|"]
    for name, identity in sorted(plan.targets.items()):
        api = "embedded sandbox" if identity.sandbox else identity.base_url
        workspace = identity.workspace or ""
        cells = [code(name, in_table=True), md(identity.provider), code(api, in_table=True)]
        cells.append(code(workspace, in_table=True) if workspace else "")
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _link(url: str | None, text: str) -> str:
    if url and re.fullmatch(r"https?://[^\s<>()\"'`]+", url):
        return f"[{text}]({url})"
    return ""


def _footer(plan: Plan, artifact_url: str | None, shortened: int) -> list[str]:
    lines = ["---"]
    link = _link(artifact_url, "the full plan")
    if shortened:
        where = link or "the pipeline's plan artifact (or run `syncer plan` locally)"
        lines.append(
            f"**This comment is shortened** to stay under GitHub's comment limit: {shortened} "
            f"campaign(s) are not shown in detail. See {where}."
        )
        lines.append("")
    elif link:
        lines += [f"Full plan: {_link(artifact_url, 'plan.json')}", ""]
    facts = []
    if plan.checksum:
        facts.append(f"plan checksum <code>{h(plan.checksum)}</code>")
    if plan.tool_version:
        facts.append(f"campaign-syncer {h(plan.tool_version)}")
    if plan.created_at:
        facts.append(f"made {h(plan.created_at)}")
    if facts:
        lines.append(f"<sub>{' · '.join(facts)}</sub>")
    return lines


def render_plan_markdown(
    plan: Plan, artifact_url: str | None = None, *, limit: int = LIMIT, view: View | None = None
) -> str:
    """The plan as a pull-request comment of fewer than `limit` characters.

    Args:
        artifact_url: where the full plan can be downloaded (linked when the comment is
            shortened); only plain http(s) URLs are linked.
    """
    show_target = len({c.target for c in plan.campaigns} | set(plan.targets)) > 1
    head = "\n".join(_head(plan)) + "\n"
    reserve = len("\n".join(_footer(plan, artifact_url, 10**6))) + 400
    budget = limit - len(head) - reserve
    changed = [c for action in ORDER for c in plan.campaigns if c.action == action]
    few = len(changed) <= OPEN_UP_TO
    # Keep room to list every campaign not shown in detail by one line (up to half the room).
    costs = [len(one_line(c, show_target)) + 1 for c in changed]
    after = [0] * len(costs)  # what the campaigns after each one cost: a running sum, O(K)
    for index in range(len(costs) - 2, -1, -1):
        after[index] = after[index + 1] + costs[index + 1]
    half = budget // 2
    body: list[str] = []
    rest: list[CampaignPlan] = []
    previous: Action | None = None
    for index, campaign in enumerate(changed):
        heading = ""
        if campaign.action != previous:
            count = plan.count(campaign.action)
            heading = f"#### {ICONS[campaign.action]} {HEADINGS[campaign.action]} ({count})\n"
            previous = campaign.action
        block = heading + campaign_block(campaign, show_target, view, few=few)
        if not rest and len(block) + min(after[index], half) <= budget:
            body.append(block)
            budget -= len(block)
        else:
            rest.append(campaign)
    lines, budget = _listed(rest, show_target, budget)
    body += lines
    unchanged, budget = _unchanged(plan, show_target, budget)
    body += unchanged
    footer = "\n".join(_footer(plan, artifact_url, len(rest))) + "\n"
    return _hard_limit(head + "\n".join(body) + "\n", footer, limit)


def _listed(rest: list[CampaignPlan], show_target: bool, budget: int) -> tuple[list[str], int]:
    if not rest:
        return [], budget
    lines = [f"#### Not shown in detail ({len(rest)})\n"]
    budget -= len(lines[0])
    shown = 0
    for campaign in rest:
        line = one_line(campaign, show_target)
        if len(line) + 1 > budget - 80:
            break
        lines.append(line)
        budget -= len(line) + 1
        shown += 1
    if shown < len(rest):
        lines.append(f"- and {len(rest) - shown} more")
    return [*lines, ""], budget


def _unchanged(plan: Plan, show_target: bool, budget: int) -> tuple[list[str], int]:
    keys = [c for c in plan.campaigns if c.action == "noop"]
    if not keys:
        return [], budget
    items = [f"- {code(c.key)}" + (f" ({code(c.target)})" if show_target else "") for c in keys]
    head = f"<details><summary>{ICONS['noop']} {len(keys)} unchanged</summary>\n"
    listed: list[str] = []
    used = len(head) + 20
    for item in items[:200]:
        if used + len(item) + 1 > budget - 80:
            break
        listed.append(item)
        used += len(item) + 1
    if len(listed) < len(items):
        listed.append(f"- and {len(items) - len(listed)} more")
    if used > budget:
        return [f"{ICONS['noop']} {len(keys)} unchanged", ""], budget - 40
    return [head, *listed, "", "</details>", ""], budget - used


def _hard_limit(text: str, footer: str, limit: int) -> str:
    """A last guard, never reached by the budgeting above: the text cut short (its open code
    fences and sections closed), and the footer, with the checksum, always there."""
    if len(text) + len(footer) < limit:
        return text + footer
    notice = "\n\n**Truncated** at the comment limit: see the full plan.\n\n"
    kept = text[: max(0, limit - len(footer) - len(notice) - 200)]
    closing = "\n```" if kept.count("```") % 2 else ""
    closing += "\n</details>" * max(0, kept.count("<details") - kept.count("</details>"))
    return kept + closing + notice + footer
