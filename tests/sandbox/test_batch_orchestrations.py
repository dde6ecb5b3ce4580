"""Batch orchestrations API: cursor paging of the list, and view (push campaigns only)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from syncer.sandbox.handle import SandboxHandle

from .helpers import (
    APP_UPDATE_ID,
    BATCH,
    WEEKLY_DEALS_ID,
    WIN_BACK_ID,
    batch_create,
    batch_email,
    batch_listing,
    batch_push,
)

LIST_KEYS = {
    "id",
    "type",
    "channels",
    "platforms",
    "source",
    "created_date",
    "name",
    "labels",
    "status",
    "start_time",
}


def test_the_seeded_listing(batch_http: httpx.Client) -> None:
    items = batch_listing(batch_http)
    assert set(items) == {WIN_BACK_ID, WEEKLY_DEALS_ID, APP_UPDATE_ID}
    for item in items.values():
        assert set(item) == LIST_KEYS  # no targeting, no message content
    win_back = items[WIN_BACK_ID]
    assert (win_back["status"], win_back["type"], win_back["source"]) == (
        "draft",
        "campaign",
        "api",
    )
    assert win_back["name"] == "Win-back — we miss you"
    assert win_back["channels"] == ["email"] and win_back["labels"] == ["reactivation"]
    assert win_back["start_time"] == "2030-03-01T10:00:00Z"
    deals = items[WEEKLY_DEALS_ID]
    assert (deals["status"], deals["type"], deals["source"]) == (
        "running",
        "recurring",
        "dashboard",
    )
    app = items[APP_UPDATE_ID]
    assert (app["status"], app["type"], app["channels"]) == ("running", "campaign", ["push"])


def test_cursor_paging(batch_http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_faults({"rate_limit_scale": 100})
    created = [batch_create(batch_http, batch_email()) for _ in range(7)]
    seen: list[str] = []
    cursor = None
    pages = []
    while True:
        params = {"limit": 4} | ({"from": cursor} if cursor else {})
        page = batch_http.get(f"{BATCH}/orchestrations/list", params=params).json()
        pages.append(page)
        seen += [item["id"] for item in page["orchestrations"]]
        if not page["has_more"]:
            assert page["next_from"] is None
            break
        cursor = page["next_from"]
    # `count` is the total (the docs' example: 132 with has_more, above the largest page).
    assert [page["count"] for page in pages] == [10, 10, 10]
    assert [len(page["orchestrations"]) for page in pages] == [4, 4, 2]
    assert len(seen) == len(set(seen)) == 10
    assert set(created) <= set(seen)


def test_default_limit_is_ten(batch_http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_faults({"rate_limit_scale": 100})
    for _ in range(9):
        batch_create(batch_http, batch_email())
    page = batch_http.get(f"{BATCH}/orchestrations/list").json()
    assert len(page["orchestrations"]) == 10 and page["has_more"] is True
    assert page["count"] == 12


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"from": "not-a-cursor"}]
)
def test_bad_list_parameters(batch_http: httpx.Client, params: dict[str, Any]) -> None:
    response = batch_http.get(f"{BATCH}/orchestrations/list", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "MALFORMED_PARAMETER"


def test_view_a_push_campaign(batch_http: httpx.Client) -> None:
    campaign = batch_push(labels=["app"], send_rate=2000)
    orchestration_id = batch_create(batch_http, campaign)
    response = batch_http.get(
        f"{BATCH}/orchestrations/view", params={"orchestration_id": orchestration_id}
    )
    assert response.status_code == 200
    details = response.json()
    assert details["id"] == orchestration_id
    assert details["name"] == campaign["name"]
    assert details["status"] == "draft"
    assert details["labels"] == ["app"]
    assert details["targeting"] == campaign["targeting"]
    assert details["messages"] == campaign["messages"]
    assert details["send_rate"] == 2000
    for key in ("type", "source", "created_date", "updated_date", "start_time"):
        assert key in details


def test_view_refuses_email_campaigns_and_unknown_ids(batch_http: httpx.Client) -> None:
    email = batch_http.get(f"{BATCH}/orchestrations/view", params={"orchestration_id": WIN_BACK_ID})
    assert email.status_code == 400
    assert "is not a push campaign" in email.json()["error_message"]
    unknown = batch_http.get(
        f"{BATCH}/orchestrations/view", params={"orchestration_id": "orchestration_nope"}
    )
    assert unknown.status_code == 404
    assert "does not match any orchestration" in unknown.json()["error_message"]
    missing = batch_http.get(f"{BATCH}/orchestrations/view")
    assert missing.status_code == 400 and missing.json()["code"] == "MISSING_PARAMETER"


def test_view_the_seeded_push_campaign(batch_http: httpx.Client) -> None:
    response = batch_http.get(
        f"{BATCH}/orchestrations/view", params={"orchestration_id": APP_UPDATE_ID}
    )
    assert response.status_code == 200
    assert response.json()["messages"][0]["platform_type"] == ["ios", "android"]
