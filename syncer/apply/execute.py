"""APPLY: execute a `Plan` through provider sessions, journal every call, report outcomes.

Campaigns run concurrently (the rate limiter paces them); the calls of one campaign run in
order and stop at the first failure. Every call is journalled before it is sent and after it
answers, and the state store is updated from the same records, so that a crash at any point
leaves a journal the next apply can settle. A stop request (Ctrl-C) lets calls in flight finish
and marks the rest "not attempted".
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from syncer.errors import ApiError, ApiTransportError
from syncer.model.digest import digest
from syncer.model.plan import NEW_ID, CampaignPlan, Plan, PlannedRequest
from syncer.model.report import CallOutcome, Outcome
from syncer.model.state import StateBackend, StateDraft, TargetState, utcnow
from syncer.model.vendor import Session
from syncer.remote.client import NotSent
from syncer.state.journal import Journal, next_entry


@dataclass
class TargetRun:
    """The mutable bookkeeping of applying one target's part of a plan."""

    name: str
    session: Session
    state: StateDraft
    """The target's state as the calls land, built into a `TargetState` once at the end."""
    journal: Journal
    skip: set[tuple[str, int]] = field(default_factory=set)
    """(key, call index) already applied by an interrupted run of this same plan."""
    outcomes: list[CallOutcome] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _substitute(request: PlannedRequest, new_id: str | None) -> PlannedRequest:
    if new_id is None or NEW_ID not in request.path + str(request.body) + (request.if_failed or ""):
        return request
    body = _replace(request.body, new_id)
    return request.model_copy(
        update={
            "path": request.path.replace(NEW_ID, new_id),
            "body": body,
            "if_failed": _replace(request.if_failed, new_id),
        }
    )


def _loud(request: PlannedRequest, message: str, *, unsure: bool = False) -> str:
    """A failure's message, led by what the vendor is left doing, when the plan says
    (`unsure`: the call's outcome is unknown, so it may have landed after all)."""
    if not request.if_failed:
        return message
    lead = f"IF THIS CALL DID NOT LAND: {request.if_failed}" if unsure else request.if_failed
    return f"{lead}. {message}"


def _replace(value: Any, new_id: str) -> Any:
    if isinstance(value, str):
        return value.replace(NEW_ID, new_id)
    if isinstance(value, list):
        return [_replace(v, new_id) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, new_id) for k, v in value.items()}
    return value


def _outcome(
    run: TargetRun,
    campaign: CampaignPlan,
    index: int,
    request: PlannedRequest,
    outcome: Outcome,
    **extra: Any,
) -> CallOutcome:
    if outcome == "not_attempted":
        extra.setdefault("attempts", 0)
    result = CallOutcome(
        key=campaign.key,
        target=run.name,
        index=index,
        method=request.method,
        path=request.path,
        kind=request.kind,
        summary=request.summary,
        outcome=outcome,
        **extra,
    )
    run.outcomes.append(result)
    return result


class _Gate:
    """Opens a call once the rate limiter lets it go: journals it, unless a stop was asked.

    Journalling at this moment, not when the call starts waiting, keeps the journal exact: after
    a crash, only calls that really left are "outcome unknown". Retries of an opened call pass
    (they are the same call, still in flight), unless a stop was asked.
    """

    def __init__(
        self,
        run: TargetRun,
        key: str,
        index: int,
        request: PlannedRequest,
        request_id: str,
        stop: asyncio.Event,
    ) -> None:
        self.run, self.key, self.index = run, key, index
        self.request, self.request_id, self.stop = request, request_id, stop
        self.opened = False

    def __call__(self) -> bool:
        if self.opened:
            # A retry of the call: not started once a stop was asked (its first attempt's
            # outcome stands), so that Ctrl-C never waits on more than the attempt in flight.
            return not self.stop.is_set()
        if self.stop.is_set():
            return False
        self.run.journal.call(self.key, self.index, self.request, self.request_id)
        self.opened = True
        return True


