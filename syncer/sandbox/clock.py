"""The sandbox clock: real UTC time plus an offset, or frozen at an instant; and time formats.

Takes the persisted `ClockState` and the real time; returns sandbox instants as epoch seconds.
Scheduling rules (SCHEDULED -> ACTIVE, Batch `completed`, request_id dedup) read `now()`.
Rate-limit windows read `limiter_now()`: real time plus the offset, which keeps flowing while the
business clock is frozen (otherwise a frozen clock would never let a window roll over) and still
jumps forward when a test advances the clock (so advancing a day clears the daily create cap).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class ClockState:
    offset: float = 0.0
    """Seconds added to real time."""
    frozen_at: float | None = None
    """When set, the business clock stands still at this instant (epoch seconds)."""

    def now(self, real: float | None = None) -> float:
        if self.frozen_at is not None:
            return self.frozen_at
        return (time.time() if real is None else real) + self.offset

    def limiter_now(self, real: float | None = None) -> float:
        return (time.time() if real is None else real) + self.offset

    def frozen(self, at: float, real: float | None = None) -> ClockState:
        real_now = time.time() if real is None else real
        return ClockState(offset=at - real_now, frozen_at=at)

    def advanced(self, seconds: float) -> ClockState:
        frozen_at = None if self.frozen_at is None else self.frozen_at + seconds
        return ClockState(offset=self.offset + seconds, frozen_at=frozen_at)


def parse_instant(text: str) -> float:
    """Parse an ISO 8601 date-time (also `YYYY-MM-DD HH:MM:SS.ffffff`) into epoch seconds.

    A value without an offset is UTC: MoEngage V1 says all request times are UTC, and Batch
    documents UTC datetimes. Raises ValueError for anything else.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def iso_utc(ts: float, *, seconds: bool = False) -> str:
    """`2024-01-24T10:22:00Z`, with microseconds when present unless `seconds` truncates them."""
    moment = datetime.fromtimestamp(ts, UTC)
    text = moment.isoformat(timespec="seconds") if seconds else moment.isoformat()
    return text.replace("+00:00", "Z")


def moengage_timestamp(ts: float) -> str:
    """`2024-07-04 08:00:54.847000`: how MoEngage V1 search renders every timestamp."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
