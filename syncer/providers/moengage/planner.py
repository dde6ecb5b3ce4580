"""PLAN one MoEngage campaign (pure): definition + remote campaign + state -> `CampaignPlan`.

An update is one PATCH carrying only the changed top-level objects, each complete: the remote
object with the declared fields laid over it. Locked changes follow `lifecycle.on_locked`;
status changes go through `POST /campaigns/status`, after content updates.
"""

from __future__ import annotations

from typing import Any

from syncer.model.overlay import overlay, without_paths
from syncer.model.plan import CampaignPlan, FieldChange, PlannedRequest
from syncer.model.vendor import PlanItem, RemoteCampaign, read_only_reason, remote_body
from syncer.plan.diff import changed_roots, diff_declared
from syncer.plan.rules import apply_locks
from syncer.plan.staleness import STATUS, digest_of, relied
from syncer.providers.moengage import checks, normalize, rules
from syncer.providers.moengage.creation import BASE, plan_create, plan_replace, sign, status_call
from syncer.providers.moengage.requirements import PER_CALL
from syncer.providers.moengage.schema import schema_violations
from syncer.providers.planning import blocked, missing, plan_head, unique

VENDOR = "MoEngage"
# Status calls that stop sending go before a content update (if the update then fails, the
# campaign is at least paused); STOP goes after it, because a STOPPED campaign can no longer
# be updated; RESUME goes last, so the campaign restarts with its new content.
_BEFORE_UPDATE = frozenset({"PAUSE"})


def plan_campaign(item: PlanItem) -> CampaignPlan:
    d = item.definition
    head = plan_head(d, d.digest)
    if item.remote is None:
        if item.id_source != "none":
            return missing(item, head, "it may have been deleted or archived")
        return plan_create(item, head)
    remote = item.remote
    # A file may leave the name undeclared (it keeps the remote's): messages use the remote's.
    name = d.name or remote.name
    head.update(id=remote.id, remote_state=remote.state, name=name)
    declared = without_paths(d.campaign, list(d.lifecycle.ignore_changes))
    body = remote_body(item)  # once per plan: each unpack costs as much as the diff
    changes = diff_declared(normalize.for_diff(declared), normalize.for_diff(body))
    changes = apply_locks(changes, remote.state, rules.locks_for(remote.state), VENDOR)
    status_action, status_refusal = rules.transition(d.state, remote.state, remote.kind)
    read_only = read_only_reason(item)
    if read_only and (changes or status_action):
        return blocked(
            head,
            changes,
            [f"read-only campaign: {read_only}; differences are shown, nothing is written"],
        )
    locked = [c for c in changes if c.blocked]
    notes: list[str] = []
    if status_refusal and d.lifecycle.on_locked == "replace" and remote.state in rules.FINISHED:
        # No status call restarts a finished campaign: the way out is a new one.
        return plan_replace(item, remote, head, changes)
    if status_refusal:
        return blocked(
            head,
            changes,
            [
                f"state: {d.state} cannot be reached from {remote.state}: {status_refusal}",
                *unique(c.blocked for c in locked),
            ],
        )
    if locked:
        if d.lifecycle.on_locked == "replace":
            return plan_replace(item, remote, head, changes)
        if d.lifecycle.on_locked == "fail":
            return blocked(head, changes, unique(c.blocked for c in locked))
        declared = without_paths(declared, [c.path for c in locked])
        notes.extend(f"skipped (lifecycle.on_locked: skip): {c.path}: {c.blocked}" for c in locked)
    allowed = [c for c in changes if not c.blocked]
    requests: list[PlannedRequest] = []
    roots = changed_roots(allowed)
    relied_keys = [STATUS]
    if status_action in _BEFORE_UPDATE:
        requests.append(status_call(status_action, remote.id, name))
    if roots:
        patch, problems = _patch(item, remote, body, declared, roots)
        if problems:
            return _invalid(head, changes, problems)
        requests.append(patch)
        relied_keys.extend(roots)
    if status_action and status_action not in _BEFORE_UPDATE:
        requests.append(status_call(status_action, remote.id, name))
        if roots and status_action == "STOP":
            notes.append("the update goes first: a STOPPED campaign can no longer be updated")
    if not requests:
        return CampaignPlan(**head, action="noop", changes=tuple(changes), notes=tuple(notes))
    starts = None
    if status_action == "RESUME":
        starts = f"this plan starts sending campaign {name!r} again (RESUME)"
    return CampaignPlan(
        **head,
        action="update" if roots else "state_change",
        changes=tuple(changes),
        requests=tuple(requests),
        notes=tuple(notes),
        starts_sending=starts,
        **digest_of(relied(remote, relied_keys)),
    )


def _invalid(head: dict[str, Any], changes: list[FieldChange], problems: list[str]) -> CampaignPlan:
    return blocked(head, changes, [f"the request would be invalid: {p}" for p in problems])


def _patch(
    item: PlanItem,
    remote: RemoteCampaign,
    remote_body: dict[str, Any],
    declared: dict[str, Any],
    roots: list[str],
) -> tuple[PlannedRequest, list[str]]:
    body: dict[str, Any] = {}
    problems = sign(
        body,
        "updated_by",
        item.actor.updated_by,
        "set updated_by in syncer.toml or the SYNCER_UPDATED_BY environment variable",
    )
    for root in roots:
        merged = overlay(remote_body.get(root), declared.get(root))
        body[root] = normalize.for_request(root, merged)
    problems += schema_violations({**body, **PER_CALL}, "EmailCampaignUpdateRequest")
    problems += checks.update_problems(body, remote.kind or "")
    request = PlannedRequest(
        method="PATCH",
        path=f"{BASE}/campaigns/{remote.id}",
        body=body,
        kind="update",
        summary=f"update {', '.join(roots)}",
    )
    return request, problems
