"""HTTP edge: retries only what is safe, honours Retry-After and vendor floors, leaks no secret."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from syncer.errors import ApiError, ApiTransportError, RateLimitedError
from syncer.remote.client import HttpClient, HttpResponse, NotSent, connections
from syncer.remote.ratelimit import RateLimiter
from syncer.remote.redact import Redactor
from syncer.remote.retry import RetryPolicy

SECRET = "sk_live_very_secret_value"


class Script:
    """A fake server answering from a list of (status, headers, body) or exceptions."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, headers, body = answer
        return httpx.Response(status, headers=headers, json=body)


def read_error(response: HttpResponse) -> tuple[str, str]:
    data = response.json() or {}
    return str(data.get("message", "")), "do something"


def client(
    script: Callable[[httpx.Request], httpx.Response],
    sleeps: list[float],
    policy: RetryPolicy | None = None,
) -> HttpClient:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return HttpClient(
        base_url="https://api.example.test",
        headers={"Authorization": f"Bearer {SECRET}"},
        timeout=5.0,
        limiter=RateLimiter({"default": ((1000, 1),)}),
        policy=policy or RetryPolicy(max_retries=3, base_delay=0.01),
        read_error=read_error,
        redactor=Redactor([SECRET]),
        transport=httpx.MockTransport(script),
        sleep=sleep,
    )


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def call(http: HttpClient, **kwargs: Any) -> HttpResponse:
    try:
        return await http.call("POST", "/x", body={"a": 1}, **kwargs)
    finally:
        await http.aclose()


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_when_safe(status: int) -> None:
    script = Script([(status, {}, {"message": "boom"}), (200, {}, {"ok": True})])
    sleeps: list[float] = []
    response = run(call(client(script, sleeps), retry_safe=True))
    assert response.status == 200
    assert len(script.requests) == 2
    assert len(sleeps) == 1


def test_server_errors_are_not_retried_when_unsafe() -> None:
    script = Script([(500, {}, {"message": "boom"}), (200, {}, {})])
    with pytest.raises(ApiError) as info:
        run(call(client(script, []), retry_safe=False))
    assert info.value.status == 500
    assert len(script.requests) == 1


def test_429_is_retried_even_when_unsafe_and_honours_retry_after() -> None:
    script = Script([(429, {"Retry-After": "7"}, {}), (200, {}, {})])
    sleeps: list[float] = []
    run(call(client(script, sleeps), retry_safe=False))
    assert len(script.requests) == 2
    assert sleeps[0] >= 7


def test_429_honours_x_ratelimit_reset() -> None:
    script = Script([(429, {"x-ratelimit-reset": "9"}, {}), (200, {}, {})])
    sleeps: list[float] = []
    run(call(client(script, sleeps), retry_safe=False))
    assert sleeps[0] >= 9


@pytest.mark.parametrize("status", [500, 503])
def test_a_window_reset_on_a_server_error_is_not_a_retry_hint(status: int) -> None:
    """MoEngage sends x-ratelimit-reset on every answer of a rate-limited endpoint: it says when
    the window resets, not when to retry, so a 500 is retried on the backoff alone."""
    script = Script([(status, {"x-ratelimit-reset": "3000"}, {}), (200, {}, {})])
    sleeps: list[float] = []
    response = run(call(client(script, sleeps), retry_safe=True))
    assert response.status == 200
    assert sleeps and max(sleeps) < 1


def test_429_floor_for_batch() -> None:
    script = Script([(429, {}, {}), (200, {}, {})])
    sleeps: list[float] = []
    run(
        call(client(script, sleeps, RetryPolicy(max_retries=2, base_delay=0.01, min_429_delay=5.0)))
    )
    assert sleeps == [pytest.approx(max(sleeps[0], 5.0))]
    assert sleeps[0] >= 5.0


def test_retries_are_bounded_and_reported() -> None:
    script = Script([(429, {}, {"message": "slow down"})])
    sleeps: list[float] = []
    http = client(script, sleeps)
    with pytest.raises(RateLimitedError):
        run(call(http))
    assert len(script.requests) == 4  # 1 + max_retries
    assert len(http.stats.retries) == 3


def test_backoff_grows_with_jitter() -> None:
    script = Script([(503, {}, {})] * 4 + [(200, {}, {})])
    sleeps: list[float] = []
    run(call(client(script, sleeps, RetryPolicy(max_retries=4, base_delay=1.0))))
    for attempt, delay in enumerate(sleeps):
        assert 2**attempt / 2 <= delay <= 2**attempt


def test_timeout_is_an_unknown_outcome_when_unsafe() -> None:
    script = Script([httpx.ReadTimeout("slow")])
    with pytest.raises(ApiTransportError) as info:
        run(call(client(script, []), retry_safe=False))
    assert "may or may not" in str(info.value)
    assert len(script.requests) == 1


def test_connect_errors_are_always_retried() -> None:
    script = Script([httpx.ConnectError("refused"), (200, {}, {})])
    run(call(client(script, []), retry_safe=False))
    assert len(script.requests) == 2


