"""PLAN a MoEngage creation or replacement (pure): `POST /campaigns`, and what goes with it.

A creation never duplicates (an unmanaged campaign of the same name blocks it), carries
`created_by`, and is followed by the status call that its desired `state:` needs. A
replacement retires the old campaign the way V1 allows for its status and delivery type
(STOP one-time, PAUSE periodic and event-triggered), then creates the new one from the old
campaign's objects with the declared fields laid over them; the plan says whether users may
get a gap or a double send.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from syncer.model.overlay import overlay, strip_nulls, without_paths
from syncer.model.plan import NEW_ID, CampaignPlan, FieldChange, PlannedRequest
from syncer.model.state import utcnow
from syncer.model.vendor import PlanItem, RemoteCampaign
from syncer.plan.staleness import SAME_NAME, STATUS, digest_of, relied
from syncer.providers.moengage import normalize, rules
from syncer.providers.moengage.requirements import body_problems
from syncer.providers.planning import blocked, duplicate, unique

BASE = "/core-services/v1"


def status_call(
    action: str, campaign_id: str, name: str | None, if_failed: str | None = None
) -> PlannedRequest:
    return PlannedRequest(
        method="POST",
        path=f"{BASE}/campaigns/status",
        body={"action": action, "campaign_ids": [campaign_id]},
        kind="status",
        summary=f"{action} campaign {name!r}",
        if_failed=if_failed,
    )


def sign(body: dict[str, Any], field: str, author: str | None, hint: str) -> list[str]:
    """Put the author's email in `field` of the body, or return why it cannot be (the field
    is then left out, and the plan blocked): V1 requires it on every write."""
    if author:
        body[field] = author
        return []
    return [f"{field}: no author email; {hint}"]


def _create_call(body: dict[str, Any], summary: str) -> PlannedRequest:
    return PlannedRequest(
        method="POST", path=f"{BASE}/campaigns", body=body, kind="create", summary=summary
    )


def create_body(item: PlanItem, objects: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The `POST /campaigns` body for these top-level objects, and what is wrong with it."""
    body: dict[str, Any] = {"channel": "EMAIL"}
    for name, value in objects.items():
        if name in normalize.READ_ONLY or value is None:
            continue
        body[name] = normalize.for_request(name, strip_nulls(value))
    problems = sign(
        body,
        "created_by",
        item.actor.created_by,
        "set created_by or updated_by in syncer.toml (or SYNCER_UPDATED_BY)",
    )
    return body, problems + body_problems(body)


def _instant(value: Any) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    # V1 times without an offset are UTC.
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def sending_sentence(
    name: str | None, body: dict[str, Any], what: str = "campaign", now: dt.datetime | None = None
) -> str:
    scheduling = body.get("scheduling_details") or {}
    when = scheduling.get("start_time")
    kind = body.get("campaign_delivery_type", "")
    if scheduling.get("delivery_type") == "ASAP" or not when:
        return f"this plan starts sending {what} {name!r} ({kind}) as soon as it is created"
    at = _instant(when)
    if at is not None and at <= (now or utcnow()):
        # A start time already passed does not wait for anything: V1 sends at once.
        return (
            f"this plan starts sending {what} {name!r} ({kind}) immediately "
            f"(its start time {when} UTC is in the past)"
        )
    return f"this plan starts sending {what} {name!r} ({kind}) from {when} UTC"


def _live_at_creation(body: dict[str, Any]) -> bool:
    scheduling = body.get("scheduling_details") or {}
    return scheduling.get("delivery_type") == "ASAP" or not scheduling.get("start_time")


def after_creation(
    desired: str | None, body: dict[str, Any], name: str | None, what: str = "campaign"
) -> tuple[list[PlannedRequest], str | None, list[str], str | None]:
    """What a new campaign needs to reach its desired state.

    Returns:
        (status calls on the new id, the starts-sending sentence, notes, refusal).
    """
    if desired in (None, "ACTIVE"):
        return [], sending_sentence(name, body, what), [], None
    if desired == "STOPPED":
        return (
            [],
            None,
            [],
            (
                "state: STOPPED asks for a campaign that never sends; MoEngage V1 has no draft "
                "state and a stopped campaign cannot be started again, so nothing is created. "
                "Remove `state:` to create it (or use PAUSED for periodic and event-triggered "
                "campaigns)"
            ),
        )
    # V1 pauses only a running campaign: a new campaign with a start time is SCHEDULED, and
    # pausing it is undocumented (only V5 allows it). Planning that PAUSE would risk a campaign
    # scheduled to send while its file says PAUSED, so only a campaign live at creation is
    # created then paused.
    action, refusal = rules.transition(desired, "ACTIVE", body.get("campaign_delivery_type"))
    if refusal or action is None:
        return [], None, [], f"state: {desired} cannot follow a creation: {refusal}"
    if not _live_at_creation(body):
        return [], None, [], f"state: {desired} cannot follow this creation: {_NOT_LIVE}"
    note = (
        "the new campaign is live from its creation until the PAUSE that follows (seconds): "
        "it may send in between; if MoEngage refuses the PAUSE, the apply fails loudly"
    )
    kind = body.get("campaign_delivery_type", "")
    if_failed = (
        f"{what} {name!r} WAS CREATED (id {NEW_ID}) BUT IS NOT PAUSED: it is live since its "
        f"creation and sends now ({kind}), while the file says PAUSED. Pause it in MoEngage's "
        "dashboard, or run apply again"
    )
    return [status_call(action, NEW_ID, name, if_failed)], None, [note], None


