"""Batch campaigns API: auth, create, full-replace update, state transitions, delete, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from syncer.sandbox.admin_client import batch_auth_headers
from syncer.sandbox.handle import SandboxHandle

from .helpers import (
    APP_UPDATE_ID,
    BATCH,
    WEEKLY_DEALS_ID,
    WIN_BACK_ID,
    batch_create,
    batch_email,
    batch_listing,
    batch_update,
)

CODES = {
    "AUTHENTICATION_INVALID": (401, 10),
    "API_MISUSE": (403, 12),
    "ROUTE_NOT_FOUND": (404, 20),
    "MISSING_PARAMETER": (400, 30),
    "MALFORMED_PARAMETER": (400, 31),
    "MALFORMED_JSON_BODY": (400, 32),
}


@pytest.fixture(autouse=True)
def _generous_rate_limit(sandbox: SandboxHandle) -> None:
    sandbox.set_faults({"rate_limit_scale": 100})


def assert_error(response: httpx.Response, code: str) -> str:
    status, number = CODES[code]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["error_code"] == number
    message: str = body["error_message"]
    assert message
    return message


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer key"},
        {"X-Batch-Project": "sandbox"},
        {"Authorization": "Bearer", "X-Batch-Project": "sandbox"},
        {"Authorization": "Basic a2V5", "X-Batch-Project": "sandbox"},
        {"Authorization": "Bearer key", "X-Batch-Project": ""},
    ],
    ids=["none", "no-project", "no-key", "empty-key", "basic", "blank-project"],
)
def test_bad_credentials_are_401(sandbox: SandboxHandle, headers: dict[str, str]) -> None:
    response = httpx.get(f"{sandbox.base_url}{BATCH}/orchestrations/list", headers=headers)
    assert_error(response, "AUTHENTICATION_INVALID")


def test_pinned_credentials(sandbox_factory: Callable[..., SandboxHandle]) -> None:
    pinned = sandbox_factory(batch_project_key="project_acme", batch_api_key="rest-key")
    url = f"{pinned.base_url}{BATCH}/orchestrations/list"
    ok = httpx.get(url, headers=batch_auth_headers("project_acme", "rest-key"))
    wrong = httpx.get(url, headers=batch_auth_headers("project_acme", "other"))
    other_project = httpx.get(url, headers=batch_auth_headers("project_x", "rest-key"))
    assert (ok.status_code, wrong.status_code, other_project.status_code) == (200, 401, 401)


def test_projects_are_partitioned_and_each_sees_the_demo(batch_http: httpx.Client) -> None:
    created = batch_create(batch_http, batch_email())
    other = batch_auth_headers("another-project", "k")
    mine = batch_listing(batch_http)
    with httpx.Client(base_url=str(batch_http.base_url), headers=other) as client:
        theirs = batch_listing(client)
    assert created in mine and created not in theirs
    assert WIN_BACK_ID in mine and WIN_BACK_ID in theirs


def test_any_version_string_and_unknown_routes(batch_http: httpx.Client) -> None:
    for version in ("2.10", "2.11", "2.13", "3"):
        assert batch_http.get(f"/{version}/orchestrations/list").status_code == 200
    assert_error(batch_http.get("/2.11/campaigns/list"), "ROUTE_NOT_FOUND")
    assert_error(batch_http.get("/2.11/campaigns/create"), "ROUTE_NOT_FOUND")
    assert_error(batch_http.get("/latest/orchestrations/list"), "ROUTE_NOT_FOUND")


def test_create_returns_an_orchestration_id_and_stores_the_campaign(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    campaign = batch_email(labels=["a", "b"], send_rate=5000)
    response = batch_http.post(f"{BATCH}/campaigns/create", json=campaign)
    assert response.status_code == 200
    orchestration_id = response.json()["id"]
    prefix, _, suffix = orchestration_id.partition("_")
    assert prefix == "orchestration" and len(suffix) == 32 and suffix.isalnum()
    assert suffix == suffix.lower()
    stored = {o["id"]: o for o in sandbox.campaigns()["batch"]["sandbox"]}[orchestration_id]
    assert stored["campaign"] == campaign
    assert (stored["source"], stored["type"], stored["status"]) == ("api", "campaign", "draft")
    assert stored["created_date"] and stored["updated_date"]


def test_create_a_push_campaign_running_now(batch_http: httpx.Client) -> None:
    message = {"channel_type": "push", "platform_type": ["android", "web"], "body": "Hi"}
    campaign = batch_email(state="RUNNING", when={"start_time": "now"}, messages=[message])
    orchestration_id = batch_create(batch_http, campaign)
    item = batch_listing(batch_http)[orchestration_id]
    assert item["status"] == "running"
    assert item["channels"] == ["push"] and item["platforms"] == ["android", "web"]
    assert item["start_time"]  # "now" became the moment it started


def _invalid_campaigns() -> list[tuple[str, dict[str, Any], str]]:
    email = batch_email()["messages"][0]
    no_name = batch_email()
    del no_name["name"]
    no_when = batch_email()
    del no_when["when"]
    numeric_sender = {**email, "sender_identity_id": 4012}
    no_reply_to = {k: v for k, v in email.items() if k != "reply_to"}
    return [
        ("missing-name", no_name, "MISSING_PARAMETER"),
        ("missing-when", no_when, "MISSING_PARAMETER"),
        ("missing-start", batch_email(when={"local_time": True}), "MISSING_PARAMETER"),
        ("bad-state", batch_email(state="PAUSED"), "MALFORMED_PARAMETER"),
        ("lowercase-state", batch_email(state="draft"), "MALFORMED_PARAMETER"),
        ("bad-start", batch_email(when={"start_time": "tomorrow"}), "MALFORMED_PARAMETER"),
        ("two-messages", batch_email(messages=[email, email]), "MALFORMED_PARAMETER"),
        ("no-message", batch_email(messages=[]), "MALFORMED_PARAMETER"),
        ("sender-not-string", batch_email(messages=[numeric_sender]), "MALFORMED_PARAMETER"),
        ("no-reply-to", batch_email(messages=[no_reply_to]), "MISSING_PARAMETER"),
        ("sms", batch_email(messages=[{"channel_type": "sms"}]), "MALFORMED_PARAMETER"),
        ("unknown-key", batch_email(priority="high"), "MALFORMED_PARAMETER"),
        ("unknown-targeting", batch_email(targeting={"segments": ["x"]}), "MALFORMED_PARAMETER"),
        ("six-labels", batch_email(labels=list("abcdef")), "MALFORMED_PARAMETER"),
        ("slow-send-rate", batch_email(send_rate=999), "MALFORMED_PARAMETER"),
        ("fast-send-rate", batch_email(send_rate=1_000_001), "MALFORMED_PARAMETER"),
        ("bool-send-rate", batch_email(send_rate=True), "MALFORMED_PARAMETER"),
        (
            "push-no-platform",
            batch_email(messages=[{"channel_type": "push", "body": "x"}]),
            "MISSING_PARAMETER",
        ),
        (
            "push-bad-platform",
            batch_email(
                messages=[{"channel_type": "push", "body": "x", "platform_type": ["windows"]}]
            ),
            "MALFORMED_PARAMETER",
        ),
        (
            "push-empty-platform",
            batch_email(messages=[{"channel_type": "push", "body": "x", "platform_type": []}]),
            "MALFORMED_PARAMETER",
        ),
    ]


@pytest.mark.parametrize("case", _invalid_campaigns(), ids=lambda case: case[0])
def test_create_validation(batch_http: httpx.Client, case: tuple[str, dict[str, Any], str]) -> None:
    _, campaign, code = case
    assert_error(batch_http.post(f"{BATCH}/campaigns/create", json=campaign), code)


def test_malformed_json(batch_http: httpx.Client) -> None:
    response = batch_http.post(
        f"{BATCH}/campaigns/create", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert_error(response, "MALFORMED_JSON_BODY")


def test_update_replaces_the_whole_campaign(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    orchestration_id = batch_create(batch_http, batch_email(labels=["x"]))
    replacement = batch_email(name="Renamed")  # no labels: they are gone afterwards
    response = batch_update(batch_http, orchestration_id, replacement)
    assert response.status_code == 200 and response.json() == {}
    stored = {o["id"]: o for o in sandbox.campaigns()["batch"]["sandbox"]}[orchestration_id]
    assert stored["campaign"] == replacement
    assert batch_listing(batch_http)[orchestration_id]["labels"] == []


@pytest.mark.parametrize(
    "body,code",
    [
        ({"campaign": batch_email()}, "MISSING_PARAMETER"),
        ({"id": WIN_BACK_ID}, "MISSING_PARAMETER"),
        ({"id": 12, "campaign": batch_email()}, "MALFORMED_PARAMETER"),
        ({"id": WIN_BACK_ID, "campaign": batch_email(), "extra": 1}, "MALFORMED_PARAMETER"),
        ({"id": WIN_BACK_ID, "campaign": {"name": "partial"}}, "MISSING_PARAMETER"),
    ],
    ids=["no-id", "no-campaign", "id-type", "extra-key", "partial-campaign"],
)
def test_update_validation(batch_http: httpx.Client, body: dict[str, Any], code: str) -> None:
    assert_error(batch_http.post(f"{BATCH}/campaigns/update", json=body), code)


def test_update_unknown_id_is_404(batch_http: httpx.Client) -> None:
    response = batch_update(batch_http, "orchestration_" + "0" * 32, batch_email())
    assert "does not match any orchestration" in assert_error(response, "ROUTE_NOT_FOUND")


def test_state_transitions(batch_http: httpx.Client) -> None:
    orchestration_id = batch_create(batch_http, batch_email(state="DRAFT"))

    def move(state: str) -> httpx.Response:
        return batch_update(batch_http, orchestration_id, batch_email(name="T", state=state))

    def status() -> str:
        return str(batch_listing(batch_http)[orchestration_id]["status"])

    assert move("DRAFT").status_code == 200 and status() == "draft"
    assert_error(move("STOPPED"), "MALFORMED_PARAMETER")  # draft -> stopped is no transition
    assert move("RUNNING").status_code == 200 and status() == "running"  # start
    # "not possible to update a ... running campaign if not recurrent": a stop is an update too.
    assert_error(move("STOPPED"), "API_MISUSE")
    stopped = batch_create(batch_http, batch_email(state="STOPPED"))  # the schema allows it
    assert batch_listing(batch_http)[stopped]["status"] == "stopped"

    def again(state: str) -> httpx.Response:
        return batch_update(batch_http, stopped, batch_email(name="T", state=state))

    assert_error(again("DRAFT"), "MALFORMED_PARAMETER")
    assert again("STOPPED").status_code == 200  # edit while stopped
    assert again("RUNNING").status_code == 200  # resume
    assert batch_listing(batch_http)[stopped]["status"] == "running"


def test_a_running_one_shot_campaign_cannot_be_updated_at_all(batch_http: httpx.Client) -> None:
    running = batch_email(state="RUNNING")
    orchestration_id = batch_create(batch_http, running)
    same = batch_update(batch_http, orchestration_id, running)
    message = assert_error(same, "API_MISUSE")
    assert "running campaign if not recurrent" in message
    edited = batch_update(batch_http, orchestration_id, {**running, "name": "New name"})
    assert_error(edited, "API_MISUSE")
    stop_and_edit = batch_update(
        batch_http, orchestration_id, {**running, "state": "STOPPED", "name": "New name"}
    )
    assert_error(stop_and_edit, "API_MISUSE")
    # Not even a state-only update: Batch documents no RUNNING -> STOPPED.
    stop = batch_update(batch_http, orchestration_id, {**running, "state": "STOPPED"})
    assert_error(stop, "API_MISUSE")
    assert batch_listing(batch_http)[orchestration_id]["status"] == "running"


def test_the_dashboard_can_stop_a_running_campaign(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    running = batch_email(state="RUNNING")
    orchestration_id = batch_create(batch_http, running)
    sandbox.dashboard_stop_batch(orchestration_id)
    assert batch_listing(batch_http)[orchestration_id]["status"] == "stopped"
    edited = {**running, "state": "STOPPED", "name": "New name"}
    assert batch_update(batch_http, orchestration_id, edited).status_code == 200


def test_the_seeded_running_push_campaign_is_locked_too(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    stored = {o["id"]: o for o in sandbox.campaigns()["batch"]["sandbox"]}[APP_UPDATE_ID]
    edited = {**stored["campaign"], "name": "App update v2"}
    assert_error(batch_update(batch_http, APP_UPDATE_ID, edited), "API_MISUSE")


def test_a_running_recurring_campaign_can_be_updated_even_from_the_dashboard(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    stored = {o["id"]: o for o in sandbox.campaigns()["batch"]["sandbox"]}[WEEKLY_DEALS_ID]
    edited = {**stored["campaign"], "name": "Weekly deals (new)"}
    assert batch_update(batch_http, WEEKLY_DEALS_ID, edited).status_code == 200
    item = batch_listing(batch_http)[WEEKLY_DEALS_ID]
    assert (item["name"], item["status"], item["source"]) == (
        "Weekly deals (new)",
        "running",
        "dashboard",
    )


def test_a_completed_campaign_cannot_be_updated(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_clock("2030-01-01T00:00:00Z")
    running = batch_email(state="RUNNING", when={"start_time": "now"})
    orchestration_id = batch_create(batch_http, running)
    sandbox.set_clock(advance_seconds=59)
    assert batch_listing(batch_http)[orchestration_id]["status"] == "running"
    sandbox.set_clock(advance_seconds=1)
    assert batch_listing(batch_http)[orchestration_id]["status"] == "completed"
    stop = batch_update(batch_http, orchestration_id, {**running, "state": "STOPPED"})
    assert "completed campaigns cannot be updated" in assert_error(stop, "API_MISUSE")


def test_a_scheduled_running_campaign_completes_after_its_start(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_clock("2030-01-01T00:00:00Z")
    campaign = batch_email(state="RUNNING", when={"start_time": "2030-01-02T00:00:00Z"})
    orchestration_id = batch_create(batch_http, campaign)
    sandbox.set_clock("2030-01-02T00:00:59Z")
    assert batch_listing(batch_http)[orchestration_id]["status"] == "running"
    sandbox.set_clock("2030-01-02T00:01:00Z")
    assert batch_listing(batch_http)[orchestration_id]["status"] == "completed"
    # Recurring campaigns never complete.
    assert batch_listing(batch_http)[WEEKLY_DEALS_ID]["status"] == "running"


def test_delete(batch_http: httpx.Client) -> None:
    orchestration_id = batch_create(batch_http, batch_email())
    response = batch_http.post(f"{BATCH}/campaigns/delete", json={"id": orchestration_id})
    assert response.status_code == 200 and response.json() == {}
    assert orchestration_id not in batch_listing(batch_http)
    again = batch_http.post(f"{BATCH}/campaigns/delete", json={"id": orchestration_id})
    assert "does not match any orchestration" in assert_error(again, "ROUTE_NOT_FOUND")
    assert_error(batch_http.post(f"{BATCH}/campaigns/delete", json={}), "MISSING_PARAMETER")


def test_rate_limit_is_429_with_retry_after(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_faults({"rate_limit_scale": 0.2})  # 1 request per second per project
    assert batch_http.get(f"{BATCH}/orchestrations/list").status_code == 200
    limited = batch_http.get(f"{BATCH}/orchestrations/list")
    assert_code = limited.json()
    assert limited.status_code == 429
    assert assert_code["code"] == "TOO_MANY_REQUESTS" and assert_code["error_code"] == 60
    assert limited.headers["retry-after"] == "5"
    other = batch_auth_headers("elsewhere", "k")
    assert batch_http.get(f"{BATCH}/orchestrations/list", headers=other).status_code == 200
    sandbox.set_clock(advance_seconds=1.5)
    assert batch_http.get(f"{BATCH}/orchestrations/list").status_code == 200


def test_default_rate_limit_is_five_per_second(
    batch_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.clear_faults()
    statuses = [batch_http.get(f"{BATCH}/orchestrations/list").status_code for _ in range(6)]
    # Six requests always fit in well under a second here.
    assert statuses == [200] * 5 + [429]
