"""Every cell of MoEngage's per-state table: which change is allowed in which status."""

from __future__ import annotations

import pytest

from syncer.model.plan import FieldChange
from syncer.plan.rules import lock_reason
from syncer.providers.moengage import rules

FIELDS = [
    "basic_details.name",
    "campaign_content.content.email.subject",
    "connector.connector_name",
    "delivery_controls.bypass_dnd",
    "utm_params.utm_source",
    "control_group_details.is_campaign_control_group_enabled",
    "campaign_audience_limit.limit",
    "scheduling_details.expiry_time",
    "scheduling_details.start_time",
    "scheduling_details.delivery_type",
    "trigger_condition.trigger_delay_value",
    "segmentation_details.is_all_user_campaign",
    "conversion_goal_details.attribution_window_in_hours",
    "channel",
    "campaign_delivery_type",
]
ACTIVE_LOCKED = {
    "scheduling_details.start_time",
    "scheduling_details.delivery_type",
    "trigger_condition.trigger_delay_value",
    "segmentation_details.is_all_user_campaign",
    "conversion_goal_details.attribution_window_in_hours",
    "channel",
    "campaign_delivery_type",
}
EXPECTED_LOCKED: dict[str, set[str]] = {
    "ACTIVE": ACTIVE_LOCKED,
    "PAUSED": ACTIVE_LOCKED,  # assumption: undocumented, ACTIVE rules apply
    "SCHEDULED": {"scheduling_details.delivery_type", "channel", "campaign_delivery_type"},
    "SENT": set(FIELDS),
    "STOPPED": set(FIELDS),
    "ARCHIVED": set(FIELDS),
    "RETIRED": set(FIELDS),
    "SENDING": set(FIELDS),  # not a V1 status: everything locked (safe reading)
}
CELLS = [(state, field) for state in EXPECTED_LOCKED for field in FIELDS]


@pytest.mark.parametrize(("state", "field"), CELLS)
def test_every_cell(state: str, field: str) -> None:
    change = FieldChange(path=field, before=1, after=2)
    reason = lock_reason(change, state, rules.locks_for(state), "MoEngage")
    assert (reason is not None) == (field in EXPECTED_LOCKED[state])
    if reason:
        assert state in reason
        assert "Way out" in reason


def test_reason_names_field_state_and_way_out() -> None:
    change = FieldChange(path="segmentation_details.included_filters", before=1, after=2)
    reason = lock_reason(change, "ACTIVE", rules.LOCKS, "MoEngage")
    assert reason is not None
    assert "ACTIVE MoEngage campaigns cannot change segmentation_details" in reason
    assert "on_locked: replace" in reason


@pytest.mark.parametrize(
    ("before", "after", "locked"),
    [
        # Replacing the whole scheduling object is locked on ACTIVE only if its locked
        # sub-fields differ inside it.
        (
            {"delivery_type": "AT_FIXED_TIME", "start_time": "2024-01-01T00:00:00"},
            {
                "delivery_type": "AT_FIXED_TIME",
                "start_time": "2024-01-01T00:00:00",
                "expiry_time": "x",
            },
            False,
        ),
        (
            {"delivery_type": "AT_FIXED_TIME", "start_time": "2024-01-01T00:00:00"},
            {"delivery_type": "AT_FIXED_TIME", "start_time": "2025-01-01T00:00:00"},
            True,
        ),
        (None, {"delivery_type": "ASAP"}, True),
    ],
)
def test_ancestor_change_locked_only_when_locked_field_differs(
    before: object, after: object, locked: bool
) -> None:
    change = FieldChange(path="scheduling_details", before=before, after=after)
    assert (lock_reason(change, "ACTIVE", rules.LOCKS, "MoEngage") is not None) == locked


TRANSITIONS = [
    # desired, remote, delivery type, expected action, refused
    ("ACTIVE", "ACTIVE", "ONE_TIME", None, False),
    ("ACTIVE", "SCHEDULED", "PERIODIC", None, False),
    ("ACTIVE", "SENT", "ONE_TIME", None, False),
    ("ACTIVE", "PAUSED", "PERIODIC", "RESUME", False),
    ("ACTIVE", "PAUSED", "EVENT_TRIGGERED", "RESUME", False),
    ("ACTIVE", "PAUSED", "ONE_TIME", None, True),
    ("ACTIVE", "PAUSED", "BUSINESS_EVENT_TRIGGERED", None, True),
    ("ACTIVE", "STOPPED", "ONE_TIME", None, True),
    ("ACTIVE", "ARCHIVED", "PERIODIC", None, True),
    ("PAUSED", "ACTIVE", "PERIODIC", "PAUSE", False),
    ("PAUSED", "SCHEDULED", "EVENT_TRIGGERED", None, True),  # V1: "Pause a running ..."
    ("PAUSED", "PAUSED", "PERIODIC", None, False),
    ("PAUSED", "ACTIVE", "ONE_TIME", None, True),
    ("PAUSED", "SCHEDULED", "ONE_TIME", None, True),
    ("PAUSED", "ACTIVE", "BUSINESS_EVENT_TRIGGERED", None, True),
    ("PAUSED", "STOPPED", "PERIODIC", None, True),
    ("STOPPED", "SCHEDULED", "ONE_TIME", "STOP", False),
    ("STOPPED", "PAUSED", "ONE_TIME", None, True),  # V1: "Stop a scheduled One-time ..."
    ("STOPPED", "ACTIVE", "ONE_TIME", None, True),
    ("STOPPED", "ACTIVE", "PERIODIC", None, True),
    ("STOPPED", "STOPPED", "ONE_TIME", None, False),
    ("STOPPED", "SENT", "ONE_TIME", None, False),
    (None, "PAUSED", "PERIODIC", None, False),
]


@pytest.mark.parametrize(("desired", "remote", "kind", "action", "refused"), TRANSITIONS)
def test_status_transitions(
    desired: str | None, remote: str, kind: str, action: str | None, refused: bool
) -> None:
    got_action, refusal = rules.transition(desired, remote, kind)
    assert got_action == action
    assert (refusal is not None) == refused


RETIREMENTS = [
    ("SCHEDULED", "ONE_TIME", "STOP", False),
    ("PAUSED", "ONE_TIME", None, True),
    ("ACTIVE", "ONE_TIME", None, True),
    ("ACTIVE", "PERIODIC", "PAUSE", False),
    ("SCHEDULED", "EVENT_TRIGGERED", None, True),
    ("PAUSED", "PERIODIC", None, False),
    ("ACTIVE", "BUSINESS_EVENT_TRIGGERED", None, True),
    ("STOPPED", "ONE_TIME", None, False),
    ("SENT", "ONE_TIME", None, False),
]


@pytest.mark.parametrize(("remote", "kind", "action", "refused"), RETIREMENTS)
def test_retirement(remote: str, kind: str, action: str | None, refused: bool) -> None:
    got_action, refusal = rules.retirement(remote, kind)
    assert got_action == action
    assert (refusal is not None) == refused
