"""MoEngage V1 status changes: STOP / PAUSE / RESUME rules, all-or-nothing, 200 with no body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from syncer.sandbox.handle import SandboxHandle

from .helpers import (
    BLACK_FRIDAY_ID,
    LEGACY_ID,
    OLD_PROMO_ID,
    WELCOME_ID,
    change_status,
    create,
    error_of,
    event_triggered,
    find,
    one_time,
    periodic,
    rid,
    scheduled_one_time,
)


def test_stop_a_scheduled_one_time_campaign(moengage_http: httpx.Client) -> None:
    response = change_status(moengage_http, "STOP", BLACK_FRIDAY_ID)
    assert response.status_code == 200
    assert response.content == b""
    assert find(moengage_http, BLACK_FRIDAY_ID)["status"] == "Stopped"


def test_an_active_one_time_campaign_cannot_be_stopped(moengage_http: httpx.Client) -> None:
    campaign_id = create(moengage_http, one_time())
    response = change_status(moengage_http, "STOP", campaign_id)
    assert response.status_code == 400
    error = error_of(response)
    assert error["details"][0]["target"] == campaign_id
    assert "allowed only from SCHEDULED" in error["message"] and "ACTIVE" in error["message"]


@pytest.mark.parametrize("factory", [periodic, event_triggered], ids=["periodic", "event"])
def test_pause_and_resume(
    moengage_http: httpx.Client, factory: Callable[..., dict[str, Any]]
) -> None:
    campaign_id = create(moengage_http, factory())
    assert change_status(moengage_http, "PAUSE", campaign_id).status_code == 200
    assert find(moengage_http, campaign_id)["status"] == "Paused"
    assert change_status(moengage_http, "PAUSE", campaign_id).status_code == 400
    assert change_status(moengage_http, "RESUME", campaign_id).status_code == 200
    assert find(moengage_http, campaign_id)["status"] == "Active"
    assert change_status(moengage_http, "RESUME", campaign_id).status_code == 400


def test_a_scheduled_campaign_cannot_be_paused(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    """V1: "PAUSE: Pause a running Periodic or Event-triggered campaign" (only V5 adds
    SCHEDULED): refused until the campaign runs."""
    sandbox.set_clock("2030-01-01T00:00:00Z")
    campaign_id = create(moengage_http, periodic(start="2030-02-01T09:00:00"))
    assert find(moengage_http, campaign_id)["status"] == "Scheduled"
    refused = change_status(moengage_http, "PAUSE", campaign_id)
    assert refused.status_code == 400
    assert "allowed only from ACTIVE; the campaign is SCHEDULED" in error_of(refused)["message"]
    sandbox.set_clock("2030-02-01T09:00:01Z")
    assert change_status(moengage_http, "PAUSE", campaign_id).status_code == 200
    assert find(moengage_http, campaign_id)["status"] == "Paused"


@pytest.mark.parametrize(
    "action,factory",
    [("STOP", periodic), ("STOP", event_triggered), ("PAUSE", one_time), ("RESUME", one_time)],
)
def test_actions_apply_to_their_delivery_types_only(
    moengage_http: httpx.Client, action: str, factory: Callable[..., dict[str, Any]]
) -> None:
    campaign_id = create(moengage_http, factory())
    response = change_status(moengage_http, action, campaign_id)
    assert response.status_code == 400
    assert "applies only to" in error_of(response)["message"]


def test_stopped_campaigns_stay_stopped(moengage_http: httpx.Client) -> None:
    for action in ("STOP", "PAUSE", "RESUME"):
        assert change_status(moengage_http, action, OLD_PROMO_ID).status_code == 400


def test_dashboard_campaigns_and_unknown_ids_are_refused(moengage_http: httpx.Client) -> None:
    dashboard = change_status(moengage_http, "STOP", LEGACY_ID)
    assert dashboard.status_code == 400
    assert "dashboard" in error_of(dashboard)["message"]
    unknown = change_status(moengage_http, "PAUSE", "f" * 24)
    assert unknown.status_code == 400
    assert error_of(unknown)["details"][0]["target"] == "f" * 24


def test_all_or_nothing(moengage_http: httpx.Client) -> None:
    scheduled = create(moengage_http, scheduled_one_time())
    response = change_status(moengage_http, "STOP", scheduled, WELCOME_ID)
    assert response.status_code == 400
    assert [d["target"] for d in error_of(response)["details"]] == [WELCOME_ID]
    assert find(moengage_http, scheduled)["status"] == "Scheduled"


@pytest.mark.parametrize(
    "body",
    [
        {"action": "ARCHIVE", "campaign_ids": ["x"]},
        {"action": "STOP", "campaign_ids": []},
        {"action": "STOP", "campaign_ids": [str(i) for i in range(11)]},
        {"action": "STOP"},
    ],
    ids=["action", "empty", "eleven", "missing-ids"],
)
def test_body_is_validated(moengage_http: httpx.Client, body: dict[str, Any]) -> None:
    response = moengage_http.post(
        "/core-services/v1/campaigns/status", json={"request_id": rid(), **body}
    )
    assert response.status_code == 400
