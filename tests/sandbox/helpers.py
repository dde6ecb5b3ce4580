"""Request bodies and small call helpers shared by the sandbox tests."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx

MOE = "/core-services/v1"
BATCH = "/2.11"
EDITOR = "crm-bot@example.com"

WELCOME_ID = "66a1f0c2e4b0a1b2c3d4e501"
SPRING_SALE_ID = "66a1f0c2e4b0a1b2c3d4e502"
PASSWORD_RESET_ID = "66a1f0c2e4b0a1b2c3d4e503"
LEGACY_ID = "66a1f0c2e4b0a1b2c3d4e504"
BLACK_FRIDAY_ID = "66a1f0c2e4b0a1b2c3d4e505"
OLD_PROMO_ID = "66a1f0c2e4b0a1b2c3d4e506"
ARCHIVED_ID = "66a1f0c2e4b0a1b2c3d4e507"
WIN_BACK_ID = "orchestration_0664hyh918hr1gnzka9py5t62nrc0e1q"
WEEKLY_DEALS_ID = "orchestration_0664hz00dashb0ard0000000000000001"
APP_UPDATE_ID = "orchestration_0664hz00push00000000000000000000002"

_CONTENT = {
    "content": {
        "email": {
            "subject": "Hello",
            "sender_name": "Acme",
            "from_address": "hello@acme.example",
            "reply_to_address": "support@acme.example",
            "html_content": "<p>Hello</p>",
        }
    }
}
_TRIGGER = {
    "included_filters": {
        "filter_operator": "and",
        "filters": [{"filter_type": "actions", "action_name": "Signed Up", "executed": True}],
    },
    "trigger_delay_type": "ASAP",
}


def rid() -> str:
    return str(uuid.uuid4())


def one_time(**overrides: Any) -> dict[str, Any]:
    """A valid ONE_TIME email create body (ASAP, so it is ACTIVE at once)."""
    body: dict[str, Any] = {
        "request_id": rid(),
        "channel": "EMAIL",
        "campaign_delivery_type": "ONE_TIME",
        "created_by": EDITOR,
        "basic_details": {
            "name": f"Test {uuid.uuid4().hex[:8]}",
            "content_type": "TRANSACTIONAL",
            "user_attribute_identifier": "MOE_EMAIL_ID",
        },
        "connector": {"connector_type": "SENDGRID", "connector_name": "default"},
        "campaign_content": copy.deepcopy(_CONTENT),
        "segmentation_details": {"is_all_user_campaign": True},
        "scheduling_details": {"delivery_type": "ASAP"},
    }
    body.update(overrides)
    return body


def scheduled_one_time(start: str = "2031-01-01T09:00:00", **overrides: Any) -> dict[str, Any]:
    scheduling = {"delivery_type": "AT_FIXED_TIME", "start_time": start}
    return one_time(scheduling_details=scheduling, **overrides)


def event_triggered(start: str = "2024-01-01T00:00:00", **overrides: Any) -> dict[str, Any]:
    scheduling = {"delivery_type": "AT_FIXED_TIME", "start_time": start}
    return one_time(
        campaign_delivery_type="EVENT_TRIGGERED",
        trigger_condition=copy.deepcopy(_TRIGGER),
        scheduling_details=scheduling,
        **overrides,
    )


def periodic(start: str = "2024-01-01T09:00:00", **overrides: Any) -> dict[str, Any]:
    scheduling = {
        "delivery_type": "AT_FIXED_TIME",
        "start_time": start,
        "periodic_details": {"sending_frequency": "DAILY", "repeat_frequency": 1},
    }
    return one_time(campaign_delivery_type="PERIODIC", scheduling_details=scheduling, **overrides)


def create(client: httpx.Client, body: dict[str, Any]) -> str:
    response = client.post(f"{MOE}/campaigns", json=body)
    assert response.status_code == 201, response.text
    campaign_id: str = response.json()["campaign_id"]
    return campaign_id


def patch(client: httpx.Client, campaign_id: str, **objects: Any) -> httpx.Response:
    body = {"request_id": rid(), "updated_by": EDITOR, **objects}
    return client.patch(f"{MOE}/campaigns/{campaign_id}", json=body)


def search(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post(f"{MOE}/campaigns/search", json={"request_id": rid(), **body})


def find(client: httpx.Client, campaign_id: str) -> dict[str, Any]:
    """The campaign as V1 search returns it (archived ones included)."""
    response = search(
        client,
        limit=1,
        page=1,
        campaign_fields={"id": campaign_id},
        include_archive_campaigns=True,
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    assert len(found) == 1, found
    return found[0]


def change_status(client: httpx.Client, action: str, *ids: str) -> httpx.Response:
    body = {"request_id": rid(), "action": action, "campaign_ids": list(ids)}
    return client.post(f"{MOE}/campaigns/status", json=body)


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def batch_email(**overrides: Any) -> dict[str, Any]:
    """A valid Batch email campaign (DRAFT)."""
    campaign: dict[str, Any] = {
        "name": f"Batch {uuid.uuid4().hex[:8]}",
        "state": "DRAFT",
        "when": {"start_time": "2030-01-01T10:00:00Z", "local_time": False},
        "targeting": {"regions": ["FR"]},
        "messages": [
            {
                "channel_type": "email",
                "subject": "Hi",
                "sender_identity_id": "4012",
                "reply_to": {"email_address": "support@acme.example"},
                "html": "<p>Hi</p>",
            }
        ],
    }
    campaign.update(overrides)
    return campaign


def batch_push(**overrides: Any) -> dict[str, Any]:
    message = {
        "channel_type": "push",
        "platform_type": ["ios"],
        "title": "Hi",
        "body": "Hello there",
        "deeplink": "acme://home",
    }
    return batch_email(messages=[message], **overrides)


def batch_create(client: httpx.Client, campaign: dict[str, Any]) -> str:
    response = client.post(f"{BATCH}/campaigns/create", json=campaign)
    assert response.status_code == 200, response.text
    orchestration_id: str = response.json()["id"]
    return orchestration_id


def batch_update(client: httpx.Client, orchestration_id: str, campaign: Any) -> httpx.Response:
    return client.post(
        f"{BATCH}/campaigns/update", json={"id": orchestration_id, "campaign": campaign}
    )


def batch_listing(client: httpx.Client) -> dict[str, dict[str, Any]]:
    """Every orchestration of the project, by id, paging through the list."""
    items: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100}
        if cursor:
            params["from"] = cursor
        page = client.get(f"{BATCH}/orchestrations/list", params=params).json()
        items.update({item["id"]: item for item in page["orchestrations"]})
        if not page["has_more"]:
            return items
        cursor = page["next_from"]
