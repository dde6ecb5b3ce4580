"""MoEngage lifecycle planning (pure): creations with a desired state, status calls in a safe
order, replacements (retire first, say gap or double send), as tables."""

from __future__ import annotations

from typing import Any

import pytest

from syncer.model.plan import NEW_ID
from syncer.model.state import StateEntry
from syncer.providers.moengage import rules
from syncer.providers.moengage.planner import plan_campaign
from tests.support.builders import definition, email, item, remote

FUTURE = {"delivery_type": "AT_FIXED_TIME", "start_time": "2030-01-01T09:00:00"}
DAILY = {"sending_frequency": "DAILY", "repeat_frequency": 1}


def campaign(kind: str, **overrides: Any) -> dict[str, Any]:
    scheduling: dict[str, Any] = dict(FUTURE)
    if kind == "PERIODIC":
        scheduling["periodic_details"] = DAILY
    extra: dict[str, Any] = {}
    if kind == "EVENT_TRIGGERED":
        extra["trigger_condition"] = {
            "included_filters": {
                "filter_operator": "and",
                "filters": [{"filter_type": "actions", "action_name": "X", "executed": True}],
            },
            "trigger_delay_type": "ASAP",
        }
    fields = {"scheduling_details": scheduling, **extra, **overrides}
    return email(campaign_delivery_type=kind, **fields)


def calls(plan: Any) -> list[tuple[str, str | None]]:
    return [(r.kind, (r.body or {}).get("action")) for r in plan.requests]


@pytest.mark.parametrize(
    ("desired", "remote_status", "kind", "action"),
    [
        ("ACTIVE", "PAUSED", "PERIODIC", "RESUME"),
        ("ACTIVE", "PAUSED", "EVENT_TRIGGERED", "RESUME"),
        ("PAUSED", "ACTIVE", "PERIODIC", "PAUSE"),
        ("STOPPED", "SCHEDULED", "ONE_TIME", "STOP"),
        ("ACTIVE", "SCHEDULED", "ONE_TIME", None),
        ("ACTIVE", "SENT", "ONE_TIME", None),
        ("STOPPED", "ARCHIVED", "ONE_TIME", None),
        (None, "PAUSED", "PERIODIC", None),
    ],
)
def test_transition_table_allows(
    desired: str | None, remote_status: str, kind: str, action: str | None
) -> None:
    assert rules.transition(desired, remote_status, kind) == (action, None)


@pytest.mark.parametrize(
    ("desired", "remote_status", "kind", "words"),
    [
        ("STOPPED", "ACTIVE", "ONE_TIME", "cannot be stopped once it is ACTIVE"),
        ("STOPPED", "ACTIVE", "PERIODIC", "STOP exists only for one-time"),
        ("PAUSED", "ACTIVE", "ONE_TIME", "PAUSE exists only for periodic"),
        ("PAUSED", "ACTIVE", "BUSINESS_EVENT_TRIGGERED", "not supported for this delivery"),
        ("ACTIVE", "PAUSED", "ONE_TIME", "RESUME exists only for periodic"),
        ("ACTIVE", "STOPPED", "PERIODIC", "no API to restart a STOPPED"),
        ("ACTIVE", "ARCHIVED", "ONE_TIME", "no API to restart"),
        ("PAUSED", "RETIRED", "PERIODIC", "no API to restart"),
        # V1 pauses a running campaign and stops a scheduled one; only V5 says more.
        ("PAUSED", "SCHEDULED", "EVENT_TRIGGERED", "PAUSE for a running campaign only"),
        ("PAUSED", "SCHEDULED", "PERIODIC", "PAUSE for a running campaign only"),
        ("STOPPED", "PAUSED", "ONE_TIME", "STOP for a scheduled one-time campaign only"),
    ],
)
def test_transition_table_refuses_with_the_rule(
    desired: str, remote_status: str, kind: str, words: str
) -> None:
    action, refusal = rules.transition(desired, remote_status, kind)
    assert action is None and refusal is not None and words in refusal


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        ("SCHEDULED", "ONE_TIME", ("STOP", None)),
        ("ACTIVE", "PERIODIC", ("PAUSE", None)),
        ("PAUSED", "PERIODIC", (None, None)),
        ("STOPPED", "ONE_TIME", (None, None)),
        ("SENT", "ONE_TIME", (None, None)),
    ],
)
def test_retirement_table(status: str, kind: str, expected: tuple[Any, Any]) -> None:
    assert rules.retirement(status, kind) == expected


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("ACTIVE", "ONE_TIME"),
        ("ACTIVE", "BUSINESS_EVENT_TRIGGERED"),
        ("SCHEDULED", "EVENT_TRIGGERED"),  # V1 pauses running campaigns only
        ("PAUSED", "ONE_TIME"),  # V1 stops scheduled campaigns only
    ],
)
def test_no_legal_retirement(status: str, kind: str) -> None:
    action, refusal = rules.retirement(status, kind)
    assert action is None and refusal


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        ("SCHEDULED", "ONE_TIME", "no gap and no double send"),
        ("ACTIVE", "PERIODIC", "(gap)"),
        ("ACTIVE", "EVENT_TRIGGERED", "no user gets both"),
        ("PAUSED", "ONE_TIME", "(double send)"),
        ("PAUSED", "PERIODIC", "no new gap"),
        ("SENT", "ONE_TIME", "(double send)"),
        ("STOPPED", "ONE_TIME", "may receive the replacement too"),
        ("WEIRD", "ONE_TIME", "cannot be ruled out"),
    ],
)
def test_every_replacement_says_gap_or_double_send(status: str, kind: str, words: str) -> None:
    assert words in rules.replacement_risk(status, kind)


