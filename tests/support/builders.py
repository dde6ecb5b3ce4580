"""Hand-built values for pure tests: definitions, remote campaigns, plan items."""

from __future__ import annotations

import copy
from typing import Any

from syncer.model.campaign import CampaignDefinition, Lifecycle
from syncer.model.digest import digest
from syncer.model.plan import TargetIdentity
from syncer.model.state import StateEntry, TargetState
from syncer.model.target import TargetSettings
from syncer.model.vendor import Actor, PlanItem, RemoteCampaign, RemoteSnapshot
from syncer.plan.builder import TargetContext
from syncer.plan.early import EarlyPlans
from syncer.providers import registry
from syncer.providers.moengage.settings import MoEngageTarget

ACTOR = Actor(updated_by="crm-bot@example.com", created_by="crm-bot@example.com")
SETTINGS = MoEngageTarget(provider="moengage", sandbox=True)
"""A MoEngage target's settings, for the pure tests that need one."""

EMAIL: dict[str, Any] = {
    "channel": "EMAIL",
    "campaign_delivery_type": "ONE_TIME",
    "basic_details": {
        "name": "Welcome",
        "content_type": "TRANSACTIONAL",
        "user_attribute_identifier": "MOE_EMAIL_ID",
    },
    "connector": {"connector_type": "SENDGRID", "connector_name": "default"},
    "campaign_content": {
        "content": {
            "email": {
                "subject": "Hi",
                "preview_text": "Read me",
                "sender_name": "Acme",
                "from_address": "a@acme.example",
                "reply_to_address": "a@acme.example",
                "html_content": "<p>Hi</p>",
            }
        }
    },
    "segmentation_details": {"is_all_user_campaign": True},
    "scheduling_details": {"delivery_type": "AT_FIXED_TIME", "start_time": "2030-01-01T09:00:00"},
}


def email(**overrides: Any) -> dict[str, Any]:
    """A complete, valid MoEngage email campaign object, with top-level overrides."""
    body = copy.deepcopy(EMAIL)
    body.update(overrides)
    return body


def definition(
    campaign: dict[str, Any],
    *,
    provider: str = "moengage",
    key: str = "c.yaml",
    target: str = "sandbox",
    id: str | None = None,
    state: str | None = None,
    read_only: bool = False,
    ignore: tuple[str, ...] = (),
    on_locked: str = "fail",
) -> CampaignDefinition:
    p = registry.get(provider)
    declared = p.validate_campaign(campaign)
    return CampaignDefinition(
        key=key,
        file=f"campaigns/{key}",
        provider=provider,
        target=target,
        id=id,
        state=state,
        read_only=read_only,
        lifecycle=Lifecycle(ignore_changes=ignore, on_locked=on_locked),
        campaign=declared,
        digest=digest([declared, state, id, ignore]),
        name=p.campaign_name(declared),
    )


def remote(body: dict[str, Any], *, id: str = "c1", status: str = "Active") -> RemoteCampaign:
    """A MoEngage search result for `body` (status as the vendor spells it)."""
    item = {
        "campaign_id": id,
        "status": status,
        "created_by": "someone@example.com",
        "created_at": "2024-07-04 08:00:54.847000",
        "updated_at": "2024-07-05 08:00:54.847000",
        **copy.deepcopy(body),
    }
    from syncer.providers.moengage.answers import to_remote

    result = to_remote(item)
    assert result is not None
    return result


def item(
    d: CampaignDefinition,
    r: RemoteCampaign | None = None,
    *,
    entry: StateEntry | None = None,
    same_name: tuple[RemoteCampaign, ...] = (),
    actor: Actor = ACTOR,
    settings: TargetSettings = SETTINGS,
) -> PlanItem:
    source = "file" if d.id else ("state" if entry else "none")
    return PlanItem(
        definition=d,
        remote=r,
        entry=entry,
        same_name=same_name,
        actor=actor,
        id_source=source,
        settings=settings,
    )


def target_context(
    state: TargetState,
    remotes: list[RemoteCampaign],
    *,
    provider: Any = None,
    listed_all: bool = False,
    max_creates: int | None = None,
    early: EarlyPlans | None = None,
) -> TargetContext:
    """A MoEngage target `sandbox` that read `remotes` (the provider may be wrapped)."""
    snapshot = RemoteSnapshot(listed_all=listed_all)
    for r in remotes:
        snapshot.add(r)
    return TargetContext(
        name="sandbox",
        provider=provider or registry.get("moengage"),
        snapshot=snapshot,
        state=state,
        actor=ACTOR,
        identity=TargetIdentity(provider="moengage", base_url="http://x"),
        settings=SETTINGS,
        max_creates=max_creates,
        early=early,
    )
