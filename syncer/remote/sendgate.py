"""SEND GATE: an endpoint class's windows counted over when requests really left -> the last
wait before a request's bytes are written.

Takes the windows as (calls, seconds), the same ones the rate limiter keeps (`ratelimit`);
`SendGate.ticket()` returns the httpx `trace` hook of one request. Called by httpcore right
before the request's headers are written (its connection acquired, or opened), the hook waits
until one more request fits every window, counting the requests that finished writing within
it and those being written; when the request's body is written, it is counted at that moment.

Why a second gate: the limiter stamps a call when it lets it go, but the request leaves later
(the connection pool, a new connection's handshake, and a busy event loop: planning runs on it).
Calls let go well spaced could then leave together, and the vendor, counting arrivals, would
still hold calls our window had forgotten: one too many, a 429. The limiter stays the long wait
(before a connection is held); this gate only waits out the difference, usually nothing.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Callable, Sequence
from typing import Any

Windows = Sequence[tuple[int, float]]
"""(calls, seconds): at most that many requests within any such span."""


class SendLog:
    """When the requests of one endpoint class left (pure: the caller says what time it is)."""

    def __init__(self, windows: Windows) -> None:
        self.windows = [(calls, seconds) for calls, seconds in windows if calls > 0]
        self.horizon = max((seconds for _, seconds in self.windows), default=0.0)
        self.sent: list[float] = []
        """When each request finished writing, oldest first (within the longest window)."""
        self.leaving = 0
        """Requests let through that have not finished writing: they count in every window
        (a vendor may count them at any moment until they finish)."""

    def wait(self, now: float) -> float | None:
        """0 when one more request may start writing at `now`; else the seconds until the
        requests already written allow it, or None when only one being written can (once it
        is counted, see `finish`)."""
        longest = 0.0
        for calls, seconds in self.windows:
            room = calls - self.leaving
            if room <= 0:
                return None
            first = bisect.bisect_right(self.sent, now - seconds)
            inside = len(self.sent) - first
            if inside >= room:
                # The oldest `inside - room + 1` must have left the window first.
                longest = max(longest, self.sent[first + inside - room] + seconds - now)
        return longest

    def start(self) -> None:
        self.leaving += 1

    def finish(self, now: float) -> None:
        """A request started with `start` is written (or failed while written: it may have
        reached the vendor, so it counts too)."""
        self.leaving = max(0, self.leaving - 1)
        bisect.insort(self.sent, now)
        stale = bisect.bisect_right(self.sent, now - self.horizon)
        if stale:
            del self.sent[:stale]


class SendGate:
    """A `SendLog` on the event loop: requests wait their turn, and are woken when one is
    counted (it may free the room they wait for) or when their computed wait is over."""

    def __init__(self, windows: Windows, clock: Callable[[], float] = time.monotonic) -> None:
        self.log = SendLog(windows)
        self.clock = clock
        self._changed: asyncio.Future[None] | None = None

    async def enter(self) -> float:
        """Wait until one more request may start writing; returns the seconds waited."""
        began = self.clock()
        while (wait := self.log.wait(self.clock())) != 0:
            if self._changed is None:
                self._changed = asyncio.get_running_loop().create_future()
            await asyncio.wait([self._changed], timeout=wait)
        self.log.start()
        return self.clock() - began

    def leave(self) -> None:
        self.log.finish(self.clock())
        if self._changed is not None:
            self._changed.set_result(None)
            self._changed = None

    def ticket(self, deadline: asyncio.Timeout | None = None) -> Ticket:
        return Ticket(self, deadline)


STARTED = ".send_request_headers.started"
WRITTEN = (
    ".send_request_body.complete",
    ".send_request_body.failed",
    ".send_request_headers.failed",
)
"""The end of a request's write (a failed one may have reached the vendor: it counts too)."""


class Ticket:
    """One request's pass through a `SendGate`, as an httpx `trace` extension (httpcore calls
    it at each step of the exchange, awaiting it: a wait here delays the write).

    `deadline`: the exchange's `asyncio.timeout`, moved by the time waited here, so that the
    deadline (after which a call's outcome is unknown) counts from the send. `close()` counts
    a request that entered but never said it was written (cancelled while written)."""

    def __init__(self, gate: SendGate, deadline: asyncio.Timeout | None) -> None:
        self.gate = gate
        self.deadline = deadline
        self.entered = False

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event.endswith(STARTED) and not self.entered:
            waited = await self.gate.enter()
            self.entered = True
            when = self.deadline.when() if self.deadline is not None else None
            if waited > 0 and self.deadline is not None and when is not None:
                self.deadline.reschedule(when + waited)
        elif event.endswith(WRITTEN):
            self.close()

    def close(self) -> None:
        if self.entered:
            self.entered = False
            self.gate.leave()

    def done(self) -> None:
        """The exchange is over: close, and let go of the deadline. The request keeps its
        ticket, and httpx keeps the request in a reference cycle (a response and its stream)
        until the garbage collector runs; the deadline holds the calling task, and the task
        its result: a listing's parsed pages (500 MB for 10,000 campaigns) stayed with them."""
        self.close()
        self.deadline = None
