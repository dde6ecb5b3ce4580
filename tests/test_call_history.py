"""Issue 7, rate limiting, unit level: the call log that successive runs share, the limiter
that starts from it, the windows as pyrate-limiter accepts them whatever the scale, and a
Retry-After too long to wait for."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyrate_limiter import InMemoryBucket

from syncer.errors import RateLimitedError
from syncer.providers.batch.client import RATE_LIMITS as BATCH_LIMITS
from syncer.providers.moengage.client import RATE_LIMITS as MOENGAGE_LIMITS
from syncer.remote.call_history import COMPACT_AFTER, CallHistory, history_path
from syncer.remote.client import HttpClient, HttpResponse
from syncer.remote.ratelimit import RateLimiter, _rates, _window
from syncer.remote.redact import Redactor
from syncer.remote.retry import RetryPolicy


def test_calls_are_recorded_and_read_back_within_their_horizon(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "calls.log", {"default": 60, "create": 3600})
    now = time.time()
    history.record("default", now - 120)  # outside the minute
    history.record("default", now - 30)
    history.record("create", now - 120)
    history.record("other", now)  # a class this limiter does not know
    assert history.recent(now) == {
        "default": [pytest.approx(now - 30, abs=0.01)],
        "create": [pytest.approx(now - 120, abs=0.01)],
    }


def test_garbage_and_a_line_cut_short_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "calls.log"
    now = time.time()
    path.write_text(f"not a line\n{int(now * 1000)} default\n{int(now * 1000)}", encoding="ascii")
    assert len(CallHistory(path, {"default": 60}).recent(now)["default"]) == 1


def test_old_lines_are_compacted_away(tmp_path: Path) -> None:
    path = tmp_path / "calls.log"
    now = time.time()
    old = "".join(f"{int((now - 7200) * 1000)} default\n" for _ in range(COMPACT_AFTER + 1))
    path.write_text(old + f"{int(now * 1000)} default\n", encoding="ascii")
    history = CallHistory(path, {"default": 3600})
    assert len(history.recent(now)["default"]) == 1
    assert path.read_text(encoding="ascii").count("\n") == 1
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_history_that_cannot_be_written_costs_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="ascii")
    history = CallHistory(blocked / "calls.log", {"default": 60})  # its directory is a file
    history.record("default")
    assert history.recent() == {}


def test_one_file_per_account(tmp_path: Path) -> None:
    one = history_path(tmp_path, "moengage", "https://api-01.moengage.com", "ws1")
    assert one == history_path(tmp_path, "moengage", "https://api-01.moengage.com", "ws1")
    assert one != history_path(tmp_path, "moengage", "https://api-01.moengage.com", "ws2")
    assert one.parent == tmp_path


async def _acquire(limiter: RateLimiter, timeout: float) -> bool:
    try:
        await asyncio.wait_for(limiter.acquire("default"), timeout)
    except TimeoutError:
        return False
    finally:
        limiter.close()
    return True


def test_a_new_run_starts_from_the_calls_earlier_runs_made(tmp_path: Path) -> None:
    """Three calls a minute, three made 10 s ago by another run: the next must wait ~53 s."""
    path = tmp_path / "calls.log"
    earlier = CallHistory(path, {"default": 63})
    for _ in range(3):
        earlier.record("default", time.time() - 10)
    limiter = RateLimiter({"default": ((3, 60),)}, history=path)
    assert asyncio.run(_acquire(limiter, 0.3)) is False


def test_calls_that_left_the_windows_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "calls.log"
    earlier = CallHistory(path, {"default": 63})
    for _ in range(3):
        earlier.record("default", time.time() - 70)
    limiter = RateLimiter({"default": ((3, 60),)}, history=path)
    assert asyncio.run(_acquire(limiter, 0.3)) is True
    # ... and the call just made is recorded for the next run.
    assert len(CallHistory(path, {"default": 63}).recent()["default"]) == 1


windows = st.lists(
    st.tuples(st.integers(1, 10_000), st.floats(0.5, 100_000)), min_size=1, max_size=4
)


@settings(max_examples=300, deadline=None)
@given(windows, st.floats(0.001, 1000))
def test_windows_are_valid_for_any_scale_and_never_looser(
    vendor: list[tuple[int, float]], scale: float
) -> None:
    rates = _rates(vendor, scale)
    InMemoryBucket(rates)  # pyrate-limiter validates the list
    for calls, seconds in vendor:
        limit = max(1, int(calls * scale))
        interval = _window(seconds)
        # Some kept window is at least as long and allows no more calls.
        assert any(r.interval >= interval and r.limit <= limit for r in rates) or any(
            r.interval <= interval and r.limit * (interval // r.interval) <= limit for r in rates
        )


@pytest.mark.parametrize("scale", [0.01, 0.1, 1, 3, 5, 7, 20, 1000])
def test_the_vendors_windows_are_valid_at_any_scale(scale: float) -> None:
    for classes in (MOENGAGE_LIMITS, BATCH_LIMITS):
        for vendor in classes.values():
            InMemoryBucket(_rates(vendor, scale))


def test_a_retry_after_longer_than_a_run_waits_is_reported_not_slept(tmp_path: Path) -> None:
    answers = [0]

    def server(request: httpx.Request) -> httpx.Response:
        answers[0] += 1
        return httpx.Response(429, headers={"Retry-After": "900"}, json={"message": "slow"})

    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def read_error(response: HttpResponse) -> tuple[str, str]:
        return "slow", ""

    client = HttpClient(
        base_url="https://api.example.test",
        headers={},
        timeout=5.0,
        limiter=RateLimiter({"default": ((1000, 1),)}),
        policy=RetryPolicy(max_retries=5, base_delay=0.01),
        read_error=read_error,
        redactor=Redactor(),
        transport=httpx.MockTransport(server),
        sleep=sleep,
    )

    async def call() -> Any:
        try:
            return await client.call("PATCH", "/x", body={})
        finally:
            await client.aclose()

    with pytest.raises(RateLimitedError) as caught:
        asyncio.run(call())
    assert answers[0] == 1 and sleeps == []
    assert caught.value.attempts == 1
    assert "the vendor asks to wait 900 s" in caught.value.advice
