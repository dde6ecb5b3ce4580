"""PLAN one MoEngage campaign (pure): definition + remote campaign + state -> `CampaignPlan`.

An update is one PATCH carrying only the changed top-level objects, each complete: the remote
object with the declared fields laid over it. Locked changes follow `lifecycle.on_locked`;
status changes go through `POST /campaigns/status`, after content updates.
"""

from __future__ import annotations

from typing import Any

from syncer.diff import changed_roots, diff_declared
from syncer.overlay import overlay, strip_nulls, without_paths
from syncer.plan.model import NEW_ID, CampaignPlan, FieldChange, PlannedRequest
from syncer.plan.staleness import SAME_NAME, STATUS, digest_of, relied
from syncer.providers.base import PlanItem, RemoteCampaign, read_only_reason
from syncer.providers.moengage import checks, normalize, rules
from syncer.providers.moengage.schema import schema_violations
from syncer.rules import apply_locks

BASE = "/core-services/v1"
VENDOR = "MoEngage"
_PER_CALL = {"request_id": "per-call"}  # schema checks need a request_id; apply adds the real one


def plan_campaign(item: PlanItem) -> CampaignPlan:
    d = item.definition
    head: dict[str, Any] = {
        "key": d.key,
        "provider": d.provider,
        "target": d.target,
        "name": d.name,
        "desired_digest": d.digest,
    }
    if item.remote is None:
        if item.id_source != "none":
            return _missing(item, head)
        return _plan_create(item, head)
    remote = item.remote
    head.update(id=remote.id, remote_state=remote.state)
    declared = without_paths(d.campaign, list(d.lifecycle.ignore_changes))
    changes = diff_declared(normalize.for_diff(declared), normalize.for_diff(remote.body))
    changes = apply_locks(changes, remote.state, rules.locks_for(remote.state), VENDOR)
    status_action, status_refusal = rules.transition(d.state, remote.state, remote.kind)
    read_only = read_only_reason(item)
    if read_only and (changes or status_action):
        return CampaignPlan(
            **head,
            action="blocked",
            changes=tuple(changes),
            reasons=(
                f"read-only campaign: {read_only}; differences are shown, nothing is written",
            ),
        )
    locked = [c for c in changes if c.blocked]
    notes: list[str] = []
    if status_refusal:
        return CampaignPlan(
            **head,
            action="blocked",
            changes=tuple(changes),
            reasons=(
                f"state: {d.state} cannot be reached from {remote.state}: {status_refusal}",
                *_unique(c.blocked for c in locked),
            ),
        )
    if locked:
        if d.lifecycle.on_locked == "replace":
            return _plan_replace(item, remote, head, changes)
        if d.lifecycle.on_locked == "fail":
            return CampaignPlan(
                **head,
                action="blocked",
                changes=tuple(changes),
                reasons=tuple(_unique(c.blocked for c in locked)),
            )
        declared = without_paths(declared, [c.path for c in locked])
        notes.extend(f"skipped (lifecycle.on_locked: skip): {c.path}: {c.blocked}" for c in locked)
    allowed = [c for c in changes if not c.blocked]
    requests: list[PlannedRequest] = []
    roots = changed_roots(allowed)
    relied_keys = [STATUS]
    if roots:
        patch, problems = _patch(item, remote, declared, roots)
        if problems:
            return _invalid(head, changes, problems)
        requests.append(patch)
        relied_keys.extend(roots)
    if status_action:
        requests.append(_status(status_action, remote.id, d.name))
    if not requests:
        return CampaignPlan(**head, action="noop", changes=tuple(changes), notes=tuple(notes))
    starts = None
    if status_action == "RESUME":
        starts = f"this plan starts sending campaign {d.name!r} again (RESUME)"
    return CampaignPlan(
        **head,
        action="update" if roots else "state_change",
        changes=tuple(changes),
        requests=tuple(requests),
        notes=tuple(notes),
        starts_sending=starts,
        **digest_of(relied(remote, relied_keys)),
    )


def _unique(items: Any) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def _missing(item: PlanItem, head: dict[str, Any]) -> CampaignPlan:
    d = item.definition
    campaign_id = d.id or (item.entry.id if item.entry else None)
    where = (
        "pinned by `id:` in the file" if item.id_source == "file" else "recorded in the state store"
    )
    return CampaignPlan(
        **{**head, "id": campaign_id},
        action="blocked",
        reasons=(
            f"campaign {campaign_id} ({where}) was not found in target {d.target!r}: it may "
            "have been deleted or archived. Nothing is created in its place automatically: "
            "check the id and the target, or remove the id (and run `syncer state forget "
            f"{d.key}`) to create a new campaign",
        ),
    )


def _invalid(head: dict[str, Any], changes: list[FieldChange], problems: list[str]) -> CampaignPlan:
    return CampaignPlan(
        **head,
        action="blocked",
        changes=tuple(changes),
        reasons=tuple(f"the request would be invalid: {p}" for p in problems),
    )


