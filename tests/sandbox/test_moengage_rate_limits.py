"""MoEngage rate limits: rolling windows per workspace and endpoint class, 429 envelope, headers."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from syncer.sandbox.admin_client import moengage_auth_headers
from syncer.sandbox.handle import SandboxHandle

from .helpers import MOE, create, error_of, one_time, rid, search


def test_successful_responses_carry_rate_limit_headers(moengage_http: httpx.Client) -> None:
    before = int(time.time())
    response = search(moengage_http, limit=1, page=1)
    assert response.status_code == 200
    assert response.headers["x-ratelimit-limit"] == "10"
    assert response.headers["x-ratelimit-remaining"] == "9"
    reset = int(response.headers["x-ratelimit-reset"])
    assert before < reset <= before + 3  # UTC epoch seconds, when the 1 s window frees a slot


def test_the_per_second_limit_answers_429_with_the_v1_envelope(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_faults({"rate_limit_scale": 0.5})  # 5 other requests/s instead of 10
    statuses = [search(moengage_http, limit=1, page=1).status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    limited = search(moengage_http, limit=1, page=1)
    assert limited.status_code == 429
    error = error_of(limited)
    assert error == {
        "code": "429 conflict",
        "message": "rate_limit",
        "target": "",
        "details": [{"target": "rate_limit", "message": "Rate limiting breached"}],
        "request_id": error["request_id"],
    }
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert int(limited.headers["x-ratelimit-reset"]) >= int(time.time())


def test_rejected_requests_do_not_count(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_faults({"rate_limit_scale": 0.02})  # other routes: 1/s, 2/min, 120/h
    assert search(moengage_http, limit=1, page=1).status_code == 200
    sandbox.set_clock(advance_seconds=1.5)
    assert search(moengage_http, limit=1, page=1).status_code == 200
    sandbox.set_clock(advance_seconds=1.5)
    for _ in range(3):
        assert search(moengage_http, limit=1, page=1).status_code == 429
    # The first request has left the minute window; had the refusals counted, it would be full.
    sandbox.set_clock(advance_seconds=58)
    assert search(moengage_http, limit=1, page=1).status_code == 200


def test_create_has_its_own_stricter_class(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_faults({"rate_limit_scale": 0.2})  # create: 1/s, 5/min, 20/h; others: 2/s
    assert moengage_http.post(f"{MOE}/campaigns", json=one_time()).status_code == 201
    second = moengage_http.post(f"{MOE}/campaigns", json=one_time())
    assert second.status_code == 429
    assert second.headers["x-ratelimit-limit"] == "1"
    # Other routes are counted separately.
    assert search(moengage_http, limit=1, page=1).status_code == 200


def test_limits_are_per_workspace(moengage_http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_faults({"rate_limit_scale": 0.1})  # 1 other request per second
    assert search(moengage_http, limit=1, page=1).status_code == 200
    assert search(moengage_http, limit=1, page=1).status_code == 429
    other = moengage_auth_headers("other", "k")
    body = {"request_id": rid(), "limit": 1, "page": 1}
    assert (
        moengage_http.post(f"{MOE}/campaigns/search", json=body, headers=other).status_code == 200
    )


def test_daily_cap_counts_successful_creations_only(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.set_faults({"rate_limit_scale": 0.05})
    for _ in range(5):
        broken = one_time()
        del broken["connector"]
        sandbox.set_clock(advance_seconds=3601)
        assert moengage_http.post(f"{MOE}/campaigns", json=broken).status_code == 400
        sandbox.set_clock(advance_seconds=61)
        create(moengage_http, one_time())
    sandbox.set_clock(advance_seconds=3601)
    refused = moengage_http.post(f"{MOE}/campaigns", json=one_time())
    assert refused.status_code == 429
    assert refused.headers["x-ratelimit-limit"] == "5"
    sandbox.set_clock(advance_seconds=24 * 3600)
    assert moengage_http.post(f"{MOE}/campaigns", json=one_time()).status_code == 201


def test_successful_creations_are_capped_per_minute_and_per_hour(
    moengage_http: httpx.Client, sandbox: SandboxHandle
) -> None:
    """V1: at most 5 successful creations a minute, 25 an hour and 100 a day, on top of the
    create calls' own 5/s, 25/min, 100/h; refused creations do not count."""
    for _ in range(5):
        sandbox.set_clock(advance_seconds=1.1)  # past the per-second call window
        broken = one_time()
        del broken["connector"]
        assert moengage_http.post(f"{MOE}/campaigns", json=broken).status_code == 400
        create(moengage_http, one_time())
    sandbox.set_clock(advance_seconds=1.1)
    sixth = moengage_http.post(f"{MOE}/campaigns", json=one_time())
    assert sixth.status_code == 429
    assert sixth.headers["x-ratelimit-limit"] == "5"
    for _ in range(4):  # 25 an hour: 20 more, 5 a minute
        sandbox.set_clock(advance_seconds=61)
        for _ in range(5):
            sandbox.set_clock(advance_seconds=1.1)
            create(moengage_http, one_time())
    sandbox.set_clock(advance_seconds=61)
    hourly = moengage_http.post(f"{MOE}/campaigns", json=one_time())
    assert hourly.status_code == 429
    assert hourly.headers["x-ratelimit-limit"] == "25"
    sandbox.set_clock(advance_seconds=3600)
    assert moengage_http.post(f"{MOE}/campaigns", json=one_time()).status_code == 201


def test_scale_zero_turns_limits_off(sandbox_factory: Callable[..., SandboxHandle]) -> None:
    import httpx

    unlimited = sandbox_factory(rate_limit_scale=0)
    headers = moengage_auth_headers("sandbox", "k")
    with httpx.Client(base_url=unlimited.base_url, headers=headers) as client:
        responses = [search(client, limit=1, page=1) for _ in range(15)]
    assert {r.status_code for r in responses} == {200}
    assert "x-ratelimit-limit" not in responses[0].headers
