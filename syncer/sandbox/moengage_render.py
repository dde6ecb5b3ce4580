"""How MoEngage V1 search renders a stored campaign (`CampaignDetailsResponse`).

Takes a `MoeCampaign`; returns the JSON object the vendor returns. It reproduces the differences
between what a client writes and what it reads back, which a sync tool must normalise away:
title-case status, space-separated timestamps with microseconds, and server defaults.
"""

from __future__ import annotations

from typing import Any

from syncer.sandbox.clock import moengage_timestamp
from syncer.sandbox.moengage_rules import CONFIG_KEYS
from syncer.sandbox.moengage_validation import instant
from syncer.sandbox.records import MoeCampaign

# The sandbox's choice of server defaults for delivery_controls, echoed when a campaign did not
# set them. The vendor does not document its defaults; these match its examples' usual values
# (a normal campaign respects DND and frequency capping, and counts towards it).
DELIVERY_CONTROL_DEFAULTS: dict[str, Any] = {
    "bypass_dnd": False,
    "count_for_frequency_capping": True,
    "ignore_frequency_capping": False,
}


def render(campaign: MoeCampaign) -> dict[str, Any]:
    body = campaign.body
    out: dict[str, Any] = {
        "campaign_id": campaign.id,
        # The response examples show "Active", "Scheduled" although the enum is upper case.
        "status": campaign.status.capitalize(),
        "channel": body.get("channel", "EMAIL"),
        "campaign_delivery_type": body.get("campaign_delivery_type"),
        "created_by": campaign.created_by,
        "updated_by": campaign.updated_by,
        "created_at": moengage_timestamp(campaign.created_at),
        "updated_at": moengage_timestamp(campaign.updated_at),
    }
    if campaign.sent_at is not None:
        # The vendor's sent_time example has no fraction: "2024-07-04 20:32:00".
        out["sent_time"] = moengage_timestamp(campaign.sent_at)[:19]
    # No deep copy: the record's body was just parsed from the database for this response.
    for key in CONFIG_KEYS:
        if key in body:
            out[key] = body[key]
    if isinstance(out.get("scheduling_details"), dict):
        scheduling = out["scheduling_details"] = dict(out["scheduling_details"])
        for key in ("start_time", "expiry_time"):
            moment = instant(scheduling.get(key))
            if moment is not None:
                scheduling[key] = moengage_timestamp(moment)
    out["delivery_controls"] = {**DELIVERY_CONTROL_DEFAULTS, **(out.get("delivery_controls") or {})}
    return out
