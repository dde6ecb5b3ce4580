"""The send gate (`syncer.remote.sendgate`): windows counted over when requests really left.

The pure log is driven by a made-up clock; the gate and its httpx trace hook on a real event
loop with windows of tens of milliseconds. The end-to-end proof (the real client, connections
opening late and a busy loop, the sandbox counting arrivals) is in
tests/e2e/test_faults_rate_limits.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syncer.providers.moengage.client import RATE_LIMITS as MOENGAGE_LIMITS
from syncer.remote.ratelimit import RateLimiter
from syncer.remote.sendgate import SendGate, SendLog

HEADERS = "http11.send_request_headers.started"
WRITTEN = "http11.send_request_body.complete"


def test_a_full_window_waits_until_its_oldest_request_leaves_it() -> None:
    log = SendLog([(2, 1.0)])
    assert log.wait(0.0) == 0
    for now in (0.0, 0.5):
        log.start()
        log.finish(now)
    assert log.wait(0.6) == pytest.approx(0.4)
    assert log.wait(1.0) == 0  # the request written at 0.0 is out of (0.0, 1.0]


def test_requests_being_written_count_in_every_window_until_counted() -> None:
    log = SendLog([(2, 1.0), (3, 60.0)])
    log.start()
    log.start()
    assert log.wait(0.0) is None  # only one of them being counted can free the room
    log.finish(0.2)
    assert log.wait(0.2) == 1.0  # one written at 0.2, one being written: the second is full
    log.finish(0.3)
    assert log.wait(0.3) == pytest.approx(0.9)  # the one counted at 0.2 leaves at 1.2


def test_the_longest_wait_of_several_windows_is_the_wait() -> None:
    log = SendLog([(2, 1.0), (3, 60.0)])
    for now in (0.0, 10.0, 20.0):
        log.start()
        log.finish(now)
    assert log.wait(20.5) == pytest.approx(39.5)  # the minute holds three until 60.0
    log.finish(100.0)  # older than the longest window: forgotten
    assert log.sent == [100.0]


@settings(max_examples=200, deadline=None)
@given(
    calls=st.integers(1, 4),
    span=st.sampled_from([0.5, 1.0, 3.0]),
    steps=st.lists(st.tuples(st.floats(0, 0.7), st.booleans()), max_size=60),
)
def test_no_span_of_a_window_ever_meets_more_requests_than_it_allows(
    calls: int, span: float, steps: list[tuple[float, bool]]
) -> None:
    """Each request may be counted by the vendor at any moment of its write: whatever moment
    it picks, no window holds more than `calls`. Checked at each request's start: the ones that
    started before it and could share a window with it (still being written, or written less
    than `span` before) are fewer than `calls`."""
    log = SendLog([(calls, span)])
    now = 0.0
    writing: list[float] = []
    writes: list[tuple[float, float]] = []
    for elapsed, starts in steps:
        now += elapsed
        if starts and log.wait(now) == 0:
            log.start()
            writing.append(now)
        elif writing:
            log.finish(now)
            writes.append((writing.pop(0), now))
    writes += [(started, float("inf")) for started in writing]
    for started, _ in writes:
        sharing = [
            1 for s, f in writes if s <= started and f > started - span and (s, f) != (started, _)
        ]
        assert len(sharing) < calls


async def passes(gate: SendGate, hold: float = 0.0) -> float:
    """One request through the gate's trace hook; returns when it was written."""
    ticket = gate.ticket()
    await ticket(HEADERS, {})
    await asyncio.sleep(hold)
    written = time.monotonic()
    await ticket(WRITTEN, {})
    return written


def test_a_request_waits_for_the_room_the_one_before_it_frees() -> None:
    async def main() -> list[float]:
        gate = SendGate([(1, 0.05)])
        return list(await asyncio.gather(passes(gate, hold=0.02), passes(gate), passes(gate)))

    first, second, third = sorted(asyncio.run(main()))
    assert second - first >= 0.05 - 0.005
    assert third - second >= 0.05 - 0.005


def test_the_wait_at_the_gate_moves_the_calls_deadline() -> None:
    """The deadline, after which a call's outcome is unknown, counts from the send."""

    async def main() -> float:
        gate = SendGate([(1, 0.2)])
        await passes(gate)
        async with asyncio.timeout(5.0) as deadline:
            before = deadline.when() or 0.0
            ticket = gate.ticket(deadline)
            await ticket(HEADERS, {})
            ticket.close()
            return (deadline.when() or 0.0) - before

    assert asyncio.run(main()) >= 0.15


def test_a_request_cut_short_while_written_still_counts_and_frees_its_place() -> None:
    """Cancelled between its headers and the end of its body (Ctrl-C, a deadline): it may have
    reached the vendor, so it counts; and the next request does not wait for it forever."""

    async def main() -> tuple[int, float]:
        gate = SendGate([(1, 0.05), (5, 60.0)])
        ticket = gate.ticket()
        await ticket(HEADERS, {})
        ticket.close()  # what the client does when the exchange ends, however it ends
        ticket.close()  # only once
        began = time.monotonic()
        await passes(gate)
        return len(gate.log.sent), time.monotonic() - began

    counted, waited = asyncio.run(main())
    assert counted == 2
    assert waited >= 0.04


def test_the_gate_keeps_the_limiters_windows_and_spreads_twice_as_loosely() -> None:
    """The same windows (scaled, 5 % and 100 ms longer); a fifth of the shortest per tenth of
    it instead of a tenth: calls held up after their admission catch up with the limiter's
    pace instead of delaying every call after them to the end of the run."""
    limiter = RateLimiter(MOENGAGE_LIMITS, 10)
    assert limiter.gate("search") is limiter.gate("default")
    windows = limiter.gate("default").log.windows  # type: ignore[union-attr]
    assert windows == [(20, 0.11), (100, 1.1), (1000, 63.0), (60000, 3780.0)]
    assert limiter.gate("create").log.windows[0] == (10, 6.3)  # type: ignore[union-attr]
    assert RateLimiter({}).gate("default") is None
