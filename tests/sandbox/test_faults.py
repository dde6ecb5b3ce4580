"""Fault and load knobs: latency, error rates, 429 bursts, dropped connections, late answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from syncer.sandbox.handle import SandboxHandle

from .helpers import (
    BATCH,
    MOE,
    WELCOME_ID,
    batch_email,
    error_of,
    find,
    one_time,
    patch,
    search,
)


def _moe_ids(sandbox: SandboxHandle) -> set[str]:
    return {c["id"] for c in sandbox.campaigns()["moengage"]["sandbox"]}


def test_knobs_round_trip_and_clear(sandbox: SandboxHandle) -> None:
    knobs = {"latency_ms": 5, "burst_429": {"count": 2, "route": "POST /core-services/v1/*"}}
    current = sandbox.set_faults(knobs)
    assert current["latency_ms"] == 5
    assert current["burst_429"] == {"count": 2, "route": "POST /core-services/v1/*"}
    assert sandbox.faults() == current
    sandbox.clear_faults()
    assert sandbox.faults()["burst_429"] is None


@pytest.mark.parametrize(
    "knobs",
    [
        {"latency": 5},
        {"latency_ms": -1},
        {"error_rate": {"*": {"rate": 1.5}}},
        {"error_rate": {"*": {"rate": 0.5, "statuses": [200]}}},
        {"burst_429": {"count": -1}},
        {"delay_after_write": {"count": 1, "seconds": 0}},
    ],
    ids=[
        "unknown-knob",
        "negative-latency",
        "rate-above-one",
        "not-an-error",
        "negative-count",
        "zero-delay",
    ],
)
def test_invalid_knobs_are_refused(sandbox: SandboxHandle, knobs: dict[str, Any]) -> None:
    with pytest.raises(httpx.HTTPStatusError) as refused:
        sandbox.set_faults(knobs)
    assert refused.value.response.status_code == 400


def test_latency_is_added_to_vendor_requests_only(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    sandbox.set_faults({"latency_ms": 150})
    started = time.perf_counter()
    assert search(moengage_http, limit=1, page=1).status_code == 200
    assert time.perf_counter() - started >= 0.15
    started = time.perf_counter()
    httpx.get(f"{sandbox.base_url}/_sandbox/health")
    assert time.perf_counter() - started < 0.15


def test_latency_option_and_jitter(sandbox_factory: Callable[..., SandboxHandle]) -> None:
    slow = sandbox_factory(latency_ms=60)
    slow.set_faults({"jitter_ms": 40})
    started = time.perf_counter()
    response = httpx.get(f"{slow.base_url}{BATCH}/orchestrations/list")
    elapsed = time.perf_counter() - started
    assert response.status_code == 401  # latency applies even before auth
    assert 0.06 <= elapsed < 1.0


def test_error_rate_fails_before_anything_is_written(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    sandbox.set_faults(
        {"error_rate": {"POST /core-services/v1/campaigns": {"rate": 1.0, "statuses": [503]}}}
    )
    before = _moe_ids(sandbox)
    response = moengage_http.post(f"{MOE}/campaigns", json=one_time())
    assert response.status_code == 503
    assert error_of(response)["code"] == "503 Service Unavailable"
    assert _moe_ids(sandbox) == before
    # Other routes are untouched by this pattern.
    assert search(moengage_http, limit=1, page=1).status_code == 200
    entry = sandbox.requests()[-2]
    assert (entry["status"], entry["note"]) == (503, "fault:503")


def test_error_rate_is_reproducible_with_a_seed(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    knobs = {"seed": 7, "error_rate": {"*": {"rate": 0.5, "statuses": [500, 503]}}}

    def run() -> list[int]:
        sandbox.set_faults(knobs)  # setting the knobs restarts the draws
        sandbox.set_faults({**knobs, "rate_limit_scale": 100})
        return [search(moengage_http, limit=1, page=1).status_code for _ in range(20)]

    first, second = run(), run()
    assert first == second
    assert {500, 503} <= set(first) and 200 in first
    sandbox.set_faults({**knobs, "seed": 8, "rate_limit_scale": 100})
    third = [search(moengage_http, limit=1, page=1).status_code for _ in range(20)]
    assert third != first


def test_error_rate_in_batch_format(sandbox: SandboxHandle, batch_http: httpx.Client) -> None:
    sandbox.set_faults({"error_rate": {"/2.11/*": {"rate": 1.0, "statuses": [500]}}})
    response = batch_http.get(f"{BATCH}/orchestrations/list")
    assert response.status_code == 500
    assert response.json()["code"] == "SERVER_ERROR"
    assert batch_http.get("/2.10/orchestrations/list").status_code == 200


def test_burst_429_for_both_vendors(
    sandbox: SandboxHandle, moengage_http: httpx.Client, batch_http: httpx.Client
) -> None:
    sandbox.set_faults({"burst_429": {"count": 2, "route": "*"}})
    first = search(moengage_http, limit=1, page=1)
    assert first.status_code == 429
    assert error_of(first)["code"] == "429 conflict"
    assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= set(first.headers)
    second = batch_http.get(f"{BATCH}/orchestrations/list")
    assert second.status_code == 429
    assert second.json()["code"] == "TOO_MANY_REQUESTS"
    assert second.headers["retry-after"] == "5"
    assert search(moengage_http, limit=1, page=1).status_code == 200
    assert sandbox.faults()["burst_429"]["count"] == 0


def test_burst_429_matches_its_route_only(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    sandbox.set_faults({"burst_429": {"count": 1, "route": "PATCH /core-services/v1/campaigns/*"}})
    assert search(moengage_http, limit=1, page=1).status_code == 200
    assert (
        patch(
            moengage_http, WELCOME_ID, utm_params={"utm_source": "a", "utm_medium": "b"}
        ).status_code
        == 429
    )
    assert (
        patch(
            moengage_http, WELCOME_ID, utm_params={"utm_source": "a", "utm_medium": "b"}
        ).status_code
        == 204
    )


def test_drop_connection_before_the_write(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    sandbox.set_faults(
        {"drop_connection": {"count": 1, "route": "POST /core-services/v1/campaigns"}}
    )
    before = _moe_ids(sandbox)
    with pytest.raises(httpx.RemoteProtocolError):
        moengage_http.post(f"{MOE}/campaigns", json=one_time())
    assert _moe_ids(sandbox) == before
    assert sandbox.requests()[-1]["note"] == "dropped"
    assert sandbox.requests()[-1]["status"] is None
    # The next request is answered normally.
    assert moengage_http.post(f"{MOE}/campaigns", json=one_time()).status_code == 201


def test_drop_connection_after_the_write(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    sandbox.set_faults(
        {
            "drop_connection": {
                "count": 1,
                "route": "POST /core-services/v1/campaigns",
                "after_write": True,
            }
        }
    )
    body = one_time()
    before = _moe_ids(sandbox)
    with pytest.raises(httpx.RemoteProtocolError):
        moengage_http.post(f"{MOE}/campaigns", json=body)
    created = _moe_ids(sandbox) - before
    assert len(created) == 1  # the campaign exists although the client never heard of it
    entry = sandbox.requests()[-1]
    assert (entry["status"], entry["note"]) == (201, "dropped_after_write")
    # A blind retry with the same request_id is refused by the vendor's dedup.
    retry = moengage_http.post(f"{MOE}/campaigns", json=body)
    assert retry.status_code == 400 and error_of(retry)["target"] == "request_id"


def test_drop_a_204_after_the_write(sandbox: SandboxHandle, moengage_http: httpx.Client) -> None:
    sandbox.set_faults({"drop_connection": {"count": 1, "route": "PATCH *", "after_write": True}})
    content = find(moengage_http, WELCOME_ID)["campaign_content"]
    content["content"]["email"]["subject"] = "Dropped but stored"
    with pytest.raises(httpx.RemoteProtocolError):
        patch(moengage_http, WELCOME_ID, campaign_content=content)
    assert find(moengage_http, WELCOME_ID)["campaign_content"]["content"]["email"]["subject"] == (
        "Dropped but stored"
    )


def test_delay_after_write_stores_then_answers_late(
    sandbox: SandboxHandle, batch_http: httpx.Client
) -> None:
    sandbox.set_faults(
        {"delay_after_write": {"count": 1, "route": "POST /*/campaigns/*", "seconds": 0.6}}
    )
    # Reads are not writes: they are not delayed and do not use up the count.
    started = time.perf_counter()
    assert batch_http.get(f"{BATCH}/orchestrations/list").status_code == 200
    assert time.perf_counter() - started < 0.5
    campaign = batch_email(name="Late answer")
    with pytest.raises(httpx.ReadTimeout):
        batch_http.post(f"{BATCH}/campaigns/create", json=campaign, timeout=0.2)
    names = [o["name"] for o in sandbox.campaigns()["batch"]["sandbox"]]
    assert "Late answer" in names
    assert sandbox.requests()[-1]["note"] == "delayed:0.6s"
    started = time.perf_counter()
    assert batch_http.post(f"{BATCH}/campaigns/create", json=batch_email()).status_code == 200
    assert time.perf_counter() - started < 0.5


def test_rate_limit_scale_knob_overrides_the_option(
    sandbox: SandboxHandle, batch_http: httpx.Client
) -> None:
    sandbox.set_faults({"rate_limit_scale": 0})
    statuses = {batch_http.get(f"{BATCH}/orchestrations/list").status_code for _ in range(8)}
    assert statuses == {200}


def test_faults_never_touch_admin_routes(sandbox: SandboxHandle) -> None:
    sandbox.set_faults(
        {
            "error_rate": {"*": {"rate": 1.0}},
            "burst_429": {"count": 5},
            "drop_connection": {"count": 5},
            "latency_ms": 300,
        }
    )
    started = time.perf_counter()
    assert sandbox.campaigns()["moengage"]
    assert sandbox.requests() == []
    assert time.perf_counter() - started < 0.3


def test_faults_persist_across_a_restart(sandbox: SandboxHandle) -> None:
    sandbox.set_faults({"burst_429": {"count": 1}})
    sandbox.restart()
    headers = {"Authorization": "Bearer k", "X-Batch-Project": "sandbox"}
    response = httpx.get(f"{sandbox.base_url}{BATCH}/orchestrations/list", headers=headers)
    assert response.status_code == 429
