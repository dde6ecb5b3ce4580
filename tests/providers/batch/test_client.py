"""The Batch client through `httpx.MockTransport` and a small stateful fake of Batch: auth,
paging, one read per campaign, error texts, the 5-second floor after a 429, and creations that
are never repeated blindly."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from syncer.errors import ApiError, ApiTransportError
from syncer.model.plan import PlannedRequest
from syncer.providers.batch.client import BatchSession, read_error
from syncer.remote.client import HttpResponse
from syncer.remote.redact import Redactor
from syncer.remote.retry import RetryPolicy
from tests.providers.batch.helpers import PUSH, email, listed, push, viewed

SECRET = "batch_rest_key_very_secret"
PROJECT = "project_0664hxvwffvbpn278gxdyhsadddqgna6"


class FakeBatch:
    """Batch's project API in memory: list (cursor paging), view (push only), create, update."""

    def __init__(self, campaigns: dict[str, dict[str, Any]] | None = None) -> None:
        self.campaigns = dict(campaigns or {})
        self.requests: list[httpx.Request] = []
        self.faults: list[Callable[[httpx.Request], httpx.Response | None]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for fault in list(self.faults):
            answer = fault(request)
            if answer is not None:
                return answer
        route = request.url.path.removeprefix("/2.11/")
        if route == "orchestrations/list":
            return self._list(request)
        if route == "orchestrations/view":
            campaign_id = request.url.params["orchestration_id"]
            campaign = self.campaigns[campaign_id]
            if campaign["messages"][0]["channel_type"] != "push":
                return error(
                    400, 31, "MALFORMED_PARAMETER", f"{campaign_id} is not a push campaign"
                )
            return httpx.Response(
                200, json={**listed(campaign, id=campaign_id), **viewed(campaign)}
            )
        body = json.loads(request.content)
        if route == "campaigns/create":
            new_id = f"orchestration_{len(self.campaigns):04d}"
            self.campaigns[new_id] = {k: v for k, v in body.items() if k != "state"}
            return httpx.Response(200, json={"id": new_id})
        if route == "campaigns/update":
            return httpx.Response(200, json={})
        return error(404, 20, "ROUTE_NOT_FOUND", "no route")

    def _list(self, request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        start = int(request.url.params.get("from", "0"))
        ids = sorted(self.campaigns)
        page = ids[start : start + limit]
        more = start + limit < len(ids)
        return httpx.Response(
            200,
            json={
                "orchestrations": [listed(self.campaigns[i], id=i) for i in page],
                "count": len(page),
                "has_more": more,
                "next_from": str(start + limit) if more else None,
            },
        )

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


def error(status: int, code: int, name: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error_code": code, "error_message": message, "code": name})


def session(fake: FakeBatch, sleeps: list[float] | None = None, retries: int = 2) -> BatchSession:
    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return BatchSession(
        base_url="https://api.batch.example",
        project_key=PROJECT,
        api_key=SECRET,
        api_version="2.11",
        timeout=5.0,
        policy=RetryPolicy(max_retries=retries, base_delay=0.01, min_429_delay=5.0),
        rate_scale=1000.0,
        redactor=Redactor(),
        transport=httpx.MockTransport(fake),
        sleep=sleep,
    )


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def create_request(name: str = "Spring push") -> PlannedRequest:
    return PlannedRequest(
        method="POST",
        path="/2.11/campaigns/create",
        body={**push(name=name), "state": "DRAFT"},
        kind="create",
    )


def create(fake: FakeBatch, *, read: tuple[list[str], list[str]] | None = None) -> Any:
    """Send `create_request()` through a fresh session (after reading `read`, if given)."""

    async def go() -> Any:
        s = session(fake)
        try:
            if read is not None:
                await s.read(*read)
            return await s.send(create_request(), "rid", "c.yaml")
        finally:
            await s.aclose()

    return run(go())


def update_request(state: str) -> PlannedRequest:
    return PlannedRequest(
        method="POST",
        path="/2.11/campaigns/update",
        body={"id": "orchestration_a", "campaign": {**email(), "state": state}},
        kind="update",
    )


def test_every_call_carries_the_project_auth() -> None:
    fake = FakeBatch({"orchestration_a": email()})

    async def go() -> None:
        s = session(fake)
        await s.read(["orchestration_a"], [])
        await s.aclose()

    run(go())
    (request,) = fake.requests
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    assert request.headers["x-batch-project"] == PROJECT
    assert request.url.path == "/2.11/orchestrations/list"


def test_the_list_is_paged_with_the_cursor() -> None:
    fake = FakeBatch({f"orchestration_{n:03d}": email(name=f"c{n}") for n in range(250)})

    async def go() -> Any:
        s = session(fake)
        try:
            return await s.read([], [])
        finally:
            await s.aclose()

    snapshot = run(go())
    assert len(snapshot.by_id) == 250
    assert snapshot.listed_all
    params = [dict(r.url.params) for r in fake.requests]
    assert params == [{"limit": "100"}, {"limit": "100", "from": "100"},
                      {"limit": "100", "from": "200"}]  # fmt: skip


def test_push_campaigns_of_the_plan_are_viewed_once_and_emails_never() -> None:
    fake = FakeBatch({
        "orchestration_a": email(), "orchestration_p": push(), "orchestration_q": push(name="Q"),
    })  # fmt: skip

    async def go() -> Any:
        s = session(fake)
        try:
            first = await s.read(["orchestration_a", "orchestration_p", "orchestration_p"], [])
            again = await s.read(["orchestration_a", "orchestration_p"], ["Q"])
            return first, again
        finally:
            await s.aclose()

    first, again = run(go())
    assert fake.paths() == ["GET /2.11/orchestrations/list", "GET /2.11/orchestrations/view"]
    assert fake.requests[1].url.params["orchestration_id"] == "orchestration_p"
    pushed = first.by_id["orchestration_p"]
    assert pushed.content_readable and pushed.body["messages"] == PUSH["messages"]
    assert not first.by_id["orchestration_a"].content_readable
    assert not first.by_id["orchestration_q"].content_readable  # not managed: not viewed
    assert again.by_id.keys() == first.by_id.keys()


def test_list_all_views_every_push_campaign() -> None:
    fake = FakeBatch({"orchestration_p": push(), "orchestration_q": push(name="Q")})

    async def go() -> Any:
        s = session(fake)
        try:
            return await s.read([], [], list_all=True)
        finally:
            await s.aclose()

    snapshot = run(go())
    assert all(r.content_readable for r in snapshot.by_id.values())


def test_a_write_makes_the_next_read_fresh() -> None:
    fake = FakeBatch({"orchestration_a": email()})

    async def go() -> None:
        s = session(fake)
        await s.read(["orchestration_a"], [])
        await s.send(update_request("DRAFT"), "rid", "c.yaml")
        await s.read(["orchestration_a"], [])
        await s.aclose()

    run(go())
    assert fake.paths() == [
        "GET /2.11/orchestrations/list",
        "POST /2.11/campaigns/update",
        "GET /2.11/orchestrations/list",
    ]


def test_a_view_batch_refuses_leaves_the_content_unreadable() -> None:
    fake = FakeBatch({"orchestration_p": push()})
    fake.faults.append(
        lambda r: (
            error(400, 31, "MALFORMED_PARAMETER", "not a push campaign")
            if r.url.path.endswith("/view")
            else None
        )
    )

    async def go() -> Any:
        s = session(fake)
        try:
            return await s.read(["orchestration_p"], [])
        finally:
            await s.aclose()

    assert not run(go()).by_id["orchestration_p"].content_readable


ERRORS = [
    ({"error_code": 31, "error_message": "Malformed parameter name", "code": "MALFORMED_PARAMETER"},
     400, "MALFORMED_PARAMETER 31: Malformed parameter name", "fix the campaign file"),
    ({"error_code": "AUTHENTICATION_INVALID", "error_message": "bad key"}, 401,
     "AUTHENTICATION_INVALID: bad key", "project_key_env and api_key_env"),
    ({"code": 12, "error_message": "It is not possible to update a running campaign"}, 403,
     "12: It is not possible to update a running campaign", "campaign's state"),
    ({"message": "plain"}, 404, "plain", "api_version"),
    (None, 503, "down for maintenance", "maintenance"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "status", "message", "advice"), ERRORS)
def test_error_bodies_are_read_leniently(body: Any, status: int, message: str, advice: str) -> None:
    text = json.dumps(body) if body is not None else "down for maintenance"
    found, said = read_error(HttpResponse(status, {}, text))
    assert found == message
    assert advice in said


def test_a_429_waits_at_least_five_seconds_then_succeeds() -> None:
    fake = FakeBatch({"orchestration_a": email()})
    answers = [error(429, 60, "TOO_MANY_REQUESTS", "slow down")]
    fake.faults.append(lambda r: answers.pop() if answers else None)
    sleeps: list[float] = []

    async def go() -> Any:
        s = session(fake, sleeps)
        try:
            return await s.send(update_request("RUNNING"), "rid", "c.yaml")
        finally:
            await s.aclose()

    # Even a call that is not retried on other failures (it starts sending) retries a 429.
    assert run(go()).status == 200
    assert len(fake.requests) == 2
    assert sleeps and min(sleeps) >= 5.0


@pytest.mark.parametrize(("state", "attempts"), [("DRAFT", 2), ("STOPPED", 2), ("RUNNING", 1)])
def test_updates_are_retried_unless_they_start_sending(state: str, attempts: int) -> None:
    fake = FakeBatch({"orchestration_a": email()})
    answers = [error(500, 1, "SERVER_ERROR", "oops")]
    fake.faults.append(lambda r: answers.pop() if answers else None)

    async def go() -> Any:
        s = session(fake, [])
        try:
            return await s.send(update_request(state), "rid", "c.yaml")
        finally:
            await s.aclose()

    if attempts == 1:
        with pytest.raises(ApiError):
            run(go())
    else:
        assert run(go()).status == 200
    assert len(fake.requests) == attempts


def test_create_returns_the_new_id() -> None:
    fake = FakeBatch()

    assert create(fake).new_id == "orchestration_0000"


def test_create_without_an_id_in_the_answer_fails_loudly() -> None:
    fake = FakeBatch()
    fake.faults.append(lambda r: httpx.Response(200, json={"ok": True}))

    with pytest.raises(ApiError, match="create returned no campaign id"):
        create(fake)


def lose_answer(fake: FakeBatch, times: int, *, landed: bool) -> None:
    """The next `times` creations time out (after being stored, if `landed`)."""
    left = [times]

    def fault(request: httpx.Request) -> httpx.Response | None:
        if not request.url.path.endswith("/campaigns/create") or left[0] == 0:
            return None
        left[0] -= 1
        if landed:
            fake.requests.pop()
            fake(request)
        raise httpx.ReadTimeout("lost", request=request)

    fake.faults.append(fault)


def creates(fake: FakeBatch) -> int:
    return sum(1 for r in fake.requests if r.url.path.endswith("/campaigns/create"))


def test_a_create_whose_answer_was_lost_is_found_by_name_not_repeated() -> None:
    fake = FakeBatch({"orchestration_a": email()})
    lose_answer(fake, 1, landed=True)

    result = create(fake, read=(["orchestration_a"], ["Spring push"]))
    assert result.new_id == "orchestration_0001"
    assert "found by name" in result.note
    assert creates(fake) == 1


def test_a_create_that_did_not_land_is_sent_again_once() -> None:
    fake = FakeBatch()
    lose_answer(fake, 1, landed=False)

    assert create(fake).new_id == "orchestration_0000"
    assert creates(fake) == 2


def test_a_create_lost_twice_is_an_unknown_outcome_after_two_attempts() -> None:
    fake = FakeBatch()
    lose_answer(fake, 5, landed=False)

    with pytest.raises(ApiTransportError):
        create(fake)
    assert creates(fake) == 2


def test_a_same_name_campaign_seen_before_the_create_is_not_taken_for_it() -> None:
    fake = FakeBatch({"orchestration_old": push()})
    lose_answer(fake, 1, landed=False)

    assert create(fake, read=([], ["Spring push"])).new_id != "orchestration_old"
    assert creates(fake) == 2


def test_the_api_key_never_appears_in_errors() -> None:
    fake = FakeBatch()
    fake.faults.append(lambda r: error(401, 10, "AUTHENTICATION_INVALID", f"bad key {SECRET}"))

    async def go() -> Any:
        s = session(fake)
        try:
            return await s.read([], [])
        finally:
            await s.aclose()

    with pytest.raises(ApiError) as caught:
        run(go())
    assert SECRET not in caught.value.describe()