@dataclass
class _CampaignRun:
    """One campaign's calls in progress: the id its creation returned, every id known for it
    (never mistaken for a fresh creation), and whether every call landed so far."""

    run: TargetRun
    campaign: CampaignPlan
    new_id: str | None = None
    known: set[str] = field(default_factory=set)
    complete: bool = True

    def landed(
        self,
        index: int,
        request: PlannedRequest,
        *,
        new_id: str | None = None,
        note: str = "",
        journal: bool = True,
        **extra: Any,
    ) -> None:
        """A call that was applied (`journal`: record it; False for one an earlier run did)."""
        if new_id:
            self.new_id = new_id
            self.known.add(new_id)
        if journal:
            status = extra.get("status")
            self.run.journal.result(self.campaign.key, index, "applied", status, new_id, note)
        extra.setdefault("message", note)
        _outcome(self.run, self.campaign, index, request, "applied", new_id=new_id, **extra)

    def stopped(
        self,
        index: int,
        request: PlannedRequest,
        outcome: Outcome,
        message: str,
        *,
        note: str | None = None,
        rest: str | None = None,
        **extra: Any,
    ) -> None:
        """A call that did not land: journalled if it left (with `note`, else `message`),
        reported, and the campaign's later calls reported `not_attempted` for the reason `rest`
        (they depend on this one)."""
        if outcome != "not_attempted":
            status, journalled = extra.get("status"), message if note is None else note
            self.run.journal.result(self.campaign.key, index, outcome, status, None, journalled)
        _outcome(self.run, self.campaign, index, request, outcome, message=message, **extra)
        self.complete = False
        if rest is not None:
            _skip_rest(self.run, self.campaign, index + 1, rest)


async def _apply_campaign(run: TargetRun, campaign: CampaignPlan, stop: asyncio.Event) -> None:
    """Send one campaign's calls in order, stopping at the first that does not land, then
    record its new state entry."""
    progress = _CampaignRun(run, campaign, known={campaign.id} if campaign.id else set())
    for index, planned in enumerate(campaign.requests):
        request = _substitute(planned, progress.new_id)
        if (campaign.key, index) in run.skip:
            _replayed(progress, index, request)
        elif stop.is_set():
            progress.stopped(index, request, "not_attempted", "interrupted")
        elif NEW_ID in request.path + str(request.body):
            why = "needs the id of a creation that did not complete"
            progress.stopped(index, request, "not_attempted", why)
        elif not await _send(progress, index, request, stop):
            break
    async with run.lock:
        old = run.state.campaigns.get(campaign.key)
        entry = next_entry(campaign, old, progress.new_id, progress.complete)
        if entry != old:
            run.journal.campaign(campaign.key, entry)
            run.state.set(campaign.key, entry)
        if progress.new_id is not None:
            run.state.created(utcnow())


def _replayed(progress: _CampaignRun, index: int, request: PlannedRequest) -> None:
    """A call an earlier run of this same plan applied: reported, not sent again."""
    new_id = None
    if request.kind == "create":
        # The id it made was recorded when that run (or its settling) saw it land.
        entry = progress.run.state.campaigns.get(progress.campaign.key)
        new_id = entry.id if entry is not None else None
    message = "applied by an earlier run of this plan"
    progress.landed(index, request, new_id=new_id, journal=False, message=message, attempts=0)


async def _sent(
    run: TargetRun,
    request: PlannedRequest,
    request_id: str,
    key: str,
    known: set[str],
    gate: _Gate,
) -> Any:
    """`session.send`; a stop that came between retries of a call that had left keeps the
    outcome of its last attempt (unknown, failed), not "not attempted"."""
    try:
        return await run.session.send(request, request_id, key, known, gate)
    except NotSent as exc:
        if exc.after is not None:
            raise exc.after from None
        raise


