"""What every vendor's planner says the same way (pure): a plan's head, and blocked plans.

Takes a `PlanItem` (or the head of its plan); returns `CampaignPlan` pieces. The refusals for a
campaign whose id no longer resolves, and for a creation that would duplicate a campaign of
the same name, read the same whatever the vendor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from syncer.model.campaign import CampaignDefinition
from syncer.model.plan import CampaignPlan, FieldChange
from syncer.model.vendor import PlanItem


def plan_head(definition: CampaignDefinition, desired_digest: str) -> dict[str, Any]:
    """The fields every plan of this campaign starts with (the remote's are added once read)."""
    return {
        "key": definition.key,
        "provider": definition.provider,
        "target": definition.target,
        "name": definition.name,
        "desired_digest": desired_digest,
    }


def blocked(
    head: dict[str, Any],
    changes: Iterable[FieldChange],
    reasons: Iterable[str],
    notes: Iterable[str] = (),
) -> CampaignPlan:
    """A plan that writes nothing: the differences are shown, with why they cannot be."""
    return CampaignPlan(
        **head,
        action="blocked",
        changes=tuple(changes),
        reasons=tuple(reasons),
        notes=tuple(notes),
    )


def unique(items: Iterable[str | None]) -> list[str]:
    """The items that are set, each once, in their first order (e.g. the locks' refusals)."""
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def missing(item: PlanItem, head: dict[str, Any], why: str) -> CampaignPlan:
    """Blocked: the campaign's id (pinned or recorded) was not found; `why` says what the
    vendor's answer means. Nothing is created in its place without being asked."""
    d = item.definition
    campaign_id = d.id or (item.entry.id if item.entry else None)
    where = (
        "pinned by `id:` in the file" if item.id_source == "file" else "recorded in the state store"
    )
    return blocked(
        {**head, "id": campaign_id},
        [],
        [
            f"campaign {campaign_id} ({where}) was not found in target {d.target!r}: {why}. "
            "Nothing is created in its place automatically: check the id and the target, or "
            f"remove the id (and run `syncer state forget {d.key}`) to create a new campaign",
        ],
    )


def duplicate(item: PlanItem, head: dict[str, Any]) -> CampaignPlan | None:
    """Blocked, when creating the campaign would duplicate one of the same name (whatever
    manages it); None when the name is free."""
    if not item.same_name:
        return None
    d = item.definition
    ids = ", ".join(c.id for c in item.same_name)
    return blocked(
        head,
        [],
        [
            f"a campaign named {d.name!r} already exists in target {d.target!r} (id {ids}); "
            "creating another would duplicate it. If this file describes it, link them: "
            f"`syncer import --target {d.target}` pins its id into this file (or write "
            f"`id: {item.same_name[0].id}` here yourself); otherwise give this campaign "
            "another name",
        ],
    )