def test_4xx_is_final_with_vendor_message_and_advice() -> None:
    script = Script([(400, {}, {"message": "bad field"})])
    with pytest.raises(ApiError) as info:
        run(call(client(script, []), campaign="a.yaml"))
    text = info.value.describe()
    assert "campaign a.yaml" in text and "HTTP 400" in text and "bad field" in text
    assert "do something" in text


def test_secrets_never_leave_in_errors() -> None:
    script = Script([(401, {}, {"message": f"bad key {SECRET}"})])
    with pytest.raises(ApiError) as info:
        run(call(client(script, [])))
    assert SECRET not in info.value.describe()
    assert "***" in info.value.describe()


def test_redactor_covers_encoded_forms() -> None:
    import base64

    redact = Redactor([SECRET])
    encoded = base64.b64encode(SECRET.encode()).decode()
    assert SECRET not in redact(f"x {SECRET} {encoded} {json.dumps(SECRET)}")
    assert encoded not in redact(encoded)


def test_limiter_enforces_several_windows() -> None:
    limiter = RateLimiter({"default": ((2, 1), (3, 60))})

    async def take() -> bool:
        try:
            await asyncio.wait_for(limiter.acquire("default"), 0.3)
            return True
        except TimeoutError:
            return False

    async def scenario() -> list[bool]:
        return [await take() for _ in range(4)]

    # 2 per second lets the first two through at once; the third waits for the next second.
    assert run(scenario())[:3] == [True, True, False]


def test_a_call_its_proceed_check_refuses_is_never_sent() -> None:
    script = Script([(200, {}, {"ok": True})])
    http = client(script, [])
    with pytest.raises(NotSent):
        run(call(http, proceed=lambda: False))
    assert script.requests == []
    assert http.stats.calls == {}


@pytest.mark.parametrize(
    ("windows", "scale", "pool"),
    [
        ({"default": ((10, 1), (100, 60))}, 1.0, 16),
        ({"default": ((10, 1), (100, 60))}, 10.0, 100),
        ({"default": ((10, 1),), "create": ((50, 1),)}, 1.0, 50),
        ({"default": ((10_000, 1),)}, 1.0, 256),
        ({}, 1.0, 16),
    ],
)
def test_the_pool_holds_every_call_the_rate_limits_let_start_at_once(
    windows: dict[str, Any], scale: float, pool: int
) -> None:
    assert connections(RateLimiter(windows, scale)) == pool


def test_calls_are_spread_evenly_and_kept_clear_of_the_windows_edges() -> None:
    limiter = RateLimiter({"default": ((20, 0.2), (40, 2.0))})
    times: list[float] = []

    async def go() -> None:
        loop = asyncio.get_running_loop()

        async def one() -> None:
            await limiter.acquire("default")
            times.append(loop.time())

        await asyncio.gather(*[one() for _ in range(40)])
        limiter.close()

    run(go())
    # Never more than a window allows, even over one 5 % longer than documented...
    for start in times:
        assert sum(1 for t in times if start <= t < start + 0.2 * 1.05 - 0.001) <= 20
    # ...and never the whole window's calls at once: at most a tenth of them together.
    for start in times:
        assert sum(1 for t in times if start <= t < start + 0.02) <= 2


@pytest.mark.parametrize(
    "path", ["http://other.test/x", "//other.test/x", "/a/../../x", "https:/x", "\\\\other/x"]
)
def test_a_path_that_is_not_below_the_base_url_is_never_sent(path: str) -> None:
    script = Script([(200, {}, {"ok": True})])
    http = client(script, [])

    async def send() -> HttpResponse:
        try:
            return await http.call("PATCH", path, body={"a": 1})
        finally:
            await http.aclose()

    with pytest.raises(ApiError, match="not a path of the target's base_url"):
        run(send())
    assert script.requests == []


def test_a_stop_between_retries_keeps_the_last_attempts_outcome() -> None:
    script = Script([(503, {}, {"message": "busy"})])
    http = client(script, [])
    asked = iter([True, False])  # the first attempt leaves; then a stop is asked

    with pytest.raises(NotSent) as stopped:
        run(call(http, proceed=lambda: next(asked, False)))
    assert len(script.requests) == 1
    assert stopped.value.after is not None and stopped.value.after.status == 503


def test_a_finished_call_keeps_nothing_of_its_caller_alive() -> None:
    # httpx keeps a request in a reference cycle (a response and its stream) until the garbage
    # collector runs; the send gate's ticket rides on the request. Nothing it holds may lead
    # back to the calling task: the task's result (a parsed page of a listing) would wait with
    # it for the collector.
    import gc
    import weakref

    class Page:
        pass

    pages: list[weakref.ref[Page]] = []

    async def main() -> None:
        http = client(Script([(200, {}, {"ok": True})]), [])

        async def fetch() -> Page:
            await http.call("POST", "/x", body={"a": 1})
            return Page()

        task = asyncio.create_task(fetch())
        pages.append(weakref.ref(await task))
        del task
        await http.aclose()

    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        run(main())
        assert pages[0]() is None
    finally:
        if enabled:
            gc.enable()