_NOT_LIVE = (
    'MoEngage V1 documents PAUSE for a running campaign only ("Pause a running Periodic or '
    'Event-triggered campaign"), and a campaign with a start time is created SCHEDULED: if V1 '
    "refused the PAUSE, it would stay scheduled to send while the file says PAUSED, so nothing "
    "is created. Way out: remove `state:` (it is created and sends from its start time) and set "
    "state: PAUSED once it is ACTIVE"
)


def plan_create(item: PlanItem, head: dict[str, Any]) -> CampaignPlan:
    d = item.definition
    taken = duplicate(item, head)
    if taken is not None:
        return taken
    body, problems = create_body(item, d.campaign)
    calls, starts, notes, refusal = after_creation(d.state, body, d.name)
    problems += [refusal] if refusal else []
    if problems:
        return blocked(head, [], [f"cannot create: {p}" for p in problems])
    create = _create_call(body, f"create campaign {d.name!r}")
    changes = tuple(
        FieldChange(path=k, before=None, after=v) for k, v in sorted(d.campaign.items())
    )
    return CampaignPlan(
        **head,
        action="create",
        changes=changes,
        requests=(create, *calls),
        notes=tuple(notes),
        starts_sending=starts,
        **digest_of(relied(None, [SAME_NAME])),
    )


def plan_replace(
    item: PlanItem, remote: RemoteCampaign, head: dict[str, Any], changes: list[FieldChange]
) -> CampaignPlan:
    """Retire `remote` and create its replacement from the full definition (or say why not)."""
    d = item.definition
    name = head.get("name") or d.name
    locked = [c.blocked for c in changes if c.blocked]

    def refuse(reason: str) -> CampaignPlan:
        return blocked(head, changes, [f"cannot replace: {reason}", *unique(locked)])

    if item.same_name:
        ids = ", ".join(c.id for c in item.same_name)
        return refuse(
            f"another campaign named {name!r} exists (id {ids}) that nothing here manages. "
            "If an earlier apply created it as this campaign's replacement and its state "
            "entry was lost, pin `id:` to it instead of replacing again; otherwise adopt or "
            "rename it"
        )
    action, refusal = rules.retirement(remote.state, remote.kind)
    if refusal:
        return refuse(refusal)
    # The replacement carries everything the old campaign had, with the declared fields over it.
    objects = {k: v for k, v in remote.body.items() if k not in normalize.READ_ONLY}
    merged = overlay(objects, without_paths(d.campaign, list(d.lifecycle.ignore_changes)))
    merged["campaign_delivery_type"] = d.campaign.get(
        "campaign_delivery_type", remote.kind or merged.get("campaign_delivery_type")
    )
    body, problems = create_body(item, merged)
    calls, starts, notes, state_refusal = after_creation(d.state, body, name, "replacement")
    if problems:
        return blocked(head, changes, [f"the request would be invalid: {p}" for p in problems])
    if state_refusal:
        return refuse(state_refusal)
    retire = [status_call(action, remote.id, name)] if action else []
    create = _create_call(body, f"create the replacement of {name!r}")
    first = f"{action} {remote.id}" if action else f"{remote.id} is {remote.state}: no call"
    notes = [
        f"replace: retire the old campaign first ({first}), then create the replacement from "
        "the full definition; the old id stays in the state store's history, and both keep "
        f"the name {name!r} in the dashboard",
        f"users: {rules.replacement_risk(remote.state, remote.kind)}",
        *notes,
    ]
    if d.id == remote.id:
        notes.append(
            f"the file pins `id: {remote.id}`: the apply pins the replacement's id in its place "
            f"(with pin_ids off, or in a sandbox target, `syncer pull {d.key}` does; until then "
            "the state store maps this file to it)"
        )
    return CampaignPlan(
        **head,
        action="replace",
        changes=tuple(changes),
        requests=(*retire, create, *calls),
        notes=tuple(notes),
        starts_sending=starts,
        **digest_of(relied(remote, [STATUS, *sorted(objects)])),
    )
