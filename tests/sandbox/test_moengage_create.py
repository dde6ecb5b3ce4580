"""MoEngage V1 create: validation, request_id dedup, initial status, the vendor's own examples."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from syncer.providers.moengage.schema import openapi_document
from syncer.sandbox.handle import SandboxHandle

from .helpers import (
    MOE,
    create,
    error_of,
    event_triggered,
    find,
    one_time,
    periodic,
    rid,
    scheduled_one_time,
)


def _email_examples() -> dict[str, dict[str, Any]]:
    post = openapi_document()["paths"]["/campaigns"]["post"]
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    return {name: ex["value"] for name, ex in examples.items() if ex["value"]["channel"] == "EMAIL"}


def test_create_returns_201_and_a_24_hex_id(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    body = one_time()
    response = moengage_http.post(f"{MOE}/campaigns", json=body)
    assert response.status_code == 201
    campaign_id = response.json()["campaign_id"]
    assert len(campaign_id) == 24 and int(campaign_id, 16) >= 0
    stored = next(c for c in sandbox.campaigns()["moengage"]["sandbox"] if c["id"] == campaign_id)
    assert stored["created_via_api"] is True
    assert stored["created_by"] == body["created_by"] == stored["updated_by"]
    assert stored["request_id"] == body["request_id"]
    assert stored["created_at"] == stored["updated_at"]
    assert "request_id" not in stored["body"] and "created_by" not in stored["body"]


@pytest.mark.parametrize("name", sorted(_email_examples()))
def test_the_vendors_email_create_examples_are_accepted(
    moengage_http: httpx.Client, name: str
) -> None:
    body = copy.deepcopy(_email_examples()[name])
    body["request_id"] = rid()
    response = moengage_http.post(f"{MOE}/campaigns", json=body)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("key", ["request_id", "created_by"])
def test_mandatory_keys(moengage_http: httpx.Client, key: str) -> None:
    body = one_time()
    del body[key]
    response = moengage_http.post(f"{MOE}/campaigns", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "400 Bad Request"
    assert error["target"] == key
    assert error["message"] == f"{key} key is mandatory field"


def test_unknown_top_level_key_is_rejected_with_the_key_as_target(
    moengage_http: httpx.Client,
) -> None:
    response = moengage_http.post(f"{MOE}/campaigns", json=one_time(colour="blue"))
    assert response.status_code == 400
    assert error_of(response)["target"] == "colour"


def test_push_is_not_supported(moengage_http: httpx.Client) -> None:
    response = moengage_http.post(f"{MOE}/campaigns", json=one_time(channel="PUSH"))
    assert response.status_code == 400
    assert error_of(response)["message"] == "only EMAIL campaigns are supported by this sandbox"


def test_schema_violations_are_listed_in_details(moengage_http: httpx.Client) -> None:
    body = one_time()
    body["basic_details"]["content_type"] = "NEWSLETTER"
    del body["connector"]
    response = moengage_http.post(f"{MOE}/campaigns", json=body)
    assert response.status_code == 400
    error = error_of(response)
    targets = {detail["target"] for detail in error["details"]}
    assert targets == {"basic_details.content_type", "connector"}
    assert error["request_id"] == body["request_id"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b""])
def test_malformed_json_is_400(moengage_http: httpx.Client, raw: bytes) -> None:
    headers = {"content-type": "application/json"}
    response = moengage_http.post(f"{MOE}/campaigns", content=raw, headers=headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "400 Bad Request"


def _semantic_cases() -> list[tuple[str, dict[str, Any], str]]:
    promotional = one_time()
    promotional["basic_details"]["content_type"] = "PROMOTIONAL"
    no_trigger = event_triggered()
    del no_trigger["trigger_condition"]
    no_periodic = periodic()
    del no_periodic["scheduling_details"]["periodic_details"]
    delay = event_triggered()
    delay["trigger_condition"]["trigger_delay_type"] = "DELAY"
    delay["trigger_condition"]["trigger_delay_value"] = 10
    both = one_time()
    both["campaign_content"]["content"]["email"]["custom_template_id"] = "tpl-1"
    neither = one_time()
    del neither["campaign_content"]["content"]["email"]["html_content"]
    no_start = one_time(scheduling_details={"delivery_type": "AT_FIXED_TIME"})
    bad_time = scheduled_one_time(start="next tuesday")
    no_audience = one_time(segmentation_details={"is_all_user_campaign": False})
    return [
        ("promotional-needs-category", promotional, "basic_details.subscription_category"),
        ("event-triggered-needs-trigger", no_trigger, "trigger_condition"),
        ("periodic-needs-periodic-details", no_periodic, "scheduling_details.periodic_details"),
        ("delay-needs-granularity", delay, "trigger_condition.trigger_delay_granularity"),
        ("html-xor-template", both, "campaign_content.content.email"),
        ("html-or-template", neither, "campaign_content.content.email"),
        ("fixed-time-needs-start", no_start, "scheduling_details.start_time"),
        ("start-must-parse", bad_time, "scheduling_details.start_time"),
        ("audience-needed", no_audience, "segmentation_details"),
    ]


@pytest.mark.parametrize("case", _semantic_cases(), ids=lambda case: case[0])
def test_semantic_rules(moengage_http: httpx.Client, case: tuple[str, dict[str, Any], str]) -> None:
    _, body, field = case
    response = moengage_http.post(f"{MOE}/campaigns", json=body)
    assert response.status_code == 400, response.text
    assert field in {detail["target"] for detail in error_of(response)["details"]}


def test_request_id_reused_within_a_day_is_refused(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    body = one_time()
    create(moengage_http, body)
    again = moengage_http.post(f"{MOE}/campaigns", json=one_time(request_id=body["request_id"]))
    assert again.status_code == 400
    error = error_of(again)
    assert error["target"] == "request_id"
    assert "was used by a creation within the last day" in error["message"]
    sandbox.set_clock(advance_seconds=24 * 3600 + 1)
    later = moengage_http.post(f"{MOE}/campaigns", json=one_time(request_id=body["request_id"]))
    assert later.status_code == 201


def test_a_failed_create_does_not_burn_its_request_id(moengage_http: httpx.Client) -> None:
    body = one_time()
    broken = copy.deepcopy(body)
    del broken["connector"]
    assert moengage_http.post(f"{MOE}/campaigns", json=broken).status_code == 400
    assert moengage_http.post(f"{MOE}/campaigns", json=body).status_code == 201


def test_request_ids_are_per_workspace(moengage_http: httpx.Client, sandbox: SandboxHandle) -> None:
    from syncer.sandbox.admin_client import moengage_auth_headers

    body = one_time()
    create(moengage_http, body)
    other = moengage_auth_headers("other", "k")
    response = moengage_http.post(f"{MOE}/campaigns", json=body, headers=other)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body_factory,expected",
    [
        (lambda: one_time(), "Active"),
        (lambda: scheduled_one_time(start="2031-01-01T09:00:00"), "Scheduled"),
        (lambda: scheduled_one_time(start="2020-01-01T09:00:00"), "Active"),
        (lambda: event_triggered(start="2031-01-01T00:00:00"), "Scheduled"),
        (lambda: event_triggered(start="2024-01-01T00:00:00"), "Active"),
        (lambda: periodic(start="2031-01-01T09:00:00"), "Scheduled"),
    ],
    ids=["asap", "future", "past", "et-future", "et-past", "periodic-future"],
)
def test_initial_status(
    moengage_http: httpx.Client,
    sandbox: SandboxHandle,
    body_factory: Callable[[], dict[str, Any]],
    expected: Any,
) -> None:
    sandbox.set_clock("2030-06-01T00:00:00Z")
    campaign_id = create(moengage_http, body_factory())
    assert find(moengage_http, campaign_id)["status"] == expected