def _patch(
    item: PlanItem, remote: RemoteCampaign, declared: dict[str, Any], roots: list[str]
) -> tuple[PlannedRequest, list[str]]:
    body: dict[str, Any] = {"updated_by": item.actor.updated_by}
    for root in roots:
        merged = overlay(remote.body.get(root), declared.get(root))
        body[root] = normalize.for_request(root, merged)
    problems = []
    if not item.actor.updated_by:
        problems.append(
            "updated_by: no author email; set updated_by in syncer.toml "
            "or the SYNCER_UPDATED_BY environment variable"
        )
        body.pop("updated_by")
    problems += schema_violations({**body, **_PER_CALL}, "EmailCampaignUpdateRequest")
    problems += checks.update_problems(body, remote.kind or "")
    request = PlannedRequest(
        method="PATCH",
        path=f"{BASE}/campaigns/{remote.id}",
        body=body,
        kind="update",
        summary=f"update {', '.join(roots)}",
    )
    return request, problems


def _status(action: str, campaign_id: str, name: str | None) -> PlannedRequest:
    return PlannedRequest(
        method="POST",
        path=f"{BASE}/campaigns/status",
        body={"action": action, "campaign_ids": [campaign_id]},
        kind="status",
        summary=f"{action} campaign {name!r}",
    )


def _create_body(item: PlanItem, objects: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    body: dict[str, Any] = {"channel": "EMAIL"}
    for name, value in objects.items():
        if name in normalize.READ_ONLY or value is None:
            continue
        body[name] = normalize.for_request(name, strip_nulls(value))
    body["created_by"] = item.actor.created_by
    problems = []
    if not item.actor.created_by:
        problems.append(
            "created_by: no author email; set created_by or updated_by in "
            "syncer.toml (or SYNCER_UPDATED_BY)"
        )
        body.pop("created_by")
    problems += schema_violations({**body, **_PER_CALL}, "EmailCampaignRequest")
    problems += checks.create_problems(body)
    return body, problems


def _sending_sentence(name: str | None, body: dict[str, Any]) -> str:
    scheduling = body.get("scheduling_details") or {}
    when = scheduling.get("start_time")
    kind = body.get("campaign_delivery_type", "")
    if scheduling.get("delivery_type") == "ASAP" or not when:
        return f"this plan starts sending campaign {name!r} ({kind}) as soon as it is created"
    return f"this plan starts sending campaign {name!r} ({kind}) from {when} UTC"


def _plan_create(item: PlanItem, head: dict[str, Any]) -> CampaignPlan:
    d = item.definition
    if item.same_name:
        ids = ", ".join(c.id for c in item.same_name)
        return CampaignPlan(
            **head,
            action="blocked",
            reasons=(
                f"a campaign named {d.name!r} already exists in target {d.target!r} (id {ids}) "
                "and nothing here manages it; creating another would duplicate it. Adopt it "
                "(`syncer import`) or pin its `id:` in this file",
            ),
        )
    body, problems = _create_body(item, d.campaign)
    if problems:
        return CampaignPlan(
            **head,
            action="blocked",
            reasons=tuple(f"cannot create: {p}" for p in problems),
        )
    requests = [
        PlannedRequest(
            method="POST",
            path=f"{BASE}/campaigns",
            body=body,
            kind="create",
            summary=f"create campaign {d.name!r}",
        )
    ]
    starts: str | None = _sending_sentence(d.name, body)
    if d.state in ("PAUSED", "STOPPED"):
        action = "PAUSE" if d.state == "PAUSED" else "STOP"
        requests.append(_status(action, NEW_ID, d.name))
        starts = None
    changes = tuple(
        FieldChange(path=k, before=None, after=v) for k, v in sorted(d.campaign.items())
    )
    return CampaignPlan(
        **head,
        action="create",
        changes=changes,
        requests=tuple(requests),
        starts_sending=starts,
        **digest_of(relied(None, [SAME_NAME])),
    )


def _plan_replace(
    item: PlanItem, remote: RemoteCampaign, head: dict[str, Any], changes: list[FieldChange]
) -> CampaignPlan:
    d = item.definition
    action, refusal = rules.retirement(remote.state, remote.kind)
    if refusal:
        return CampaignPlan(
            **head,
            action="blocked",
            changes=tuple(changes),
            reasons=(
                f"cannot replace: {refusal}",
                *_unique(c.blocked for c in changes if c.blocked),
            ),
        )
    # The replacement carries everything the old campaign had, with the declared fields over it.
    objects = {k: v for k, v in remote.body.items() if k not in normalize.READ_ONLY}
    declared = without_paths(d.campaign, list(d.lifecycle.ignore_changes))
    merged = overlay(objects, declared)
    merged["campaign_delivery_type"] = d.campaign.get(
        "campaign_delivery_type", remote.kind or merged.get("campaign_delivery_type")
    )
    body, problems = _create_body(item, merged)
    if problems:
        return _invalid(head, changes, problems)
    requests = []
    if action:
        requests.append(_status(action, remote.id, d.name))
    requests.append(
        PlannedRequest(
            method="POST",
            path=f"{BASE}/campaigns",
            body=body,
            kind="create",
            summary=f"create the replacement of {d.name!r}",
        )
    )
    risk = (
        f"the old campaign is retired first ({action}), then the replacement is created: users "
        "may miss messages due in between (seconds); no user gets both"
        if action
        else "the old campaign no longer sends: no gap and no double send"
    )
    return CampaignPlan(
        **head,
        action="replace",
        changes=tuple(changes),
        requests=tuple(requests),
        notes=(f"replace {remote.id}: {risk}",),
        starts_sending=_sending_sentence(d.name, body),
        **digest_of(relied(remote, [STATUS, *sorted(objects)])),
    )
