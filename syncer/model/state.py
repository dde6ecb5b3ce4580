"""State values: per target and campaign key, the remote id and what was last applied.

Pure values (no I/O): the state store in `syncer.state` loads and saves them, the planner and
the providers read them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal, Protocol

from pydantic import Field, ValidationError

from syncer.errors import StateError
from syncer.model.base import FrozenModel

Origin = Literal["created", "adopted", "pinned"]


class HistoryItem(FrozenModel):
    """A campaign this key used to point to (retired by a replace)."""

    id: str
    retired_at: str
    reason: str = ""


class StateEntry(FrozenModel):
    id: str
    origin: Origin = "pinned"
    """created: made by this tool; adopted: imported; pinned: an `id:` in the file."""
    applied_digest: str | None = None
    """Digest of the desired campaign last applied (what Batch cannot show back)."""
    observed: dict[str, Any] | None = None
    """Remote fields seen after the last apply (name, labels, status, start time...)."""
    applied_at: str | None = None
    read_only: str | None = None
    """Set when the vendor refused writes to this campaign: the reason."""
    history: tuple[HistoryItem, ...] = ()


Call = tuple[str, int]
"""A planned call: (campaign key, index in the campaign's requests)."""
KEPT_PLANS = 20


class PlanProgress(FrozenModel):
    """How far the applies of one saved plan got in one target (so a re-run resumes it)."""

    applied: tuple[Call, ...] = ()
    unknown: tuple[Call, ...] = ()
    """Calls sent whose answer was lost: they may or may not have landed."""
    updated_at: str = ""


class TargetState(FrozenModel):
    version: Literal[1] = 1
    target: str
    campaigns: dict[str, StateEntry] = Field(default_factory=dict)
    creations: tuple[str, ...] = ()
    """UTC times of creations in the last 24 hours (vendor daily creation quotas)."""
    workspace_size: int | None = None
    """Campaigns seen when the workspace was last listed (chooses the cheapest way to read)."""
    plans: dict[str, PlanProgress] = Field(default_factory=dict)
    """Per plan digest, the calls of that plan already applied (the last 20 plans)."""

    def with_entry(self, key: str, entry: StateEntry | None) -> TargetState:
        campaigns = dict(self.campaigns)
        if entry is None:
            campaigns.pop(key, None)
        else:
            campaigns[key] = entry
        return self.model_copy(update={"campaigns": campaigns})

    def with_progress(
        self, plan: str, applied: Iterable[Call] = (), unknown: Iterable[Call] = ()
    ) -> TargetState:
        """Add calls of plan `plan` that landed (or whose outcome is unknown)."""
        old = self.plans.get(plan, PlanProgress())
        done = set(old.applied) | set(applied)
        maybe = (set(old.unknown) | set(unknown)) - done
        if done == set(old.applied) and maybe == set(old.unknown) and plan in self.plans:
            return self
        progress = PlanProgress(
            applied=tuple(sorted(done)),
            unknown=tuple(sorted(maybe)),
            updated_at=utcnow().isoformat(),
        )
        recent = sorted(
            ((k, v) for k, v in self.plans.items() if k != plan), key=lambda kv: kv[1].updated_at
        )[-(KEPT_PLANS - 1) :]
        return self.model_copy(update={"plans": {**dict(recent), plan: progress}})

    def creations_in_last_day(self, now: dt.datetime) -> int:
        since = now - dt.timedelta(days=1)
        return sum(1 for t in self.creations if dt.datetime.fromisoformat(t) > since)

    def with_creation(self, now: dt.datetime) -> TargetState:
        since = now - dt.timedelta(days=1)
        recent = [t for t in self.creations if dt.datetime.fromisoformat(t) > since]
        return self.model_copy(update={"creations": (*recent, now.isoformat())})


class StateDraft:
    """A `TargetState` being changed entry by entry (an apply, a journal's replay, an import),
    built once at the end: `with_entry` for each change copies every entry, O(K*N) for K
    changes in a state of N campaigns."""

    def __init__(self, state: TargetState) -> None:
        self.base = state
        self.campaigns = dict(state.campaigns)
        self._created: list[dt.datetime] = []

    def set(self, key: str, entry: StateEntry | None) -> None:
        if entry is None:
            self.campaigns.pop(key, None)
        else:
            self.campaigns[key] = entry

    def created(self, when: dt.datetime) -> None:
        self._created.append(when)

    def build(self) -> TargetState:
        state = self.base.model_copy(update={"campaigns": dict(self.campaigns)})
        for when in self._created:
            state = state.with_creation(when)
        return state


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class StateBackend(Protocol):
    """Storage for state documents and journals, with a per-target lock."""

    description: str

    def load(self, target: str) -> TargetState: ...

    def save(self, state: TargetState) -> None: ...

    def lock(self, target: str, holder: str) -> contextlib.AbstractContextManager[None]: ...

    def unlock(self, target: str) -> bool:
        """Remove a lock left by a dead run; True if one was removed."""
        ...

    def lock_holder(self, target: str) -> str | None:
        """Who holds the lock and since when, if anyone is known to."""
        ...

    def journal_append(self, target: str, record: dict[str, Any]) -> None: ...

    def journal_read(self, target: str) -> list[dict[str, Any]]: ...

    def journal_clear(self, target: str) -> None: ...


def parse_state(raw: bytes, target: str, where: str) -> TargetState:
    if not raw.strip():
        return TargetState(target=target)
    try:
        return TargetState.model_validate_json(raw)
    except ValidationError as exc:
        raise StateError(
            f"{where} is not a valid state file ({exc.error_count()} problems); "
            "restore it from a backup or delete it (the next plan will treat campaigns "
            "without an `id:` as new and look their names up before creating anything)"
        ) from None
