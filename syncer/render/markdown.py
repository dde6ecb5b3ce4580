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

import html
import re

from syncer.model.display import short
from syncer.model.plan import ACTIONS, Action, CampaignPlan, FieldChange, Plan
from syncer.plan.staleness import leaves
from syncer.render.text import LABELS
from syncer.render.values import View, change_lines
from syncer.render.visible import html_text, is_html

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
    "orphan": "Orphaned: files removed; forgotten, retired only where a call is listed",
}
DIFF_LINES = 60
LINE_CHARS = 240
LISTED = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_MENTION = re.compile(r"([@#])(?=[\w-])")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


# --- escaping ----------------------------------------------------------------------------


def clean(text: str) -> str:
    """Drop control characters; show bidirectional overrides instead of obeying them."""
    text = _CONTROL.sub("", text)
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _unlink(text: str) -> str:
    # A zero-width space after @ or # keeps GitHub/GitLab from mentioning or cross-linking.
    return _MENTION.sub("\\1\u200b", text)


def h(text: str) -> str:
    """Text for an HTML context (`<summary>`): escaped, one line, no mentions."""
    return _unlink(html.escape(" ".join(clean(text).split()), quote=True))


def md(text: str) -> str:
    """Text for a Markdown paragraph or list item: one line, inert, no mentions."""
    one_line = " ".join(clean(text).split())
    escaped = html.escape(one_line, quote=False)
    return _unlink(_MD_SPECIAL.sub(r"\\\1", escaped))


def code(text: str, *, in_table: bool = False) -> str:
    """An inline code span that no content can close (literal, no mentions, no links)."""
    body = " ".join(clean(text).split()) or " "
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or body == " " else ""
    span = f"{fence}{pad}{body}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


def hcode(text: str) -> str:
    """Inline code for an HTML context."""
    return f"<code>{html.escape(' '.join(clean(text).split()), quote=True)}</code>"


def fenced(lines: list[str], lang: str = "diff") -> str:
    """A fenced block whose fence is longer than any backtick run inside it."""
    body = "\n".join(clean(line) for line in lines)
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{lang}\n{body}\n{fence}"


# --- one campaign ------------------------------------------------------------------------


def _cut(line: str) -> str:
    return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"


def created_lines(change: FieldChange) -> list[str]:
    """What a new campaign will hold, field by field (HTML as visible text and links)."""
    lines = []
    for path, value in leaves(change.after, change.path):
        if isinstance(value, str) and is_html(value) and len(value) > 100:
            lines.append(f"+ {path} (visible text and links):")
            lines.extend(html_text(value))
        else:
            lines.append(f"+ {path}: {short(value)}")
    return lines


def _diff_block(campaign: CampaignPlan, view: View) -> list[str]:
    lines: list[str] = []
    for change in campaign.changes:
        if campaign.action == "create":
            lines.extend(created_lines(change))
        else:
            lines.extend(change_lines(change, view, carried_out=campaign.action == "replace"))
    if len(lines) > DIFF_LINES:
        hidden = len(lines) - DIFF_LINES
        lines = [*lines[:DIFF_LINES], f"… {hidden} more lines (see the full plan)"]
    return [_cut(line) for line in lines]


def summary_of(campaign: CampaignPlan, show_target: bool) -> str:
    where = f"{hcode(campaign.target)} / " if show_target else ""
    words = campaign.action.replace("_", " ")
    text = f"{ICONS[campaign.action]} <b>{words}</b> {where}{hcode(campaign.key)}"
    if campaign.name:
        text += f" — {h(campaign.name)}"
    details = [hcode(campaign.id)] if campaign.id else []
    if campaign.remote_state:
        details.append(h(campaign.remote_state))
    if details:
        text += f" ({', '.join(details)})"
    if campaign.starts_sending:
        text += " ⚠️ <b>starts sending</b>"
    return text


def campaign_block(campaign: CampaignPlan, show_target: bool, view: View | None = None) -> str:
    """One collapsible section: changes, reasons, notes, calls and sending warning."""
    opened = " open" if campaign.action == "blocked" or campaign.starts_sending else ""
    parts = [f"<details{opened}><summary>{summary_of(campaign, show_target)}</summary>", ""]
    diff = _diff_block(campaign, view or View())
    if diff:
        parts += [fenced(diff), ""]
    items = [f"- ⛔ {md(reason)}" for reason in campaign.reasons]
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
    name = f" — {md(campaign.name)}" if campaign.name else ""
    changes = f", {len(campaign.changes)} field(s)" if campaign.changes else ""
    return (
        f"- {ICONS[campaign.action]} {campaign.action.replace('_', ' ')} "
        f"{where}{code(campaign.key)}{name}{changes}"
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
    lines += [_title(plan), "", "| action | campaigns |", "|:--|--:|"]
    lines += [f"| {ICONS[a]} {LABELS[a]} | {plan.count(a)} |" for a in ACTIONS]
    lines.append("")
    sending = [c for c in plan.campaigns if c.starts_sending]
    if sending:
        lines.append(
            f"**⚠️ Starts sending: applying this plan starts sending {len(sending)} campaign(s):**"
        )
        several = len({c.target for c in plan.campaigns}) > 1
        lines += [
            f"- {code(c.target) + ' / ' if several else ''}{code(c.key)}: "
            f"{md(c.starts_sending or '')}"
            for c in sending[:LISTED]
        ]
        if len(sending) > LISTED:
            lines.append(f"- and {len(sending) - LISTED} more (listed below)")
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
        lines.append(f"> note: {md(note)}")
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
    # Keep room to list every campaign not shown in detail by one line (up to half the room).
    costs = [len(one_line(c, show_target)) + 1 for c in changed]
    after = [sum(costs[i + 1 :]) for i in range(len(costs))]
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
        block = heading + campaign_block(campaign, show_target, view)
        if not rest and len(block) + min(after[index], half) <= budget:
            body.append(block)
            budget -= len(block)
        else:
            rest.append(campaign)
    lines, budget = _listed(rest, show_target, budget)
    body += lines
    unchanged, budget = _unchanged(plan, show_target, budget)
    body += unchanged
    text = head + "\n".join(body) + "\n" + "\n".join(_footer(plan, artifact_url, len(rest)))
    return _hard_limit(text + "\n", limit)


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


def _hard_limit(text: str, limit: int) -> str:
    """A last guard: never reached by the budgeting above, never wrong if it is."""
    if len(text) < limit:
        return text
    notice = "\n\n**Truncated** at the comment limit: see the full plan.\n"
    return text[: limit - len(notice) - 1] + notice
