"""PLAN (pure): definitions + remote snapshots + state stores -> `Plan`.

Resolves each file to its remote campaign (the file's `id:`, else the state store's entry),
asks the file's provider to plan it, adds orphans (state entries whose file is gone), enforces
the creation budget, and orders everything deterministically (target, then key).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from syncer import __version__
from syncer.campaign import CampaignDefinition
from syncer.digest import digest
from syncer.plan.model import CampaignPlan, Plan, TargetIdentity, summarize
from syncer.providers.base import Actor, PlanItem, Provider, RemoteCampaign, RemoteSnapshot
from syncer.state import StateEntry, TargetState


@dataclass(frozen=True)
class TargetContext:
    """What one target contributes to planning."""

    name: str
    provider: Provider
    snapshot: RemoteSnapshot
    state: TargetState
    actor: Actor
    identity: TargetIdentity
    max_creates: int | None = None
    """Per-plan creation limit from the config (None: the vendor's quota only)."""
    config: Any = None
    """The target's settings, handed to the provider's planner (`PlanItem.config`)."""


def resolve_id(
    definition: CampaignDefinition, entry: StateEntry | None
) -> tuple[str | None, str, str | None]:
    """(id, where it came from, a note for the reader) for one campaign file."""
    if definition.id is None:
        return (entry.id, "state", None) if entry else (None, "none", None)
    if entry is not None and entry.id != definition.id:
        if any(old.id == definition.id for old in entry.history):
            return (
                entry.id,
                "state",
                (
                    f"the file pins {definition.id}, which was replaced by {entry.id}: "
                    "update `id:` (syncer pull does it)"
                ),
            )
        return (
            definition.id,
            "file",
            (f"the state store had {entry.id} for this file; the file's id: {definition.id} wins"),
        )
    return definition.id, "file", None


def _managed_ids(definitions: Sequence[CampaignDefinition], state: TargetState) -> set[str]:
    ids = {d.id for d in definitions if d.id}
    for entry in state.campaigns.values():
        ids.add(entry.id)
        ids.update(old.id for old in entry.history)
    return ids


def _same_name(
    definition: CampaignDefinition, snapshot: RemoteSnapshot, managed: set[str]
) -> tuple[RemoteCampaign, ...]:
    if definition.name is None:
        return ()
    return tuple(r for r in snapshot.by_name.get(definition.name, []) if r.id not in managed)


def _orphan(key: str, target: str, provider: str, entry: StateEntry) -> CampaignPlan:
    return CampaignPlan(
        key=key,
        provider=provider,
        target=target,
        id=entry.id,
        action="orphan",
        notes=(
            "the campaign file is gone: apply forgets this campaign; the remote campaign is "
            "left untouched (use `syncer apply --retire-orphans` to stop or pause it)",
        ),
    )


def _enforce_budget(
    campaigns: list[CampaignPlan], contexts: dict[str, TargetContext], now: dt.datetime
) -> tuple[list[CampaignPlan], list[str]]:
    notes: list[str] = []
    result: list[CampaignPlan] = []
    used: dict[str, int] = {}
    for campaign in campaigns:
        ctx = contexts[campaign.target]
        daily = ctx.provider.create_budget()
        creates = sum(1 for r in campaign.requests if r.kind == "create")
        if not creates or daily is None:
            result.append(campaign)
            continue
        left_today = daily - ctx.state.creations_in_last_day(now)
        allowed = left_today if ctx.max_creates is None else min(ctx.max_creates, left_today)
        count = used.get(campaign.target, 0)
        if count + creates > allowed:
            reason = (
                f"creation budget exceeded in target {campaign.target!r}: {ctx.provider.name} "
                f"allows {daily} successful creations a day ({left_today} left by this tool's "
                f"count) and this target allows {ctx.max_creates} per plan; this plan already "
                "uses the budget. Apply the rest first, then plan again, or raise "
                "max_creates_per_run in syncer.toml"
            )
            result.append(
                campaign.model_copy(
                    update={
                        "action": "blocked",
                        "requests": (),
                        "reasons": (reason,),
                        "starts_sending": None,
                    }
                )
            )
            continue
        used[campaign.target] = count + creates
        result.append(campaign)
    for target, count in sorted(used.items()):
        ctx = contexts[target]
        notes.append(
            f"target {target}: this plan creates {count} campaign(s); "
            f"{ctx.provider.name} allows {ctx.provider.create_budget()} a day"
        )
    return result, notes


def build_plan(
    definitions: Sequence[CampaignDefinition],
    contexts: dict[str, TargetContext],
    *,
    now: dt.datetime,
    definitions_digest: str = "",
    selected: Callable[[str], bool] | None = None,
) -> Plan:
    """Plan every definition whose target is in `contexts`, plus that target's orphans.

    `selected` limits orphans to the keys a `--only` / `--exclude` selection keeps (the
    definitions passed in are already selected).
    """
    campaigns: list[CampaignPlan] = []
    keys_by_target: dict[str, set[str]] = {}
    for definition in definitions:
        ctx = contexts.get(definition.target)
        if ctx is None:
            continue
        keys_by_target.setdefault(ctx.name, set()).add(definition.key)
        entry = ctx.state.campaigns.get(definition.key)
        campaign_id, source, note = resolve_id(definition, entry)
        remote = ctx.snapshot.by_id.get(campaign_id) if campaign_id else None
        same = (
            ()
            if campaign_id
            else _same_name(definition, ctx.snapshot, _managed_ids(definitions, ctx.state))
        )
        item = PlanItem(
            definition=definition,
            remote=remote,
            entry=entry,
            same_name=same,
            actor=ctx.actor,
            id_source=source,
            config=ctx.config,
        )
        planned = ctx.provider.plan_campaign(item)
        if note:
            planned = planned.model_copy(update={"notes": (note, *planned.notes)})
        campaigns.append(planned)
    for name, ctx in contexts.items():
        present = keys_by_target.get(name, set())
        for key, entry in ctx.state.campaigns.items():
            if key not in present and (selected is None or selected(key)):
                campaigns.append(_orphan(key, name, ctx.provider.name, entry))
    campaigns.sort(key=lambda c: (c.target, c.key))
    campaigns, notes = _enforce_budget(campaigns, contexts, now)
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
