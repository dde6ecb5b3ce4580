"""Server-side rate limits over rolling windows, as the vendors enforce them.

Takes a scope (vendor, workspace or project, endpoint class), its windows, the limiter clock and
the scale; returns a `Verdict` (allowed or not, plus what the x-ratelimit-* headers report), or
None when limits are off (scale 0). Counted requests are stored as events, so limits hold across
restarts and across the processes sharing a database. Rejected requests are not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from syncer.sandbox.store.events import RateEvents

DAY = 86_400.0


@dataclass(frozen=True)
class Window:
    seconds: float
    limit: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int
    """UTC epoch seconds at which the reported window frees a slot (MoEngage's definition)."""

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
        }


def scaled(limit: int, scale: float) -> int:
    # Never below one request per window: a tiny scale throttles hard but never blocks everything.
    return max(1, math.floor(limit * scale))


def peek(
    rates: RateEvents, scope: str, windows: tuple[Window, ...], now: float, scale: float
) -> Verdict | None:
    """Would one more request of `scope` fit? Counts nothing."""
    if scale <= 0 or not windows:
        return None
    counts = rates.window_counts(scope, [now - w.seconds for w in windows])
    verdicts = []
    for window, (used, oldest) in zip(windows, counts, strict=True):
        limit = scaled(window.limit, scale)
        reset = math.ceil((now if oldest is None else oldest) + window.seconds)
        verdicts.append(Verdict(used < limit, limit, max(0, limit - used), reset))
    blocked = [v for v in verdicts if not v.allowed]
    if blocked:
        # Report the window that stays closed longest: retrying before its reset is pointless.
        return max(blocked, key=lambda v: v.reset)
    return min(verdicts, key=lambda v: (v.remaining, v.reset))


def admit(
    rates: RateEvents, scope: str, windows: tuple[Window, ...], now: float, scale: float
) -> Verdict | None:
    """Check one request of `scope`; when it fits, count it. Returns the verdict after counting."""
    verdict = peek(rates, scope, windows, now, scale)
    if verdict is None or not verdict.allowed:
        return verdict
    record(rates, scope, now)
    return Verdict(True, verdict.limit, verdict.remaining - 1, verdict.reset)


def record(rates: RateEvents, scope: str, now: float) -> None:
    rates.add(scope, now)
    # The longest window is a day; older events can never matter again.
    rates.prune(now - 2 * DAY)
