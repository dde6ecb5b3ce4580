"""MoEngage V1 search: validation, paging, filters, archived flag and the response's shape."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from syncer.sandbox.handle import SandboxHandle

from .helpers import (
    ARCHIVED_ID,
    BLACK_FRIDAY_ID,
    EDITOR,
    LEGACY_ID,
    MOE,
    PASSWORD_RESET_ID,
    SPRING_SALE_ID,
    WELCOME_ID,
    create,
    error_of,
    find,
    one_time,
    rid,
    search,
)

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")
SEEDED_VISIBLE = 6  # seven seeded campaigns, one of them archived


@pytest.mark.parametrize(
    "body,target",
    [
        ({"limit": 0, "page": 1}, "limit"),
        ({"limit": 16, "page": 1}, "limit"),
        ({"limit": 5, "page": 0}, "page"),
        ({"page": 1}, "limit"),
        ({"limit": 5}, "page"),
        ({"limit": "5", "page": 1}, "limit"),
    ],
)
def test_limit_and_page_are_validated(
    moengage_http: httpx.Client, body: dict[str, Any], target: str
) -> None:
    response = search(moengage_http, **body)
    assert response.status_code == 400
    assert error_of(response)["target"] == target


def test_request_id_is_mandatory(moengage_http: httpx.Client) -> None:
    response = moengage_http.post(f"{MOE}/campaigns/search", json={"limit": 5, "page": 1})
    assert response.status_code == 400
    assert error_of(response)["message"] == "request_id key is mandatory field"


def test_paging_is_stable_and_the_last_page_is_short(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_faults({"rate_limit_scale": 100})  # ten creations in a row
    for _ in range(10):
        create(moengage_http, one_time())
    total = SEEDED_VISIBLE + 10
    pages = [search(moengage_http, limit=7, page=page).json() for page in (1, 2, 3, 4)]
    assert [len(page) for page in pages] == [7, 7, total - 14, 0]
    ids = [c["campaign_id"] for page in pages for c in page]
    assert len(set(ids)) == total
    everything = (
        search(moengage_http, limit=15, page=1).json()
        + search(moengage_http, limit=15, page=2).json()
    )
    assert [c["campaign_id"] for c in everything] == ids
    created = [(c["created_at"], c["campaign_id"]) for c in everything]
    assert created == sorted(created)


def test_the_response_is_a_bare_array_of_campaign_details(moengage_http: httpx.Client) -> None:
    response = search(moengage_http, limit=15, page=1)
    assert response.status_code == 200
    campaigns = response.json()
    assert isinstance(campaigns, list)
    for campaign in campaigns:
        assert campaign["status"] in {"Active", "Scheduled", "Paused", "Stopped", "Sent"}
        assert TIMESTAMP.match(campaign["created_at"]) and TIMESTAMP.match(campaign["updated_at"])
        for key in ("campaign_id", "channel", "campaign_delivery_type", "created_by", "updated_by"):
            assert key in campaign


def test_rendering_hazards(moengage_http: httpx.Client) -> None:
    reset = find(moengage_http, PASSWORD_RESET_ID)
    assert reset["status"] == "Active"
    assert reset["created_at"] == "2024-07-04 08:00:54.847000"
    assert reset["scheduling_details"]["start_time"] == "2024-07-04 08:00:00.000000"
    assert reset["basic_details"]["user_attribute_identifier"] == "Email (Standard)"
    assert reset["delivery_controls"] == {
        "bypass_dnd": False,
        "count_for_frequency_capping": True,
        "ignore_frequency_capping": False,
    }
    legacy = find(moengage_http, LEGACY_ID)
    assert legacy["sent_time"] == "2024-05-01 09:00:00"


def test_partial_delivery_controls_are_completed_with_defaults(moengage_http: httpx.Client) -> None:
    campaign_id = create(moengage_http, one_time(delivery_controls={"bypass_dnd": True}))
    controls = find(moengage_http, campaign_id)["delivery_controls"]
    assert controls == {
        "bypass_dnd": True,
        "count_for_frequency_capping": True,
        "ignore_frequency_capping": False,
    }


def test_a_created_campaign_reads_back_with_its_objects(moengage_http: httpx.Client) -> None:
    body = one_time(utm_params={"utm_source": "moengage", "utm_medium": "email"})
    campaign_id = create(moengage_http, body)
    found = find(moengage_http, campaign_id)
    for key in (
        "basic_details",
        "connector",
        "campaign_content",
        "segmentation_details",
        "utm_params",
        "channel",
        "campaign_delivery_type",
    ):
        assert found[key] == body[key]
    assert found["created_by"] == found["updated_by"] == EDITOR


def _ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {c["campaign_id"] for c in response.json()}


def test_filters(moengage_http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_faults({"rate_limit_scale": 100})  # a dozen searches in a row

    def ids(**fields: Any) -> set[str]:
        return _ids(search(moengage_http, limit=15, page=1, campaign_fields=fields))

    assert ids(id=WELCOME_ID) == {WELCOME_ID}
    assert ids(name="Spring sale") == {SPRING_SALE_ID}
    assert ids(name="Spring") == set()  # exact match
    assert ids(status=["SCHEDULED"]) == {BLACK_FRIDAY_ID}
    assert ids(status=["Scheduled", "sent"]) == {BLACK_FRIDAY_ID, LEGACY_ID}
    assert ids(delivery_type=["PERIODIC"]) == {SPRING_SALE_ID}
    assert ids(channels=["PUSH"]) == set()
    assert len(ids(channels=["EMAIL"])) == SEEDED_VISIBLE
    assert ids(tags=["onboarding", "black-friday"]) == {WELCOME_ID, BLACK_FRIDAY_ID}
    assert ids(created_by=["nobody@example.com"]) == set()
    assert ids(created_date={"from_date": "2024-07-04", "to_date": "2024-07-04"}) == {
        PASSWORD_RESET_ID
    }
    assert ids(status=["ACTIVE"], delivery_type=["EVENT_TRIGGERED"]) == {
        WELCOME_ID,
        PASSWORD_RESET_ID,
    }


def test_unknown_filter_names_match_nothing(moengage_http: httpx.Client) -> None:
    fields = {"ids": [WELCOME_ID]}  # the V5 name; V1 calls it `id`
    assert _ids(search(moengage_http, limit=15, page=1, campaign_fields=fields)) == set()


def test_archived_campaigns_only_with_the_flag(moengage_http: httpx.Client) -> None:
    without = _ids(
        search(moengage_http, limit=15, page=1, campaign_fields={"status": ["ARCHIVED"]})
    )
    assert without == set()
    assert ARCHIVED_ID not in _ids(search(moengage_http, limit=15, page=1))
    flagged = search(moengage_http, limit=15, page=1, include_archive_campaigns=True)
    assert ARCHIVED_ID in _ids(flagged)
    archived = next(c for c in flagged.json() if c["campaign_id"] == ARCHIVED_ID)
    assert archived["status"] == "Archived"


def test_bad_created_date_is_400(moengage_http: httpx.Client) -> None:
    fields = {"created_date": {"from_date": "July 4th"}}
    response = search(moengage_http, limit=5, page=1, campaign_fields=fields)
    assert response.status_code == 400


def test_search_request_ids_may_repeat(moengage_http: httpx.Client) -> None:
    request_id = rid()
    for _ in range(2):
        body = {"request_id": request_id, "limit": 1, "page": 1}
        assert moengage_http.post(f"{MOE}/campaigns/search", json=body).status_code == 200
