"""PLAN one MoEngage campaign (pure): noise is quiet, changes are minimal and complete."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from syncer.model.plan import NEW_ID
from syncer.model.state import StateEntry
from syncer.providers.moengage.planner import plan_campaign
from syncer.providers.moengage.schema import schema_violations
from tests.support.builders import definition, email, item, remote


def patched(plan_requests: Any) -> dict[str, Any]:
    (request,) = [r for r in plan_requests if r.method == "PATCH"]
    return dict(request.body)


def test_identical_is_noop() -> None:
    d = definition(email(), id="c1")
    assert plan_campaign(item(d, remote(email()))).action == "noop"


NOISE = [
    ("status case", lambda b: b, "ACTIVE"),
    ("status title case", lambda b: b, "Active"),
    (
        "response timestamp format",
        lambda b: {
            **b,
            "scheduling_details": {
                **b["scheduling_details"],
                "start_time": "2030-01-01 09:00:00.000000",
            },
        },
        "Scheduled",
    ),
    (
        "identifier alias",
        lambda b: {
            **b,
            "basic_details": {
                **b["basic_details"],
                "user_attribute_identifier": "Email (Standard)",
            },
        },
        "Active",
    ),
    (
        "server defaults in undeclared fields",
        lambda b: {
            **b,
            "delivery_controls": {"bypass_dnd": False},
            "basic_details": {**b["basic_details"], "team": "crm"},
        },
        "Active",
    ),
    (
        "read-only fields",
        lambda b: {**b, "sent_time": "2024-07-04 20:32:00", "updated_by": "x@y.z"},
        "Sent",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "status"), NOISE, ids=[n[0] for n in NOISE])
def test_noise_plans_noop(name: str, mutate: Any, status: str) -> None:
    d = definition(email(), id="c1")
    r = remote(mutate(copy.deepcopy(email())), status=status)
    plan = plan_campaign(item(d, r))
    assert plan.action == "noop", (name, plan.changes)


def test_percentages_as_strings_are_equal_to_numbers() -> None:
    content = {
        "variation_details": {
            "distribution_type": "MANUAL",
            "no_of_variations": 2,
            "manual_distribution_percentage": {"variation_1": 50, "variation_2": 50},
        },
        "content": email()["campaign_content"]["content"],
    }
    d = definition({"campaign_content": content}, id="c1")
    remote_content = copy.deepcopy(content)
    remote_content["variation_details"]["manual_distribution_percentage"] = {
        "variation_1": "50",
        "variation_2": "50",
    }
    assert plan_campaign(item(d, remote(email(campaign_content=remote_content)))).action == "noop"


def test_nested_change_sends_the_complete_top_level_object() -> None:
    declared = {"campaign_content": {"content": {"email": {"subject": "Hello"}}}}
    d = definition(declared, id="c1")
    plan = plan_campaign(item(d, remote(email())))
    assert plan.action == "update"
    assert [(c.path, c.before, c.after) for c in plan.changes] == [
        ("campaign_content.content.email.subject", "Hi", "Hello")
    ]
    body = patched(plan.requests)
    assert set(body) == {"updated_by", "campaign_content"}
    sent_email = body["campaign_content"]["content"]["email"]
    expected = {**email()["campaign_content"]["content"]["email"], "subject": "Hello"}
    assert sent_email == expected  # undeclared siblings keep their remote values
    assert schema_violations({**body, "request_id": "x"}, "EmailCampaignUpdateRequest") == []


def test_declared_null_clears_the_field() -> None:
    declared = {"campaign_content": {"content": {"email": {"preview_text": None}}}}
    plan = plan_campaign(item(definition(declared, id="c1"), remote(email())))
    sent = patched(plan.requests)["campaign_content"]["content"]["email"]
    assert "preview_text" not in sent
    assert plan.changes[0].after is None


def test_ignore_changes_neither_diffed_nor_written() -> None:
    declared = {
        "campaign_content": {"content": {"email": {"subject": "Hello", "preview_text": "New"}}}
    }
    d = definition(declared, id="c1", ignore=("campaign_content.content.email.preview_text",))
    plan = plan_campaign(item(d, remote(email())))
    assert [c.path for c in plan.changes] == ["campaign_content.content.email.subject"]
    sent = patched(plan.requests)["campaign_content"]["content"]["email"]
    assert sent["preview_text"] == "Read me"


def test_response_times_are_sent_back_in_request_format() -> None:
    r = remote(
        email(
            scheduling_details={
                "delivery_type": "AT_FIXED_TIME",
                "start_time": "2030-01-01 09:00:00.000000",
                "expiry_time": "2031-01-01 09:00:00.000000",
            }
        ),
        status="Scheduled",
    )
    d = definition({"scheduling_details": {"expiry_time": "2032-01-01T00:00:00"}}, id="c1")
    body = patched(plan_campaign(item(d, r)).requests)
    assert body["scheduling_details"] == {
        "delivery_type": "AT_FIXED_TIME",
        "start_time": "2030-01-01T09:00:00",
        "expiry_time": "2032-01-01T00:00:00",
    }


def test_locked_change_blocks_the_whole_campaign_by_default() -> None:
    d = definition(
        email(
            segmentation_details={
                "is_all_user_campaign": False,
                "included_filters": {
                    "filter_operator": "and",
                    "filters": [{"filter_type": "custom_segments", "id": "s1"}],
                },
            },
            basic_details={**email()["basic_details"], "name": "Renamed"},
        ),
        id="c1",
    )
    plan = plan_campaign(item(d, remote(email())))
    assert plan.action == "blocked"
    assert plan.requests == ()
    assert any("segmentation_details" in r and "ACTIVE" in r for r in plan.reasons)
    assert {c.path for c in plan.changes if c.blocked} == {
        "segmentation_details.included_filters",
        "segmentation_details.is_all_user_campaign",
    }


def test_skip_applies_the_allowed_part_and_reports_the_rest() -> None:
    renamed = {**email()["basic_details"], "name": "Renamed"}
    d = definition(
        email(segmentation_details={"is_all_user_campaign": False}, basic_details=renamed),
        id="c1",
        on_locked="skip",
    )
    plan = plan_campaign(item(d, remote(email())))
    assert plan.action == "update"
    body = patched(plan.requests)
    assert set(body) == {"updated_by", "basic_details"}
    assert any("skipped" in n and "segmentation_details" in n for n in plan.notes)


def test_skip_keeps_locked_subfields_at_their_remote_value() -> None:
    d = definition(
        {
            "scheduling_details": {
                "delivery_type": "AT_FIXED_TIME",
                "start_time": "2031-01-01T00:00:00",
                "expiry_time": "2032-01-01T00:00:00",
            }
        },
        id="c1",
        on_locked="skip",
    )
    body = patched(plan_campaign(item(d, remote(email()))).requests)
    assert body["scheduling_details"]["start_time"] == "2030-01-01T09:00:00"
    assert body["scheduling_details"]["expiry_time"] == "2032-01-01T00:00:00"


def test_stopped_campaign_blocks_any_change() -> None:
    d = definition({"basic_details": {"name": "Renamed"}}, id="c1")
    plan = plan_campaign(item(d, remote(email(), status="Stopped")))
    assert plan.action == "blocked"
    assert "STOPPED" in plan.reasons[0]


def test_read_only_file_shows_differences_and_blocks() -> None:
    d = definition({"basic_details": {"name": "Renamed"}}, id="c1", read_only=True)
    plan = plan_campaign(item(d, remote(email())))
    assert plan.action == "blocked"
    assert plan.changes and "read-only" in plan.reasons[0]


def test_read_only_from_state_store() -> None:
    d = definition({"basic_details": {"name": "Renamed"}}, id="c1")
    entry = StateEntry(id="c1", read_only="created in the dashboard")
    plan = plan_campaign(item(d, remote(email()), entry=entry))
    assert plan.action == "blocked"


def test_missing_remote_with_pinned_id_is_blocked_not_recreated() -> None:
    d = definition(email(), id="gone")
    plan = plan_campaign(item(d, None))
    assert plan.action == "blocked"
    assert plan.requests == ()
    assert "not found" in plan.reasons[0]


def test_create_carries_created_by_and_starts_sending_sentence() -> None:
    d = definition(email())
    plan = plan_campaign(item(d, None))
    assert plan.action == "create"
    (request,) = plan.requests
    assert (request.method, request.path) == ("POST", "/core-services/v1/campaigns")
    assert request.body is not None and request.body["created_by"] == "crm-bot@example.com"
    assert schema_violations({**request.body, "request_id": "x"}, "EmailCampaignRequest") == []
    assert (
        plan.starts_sending and "this plan starts sending campaign 'Welcome'" in plan.starts_sending
    )


def test_create_blocked_by_unmanaged_same_name_campaign() -> None:
    d = definition(email())
    plan = plan_campaign(item(d, None, same_name=(remote(email(), id="other"),)))
    assert plan.action == "blocked"
    assert "syncer import" in plan.reasons[0] and "id:" in plan.reasons[0]


def test_create_of_incomplete_definition_is_blocked_with_the_missing_fields() -> None:
    d = definition(
        {"channel": "EMAIL", "campaign_delivery_type": "ONE_TIME", "basic_details": {"name": "X"}}
    )
    plan = plan_campaign(item(d, None))
    assert plan.action == "blocked"
    assert any("connector" in r for r in plan.reasons)


def test_create_then_pause_uses_the_new_id() -> None:
    trigger = {
        "included_filters": {
            "filter_operator": "and",
            "filters": [{"filter_type": "actions", "action_name": "X", "executed": True}],
        },
        "trigger_delay_type": "ASAP",
    }
    body = email(
        campaign_delivery_type="EVENT_TRIGGERED",
        scheduling_details={"delivery_type": "ASAP"},
        trigger_condition=trigger,
    )
    d = definition(body, state="PAUSED")
    plan = plan_campaign(item(d, None))
    assert [r.kind for r in plan.requests] == ["create", "status"]
    assert plan.requests[1].body == {"action": "PAUSE", "campaign_ids": [NEW_ID]}
    assert plan.starts_sending is None


def test_content_update_comes_before_resume() -> None:
    periodic = email(campaign_delivery_type="PERIODIC")
    d = definition({"basic_details": {"name": "Renamed"}}, id="c1", state="ACTIVE")
    plan = plan_campaign(item(d, remote(periodic, status="Paused")))
    assert [r.kind for r in plan.requests] == ["update", "status"]
    assert plan.requests[1].body == {"action": "RESUME", "campaign_ids": ["c1"]}
    assert plan.starts_sending and "again" in plan.starts_sending


def test_state_change_alone() -> None:
    d = definition({}, id="c1", state="PAUSED")
    plan = plan_campaign(item(d, remote(email(campaign_delivery_type="EVENT_TRIGGERED"))))
    assert plan.action == "state_change"
    assert [r.body for r in plan.requests] == [{"action": "PAUSE", "campaign_ids": ["c1"]}]


def test_impossible_state_is_blocked() -> None:
    d = definition({}, id="c1", state="STOPPED")
    plan = plan_campaign(item(d, remote(email())))  # ONE_TIME, ACTIVE: V1 cannot stop it
    assert plan.action == "blocked"
    assert "cannot be stopped once it is ACTIVE" in plan.reasons[0]


def test_replace_retires_then_creates_from_the_full_definition() -> None:
    periodic = email(
        campaign_delivery_type="PERIODIC",
        scheduling_details={
            "delivery_type": "AT_FIXED_TIME",
            "start_time": "2030-01-01T09:00:00",
            "periodic_details": {"sending_frequency": "DAILY", "repeat_frequency": 1},
        },
    )
    d = definition(
        {
            "segmentation_details": {
                "is_all_user_campaign": False,
                "included_filters": {
                    "filter_operator": "and",
                    "filters": [{"filter_type": "custom_segments", "id": "s1"}],
                },
            }
        },
        id="c1",
        on_locked="replace",
    )
    plan = plan_campaign(item(d, remote(periodic)))
    assert plan.action == "replace"
    assert [(r.kind, (r.body or {}).get("action")) for r in plan.requests] == [
        ("status", "PAUSE"),
        ("create", None),
    ]
    create = plan.requests[1].body or {}
    assert create["connector"] == periodic["connector"]  # carried over from the old campaign
    assert create["segmentation_details"]["included_filters"]["filters"][0]["id"] == "s1"
    assert any("skipped (gap)" in n for n in plan.notes)


def test_replace_without_legal_retirement_blocks() -> None:
    d = definition(
        {"segmentation_details": {"is_all_user_campaign": False}}, id="c1", on_locked="replace"
    )
    plan = plan_campaign(item(d, remote(email())))  # ONE_TIME ACTIVE: cannot be stopped
    assert plan.action == "blocked"
    assert "cannot replace" in plan.reasons[0]


def test_missing_author_blocks_with_the_fix() -> None:
    from syncer.model.vendor import Actor

    d = definition({"basic_details": {"name": "Renamed"}}, id="c1")
    plan = plan_campaign(item(d, remote(email()), actor=Actor(updated_by=None, created_by=None)))
    assert plan.action == "blocked"
    assert any("SYNCER_UPDATED_BY" in r for r in plan.reasons)


def test_relied_on_covers_every_object_re_sent_and_the_status() -> None:
    d = definition({"basic_details": {"name": "Renamed"}}, id="c1")
    plan = plan_campaign(item(d, remote(email())))
    assert set(plan.relied_on) == {"status", "basic_details"}
    assert plan.remote_digest
