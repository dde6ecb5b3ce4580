"""PLAN (pure): definitions + remote snapshots + state stores -> `Plan`.

Resolves each file to its remote campaign (the file's `id:`, else the state store's entry),
asks the file's provider to plan it, adds orphans (state entries whose file is gone), enforces
the creation budget, and orders everything deterministically (target, then key).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from syncer import __version__
from syncer.model.campaign import CampaignDefinition
from syncer.model.digest import digest
from syncer.model.plan import CampaignPlan, Plan, TargetIdentity, summarize
from syncer.model.state import StateEntry, TargetState
from syncer.model.target import TargetSettings
from syncer.model.vendor import (
    Actor,
    PlanItem,
    Provider,
    RemoteCampaign,
    RemoteSnapshot,
    read_only_reason,
)
from syncer.plan.early import EarlyPlans, resolve_id
from syncer.plan.orphans import plan_orphan, unmanaged_note


@dataclass(frozen=True)
class TargetContext:
    """What one target contributes to planning."""

    name: str
    provider: Provider
    snapshot: RemoteSnapshot
    state: TargetState
    actor: Actor
    identity: TargetIdentity
    settings: TargetSettings
    """The target's settings, handed to the provider's planner (`PlanItem.settings`)."""
    max_creates: int | None = None
    """Per-plan creation limit from the config (None: the vendor's quota only)."""
    early: EarlyPlans | None = None
    """Plans made while the snapshot was read (used where they answer the same question)."""


def _owners(
    definitions: Sequence[CampaignDefinition],
    state: TargetState,
    target: str,
    orphans: Collection[str],
) -> dict[str, str]:
    """Remote id -> the key that manages it (a file's `id:`, a state entry, or a campaign a
    state entry replaced). Orphaned entries (their file is gone) own nothing."""
    owners: dict[str, str] = {}
    for key, entry in state.campaigns.items():
        if key not in orphans:
            owners[entry.id] = key
            for old in entry.history:
                owners.setdefault(old.id, key)
    for definition in definitions:
        if definition.id and definition.target == target:
            owners[definition.id] = definition.key
    return owners


def _same_name(
    definition: CampaignDefinition, snapshot: RemoteSnapshot, owners: dict[str, str]
) -> tuple[RemoteCampaign, ...]:
    """Remote campaigns named like the definition that no present file manages."""
    if definition.name is None:
        return ()
    return tuple(r for r in snapshot.by_name.get(definition.name, []) if r.id not in owners)


def _annotate(
    planned: CampaignPlan, item: PlanItem, owners: dict[str, str], orphaned: dict[str, str]
) -> CampaignPlan:
    """Notes the provider cannot know: read-only campaigns, adoption caveats, moved files."""
    notes = list(planned.notes)
    reason = read_only_reason(item)
    if reason and planned.action == "noop" and not any(reason in note for note in notes):
        notes.append(f"read-only: {reason}; differences would be shown, nothing is written")
    remote, entry = item.remote, item.entry
    if (
        not reason
        and remote is not None
        and remote.write_unverified
        and entry is not None
        and entry.origin == "adopted"
        and planned.requests
    ):
        notes.append(
            f"adopted campaign: {remote.write_unverified}; if the vendor refuses this write, "
            "set `read_only: true` in the file"
        )
    for same in item.same_name:
        if same.id in owners and planned.action == "blocked":
            notes.append(
                f"campaign {same.id} is managed by {owners[same.id]}: if that file and this "
                "one describe the same campaign, keep one of them (delete the other, or "
                "give it another name)"
            )
        if same.id in orphaned and planned.action == "blocked":
            notes.append(
                f"campaign {same.id} was managed by {orphaned[same.id]}, whose file is gone: "
                f"if you moved or renamed that file, add `id: {same.id}` to this one (apply "
                "then forgets the old entry)"
            )
    if notes == list(planned.notes):
        return planned
    return planned.model_copy(update={"notes": tuple(notes)})


def _block_twin_creations(campaigns: list[CampaignPlan]) -> list[CampaignPlan]:
    """Block creations that share a name in one target (two files, or a file and a link to it).

    After a lost answer, a creation is found again by its name; two creations with one name
    could each adopt the other's campaign, and two identical files would duplicate a campaign.
    """
    twins: dict[tuple[str, str], list[str]] = {}
    for campaign in campaigns:
        if campaign.name and any(r.kind == "create" for r in campaign.requests):
            twins.setdefault((campaign.target, campaign.name), []).append(campaign.key)
    result = []
    for campaign in campaigns:
        keys = twins.get((campaign.target, campaign.name or ""), [])
        if len(keys) < 2 or campaign.key not in keys:
            result.append(campaign)
            continue
        others = ", ".join(k for k in keys if k != campaign.key)
        reason = (
            f"{others} would also create a campaign named {campaign.name!r} in target "
            f"{campaign.target!r}: creations are told apart by name, so give each file its own "
            "name (or pin the `id:` of an existing campaign)"
        )
        update = {"action": "blocked", "requests": (), "reasons": (reason,)}
        result.append(campaign.model_copy(update={**update, "starts_sending": None}))
    return result


def _enforce_budget(
    campaigns: list[CampaignPlan], contexts: dict[str, TargetContext], now: dt.datetime
) -> tuple[list[CampaignPlan], list[str]]:
    """Block the creations beyond the target's budget (in plan order); note what is used.

    The budget is the vendor's daily quota of successful creations minus those this tool
    recorded in the last 24 hours, capped by the target's per-plan limit.
    """
    result: list[CampaignPlan] = []
    used: dict[str, int] = {}
    for campaign in campaigns:
        ctx = contexts[campaign.target]
        creates = sum(1 for r in campaign.requests if r.kind == "create")
        allowed = _allowed_creations(ctx, now)
        if not creates or allowed is None:
            result.append(campaign)
            continue
        count = used.get(campaign.target, 0)
        if count + creates > allowed:
            reason = (
                f"creation budget exhausted in target {campaign.target!r}: "
                f"{_budget_text(ctx, now)}, and the campaigns before this one in the plan use "
                f"{count}. Apply the plan, then plan again (the rest will be created then)"
            )
            update = {"action": "blocked", "requests": (), "reasons": (reason,)}
            result.append(campaign.model_copy(update={**update, "starts_sending": None}))
            continue
        used[campaign.target] = count + creates
        result.append(campaign)
    notes = [
        f"target {target}: this plan creates {count} campaign(s); "
        f"{_budget_text(contexts[target], now)}"
        for target, count in sorted(used.items())
        if _near_limit(contexts[target], count, now)
    ]
    return result, notes


NEAR = 0.8
"""A creation quota is mentioned once a plan would use this share of it (or more)."""


def _near_limit(ctx: TargetContext, count: int, now: dt.datetime) -> bool:
    daily = ctx.provider.create_budget()
    if daily is not None and ctx.state.creations_in_last_day(now) + count >= NEAR * daily:
        return True
    return ctx.max_creates is not None and count >= NEAR * ctx.max_creates


def _allowed_creations(ctx: TargetContext, now: dt.datetime) -> int | None:
    daily = ctx.provider.create_budget()
    if daily is None:
        return ctx.max_creates
    left = max(daily - ctx.state.creations_in_last_day(now), 0)
    return left if ctx.max_creates is None else min(ctx.max_creates, left)


def _budget_text(ctx: TargetContext, now: dt.datetime) -> str:
    parts = []
    daily = ctx.provider.create_budget()
    if daily is not None:
        done = ctx.state.creations_in_last_day(now)
        parts.append(
            f"{ctx.provider.name} allows {daily} successful creations a day "
            f"({done} made in the last 24 h by this tool's count)"
        )
    if ctx.max_creates is not None:
        parts.append(f"this target allows {ctx.max_creates} per plan (max_creates_per_run)")
    return "; ".join(parts)


def _plan_definition(
    definition: CampaignDefinition,
    ctx: TargetContext,
    owners: dict[str, str],
    orphaned: dict[str, str],
) -> CampaignPlan:
    """Resolve one file's remote campaign and let its provider plan it."""
    entry = ctx.state.campaigns.get(definition.key)
    campaign_id, source, note = resolve_id(definition, entry)
    remote = ctx.snapshot.by_id.get(campaign_id) if campaign_id else None
    # Same-named campaigns nothing manages: a replace finding one may be about to make a
    # second replacement (its state entry was lost). A creation is blocked by any campaign of
    # its name, whatever manages it: a file written by `import` for it, or another key's state
    # entry, means this file would be its second copy (a teammate's clone without the state).
    if campaign_id is None:
        same = tuple(ctx.snapshot.by_name.get(definition.name, [])) if definition.name else ()
    else:
        same = tuple(r for r in _same_name(definition, ctx.snapshot, owners) if r.id != campaign_id)
    item = PlanItem(
        definition=definition,
        remote=remote,
        entry=entry,
        same_name=same,
        actor=ctx.actor,
        id_source=source,
        settings=ctx.settings,
    )
    made = ctx.early.answer(item) if ctx.early is not None else None
    planned = _annotate(made or ctx.provider.plan_campaign(item), item, owners, orphaned)
    if note:
        planned = planned.model_copy(update={"notes": (note, *planned.notes)})
    return planned


def build_plan(
    definitions: Sequence[CampaignDefinition],
    contexts: dict[str, TargetContext],
    *,
    now: dt.datetime,
    definitions_digest: str = "",
    selected: Callable[[str], bool] | None = None,
    retire_orphans: bool = False,
    show_unmanaged: bool = False,
) -> Plan:
    """Plan every definition whose target is in `contexts`, plus that target's orphans.

    Args:
        selected: limits orphans to the keys a `--only` / `--exclude` selection keeps (the
            definitions passed in are already selected).
        retire_orphans: plan the provider's retirement calls for orphans (explicit opt-in).
        show_unmanaged: add a note per target listing the remote campaigns nothing manages
            (the snapshots must hold a full listing).
    """
    campaigns: list[CampaignPlan] = []
    orphans: dict[str, dict[str, StateEntry]] = {}
    owners: dict[str, dict[str, str]] = {}
    for name, ctx in contexts.items():
        # Keys a selection leaves out are not orphans: their files may well exist.
        present = {d.key for d in definitions if d.target == name}
        orphans[name] = {
            key: entry
            for key, entry in ctx.state.campaigns.items()
            if key not in present and (selected is None or selected(key))
        }
        owners[name] = _owners(definitions, ctx.state, name, orphans[name])
    orphaned = {
        name: {entry.id: key for key, entry in found.items()} for name, found in orphans.items()
    }
    claims: dict[tuple[str, str], str] = {}
    for definition in definitions:
        target = contexts.get(definition.target)
        if target is None:
            continue
        planned = _plan_definition(definition, target, owners[target.name], orphaned[target.name])
        campaigns.append(planned)
        if planned.id is None:
            for same in _same_name(definition, target.snapshot, owners[target.name]):
                claims.setdefault((target.name, same.id), definition.key)
    notes: list[str] = []
    for name, ctx in contexts.items():
        for key, entry in sorted(orphans[name].items()):
            campaigns.append(
                plan_orphan(
                    key,
                    name,
                    ctx.provider,
                    ctx.settings,
                    entry,
                    ctx.snapshot.by_id.get(entry.id),
                    owner=owners[name].get(entry.id),
                    retire=retire_orphans,
                    claimed=claims.get((name, entry.id)),
                )
            )
        if show_unmanaged:
            managed = {**owners[name], **orphaned[name]}
            notes.append(unmanaged_note(name, ctx.snapshot, managed))
    campaigns.sort(key=lambda c: (c.target, c.key))
    campaigns = _block_twin_creations(campaigns)
    campaigns, budget_notes = _enforce_budget(campaigns, contexts, now)
    notes = budget_notes + notes
    ordered = tuple(campaigns)
    return Plan(
        campaigns=ordered,
        summary=summarize(ordered),
        tool_version=__version__,
        created_at=now.isoformat(),
        targets={name: ctx.identity for name, ctx in sorted(contexts.items())},
        definitions_digest=definitions_digest or digest([d.digest for d in definitions]),
        notes=tuple(notes),
    )
