"""PLAN one Batch campaign (pure): definition + remote campaign + state entry -> `CampaignPlan`.

Batch's update replaces the whole campaign, and Batch shows only part of it back: the list shows
name, labels, start time and status, the view shows a push campaign's content, nothing shows an
email's content. So a campaign is written, whole and in one `campaigns/update` call carrying its
lifecycle `state`, when its content differs from what campaign-syncer last applied (a digest in
the state store), when a field Batch shows differs from the file (drift, if the remote moved since
the last apply), or when there is no record of a last apply at all ("remote content unknown").
The comparison is in `compare.py`; the rules are data in `rules.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from syncer.model.plan import CampaignPlan, FieldChange, PlannedRequest
from syncer.model.vendor import PlanItem, RemoteCampaign, read_only_reason
from syncer.plan.rules import apply_locks
from syncer.plan.staleness import SAME_NAME, STATUS, digest_of, relied
from syncer.providers.batch import normalize, rules
from syncer.providers.batch import settings as target_settings
from syncer.providers.batch.compare import CONTENT, Comparison, Desired, as_remote, compare
from syncer.providers.batch.settings import api_path
from syncer.providers.planning import blocked, duplicate, missing, plan_head, unique

VENDOR = "Batch"
UNKNOWN_NOTE = (
    "remote content unknown: Batch cannot show this campaign's content and campaign-syncer has "
    "no record of applying it, so the whole campaign is written once, from the file; anything "
    "set in Batch and absent from the file is replaced"
)
MISSING = (
    "Batch lists every campaign of the project, so it was deleted or the id or target is wrong"
)
INCOMPLETE = (
    "the file declares `targeting` or `messages` as unknown (an imported email campaign, whose "
    "content Batch cannot show): declare the real content, and campaign-syncer can write it"
)


def plan_campaign(item: PlanItem, now: dt.datetime) -> CampaignPlan:
    """Plan one campaign file.

    Args:
        now: the planning time, for `start_time: now` (satisfied by any start not in the future).
    """
    d = item.definition
    want = Desired.of(d)
    head = plan_head(d, want.digest)
    if item.remote is None:
        if item.id_source != "none":
            return missing(item, head, MISSING)
        return _plan_create(item, head, want, now)
    remote = item.remote
    head.update(id=remote.id, remote_state=remote.state)
    record = item.entry if item.entry is not None and item.entry.id == remote.id else None
    found = compare(want, remote, record, now)
    move = rules.transition(d.state, remote.state)
    left = (record.observed or {}).get("status") if record is not None else None
    if move is not None and left and rules.transition(left, remote.state) is not None:
        found.drift.append("state")  # e.g. stopped in Batch's dashboard since the last apply
    state_change = [FieldChange(path="state", before=remote.state, after=d.state)] if move else []
    # A file that declares its content unknown cannot be written: it is read-only until then.
    read_only = (
        read_only_reason(item) or (None if want.complete else INCOMPLETE) or _push_refused(item)
    )
    if read_only:
        return _plan_read_only(item, head, want, found, state_change, read_only, now)
    if move is not None and move.refusal:
        return blocked(
            head,
            [*found.changes, *state_change],
            [f"state: {d.state} cannot be reached from {remote.state}: {move.refusal}"],
        )
    table = rules.locks_for(remote.kind, remote.state)
    existing = _Existing(item, remote, head, want, found, move, state_change, now)
    changes = apply_locks(found.changes, remote.state, table, VENDOR)
    notes = _notes(item, found, writing=bool(changes) or move is not None)
    if any(c.blocked for c in changes):
        return _plan_locked(existing, changes, notes)
    return _plan_write(existing, changes, want.campaign, notes)


@dataclass(frozen=True)
class _Existing:
    """What planning a campaign that exists remotely learnt before deciding how to write it."""

    item: PlanItem
    remote: RemoteCampaign
    head: dict[str, Any]
    want: Desired
    found: Comparison
    move: rules.Transition | None
    state_change: list[FieldChange]
    now: dt.datetime


def _plan_locked(existing: _Existing, changes: list[FieldChange], notes: list[str]) -> CampaignPlan:
    """Some changes are locked in the remote state: replace, block or skip them, as the file's
    `lifecycle.on_locked` says."""
    d, head, move = existing.item.definition, existing.head, existing.move
    locked = [c for c in changes if c.blocked]
    if d.lifecycle.on_locked == "replace":
        return _plan_replace(
            existing.item,
            head,
            existing.want,
            existing.found,
            [*changes, *existing.state_change],
            existing.now,
        )
    if d.lifecycle.on_locked == "fail":
        return blocked(head, [*changes, *existing.state_change], unique(c.blocked for c in locked))
    notes = [n for n in notes if n != UNKNOWN_NOTE]
    notes += [f"skipped (lifecycle.on_locked: skip): {c.path}: {c.blocked}" for c in locked]
    if move is None:
        return CampaignPlan(**head, action="noop", changes=tuple(changes), notes=tuple(notes))
    # Batch has one call for content and state: the state change alone means sending the
    # campaign as it is now, which is possible only if its content is known.
    kept = as_remote(existing.want, existing.remote, existing.found, existing.now)
    if kept is None:
        return blocked(
            head,
            [*changes, *existing.state_change],
            [
                f"lifecycle.on_locked: skip cannot send state: {d.state} alone: Batch "
                "replaces the whole campaign in the same call, and its current content "
                "cannot be read back (it differs from the file, or is unknown). Way out: "
                f"{rules.STOP_FIRST}",
            ],
            notes,
        )
    return _plan_write(existing, changes, kept, notes)


def _plan_write(
    existing: _Existing, changes: list[FieldChange], campaign: dict[str, Any], notes: list[str]
) -> CampaignPlan:
    """The one update that writes `campaign` (whole) and the desired state, if anything
    changes."""
    d, head, remote, move = existing.item.definition, existing.head, existing.remote, existing.move
    all_changes = [*changes, *existing.state_change]
    if not all_changes:
        return CampaignPlan(**head, action="noop", notes=tuple(notes))
    state = d.state or remote.state
    if state not in rules.WRITABLE_STATES:
        return blocked(head, all_changes, [f"status {remote.state} has no Batch write state"])
    assert state is not None
    writes_content = any(not c.blocked for c in changes)
    verb = move.verb if move else None
    summary = (
        f"write the whole campaign {d.name!r}"
        + (" (remote content unknown)" if existing.found.unknown else "")
        + (f" and {verb} it ({remote.state} -> {state})" if verb else "")
        if writes_content
        else f"{verb} campaign {d.name!r} ({remote.state} -> {state}); content sent as it is"
    )
    request = PlannedRequest(
        method="POST",
        path=api_path(existing.item.settings, "update"),
        body={"id": remote.id, "campaign": _body(campaign, state)},
        kind="update" if writes_content else "status",
        summary=summary,
    )
    starts = None
    if move is not None and move.starts_sending:
        starts = _sending(d.name, campaign, f"{verb}: {remote.state} -> {state}", existing.now)
    return CampaignPlan(
        **head,
        action="update" if writes_content else "state_change",
        changes=tuple(all_changes),
        requests=(request,),
        notes=tuple(notes),
        starts_sending=starts,
        observed=_observed(campaign, state, existing.want),
        **digest_of(relied(remote, _relied_keys(remote))),
    )


def _relied_keys(remote: RemoteCampaign) -> list[str]:
    keys = [STATUS, *normalize.LISTED_PATHS]
    if remote.content_readable:
        keys += [k for k in normalize.VIEW_KEYS if k in remote.body]
    return keys


def _body(campaign: dict[str, Any], state: str) -> dict[str, Any]:
    """The complete campaign object Batch receives: the file's block plus its `state`.

    `targeting: {}` is the file's explicit "everyone"; on the wire the block is left out, as
    Batch documents it: "This block is not required, if you omit it, Batch will consider
    sending the campaign to the entire user base" (create page, "Targeting block"). What an
    empty block means is not documented.
    """
    body = {"name": campaign["name"], "state": state}
    body.update(
        (k, v) for k, v in campaign.items() if k != "name" and not (k == "targeting" and v == {})
    )
    return body


def _observed(campaign: dict[str, Any], state: str, want: Desired) -> dict[str, Any]:
    """What Batch will show after the write, and a digest per content field (for later diffs)."""
    return {**normalize.listed(campaign), "status": state, "content": want.leaf_digests()}


def _notes(item: PlanItem, found: Comparison, *, writing: bool) -> list[str]:
    notes = list(found.notes)
    if found.unknown:
        notes.append(UNKNOWN_NOTE)
    if found.drift:
        notes.append(
            "changed outside campaign-syncer since the last apply (drift): "
            f"{', '.join(found.drift)}; this plan writes the file's values back"
        )
    ignored = item.definition.lifecycle.ignore_changes
    if ignored and writing:
        notes.append(
            f"Batch replaces the whole campaign: the ignored fields ({', '.join(ignored)}) are "
            "not compared, but are sent as the file declares them"
        )
    return notes


def _sending(name: str | None, campaign: dict[str, Any], how: str, now: dt.datetime) -> str:
    when = campaign["when"]
    start = when["start_time"]
    at = normalize.instant(start)
    if start == "now":
        return f"this plan starts sending campaign {name!r} ({how}) as soon as it is applied"
    if at is not None and at <= now:
        return (
            f"this plan starts sending campaign {name!r} ({how}) immediately "
            f"(its start time {start} is in the past)"
        )
    local = " (each user's local time)" if when.get("local_time") else ""
    return f"this plan starts sending campaign {name!r} ({how}) from {start}{local}"


def _plan_read_only(
    item: PlanItem,
    head: dict[str, Any],
    want: Desired,
    found: Comparison,
    state_change: list[FieldChange],
    reason: str,
    now: dt.datetime,
) -> CampaignPlan:
    # Content nobody can see is not a difference a read-only campaign can be blamed for.
    known = [c for c in found.changes if c.path != CONTENT] + state_change
    if not known:
        # The builder notes read-only campaigns; only the file's unknown content is ours to say.
        notes = () if want.complete else (f"read-only: {reason}",)
        return CampaignPlan(**head, action="noop", notes=notes)
    d = item.definition
    remote = item.remote
    assert remote is not None
    vendor_only = (
        not d.read_only
        and (item.entry is None or item.entry.read_only is None)
        and remote.read_only is not None
        and rules.read_only(None, remote.kind, str(remote.body.get("source"))) is None
    )
    if remote.state == "COMPLETED" and vendor_only and d.lifecycle.on_locked == "replace":
        return _plan_replace(item, head, want, found, known, now)
    return blocked(
        head,
        known,
        [f"read-only campaign: {reason}; differences are shown, nothing is written"],
    )


def _plan_create(
    item: PlanItem, head: dict[str, Any], want: Desired, now: dt.datetime
) -> CampaignPlan:
    d = item.definition
    taken = duplicate(item, head)
    if taken is not None:
        return taken
    if not want.complete:
        return blocked(head, [], [f"cannot create: {INCOMPLETE}"])
    refused = _push_refused(item)
    if refused:
        return blocked(head, [], [f"cannot create: {refused}"])
    state = d.state or "DRAFT"
    notes = [] if d.state else [_draft_note("created")]
    request = _create(item, want, state, f"create campaign {d.name!r} as {state}")
    changes = [FieldChange(path=k, before=None, after=v) for k, v in want.campaign.items()]
    starts = _sending(d.name, want.campaign, "created RUNNING", now) if state == "RUNNING" else None
    return CampaignPlan(
        **head,
        action="create",
        changes=(*changes, FieldChange(path="state", before=None, after=state)),
        requests=(request,),
        notes=tuple(notes),
        starts_sending=starts,
        observed=_observed(want.campaign, state, want),
        **digest_of(relied(None, [SAME_NAME])),
    )


def _push_refused(item: PlanItem) -> str | None:
    """Why a push message may not be written to this target, if it may not.

    Batch's create page outlines push messages (Channel type, Filter push tokens, iOS / Android
    / Web platforms, ...) but no stored copy of any Batch page names a single push field
    (batch-cep-api-from-docs.md, 3.3 and 10.1): `platform_type`, `title`, `body` and
    `deeplink` come from third-party code. Writing them is an opt-in per target.
    """
    messages = item.definition.campaign.get("messages")
    is_push = isinstance(messages, list) and any(
        isinstance(m, dict) and m.get("channel_type") == "push" for m in messages
    )
    if not is_push or target_settings.of(item.settings).experimental_push:
        return None
    return (
        "push messages are experimental for Batch: no Batch page names a push field, and the "
        "ones campaign-syncer sends (platform_type, title, body, deeplink) come from "
        "third-party code. To write them anyway, set `experimental_push = true` on target "
        f"{item.definition.target!r} in syncer.toml"
    )


def _draft_note(what: str) -> str:
    return (
        f"{what} as DRAFT because the file has no state: (never a default that sends); "
        "it sends nothing until the file says state: RUNNING"
    )


def _create(item: PlanItem, want: Desired, state: str, summary: str) -> PlannedRequest:
    return PlannedRequest(
        method="POST",
        path=api_path(item.settings, "create"),
        body=_body(want.campaign, state),
        kind="create",
        summary=summary,
    )


def _plan_replace(
    item: PlanItem,
    head: dict[str, Any],
    want: Desired,
    found: Comparison,
    changes: list[FieldChange],
    now: dt.datetime,
) -> CampaignPlan:
    """Create a new campaign from the file in place of a completed one (a running one cannot be
    retired through Batch's API: refused)."""
    d = item.definition
    remote = item.remote
    assert remote is not None
    locked = unique(c.blocked for c in changes)
    if not want.complete:
        return blocked(head, changes, [f"cannot replace: {INCOMPLETE}", *locked])
    requests = []
    if remote.state == "RUNNING":
        # Retiring it would take a RUNNING -> STOPPED update, which Batch does not document.
        return blocked(
            head,
            changes,
            [
                "cannot replace a running campaign: retiring it would mean stopping it, and "
                f"{rules.NOT_UPDATABLE}. Way out: {rules.STOP_FIRST}",
                *locked,
            ],
        )
    if remote.state == "COMPLETED":
        risk = (
            "the old campaign has completed, so nothing is stopped and there is no gap; users "
            "it reached may also receive the replacement (a second message)"
        )
    else:
        return blocked(head, changes, [f"cannot replace a {remote.state} campaign", *locked])
    state = d.state or "DRAFT"
    requests.append(_create(item, want, state, f"create the replacement of {d.name!r} as {state}"))
    notes = [f"replace {remote.id}: {risk}"]
    if not d.state:
        notes.append(_draft_note("the replacement is created"))
    starts = _sending(d.name, want.campaign, "replacement, RUNNING", now)
    return CampaignPlan(
        **head,
        action="replace",
        changes=tuple(changes),
        requests=tuple(requests),
        notes=tuple(notes),
        starts_sending=starts if state == "RUNNING" else None,
        observed=_observed(want.campaign, state, want),
        **digest_of(relied(remote, _relied_keys(remote))),
    )
