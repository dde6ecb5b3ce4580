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
from syncer.model.state import StateBackend, TargetState, utcnow
from syncer.model.vendor import Session
from syncer.remote.client import NotSent
from syncer.state.journal import Journal, next_entry


@dataclass
class TargetRun:
    """The mutable bookkeeping of applying one target's part of a plan."""

    name: str
    session: Session
    state: TargetState
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


def _loud(request: PlannedRequest, message: str) -> str:
    """A failure's message, led by what the vendor is left doing, when the plan says."""
    return f"{request.if_failed}. {message}" if request.if_failed else message


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
    (they are the same call, still in flight).
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
            return True
        if self.stop.is_set():
            return False
        self.run.journal.call(self.key, self.index, self.request, self.request_id)
        self.opened = True
        return True


async def _apply_campaign(run: TargetRun, campaign: CampaignPlan, stop: asyncio.Event) -> None:
    new_id: str | None = None
    known = {campaign.id} if campaign.id else set()
    applied_all = True
    for index, planned in enumerate(campaign.requests):
        request = _substitute(planned, new_id)
        if (campaign.key, index) in run.skip:
            if request.kind == "create":
                # The id it made was recorded when that run (or its settling) saw it land.
                entry = run.state.campaigns.get(campaign.key)
                new_id = entry.id if entry is not None else None
                if new_id:
                    known.add(new_id)
            _outcome(
                run,
                campaign,
                index,
                request,
                "applied",
                new_id=new_id if request.kind == "create" else None,
                message="applied by an earlier run of this plan",
                attempts=0,
            )
            continue
        if stop.is_set():
            _outcome(run, campaign, index, request, "not_attempted", message="interrupted")
            applied_all = False
            continue
        if NEW_ID in request.path + str(request.body):
            _outcome(
                run,
                campaign,
                index,
                request,
                "not_attempted",
                message="needs the id of a creation that did not complete",
            )
            applied_all = False
            continue
        request_id = str(uuid.uuid4())
        gate = _Gate(run, campaign.key, index, request, request_id, stop)
        try:
            sent = await run.session.send(request, request_id, campaign.key, known, gate)
        except NotSent:
            # Stopped while it waited for its turn (Ctrl-C): nothing left the machine.
            _outcome(run, campaign, index, request, "not_attempted", message="interrupted")
            _skip_rest(run, campaign, index + 1, "interrupted")
            applied_all = False
            break
        except ApiTransportError as exc:
            found = None
            if request.kind == "create":
                found = await _settle_create(run, request, known)
            if found:
                new_id = found
                known.add(found)
                run.journal.result(
                    campaign.key, index, "applied", None, found, "landed (checked by name)"
                )
                _outcome(
                    run,
                    campaign,
                    index,
                    request,
                    "applied",
                    new_id=found,
                    message="the answer was lost; the creation was found by name",
                    attempts=exc.attempts,
                )
                continue
            run.journal.result(campaign.key, index, "unknown", None, None, exc.describe())
            _outcome(
                run,
                campaign,
                index,
                request,
                "unknown",
                message=_loud(request, exc.describe()),
                attempts=exc.attempts,
            )
            applied_all = False
            _skip_rest(
                run, campaign, index + 1, "an earlier call of this campaign has an unknown outcome"
            )
            break
        except ApiError as exc:
            run.journal.result(campaign.key, index, "failed", exc.status, None, exc.describe())
            _outcome(
                run,
                campaign,
                index,
                request,
                "failed",
                status=exc.status,
                message=_loud(request, exc.describe()),
                attempts=exc.attempts,
            )
            applied_all = False
            _skip_rest(run, campaign, index + 1, "an earlier call of this campaign failed")
            break
        if sent.new_id:
            new_id = sent.new_id
            known.add(sent.new_id)
        run.journal.result(campaign.key, index, "applied", sent.status, sent.new_id, sent.note)
        _outcome(
            run,
            campaign,
            index,
            request,
            "applied",
            status=sent.status,
            new_id=sent.new_id,
            message=sent.note,
            attempts=sent.attempts,
        )
    async with run.lock:
        old = run.state.campaigns.get(campaign.key)
        entry = next_entry(campaign, old, new_id, applied_all)
        if entry != old:
            run.journal.campaign(campaign.key, entry)
            run.state = run.state.with_entry(campaign.key, entry)
        if new_id is not None:
            run.state = run.state.with_creation(utcnow())


async def _settle_create(run: TargetRun, request: PlannedRequest, known: set[str]) -> str | None:
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
    run = TargetRun(name=target, session=session, state=state, journal=journal, skip=skip or set())
    campaigns = [c for c in plan.campaigns if c.target == target]
    journal.begin()
    forgotten = []
    for campaign in campaigns:
        # An orphan with calls (--retire-orphans) is forgotten once they all landed, below.
        if campaign.action == "orphan" and not campaign.to_send:
            forgotten.append(campaign.key)
            journal.campaign(campaign.key, None)
            run.state = run.state.with_entry(campaign.key, None)
    work = [c for c in campaigns if c.to_send]
    await asyncio.gather(*[_apply_campaign(run, c, stop) for c in work])
    forgotten += [c.key for c in work if c.action == "orphan" and c.key not in run.state.campaigns]
    backend.save(run.state)
    if not any(o.outcome == "unknown" for o in run.outcomes):
        # Everything is settled and saved: the journal has served its purpose. With unknown
        # outcomes the run stays open, so the next apply settles them by reading the remote.
        journal.end()
        backend.journal_clear(target)
    order = {c.key: i for i, c in enumerate(campaigns)}
    outcomes = sorted(run.outcomes, key=lambda o: (order.get(o.key, 0), o.index))
    return run.state, outcomes, forgotten


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
