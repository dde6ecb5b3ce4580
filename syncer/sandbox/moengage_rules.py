"""MoEngage V1 lifecycle rules (pure): initial status, per-state editability, status actions.

Takes statuses, stored campaign bodies and PATCH bodies; returns statuses or `Problem`s. The
tables are data so that the rules read like the vendor's own sentences (quoted next to them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syncer.sandbox.moengage_validation import Problem, instant

CONFIG_KEYS = (
    "basic_details",
    "trigger_condition",
    "connector",
    "campaign_content",
    "segmentation_details",
    "scheduling_details",
    "delivery_controls",
    "conversion_goal_details",
    "control_group_details",
    "utm_params",
    "campaign_audience_limit",
)
CREATE_KEYS = frozenset({"request_id", "channel", "campaign_delivery_type", "created_by"}).union(
    CONFIG_KEYS
)
UPDATE_KEYS = frozenset({"request_id", "updated_by", "channel"}).union(CONFIG_KEYS)

# "You can update fields in the campaign when the campaign is in any state apart from Stopped and
# Archived." SENT and RETIRED are undocumented; the sandbox makes them read-only too (RETIRED
# "cannot be reactivated", and a sent one-time campaign has nothing left to send).
READ_ONLY_STATES = ("STOPPED", "ARCHIVED", "SENT", "RETIRED")
# "If the campaign is in the Active state, you cannot edit: Trigger Condition, Segmentation
# Details, Conversion Goal Details, Scheduling Type, Scheduling Start Date." PAUSED is
# undocumented; the sandbox applies the ACTIVE rules to it (a paused campaign has already run).
ACTIVE_LIKE_STATES = ("ACTIVE", "PAUSED")
ACTIVE_LOCKED_OBJECTS = ("trigger_condition", "segmentation_details", "conversion_goal_details")
# "You can edit all fields except scheduling type if the campaign is in a Scheduled state."
SCHEDULING_TYPE_LOCKED_STATES = ("ACTIVE", "PAUSED", "SCHEDULED")


def initial_status(body: dict[str, Any], now: float) -> str:
    """ONE_TIME + ASAP goes live at once; otherwise SCHEDULED until start_time passes."""
    scheduling = body.get("scheduling_details") or {}
    one_time = body.get("campaign_delivery_type") == "ONE_TIME"
    if one_time and scheduling.get("delivery_type") == "ASAP":
        return "ACTIVE"
    start = instant(scheduling.get("start_time"))
    return "SCHEDULED" if start is not None and start > now else "ACTIVE"


def start_instant(body: dict[str, Any]) -> float | None:
    return instant((body.get("scheduling_details") or {}).get("start_time"))


def patch_problems(status: str, stored: dict[str, Any], patch: dict[str, Any]) -> list[Problem]:
    """Why this PATCH is not allowed on a campaign in `status`; empty when it is.

    Sending an object equal to the stored one is always allowed in an editable state.
    """
    if "channel" in patch and patch["channel"] != stored.get("channel"):
        return [Problem("channel", "channel", "channel cannot be changed after creation")]
    sent = {key: patch[key] for key in CONFIG_KEYS if key in patch}
    if status in READ_ONLY_STATES:
        objects = sorted(sent) or ["campaign_id"]
        return [Problem(obj, obj, f"{status} campaigns cannot be updated") for obj in objects]
    found = []
    if status in ACTIVE_LIKE_STATES:
        for key in ACTIVE_LOCKED_OBJECTS:
            if key in sent and sent[key] != stored.get(key):
                message = f"{key} cannot be changed while the campaign is {status}"
                found.append(Problem(key, key, message))
    old = stored.get("scheduling_details") or {}
    new = sent.get("scheduling_details")
    if new is None or new == old:
        return found
    if status in SCHEDULING_TYPE_LOCKED_STATES and new.get("delivery_type") != old.get(
        "delivery_type"
    ):
        message = (
            f"scheduling type (delivery_type) cannot be changed while the campaign is {status}"
        )
        found.append(Problem("scheduling_details", "scheduling_details.delivery_type", message))
    # Start times are compared as instants: "2024-07-01T00:00:00" and the search response's
    # "2024-07-01 00:00:00.000000" are the same start date.
    if status in ACTIVE_LIKE_STATES and instant(new.get("start_time")) != instant(
        old.get("start_time")
    ):
        message = f"start date (start_time) cannot be changed while the campaign is {status}"
        found.append(Problem("scheduling_details", "scheduling_details.start_time", message))
    return found


@dataclass(frozen=True)
class StatusAction:
    delivery_types: tuple[str, ...]
    from_states: tuple[str, ...]
    to_state: str


# V1 CampaignStatusChangeRequest: STOP "a scheduled One-time campaign ... After a One-time campaign
# moves to Active state, it cannot be stopped"; PAUSE "a running Periodic or Event-triggered
# campaign"; RESUME "a paused Periodic or Event-triggered campaign". V5 also lets STOP act on an
# ACTIVE or PAUSED one-time campaign and PAUSE on a SCHEDULED one; the sandbox follows V1, the API
# it emulates, word for word: what V1 does not document, it refuses.
STATUS_ACTIONS = {
    "STOP": StatusAction(("ONE_TIME",), ("SCHEDULED",), "STOPPED"),
    "PAUSE": StatusAction(("PERIODIC", "EVENT_TRIGGERED"), ("ACTIVE",), "PAUSED"),
    "RESUME": StatusAction(("PERIODIC", "EVENT_TRIGGERED"), ("PAUSED",), "ACTIVE"),
}


def transition(action: str, delivery_type: str, status: str) -> tuple[str | None, str]:
    """The status after `action`, or (None, the rule that forbids it)."""
    rule = STATUS_ACTIONS[action]
    if delivery_type not in rule.delivery_types:
        allowed = " and ".join(rule.delivery_types)
        return None, f"{action} applies only to {allowed} campaigns, not {delivery_type}"
    if status not in rule.from_states:
        allowed = " or ".join(rule.from_states)
        return None, f"{action} is allowed only from {allowed}; the campaign is {status}"
    return rule.to_state, ""