# -- the order of calls within one campaign ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "desired", "expected"),
    [
        ("PERIODIC", "Active", "PAUSED", [("status", "PAUSE"), ("update", None)]),
        ("PERIODIC", "Paused", "ACTIVE", [("update", None), ("status", "RESUME")]),
        ("ONE_TIME", "Scheduled", "STOPPED", [("update", None), ("status", "STOP")]),
    ],
)
def test_status_calls_are_ordered_safely_around_a_content_update(
    kind: str, status: str, desired: str, expected: list[tuple[str, str | None]]
) -> None:
    d = definition({"basic_details": {"name": "Renamed"}}, id="c1", state=desired)
    plan = plan_campaign(item(d, remote(campaign(kind), status=status)))
    assert plan.action == "update"
    assert calls(plan) == expected
    assert bool(plan.starts_sending) is (desired == "ACTIVE")


def test_a_stop_after_an_update_says_why() -> None:
    d = definition({"basic_details": {"name": "Renamed"}}, id="c1", state="STOPPED")
    plan = plan_campaign(item(d, remote(campaign("ONE_TIME"), status="Scheduled")))
    assert any("STOPPED campaign can no longer be updated" in n for n in plan.notes)


# -- creations with a desired state ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "desired", "expected", "starts"),
    [
        ("ONE_TIME", None, [("create", None)], True),
        ("ONE_TIME", "ACTIVE", [("create", None)], True),
    ],
)
def test_a_creation_reaches_its_desired_state(
    kind: str, desired: str | None, expected: list[tuple[str, str | None]], starts: bool
) -> None:
    plan = plan_campaign(item(definition(campaign(kind), state=desired), None))
    assert plan.action == "create"
    assert calls(plan) == expected
    assert bool(plan.starts_sending) is starts


def test_an_asap_creation_that_is_paused_says_it_may_send_first() -> None:
    """Live at its creation, so V1's "Pause a running ... campaign" applies; if the PAUSE is
    refused, the failure says the campaign was created and sends now."""
    body = campaign("EVENT_TRIGGERED", scheduling_details={"delivery_type": "ASAP"})
    plan = plan_campaign(item(definition(body, state="PAUSED"), None))
    assert calls(plan) == [("create", None), ("status", "PAUSE")]
    assert plan.requests[1].body == {"action": "PAUSE", "campaign_ids": [NEW_ID]}
    assert plan.starts_sending is None
    assert any("may send in between" in n for n in plan.notes)
    loud = plan.requests[1].if_failed or ""
    assert "WAS CREATED (id {new_id}) BUT IS NOT PAUSED" in loud
    assert "sends now (EVENT_TRIGGERED)" in loud
    assert plan.requests[0].if_failed is None


@pytest.mark.parametrize(
    ("kind", "desired", "words"),
    [
        ("ONE_TIME", "PAUSED", "PAUSE exists only for periodic"),
        # Created SCHEDULED (a start time): V1 documents PAUSE for a running campaign only.
        ("PERIODIC", "PAUSED", "PAUSE for a running campaign only"),
        ("EVENT_TRIGGERED", "PAUSED", "PAUSE for a running campaign only"),
        ("ONE_TIME", "STOPPED", "never sends"),
        ("PERIODIC", "STOPPED", "never sends"),
    ],
)
def test_a_creation_that_cannot_reach_its_state_is_blocked(
    kind: str, desired: str, words: str
) -> None:
    plan = plan_campaign(item(definition(campaign(kind), state=desired), None))
    assert plan.action == "blocked"
    assert plan.requests == ()
    assert words in plan.reasons[0]


