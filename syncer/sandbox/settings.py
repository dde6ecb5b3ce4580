"""The sandbox's run-time settings as stored in SQLite: the clock and the fault knobs.

Takes the `Database`; returns (or stores) a `ClockState` and a `Faults`. Persisting them means a
test, a benchmark or `curl` can set them in one process and every server on the database obeys.
"""

from __future__ import annotations

from syncer.sandbox.clock import ClockState
from syncer.sandbox.faults import Faults
from syncer.sandbox.store.db import Database

_CLOCK = "clock"
_FAULTS = "faults"


def load_clock(db: Database) -> ClockState:
    stored = db.get_setting(_CLOCK) or {}
    return ClockState(offset=float(stored.get("offset", 0.0)), frozen_at=stored.get("frozen_at"))


def save_clock(db: Database, clock: ClockState) -> None:
    db.set_setting(_CLOCK, {"offset": clock.offset, "frozen_at": clock.frozen_at})


def load_faults(db: Database) -> Faults:
    return Faults.model_validate(db.get_setting(_FAULTS) or {})


def save_faults(db: Database, faults: Faults | None) -> None:
    db.set_setting(_FAULTS, None if faults is None else faults.model_dump(mode="json"))
