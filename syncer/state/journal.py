"""The apply journal: every call recorded before it is sent and after it answers.

Takes apply events; writes one JSON line each through the state backend (fsync'd). After a
crash, `replay` turns the journal of unfinished runs back into state entries and a list of
calls whose outcome is unknown, which the next apply settles by reading the remote before it
plans: no call that landed is made twice, none that was planned is forgotten.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from syncer.model.plan import CampaignPlan, PlannedRequest
from syncer.model.state import (
    HistoryItem,
    StateBackend,
    StateDraft,
    StateEntry,
    TargetState,
    utcnow,
)


class Journal:
    """Appends the records of one apply run for one target."""

    def __init__(self, backend: StateBackend, target: str, plan_digest: str) -> None:
        self.backend = backend
        self.target = target
        self.run = uuid.uuid4().hex
        self.plan_digest = plan_digest

    def _write(self, kind: str, **fields: Any) -> None:
        record = {"t": kind, "run": self.run, "time": utcnow().isoformat(), **fields}
        self.backend.journal_append(self.target, record)

    def begin(self) -> None:
        self._write("begin", plan=self.plan_digest)

    def call(self, key: str, index: int, request: PlannedRequest, request_id: str) -> None:
        self._write(
            "call",
            key=key,
            index=index,
            request=request.model_dump(mode="json"),
            request_id=request_id,
        )

    def result(
        self,
        key: str,
        index: int,
        outcome: str,
        status: int | None,
        new_id: str | None = None,
        message: str = "",
    ) -> None:
        self._write(
            "result",
            key=key,
            index=index,
            outcome=outcome,
            status=status,
            new_id=new_id,
            message=message,
        )

    def campaign(self, key: str, entry: StateEntry | None) -> None:
        self._write(
            "campaign", key=key, entry=None if entry is None else entry.model_dump(mode="json")
        )

    def end(self) -> None:
        self._write("end")


@dataclass
class Unsettled:
    """A call announced in the journal with no recorded answer."""

    key: str
    request: PlannedRequest
    run: str
    index: int = 0
    """The call's index in the campaign's requests."""
    plan: str = ""
    """Digest of the plan the run applied."""


@dataclass
class Replay:
    state: TargetState
    unsettled: list[Unsettled] = field(default_factory=list)
    applied_plans: dict[str, set[tuple[str, int]]] = field(default_factory=dict)
    """plan digest -> (key, call index) applied by unfinished runs of that plan."""
    runs: int = 0


def replay(records: list[dict[str, Any]], state: TargetState) -> Replay:
    """Fold the records of unfinished runs into `state` (pure).

    Runs that ended cleanly were saved to the state store already and are skipped.
    """
    records = [r for r in records if isinstance(r, dict)]
    ended = {r.get("run") for r in records if r.get("t") == "end"}
    result = Replay(state=state)
    draft = StateDraft(state)
    pending: dict[tuple[str, str, int], dict[str, Any]] = {}
    plan_of: dict[str, str] = {}
    for record in records:
        try:
            _fold(record, ended, result, draft, pending, plan_of)
        except (KeyError, TypeError, ValueError, ValidationError):
            # A record this version cannot read (a damaged or foreign journal line): its call,
            # if any, stays unsettled, and is checked by reading the remote like the others.
            continue
    result.state = draft.build()
    for (run, key, index), call in sorted(pending.items(), key=lambda kv: kv[0]):
        try:
            request = PlannedRequest.model_validate(call["request"])
        except (KeyError, ValidationError):
            continue
        result.unsettled.append(
            Unsettled(key=key, request=request, run=run, index=index, plan=plan_of.get(run, ""))
        )
    return result


def _fold(
    record: dict[str, Any],
    ended: set[Any],
    result: Replay,
    draft: StateDraft,
    pending: dict[tuple[str, str, int], dict[str, Any]],
    plan_of: dict[str, str],
) -> None:
    """Fold one journal record into the replay (raises on a malformed record)."""
    run = record.get("run")
    if not isinstance(run, str) or run in ended:
        return
    kind = record.get("t")
    if kind == "begin":
        result.runs += 1
        plan_of[run] = str(record.get("plan", ""))
    elif kind == "call":
        pending[(run, str(record["key"]), int(record["index"]))] = record
    elif kind == "result":
        if record.get("outcome") == "unknown":
            return  # still unsettled: the next apply reads the remote to decide
        call = pending.pop((run, str(record["key"]), int(record["index"])), None)
        if record.get("outcome") == "applied":
            applied = result.applied_plans.setdefault(plan_of.get(run, ""), set())
            applied.add((str(record["key"]), int(record["index"])))
            if call and record.get("new_id") and call["request"].get("kind") == "create":
                _created(draft, str(record["key"]), str(record["new_id"]))
    elif kind == "campaign":
        entry = record.get("entry")
        draft.set(str(record["key"]), None if entry is None else StateEntry.model_validate(entry))


def _created(draft: StateDraft, key: str, new_id: str) -> None:
    old = draft.campaigns.get(key)
    if old is not None and old.id == new_id:
        return
    history = old.history if old else ()
    entry = StateEntry(
        id=new_id, origin="created", applied_at=utcnow().isoformat(), history=history
    )
    draft.set(key, entry)
    draft.created(utcnow())


def created_entry(state: TargetState, key: str, new_id: str) -> TargetState:
    """Record a creation found while settling an unknown outcome."""
    draft = StateDraft(state)
    _created(draft, key, new_id)
    return draft.build()


def next_entry(
    campaign: CampaignPlan, old: StateEntry | None, new_id: str | None, complete: bool
) -> StateEntry | None:
    """The state entry after applying `campaign` (pure).

    Args:
        new_id: the id a create in this campaign's calls returned, if any.
        complete: whether every planned call was applied.
    """
    now = utcnow().isoformat()
    if campaign.action == "orphan":
        # Retired (every call applied) or nothing to retire: forgotten. Otherwise the entry
        # stays, so that the next apply can try again.
        return None if complete else old
    if new_id is not None:
        history = old.history if old else ()
        if campaign.action == "replace" and campaign.id:
            history = (*history, HistoryItem(id=campaign.id, retired_at=now, reason="replaced"))
        return StateEntry(
            id=new_id,
            origin="created",
            applied_digest=campaign.desired_digest if complete else None,
            observed=campaign.observed if complete else None,
            applied_at=now,
            history=history,
        )
    if campaign.id is None:
        return old
    base = old if old is not None and old.id == campaign.id else StateEntry(id=campaign.id)
    if not complete:
        return base
    return base.model_copy(
        update={
            "applied_digest": campaign.desired_digest,
            "observed": campaign.observed,
            "applied_at": now,
        }
    )
