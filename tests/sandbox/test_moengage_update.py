"""MoEngage V1 PATCH: whole-object replace, 204, mandatory keys and every per-state rule."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import httpx
import pytest

from syncer.providers.moengage.schema import openapi_document
from syncer.sandbox.handle import SandboxHandle
from syncer.sandbox.store import Store

from .helpers import (
    ARCHIVED_ID,
    BLACK_FRIDAY_ID,
    EDITOR,
    LEGACY_ID,
    MOE,
    OLD_PROMO_ID,
    SPRING_SALE_ID,
    WELCOME_ID,
    change_status,
    create,
    error_of,
    event_triggered,
    find,
    one_time,
    patch,
    rid,
    scheduled_one_time,
)

NEW_AUDIENCE = {
    "is_all_user_campaign": False,
    "included_filters": {
        "filter_operator": "and",
        "filters": [{"filter_type": "custom_segments", "id": "seg-1", "name": "VIP"}],
    },
}
GOALS = {
    "attribution_window_in_hours": 24,
    "goals": [{"goal_name": "Buy", "goal_event_name": "Purchase"}],
}


def _content(subject: str) -> dict[str, Any]:
    email = {
        "subject": subject,
        "sender_name": "Acme",
        "from_address": "hello@acme.example",
        "reply_to_address": "support@acme.example",
        "html_content": "<p>new</p>",
    }
    return {"content": {"email": email}}


def test_patch_replaces_each_sent_object_whole_and_answers_204(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_clock("2030-01-01T00:00:00Z")
    before = find(moengage_http, WELCOME_ID)
    assert before["campaign_content"]["content"]["email"]["preview_text"]
    sandbox.set_clock(advance_seconds=60)
    response = patch(moengage_http, WELCOME_ID, campaign_content=_content("Welcome!"))
    assert response.status_code == 204
    assert response.content == b""
    after = find(moengage_http, WELCOME_ID)
    email = after["campaign_content"]["content"]["email"]
    assert email["subject"] == "Welcome!"
    assert "preview_text" not in email  # nested fields left out of the sent object are lost
    assert after["connector"] == before["connector"]  # objects not sent are kept
    assert after["updated_by"] == EDITOR
    assert after["updated_at"] == "2030-01-01 00:01:00.000000"
    assert after["created_at"] == before["created_at"]


def test_the_vendors_email_patch_example_is_accepted(moengage_http: httpx.Client) -> None:
    examples = openapi_document()["paths"]["/campaigns/{campaign_id}"]["patch"]["requestBody"]
    body = copy.deepcopy(
        examples["content"]["application/json"]["examples"]["email_update_content"]
    )
    response = moengage_http.patch(f"{MOE}/campaigns/{WELCOME_ID}", json=body["value"])
    assert response.status_code == 204, response.text


@pytest.mark.parametrize("key", ["request_id", "updated_by"])
def test_mandatory_keys(moengage_http: httpx.Client, key: str) -> None:
    body = {"request_id": rid(), "updated_by": EDITOR, "campaign_content": _content("x")}
    del body[key]
    response = moengage_http.patch(f"{MOE}/campaigns/{WELCOME_ID}", json=body)
    assert response.status_code == 400
    assert error_of(response)["target"] == key
    assert error_of(response)["message"] == f"{key} key is mandatory field"


@pytest.mark.parametrize("key", ["created_by", "campaign_delivery_type", "status", "nonsense"])
def test_unknown_or_create_only_keys_are_rejected(moengage_http: httpx.Client, key: str) -> None:
    response = patch(moengage_http, WELCOME_ID, **{key: "x"})
    assert response.status_code == 400
    assert error_of(response)["target"] == key


def test_schema_is_checked(moengage_http: httpx.Client) -> None:
    response = patch(moengage_http, WELCOME_ID, utm_params={"utm_source": "x"})
    assert response.status_code == 400
    assert error_of(response)["target"] == "utm_params"


def test_merged_campaign_is_checked(moengage_http: httpx.Client) -> None:
    promotional = {
        "name": "Welcome email",
        "content_type": "PROMOTIONAL",
        "user_attribute_identifier": "MOE_EMAIL_ID",
    }
    response = patch(moengage_http, WELCOME_ID, basic_details=promotional)
    assert response.status_code == 400
    assert error_of(response)["details"][0]["target"] == "basic_details.subscription_category"


def test_unknown_campaign(moengage_http: httpx.Client) -> None:
    response = patch(moengage_http, "0" * 24, campaign_content=_content("x"))
    assert response.status_code == 400
    assert error_of(response)["target"] == "campaign_id"
    assert error_of(response)["message"] == "campaign not found"


def test_dashboard_created_campaigns_cannot_be_updated(moengage_http: httpx.Client) -> None:
    response = patch(moengage_http, LEGACY_ID, campaign_content=_content("x"))
    assert response.status_code == 400
    assert "created from the dashboard cannot be updated" in error_of(response)["message"]


@pytest.mark.parametrize(
    "key,value",
    [
        ("segmentation_details", NEW_AUDIENCE),
        (
            "trigger_condition",
            {
                "trigger_delay_type": "ASAP",
                "included_filters": {
                    "filter_operator": "and",
                    "filters": [{"filter_type": "actions", "action_name": "Logged In"}],
                },
            },
        ),
        ("conversion_goal_details", GOALS),
    ],
)
@pytest.mark.parametrize("state", ["ACTIVE", "PAUSED"])
def test_locked_objects_on_active_and_paused(
    moengage_http: httpx.Client, state: str, key: str, value: Any
) -> None:
    campaign_id = create(moengage_http, event_triggered())
    if state == "PAUSED":
        assert change_status(moengage_http, "PAUSE", campaign_id).status_code == 200
    assert find(moengage_http, campaign_id)["status"] == state.capitalize()
    response = patch(moengage_http, campaign_id, **{key: value})
    assert response.status_code == 400
    error = error_of(response)
    assert error["target"] == key
    assert state in error["message"]
    assert error["details"][0]["target"] == key


def test_locked_objects_may_be_sent_unchanged(moengage_http: httpx.Client) -> None:
    stored = find(moengage_http, SPRING_SALE_ID)
    response = patch(
        moengage_http,
        SPRING_SALE_ID,
        segmentation_details=stored["segmentation_details"],
        basic_details=stored["basic_details"],
    )
    assert response.status_code == 204, response.text


def test_active_scheduling_may_change_only_around_type_and_start(
    moengage_http: httpx.Client,
) -> None:
    stored = find(moengage_http, WELCOME_ID)["scheduling_details"]
    # The start time as search renders it is the same instant as the one written at creation.
    same_start = {**stored, "expiry_time": "2031-01-01T00:00:00"}
    assert patch(moengage_http, WELCOME_ID, scheduling_details=same_start).status_code == 204
    moved = {**same_start, "start_time": "2024-08-01T00:00:00"}
    response = patch(moengage_http, WELCOME_ID, scheduling_details=moved)
    assert response.status_code == 400
    assert error_of(response)["details"][0]["target"] == "scheduling_details.start_time"
    retyped = {"delivery_type": "ASAP"}
    response = patch(moengage_http, WELCOME_ID, scheduling_details=retyped)
    assert response.status_code == 400
    targets = {d["target"] for d in error_of(response)["details"]}
    assert "scheduling_details.delivery_type" in targets


def test_active_editable_objects(moengage_http: httpx.Client) -> None:
    response = patch(
        moengage_http,
        WELCOME_ID,
        basic_details={
            "name": "Welcome",
            "content_type": "TRANSACTIONAL",
            "user_attribute_identifier": "MOE_EMAIL_ID",
        },
        connector={"connector_type": "AWS SES", "connector_name": "ses"},
        delivery_controls={"bypass_dnd": True},
        utm_params={"utm_source": "a", "utm_medium": "b"},
        control_group_details={"is_campaign_control_group_enabled": False},
        channel="EMAIL",
    )
    assert response.status_code == 204, response.text


def test_channel_never_changes(moengage_http: httpx.Client) -> None:
    response = patch(moengage_http, WELCOME_ID, channel="PUSH")
    assert response.status_code == 400
    assert error_of(response)["target"] == "channel"


def test_scheduled_locks_only_the_scheduling_type(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_clock("2030-01-01T00:00:00Z")
    assert find(moengage_http, BLACK_FRIDAY_ID)["status"] == "Scheduled"
    response = patch(moengage_http, BLACK_FRIDAY_ID, scheduling_details={"delivery_type": "ASAP"})
    assert response.status_code == 400
    assert error_of(response)["details"][0]["target"] == "scheduling_details.delivery_type"
    assert "SCHEDULED" in error_of(response)["message"]
    moved = {"delivery_type": "AT_FIXED_TIME", "start_time": "2030-12-01T09:00:00"}
    assert (
        patch(
            moengage_http,
            BLACK_FRIDAY_ID,
            scheduling_details=moved,
            segmentation_details={"is_all_user_campaign": True},
        ).status_code
        == 204
    )
    assert find(moengage_http, BLACK_FRIDAY_ID)["status"] == "Scheduled"


def test_scheduled_campaign_moved_into_the_past_is_active(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_clock("2030-01-01T00:00:00Z")
    campaign_id = create(moengage_http, scheduled_one_time(start="2030-06-01T00:00:00"))
    moved = {"delivery_type": "AT_FIXED_TIME", "start_time": "2029-06-01T00:00:00"}
    assert patch(moengage_http, campaign_id, scheduling_details=moved).status_code == 204
    assert find(moengage_http, campaign_id)["status"] == "Active"


@pytest.mark.parametrize(
    "campaign_id,state", [(OLD_PROMO_ID, "STOPPED"), (ARCHIVED_ID, "ARCHIVED")]
)
def test_stopped_and_archived_refuse_any_patch(
    moengage_http: httpx.Client, campaign_id: str, state: str
) -> None:
    stored = find(moengage_http, campaign_id)
    # Even re-sending the stored object is refused.
    response = patch(moengage_http, campaign_id, connector=stored["connector"])
    assert response.status_code == 400
    assert error_of(response)["target"] == "connector"
    assert state in error_of(response)["message"]


@pytest.mark.parametrize("state", ["SENT", "RETIRED"])
def test_sent_and_retired_api_campaigns_are_read_only(
    moengage_http: httpx.Client, sandbox: SandboxHandle, state: str
) -> None:
    campaign_id = create(moengage_http, one_time())
    store = Store(sandbox.db_path)  # a second connection, as another process would have
    try:
        campaign = store.moe.get("sandbox", campaign_id)
        assert campaign is not None
        store.moe.put(replace(campaign, status=state))
    finally:
        store.close()
    response = patch(moengage_http, campaign_id, campaign_content=_content("late"))
    assert response.status_code == 400
    assert error_of(response)["message"] == f"{state} campaigns cannot be updated"