def test_the_starts_sending_sentence_names_the_campaign_and_the_time() -> None:
    plan = plan_campaign(item(definition(campaign("ONE_TIME")), None))
    assert plan.starts_sending == (
        "this plan starts sending campaign 'Welcome' (ONE_TIME) from 2030-01-01T09:00:00 UTC"
    )
    asap = campaign("ONE_TIME", scheduling_details={"delivery_type": "ASAP"})
    plan = plan_campaign(item(definition(asap), None))
    assert plan.starts_sending and "as soon as it is created" in plan.starts_sending


def test_a_start_time_in_the_past_reads_starts_sending_immediately() -> None:
    past = campaign(
        "ONE_TIME",
        scheduling_details={"delivery_type": "AT_FIXED_TIME", "start_time": "2020-01-01T09:00:00"},
    )
    plan = plan_campaign(item(definition(past), None))
    assert plan.starts_sending == (
        "this plan starts sending campaign 'Welcome' (ONE_TIME) immediately "
        "(its start time 2020-01-01T09:00:00 UTC is in the past)"
    )


# -- replacements --------------------------------------------------------------------------------

NEW_AUDIENCE = {
    "segmentation_details": {
        "included_filters": {
            "filter_operator": "and",
            "filters": [{"filter_type": "custom_segments", "id": "s1"}],
        }
    }
}


@pytest.mark.parametrize(
    ("kind", "status", "retire"),
    [
        ("PERIODIC", "Active", [("status", "PAUSE")]),
        ("EVENT_TRIGGERED", "Active", [("status", "PAUSE")]),
        ("PERIODIC", "Paused", []),
    ],
)
def test_a_locked_change_is_replaced_retiring_first(
    kind: str, status: str, retire: list[tuple[str, str | None]]
) -> None:
    d = definition(NEW_AUDIENCE, id="c1", on_locked="replace")
    plan = plan_campaign(item(d, remote(campaign(kind), status=status)))
    assert plan.action == "replace"
    assert calls(plan) == [*retire, ("create", None)]
    assert any(n.startswith("users: ") for n in plan.notes)
    assert plan.starts_sending and "replacement 'Welcome'" in plan.starts_sending
    assert any("syncer pull" in n for n in plan.notes)  # the file pins the old id


def test_a_replacement_that_would_need_an_undocumented_pause_is_refused() -> None:
    """The replacement has a start time, so it is created SCHEDULED, and V1 documents no
    PAUSE of a scheduled campaign: nothing is planned (not even the retirement)."""
    d = definition(NEW_AUDIENCE, id="c1", on_locked="replace", state="PAUSED")
    plan = plan_campaign(item(d, remote(campaign("PERIODIC"), status="Paused")))
    assert plan.action == "blocked"
    assert plan.requests == ()
    assert any("PAUSE for a running campaign only" in r for r in plan.reasons)


def test_a_finished_campaign_is_replaced_when_its_state_cannot_be_reached() -> None:
    d = definition({}, id="c1", on_locked="replace", state="ACTIVE")
    plan = plan_campaign(item(d, remote(campaign("ONE_TIME"), status="Stopped")))
    assert plan.action == "replace"
    assert calls(plan) == [("create", None)]
    d = definition({}, id="c1", state="ACTIVE")
    assert plan_campaign(item(d, remote(campaign("ONE_TIME"), status="Stopped"))).action == (
        "blocked"
    )


def test_a_replace_refuses_when_a_same_named_unmanaged_campaign_exists() -> None:
    """The state entry of an earlier replacement was lost: replacing again would make a
    second replacement."""
    d = definition(NEW_AUDIENCE, on_locked="replace")
    entry = StateEntry(id="c1")
    earlier = remote(campaign("PERIODIC"), id="c2")
    plan = plan_campaign(
        item(d, remote(campaign("PERIODIC"), id="c1"), entry=entry, same_name=(earlier,))
    )
    assert plan.action == "blocked"
    assert "pin `id:`" in plan.reasons[0] and "c2" in plan.reasons[0]


def test_a_replace_without_a_legal_retirement_is_blocked_and_says_why() -> None:
    d = definition(NEW_AUDIENCE, id="c1", on_locked="replace")
    plan = plan_campaign(item(d, remote(campaign("ONE_TIME"), status="Active")))
    assert plan.action == "blocked"
    assert plan.reasons[0].startswith("cannot replace: a one-time campaign cannot be stopped")
    assert any("segmentation_details" in r for r in plan.reasons[1:])
