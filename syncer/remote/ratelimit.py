"""RATE LIMIT: a vendor's documented windows per endpoint class -> a wait before each call.

Takes windows as (calls, seconds) per endpoint class (several at once: per second, minute,
hour, day), a scale, and the call log this account's runs share (`syncer.call_history`, under
`.syncer/ratelimit/`); `RateLimiter.acquire` returns once a call may leave. Built on
pyrate-limiter's sliding-window log, with a margin and calls spread evenly (see `MARGIN`).
`RateLimiter.gate` holds the same windows counted over when requests really left
(`syncer.remote.sendgate`), for the last wait right before a request is written.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from pyrate_limiter import (
    BucketAsyncWrapper,
    Duration,
    InMemoryBucket,
    Limiter,
    Rate,
    RateItem,
)

from syncer.remote.call_history import CallHistory
from syncer.remote.sendgate import SendGate

log = logging.getLogger("syncer.ratelimit")
notice = logging.getLogger("syncer.notice")
"""What a person running the command should know as it happens (the CLI shows it)."""
NOTICE_AFTER = 2.0
"""Seconds of waiting for a rate limit before saying so."""

# Windows are (calls, seconds); several apply at once (per second, minute, hour, day).
Windows = Sequence[tuple[int, float]]


MARGIN = 0.05
"""Windows are kept 5 % longer than documented, and calls evenly spaced within the shortest:
a window filled in one burst lets the next burst collide at the vendor with the tail of the
first (arrival times jitter), and each 429 costs a call and a wait of up to a second."""
JITTER = 0.1
"""And at least 100 ms longer: 5 % of a one-second window (50 ms) was less than the jitter of
arrival times measured on a busy machine (31 calls in a second of a 30-a-second window)."""
SPREAD = 10


def _window(seconds: float) -> int:
    """A vendor window as the limiter keeps it, in milliseconds."""
    return int(max(seconds * (1 + MARGIN), seconds + JITTER) * Duration.SECOND)


CATCH_UP = 2
"""The last gate, at the send, spreads calls twice as loosely (see `RateLimiter.gate`)."""


def _rates(windows: Windows, scale: float, pace: int = 1) -> list[Rate]:
    """The windows as kept: scaled, with the margin, the shortest spread over tenths of it
    (`pace` times its share per tenth)."""
    rates = [Rate(max(1, int(calls * scale)), _window(seconds)) for calls, seconds in windows]
    if rates:
        # Spread the shortest window's calls over tenths of it (rounded up, so that the spread
        # never lowers the window's own rate).
        shortest = min(rates, key=lambda rate: rate.interval)
        if shortest.limit > 1:
            share = -(-shortest.limit * pace // SPREAD)
            rates.append(Rate(share, shortest.interval // SPREAD))
    return _consistent(rates)


def _consistent(rates: list[Rate]) -> list[Rate]:
    """The same limits as pyrate-limiter accepts them: intervals and limits strictly
    increasing, density never increasing. A window another one implies is dropped; a longer
    window denser than a shorter one is lowered to its density (stricter, never looser).
    Scaled or rounded figures (a scale of 0.01, or 3) would otherwise make the list invalid."""
    result: list[Rate] = []
    for rate in sorted(rates, key=lambda r: (r.interval, r.limit)):
        if result and rate.interval == result[-1].interval:
            continue  # the smaller limit of the two, sorted first, is kept
        if result:
            prev = result[-1]
            cap = prev.limit * rate.interval // prev.interval
            rate = Rate(min(rate.limit, max(cap, prev.limit)), rate.interval)
        while result and result[-1].limit >= rate.limit:
            result.pop()  # the longer window allows no more calls: the shorter adds nothing
        result.append(rate)
    return result


class RateLimiter:
    """The vendor's documented windows per endpoint class, enforced before each call (with
    a margin, and calls spread evenly: see `MARGIN`), counting the calls earlier runs made to
    the same account (`history`, see `syncer.call_history`).

    pyrate-limiter's async buckets run a leak task on the event loop, so they are built on
    first use (inside the loop) and closed with the client.
    """

    def __init__(
        self,
        classes: Mapping[str, Windows],
        scale: float = 1.0,
        history: Path | None = None,
        label: str = "the vendor",
    ) -> None:
        """`history`: the call log this account's runs share (see `syncer.call_history`);
        `label`: who the waits are for, in the notice of a long wait."""
        self.label = label
        self._told: set[str] = set()
        self._rates: dict[str, list[Rate]] = {
            name: _rates(windows, scale) for name, windows in classes.items()
        }
        self._limiters: dict[str, Limiter] = {}
        self._gates: dict[str, SendGate] = {}
        # The gate at the send keeps the same windows, but spreads twice as loosely: calls
        # held up after their admission catch up with the limiter's pace (at the limiter's
        # own, every hold-up would delay all the calls after it, to the end of the run), in
        # bursts of at most a fifth of the shortest window.
        self._sent_windows = {
            name: [(rate.limit, rate.interval / 1000) for rate in _rates(w, scale, CATCH_UP)]
            for name, w in classes.items()
        }
        self.history: CallHistory | None = None
        if history is not None:
            horizons = {
                name: max(r.interval for r in rates) / 1000
                for name, rates in self._rates.items()
                if rates
            }
            self.history = CallHistory(history, horizons)
        self._past: dict[str, list[float]] | None = None

    def classes(self) -> int:
        """How many endpoint classes are limited separately."""
        return max(1, len(self._rates))

    def burst(self) -> int:
        """The most calls any endpoint class may have started within its shortest window."""
        return max(
            (max(rate.limit for rate in rates[:2]) for rates in self._rates.values() if rates),
            default=0,
        )

    def _class(self, endpoint: str) -> str | None:
        """The endpoint class whose windows a call counts in (None: not limited)."""
        name = endpoint if endpoint in self._rates else "default"
        return name if name in self._rates else None

    def gate(self, endpoint: str) -> SendGate | None:
        """The same windows counted over when this class's requests really left (see
        `syncer.remote.sendgate`): the last wait, right before a request is written."""
        name = self._class(endpoint)
        if name is None:
            return None
        gate = self._gates.get(name)
        if gate is None:
            gate = self._gates[name] = SendGate(self._sent_windows[name])
        return gate

    async def acquire(self, endpoint: str) -> None:
        name = self._class(endpoint)
        if name is None:
            return
        limiter = self._limiters.get(name)
        if limiter is None:
            memory = InMemoryBucket(self._rates[name])
            self._replay(name, memory)
            # No extra wait after each delay: MARGIN already keeps the calls clear of the edges.
            limiter = Limiter(BucketAsyncWrapper(memory), buffer_ms=0)
            self._limiters[name] = limiter
        # A wait of more than a moment is said once per class, not silently sat through.
        later = asyncio.get_running_loop().call_later(NOTICE_AFTER, self._waiting, name)
        try:
            await limiter.try_acquire_async(name, blocking=True)
        finally:
            later.cancel()
        if self.history is not None:
            self.history.record(name)

    def _waiting(self, name: str) -> None:
        if name in self._told:
            return
        self._told.add(name)
        windows = ", ".join(
            f"{rate.limit} per {rate.interval / 1000:g} s" for rate in self._rates[name]
        )
        notice.warning(
            "waiting for %s's rate limit (%s calls: %s)", self.label, name, windows or "limited"
        )

    def _replay(self, name: str, bucket: InMemoryBucket) -> None:
        """Start from the calls earlier runs made that still count in this class's windows."""
        if self.history is None:
            return
        if self._past is None:
            self._past = self.history.recent()
        # In-memory buckets stamp calls with monotonic milliseconds (pyrate-limiter's clock).
        wall, monotonic = time.time(), time.monotonic_ns() // 1_000_000
        # Appended as they happened, not `put`: they were made (by other runs, perhaps at once),
        # so they count even where this run's spreading would not have let them through.
        past = self._past.get(name, [])
        ago = (max(0, int((wall - when) * 1000)) for when in past)  # clocks may disagree
        bucket.items.extend(RateItem(name, monotonic - ms) for ms in ago)
        if past:
            log.debug("%s: %d call(s) of earlier runs still count", name, len(past))

    def close(self) -> None:
        for limiter in self._limiters.values():
            limiter.close()
        self._limiters.clear()
