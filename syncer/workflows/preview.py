"""`syncer preview`'s steps: read and plan, pair each created or changed campaign's remote
email with the file's, write the pages, and screenshot them when a browser is there.

Takes the run, the definitions and a selection; returns what was written (`Written`). The
pages are built by `render.preview` (pure); this module only reads, writes files and runs the
browser (`workflows.browser`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncer.config.private import write_private
from syncer.load.selection import Selection
from syncer.model.campaign import CampaignDefinition
from syncer.model.overlay import overlay
from syncer.model.plan import CampaignPlan, Plan
from syncer.model.state import utcnow
from syncer.plan.builder import TargetContext, build_plan
from syncer.render.preview import Preview, documents, page_path, pairs_of, previewed
from syncer.workflows import browser as chromium
from syncer.workflows.pipeline import Run, read_for_plan

NEW = "a new campaign: nothing is sent today"
UNREADABLE = "remote content not readable: Batch cannot show an email's content"


@dataclass(frozen=True)
class Written:
    plan: Plan
    pages: list[str]
    """The campaign pages written (paths under the directory), index.html excluded."""
    screenshots: list[Path]
    browser: str | None


def _sides(campaign: CampaignPlan, definition: CampaignDefinition, ctx: TargetContext) -> Preview:
    remote = ctx.snapshot.by_id.get(campaign.id) if campaign.id else None
    before: dict[str, Any] | None = None
    after: dict[str, Any] = definition.campaign
    note = NEW
    if remote is not None:
        body = remote.body
        before = body
        if campaign.provider == "batch":
            # Batch replaces the whole campaign: the file is the campaign after the apply.
            note = UNREADABLE
        else:
            # MoEngage keeps what the file does not declare: the file laid over the remote.
            after = overlay(body, definition.campaign)
            note = "not in the remote campaign"
    return Preview(campaign, pairs_of(campaign.provider, before, after, note))


def collect(
    plan: Plan, definitions: Sequence[CampaignDefinition], contexts: Sequence[TargetContext]
) -> list[Preview]:
    """The before/after pairs of every campaign the plan creates or changes."""
    files = {(d.target, d.key): d for d in definitions}
    by_target = {ctx.name: ctx for ctx in contexts}
    previews = []
    for campaign in plan.campaigns:
        definition = files.get((campaign.target, campaign.key))
        if previewed(campaign) and definition is not None:
            previews.append(_sides(campaign, definition, by_target[campaign.target]))
    return previews


async def make_previews(
    run: Run,
    definitions: Sequence[CampaignDefinition],
    selection: Selection,
    out: Path,
    browser: str | None,
    profile: dict[str, str] | None = None,
) -> Written:
    """Plan, then write the preview directory `out` (screenshots only with a `browser`)."""
    contexts = await read_for_plan(run, definitions, selection)
    chosen = selection.apply(definitions)
    plan = build_plan(
        chosen, {ctx.name: ctx for ctx in contexts}, now=utcnow(), selected=selection.keeps
    )
    previews = collect(plan, chosen, contexts)
    docs = documents(previews, shots=browser is not None, profile=profile)
    base = run.settings.root
    for name, text in docs.files.items():
        write_private(out / name, text.encode("utf-8"), base)
    pngs = [(out / doc, out / png, width) for doc, png, width in docs.shots]
    if browser is not None and pngs:
        await chromium.screenshots(browser, pngs)
    pages = [page_path(p.campaign) for p in previews]
    return Written(plan, pages, [png for _, png, _ in pngs], browser)
