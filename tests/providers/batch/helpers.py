"""Hand-built Batch values for the pure tests: campaign blocks, list items, plan items."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from syncer.model.campaign import CampaignDefinition
from syncer.model.plan import CampaignPlan
from syncer.model.state import StateEntry
from syncer.model.target import TargetSettings
from syncer.model.vendor import PlanItem, RemoteCampaign
from syncer.providers.batch.settings import BatchTarget
from syncer.state.journal import next_entry
from tests.support.builders import definition as moengage_style_definition
from tests.support.builders import item as plan_item

NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
ID = "orchestration_0664hyh918hr1gnzka9py5t62nrc0e1q"
SETTINGS = BatchTarget(provider="batch", experimental_push=True)
"""Most tests write push messages; `STRICT` is the default target, which refuses them."""
STRICT = BatchTarget(provider="batch")

EMAIL: dict[str, Any] = {
    "name": "Win-back",
    "when": {"start_time": "2030-03-01T10:00:00Z", "local_time": True},
    "targeting": {"languages": ["fr", "en"], "query": {"last_visit_days": {"$gt": 30}}},
    "labels": ["reactivation"],
    "messages": [
        {
            "channel_type": "email",
            "subject": "We miss you",
            "sender_identity_id": "4012",
            "reply_to": {"email_address": "support@acme.example"},
            "html": "<p>Come back</p>",
        }
    ],
}
PUSH: dict[str, Any] = {
    "name": "Spring push",
    "when": {"start_time": "2030-04-01T08:00:00Z", "local_time": False},
    "targeting": {"regions": ["FR"]},
    "messages": [
        {
            "channel_type": "push",
            "platform_type": ["ios", "android"],
            "title": "Spring is here",
            "body": "Discover the collection",
            "deeplink": "acme://spring",
        }
    ],
}


def email(**overrides: Any) -> dict[str, Any]:
    """A complete email campaign block, with top-level overrides."""
    return {**copy.deepcopy(EMAIL), **overrides}


def push(**overrides: Any) -> dict[str, Any]:
    return {**copy.deepcopy(PUSH), **overrides}


def with_message(campaign: dict[str, Any], **fields: Any) -> dict[str, Any]:
    result = copy.deepcopy(campaign)
    result["messages"][0].update(fields)
    return result


def definition(campaign: dict[str, Any], **options: Any) -> CampaignDefinition:
    options.setdefault("key", "batch/c.yaml")
    options.setdefault("target", "sandbox-batch")
    return moengage_style_definition(campaign, provider="batch", **options)


def listed(
    campaign: dict[str, Any],
    *,
    id: str = ID,
    status: str = "draft",
    type: str = "campaign",
    source: str = "api",
    start_time: str | None = "",
) -> dict[str, Any]:
    """An `orchestrations/list` item for `campaign` (as the sandbox renders one)."""
    message = campaign["messages"][0]
    when = campaign["when"]["start_time"]
    shown = None if when == "now" else when
    return {
        "id": id,
        "type": type,
        "channels": [message["channel_type"]],
        "platforms": list(message.get("platform_type", [])),
        "source": source,
        "created_date": "2025-01-01T10:00:00Z",
        "name": campaign["name"],
        "labels": list(campaign.get("labels", [])),
        "status": status,
        "start_time": shown if start_time == "" else start_time,
    }


def viewed(campaign: dict[str, Any]) -> dict[str, Any]:
    """The extra keys `orchestrations/view` returns for a push campaign (as the sandbox does:
    no `targeting` when the campaign has none)."""
    details: dict[str, Any] = {
        "updated_date": "2025-01-02T10:00:00Z",
        "local_time": bool(campaign["when"].get("local_time", False)),
        "messages": copy.deepcopy(campaign["messages"]),
    }
    if campaign.get("targeting"):
        details["targeting"] = copy.deepcopy(campaign["targeting"])
    if "send_rate" in campaign:
        details["send_rate"] = campaign["send_rate"]
    return details


def remote(campaign: dict[str, Any], *, view: bool | None = None, **listing: Any) -> RemoteCampaign:
    """A remote campaign as the client reads it (push campaigns viewed by default)."""
    from syncer.providers.batch.client import to_remote

    item = listed(campaign, **listing)
    is_push = campaign["messages"][0]["channel_type"] == "push"
    details = viewed(campaign) if (is_push if view is None else view) else None
    result = to_remote(item, details)
    assert result is not None
    return result


def edited(r: RemoteCampaign, **listing: Any) -> RemoteCampaign:
    """`r` as Batch would list it after an edit of these list fields (outside the tool)."""
    from syncer.providers.batch.client import to_remote

    result = to_remote({**r.body, **listing})
    assert result is not None
    return result


def item(
    d: CampaignDefinition,
    r: RemoteCampaign | None = None,
    *,
    entry: StateEntry | None = None,
    same_name: tuple[RemoteCampaign, ...] = (),
    settings: TargetSettings = SETTINGS,
) -> PlanItem:
    return plan_item(d, r, entry=entry, same_name=same_name, settings=settings)


def plan(
    d: CampaignDefinition,
    r: RemoteCampaign | None = None,
    *,
    entry: StateEntry | None = None,
    same_name: tuple[RemoteCampaign, ...] = (),
    settings: TargetSettings = SETTINGS,
    now: dt.datetime = NOW,
) -> CampaignPlan:
    from syncer.providers.batch.planner import plan_campaign

    return plan_campaign(item(d, r, entry=entry, same_name=same_name, settings=settings), now=now)


def applied(campaign_plan: CampaignPlan, old: StateEntry | None = None) -> StateEntry:
    """The state entry after `campaign_plan` was applied in full."""
    new_id = "orchestration_new" if campaign_plan.action in ("create", "replace") else None
    entry = next_entry(campaign_plan, old, new_id, complete=True)
    assert entry is not None
    return entry


def managed(campaign: dict[str, Any], *, state: str | None = "DRAFT", id: str = ID) -> StateEntry:
    """The state entry left by a first apply of `campaign` (a draft until then) with `state`."""
    d = definition(campaign, id=id, state=state)
    status = "stopped" if state == "STOPPED" else "draft"
    first = plan(d, remote(campaign, view=False, id=id, status=status))
    assert first.action == "update", first
    return applied(first)
