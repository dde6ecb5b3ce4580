"""PLAN AHEAD: plan each campaign as soon as its remote copy arrives, while the rest is read.

Takes one target's definitions, state store, actor and provider; `see(remote)` is handed every
campaign a session reads, as it reads it, and plans the file that manages it. `build_plan`
later takes a plan from here only when it would have asked the provider exactly the same
question (the same file, remote object, state entry, actor and settings, and no same-named
campaign): planning is pure, so the answer is the same, and the work was done while the
session waited for the rate limiter instead of after the last page. Anything else (a campaign
read twice, a lookup by name, a creation) is planned at the end as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from syncer.model.campaign import CampaignDefinition
from syncer.model.plan import CampaignPlan
from syncer.model.state import StateEntry, TargetState
from syncer.model.target import TargetSettings
from syncer.model.vendor import Actor, PlanItem, Provider, RemoteCampaign


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


def same_question(a: PlanItem, b: PlanItem) -> bool:
    """Whether two items ask the provider the same thing (compared by identity: cheap, and
    never true for objects that merely look alike)."""
    return (
        a.definition is b.definition
        and a.remote is b.remote
        and a.entry is b.entry
        and not a.same_name
        and not b.same_name
        and a.actor == b.actor
        and a.id_source == b.id_source
        and a.settings is b.settings
    )


@dataclass
class EarlyPlans:
    """Plans made while reading, by campaign key, with the item each answers."""

    provider: Provider
    actor: Actor
    settings: TargetSettings
    by_id: dict[str, tuple[CampaignDefinition, StateEntry | None, str]] = field(
        default_factory=dict
    )
    """Remote id -> the file that manages it, its state entry, where the id came from."""
    plans: dict[str, tuple[PlanItem, CampaignPlan]] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    """Ids two files claim: planned at the end, where the builder sorts them out."""

    @classmethod
    def for_target(
        cls,
        definitions: Sequence[CampaignDefinition],
        state: TargetState,
        provider: Provider,
        actor: Actor,
        settings: TargetSettings,
    ) -> EarlyPlans:
        early = cls(provider=provider, actor=actor, settings=settings)
        for definition in definitions:
            entry = state.campaigns.get(definition.key)
            campaign_id, source, _ = resolve_id(definition, entry)
            if campaign_id is None:
                continue
            if campaign_id in early.by_id:
                early.ambiguous.add(campaign_id)
            early.by_id[campaign_id] = (definition, entry, source)
        return early

    def see(self, remote: RemoteCampaign, body: dict[str, Any] | None = None) -> None:
        """Plan the file that manages `remote`, if one does (`body`: its parsed body, handed
        over by the reader, used for this plan only)."""
        found = self.by_id.get(remote.id)
        if found is None or remote.id in self.ambiguous:
            return
        definition, entry, source = found
        item = PlanItem(
            definition=definition,
            remote=remote,
            entry=entry,
            same_name=(),
            actor=self.actor,
            id_source=source,
            settings=self.settings,
            remote_body=body,
        )
        planned = self.provider.plan_campaign(item)
        # Kept without the body: parsed bodies are ten times their packed size.
        self.plans[definition.key] = (dataclasses.replace(item, remote_body=None), planned)

    def answer(self, item: PlanItem) -> CampaignPlan | None:
        """The plan made for exactly this item while reading, if there is one."""
        made = self.plans.get(item.definition.key)
        if made is None or not same_question(made[0], item):
            return None
        return made[1]