async def _send(
    progress: _CampaignRun, index: int, request: PlannedRequest, stop: asyncio.Event
) -> bool:
    """Send one call; False when the campaign's remaining calls must not be sent."""
    run, key = progress.run, progress.campaign.key
    request_id = str(uuid.uuid4())
    gate = _Gate(run, key, index, request, request_id, stop)
    try:
        sent = await _sent(run, request, request_id, key, progress.known, gate)
    except NotSent:
        # Stopped while it waited for its turn (Ctrl-C): nothing left the machine.
        progress.stopped(index, request, "not_attempted", "interrupted", rest="interrupted")
        return False
    except ApiTransportError as exc:
        found = await _settle_create(run, request, progress.known)
        if found:
            why = "the answer was lost; the creation was found by name"
            note = "landed (checked by name)"
            progress.landed(
                index, request, new_id=found, note=note, message=why, attempts=exc.attempts
            )
            return True
        rest = "an earlier call of this campaign has an unknown outcome"
        message, note = _loud(request, exc.describe(), unsure=True), exc.describe()
        progress.stopped(
            index, request, "unknown", message, note=note, rest=rest, attempts=exc.attempts
        )
        return False
    except ApiError as exc:
        message, note = _loud(request, exc.describe()), exc.describe()
        progress.stopped(
            index,
            request,
            "failed",
            message,
            note=note,
            rest="an earlier call of this campaign failed",
            status=exc.status,
            attempts=exc.attempts,
        )
        return False
    progress.landed(
        index,
        request,
        new_id=sent.new_id,
        note=sent.note,
        status=sent.status,
        attempts=sent.attempts,
    )
    return True


async def _settle_create(run: TargetRun, request: PlannedRequest, known: set[str]) -> str | None:
    """After a lost answer to a creation: the id of the campaign it made, if it landed."""
    if request.kind != "create":
        return None
    try:
        return await run.session.find_created(request, known)
    except ApiError:
        return None


def _skip_rest(run: TargetRun, campaign: CampaignPlan, start: int, why: str) -> None:
    for index in range(start, len(campaign.requests)):
        _outcome(run, campaign, index, campaign.requests[index], "not_attempted", message=why)


async def apply_target(
    plan: Plan,
    target: str,
    session: Session,
    backend: StateBackend,
    state: TargetState,
    stop: asyncio.Event,
    skip: set[tuple[str, int]] | None = None,
    key: str | None = None,
) -> tuple[TargetState, list[CallOutcome], list[str]]:
    """Apply the campaigns of `plan` that belong to `target`.

    `key`: the plan's digest, when the caller has it (hashing a large plan costs a moment).

    Returns:
        The new state (already saved), every call's outcome, and the orphan keys forgotten.
    """
    journal = Journal(backend, target, key or plan_digest(plan))
    draft = StateDraft(state)
    run = TargetRun(name=target, session=session, state=draft, journal=journal, skip=skip or set())
    campaigns = [c for c in plan.campaigns if c.target == target]
    journal.begin()
    forgotten = []
    for campaign in campaigns:
        # An orphan with calls (--retire-orphans) is forgotten once they all landed, below.
        if campaign.action == "orphan" and not campaign.to_send:
            forgotten.append(campaign.key)
            journal.campaign(campaign.key, None)
            draft.set(campaign.key, None)
    work = [c for c in campaigns if c.to_send]
    await asyncio.gather(*[_apply_campaign(run, c, stop) for c in work])
    forgotten += [c.key for c in work if c.action == "orphan" and c.key not in draft.campaigns]
    final = draft.build()
    backend.save(final)
    if not any(o.outcome == "unknown" for o in run.outcomes):
        # Everything is settled and saved: the journal has served its purpose. With unknown
        # outcomes the run stays open, so the next apply settles them by reading the remote.
        journal.end()
        backend.journal_clear(target)
    order = {c.key: i for i, c in enumerate(campaigns)}
    outcomes = sorted(run.outcomes, key=lambda o: (order.get(o.key, 0), o.index))
    return final, outcomes, forgotten


def plan_digest(plan: Plan) -> str:
    """Binds a journal to the plan it applies: what it does, where (creation time excluded).

    Campaigns apply does not act on (`CampaignPlan.executes`) are left out: they do not change
    what applying does, and hashing 10,000 of them delayed the first write by a quarter of a
    second.
    """
    doing = [c.model_dump(mode="json") for c in plan.campaigns if c.executes]
    targets = {name: identity.model_dump(mode="json") for name, identity in plan.targets.items()}
    return digest({"campaigns": doing, "targets": targets})


def by_target(plan: Plan) -> Mapping[str, list[CampaignPlan]]:
    grouped: dict[str, list[CampaignPlan]] = {}
    for campaign in plan.campaigns:
        grouped.setdefault(campaign.target, []).append(campaign)
    return grouped
