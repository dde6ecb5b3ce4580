"""Bulk seeding: campaigns written straight into the store behave as if created through the API."""

from __future__ import annotations

import httpx
import pytest

from syncer.sandbox.admin_client import moengage_auth_headers
from syncer.sandbox.bulk import bulk_id, clear_rate_windows, put_moengage
from syncer.sandbox.handle import SandboxHandle
from syncer.sandbox.store import MoeQuery, Store

from .helpers import MOE, find, patch, rid, search

CONTENT = {
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


def body(index: int) -> dict[str, object]:
    return {
        "channel": "EMAIL",
        "campaign_delivery_type": "EVENT_TRIGGERED",
        "basic_details": {
            "name": f"Bulk {index}",
            "content_type": "TRANSACTIONAL",
            "user_attribute_identifier": "MOE_EMAIL_ID",
        },
        "connector": {"connector_type": "SENDGRID", "connector_name": "default"},
        "campaign_content": CONTENT,
        "trigger_condition": {
            "included_filters": {
                "filter_operator": "and",
                "filters": [{"filter_type": "actions", "action_name": "X", "executed": True}],
            },
            "trigger_delay_type": "ASAP",
        },
        "segmentation_details": {"is_all_user_campaign": True},
    }


def test_ids_sort_with_their_index() -> None:
    assert bulk_id("b0", 255) == "b00000000000000000000" + "0ff"
    assert len(bulk_id("b0", 0)) == 24
    with pytest.raises(ValueError):
        bulk_id("xyz", 1)


def test_seeded_campaigns_are_listed_in_order_and_updatable(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    ids = put_moengage(sandbox.db_path, "sandbox", (body(i) for i in range(20)), prefix="c1")
    assert ids == [bulk_id("c1", i) for i in range(20)]
    found = find(moengage_http, ids[3])
    assert found["basic_details"]["name"] == "Bulk 3"
    assert found["status"] == "Active"
    pages = [search(moengage_http, limit=15, page=p).json() for p in (1, 2)]
    listed = [c["campaign_id"] for page in pages for c in page]
    assert [i for i in listed if i in ids] == ids  # in creation order, after the demo ones
    response = patch(moengage_http, ids[0], campaign_content=CONTENT)
    assert response.status_code == 204, response.text


def test_skip_demo_keeps_the_workspace_to_the_seeded_campaigns(
    sandbox: SandboxHandle,
) -> None:
    put_moengage(sandbox.db_path, "bulk-only", [body(1), body(2)], skip_demo=True)
    headers = moengage_auth_headers("bulk-only", "key")
    with httpx.Client(base_url=sandbox.base_url, headers=headers) as client:
        listed = client.post(
            f"{MOE}/campaigns/search", json={"request_id": rid(), "limit": 15, "page": 1}
        ).json()
    assert [c["basic_details"]["name"] for c in listed] == ["Bulk 1", "Bulk 2"]


def test_clearing_rate_windows_lets_a_throttled_workspace_call_again(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    statuses = [search(moengage_http, limit=1, page=1).status_code for _ in range(11)]
    assert statuses[-1] == 429
    clear_rate_windows(sandbox.db_path)
    assert search(moengage_http, limit=1, page=1).status_code == 200


def test_deep_pages_are_found_in_the_listing_index_without_reading_bodies(
    sandbox: SandboxHandle,
) -> None:
    put_moengage(sandbox.db_path, "sandbox", (body(i) for i in range(40)))
    store = Store(sandbox.db_path)
    try:
        plan = store.db.rows(
            "EXPLAIN QUERY PLAN SELECT id FROM moe_campaigns WHERE workspace = ? "
            "AND channel IN (?) AND status != 'ARCHIVED' ORDER BY created_at, id "
            "LIMIT 15 OFFSET 30",
            ("sandbox", "EMAIL"),
        )
        page = store.moe.search("sandbox", MoeQuery(channels=("EMAIL",)), 15, 30)
    finally:
        store.close()
    assert any("COVERING INDEX moe_listing" in str(row) for row in plan)
    assert len(page) == 15
    assert [c.created_at for c in page] == sorted(c.created_at for c in page)
