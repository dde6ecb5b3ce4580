"""PLAN orphans (pure): state entries whose file is gone, and remote campaigns nobody manages.

An orphan is reported and forgotten on apply; its remote campaign is never touched unless the
user asks for it (`--retire-orphans`), and never when another file now manages it (a moved
file that pins the id). Unmanaged remote campaigns are only ever listed, on request.
"""

from __future__ import annotations

from collections.abc import Mapping

from syncer.model.plan import CampaignPlan
from syncer.model.state import StateEntry
from syncer.model.target import TargetSettings
from syncer.model.vendor import Provider, RemoteCampaign, RemoteSnapshot
from syncer.plan.staleness import STATUS, digest_of, relied

RETIRE_FLAG = "--retire-orphans"
LISTED = 20


def plan_orphan(
    key: str,
    target: str,
    provider: Provider,
    settings: TargetSettings,
    entry: StateEntry,
    remote: RemoteCampaign | None,
    *,
    owner: str | None,
    retire: bool,
    claimed: str | None = None,
) -> CampaignPlan:
    """The plan of one orphaned state entry.

    Args:
        settings: the target's (the provider's retirement calls may depend on them).
        remote: the campaign as read (None: not found remotely).
        owner: the key of a present file that manages the same campaign, if any.
        retire: the user asked to retire orphans (`--retire-orphans`).
        claimed: the key of a present file without an id that carries the campaign's name
            (most likely the same file, moved): then the campaign is never retired.
    """
    head = {
        "key": key,
        "provider": provider.name,
        "target": target,
        "id": entry.id,
        "name": remote.name if remote else None,
        "remote_state": remote.state if remote else None,
        "action": "orphan",
    }
    gone = "the campaign file is gone: apply forgets this state entry"
    if owner is not None:
        note = (
            f"{gone}; the campaign is now managed by {owner} (moved or renamed file), so it "
            "is never retired from here"
        )
        return CampaignPlan(**head, notes=(note,))
    if remote is None:
        return CampaignPlan(**head, notes=(f"{gone}; the campaign is no longer found remotely",))
    if claimed is not None:
        note = (
            f"{gone}; {claimed} carries the same name (moved or renamed?), so the campaign is "
            f"left untouched: pin `id: {entry.id}` there to keep managing it"
        )
        return CampaignPlan(**head, notes=(note,))
    if not retire:
        note = (
            f"{gone}; the remote campaign is left untouched and keeps sending if it is live. "
            "To retire it in a reviewed pull request, keep the file with `state: STOPPED` "
            f"(or PAUSED) instead of deleting it; `syncer apply {RETIRE_FLAG}` retires it from "
            "the command line"
        )
        return CampaignPlan(**head, notes=(note,))
    if remote.read_only:
        note = f"{gone}; not retired: the campaign is read-only ({remote.read_only})"
        return CampaignPlan(**head, notes=(note,))
    requests = tuple(provider.orphan_requests(entry, remote, settings))
    if not requests:
        kind = f", {remote.kind}" if remote.kind else ""
        note = (
            f"{gone}; not retired: the campaign is {remote.state}{kind}, so it no longer "
            "sends or the vendor has no call that retires it"
        )
        return CampaignPlan(**head, notes=(note,))
    note = f"{RETIRE_FLAG}: retired first, then forgotten (forgotten only if every call succeeds)"
    return CampaignPlan(
        **head, requests=requests, notes=(note,), **digest_of(relied(remote, [STATUS]))
    )


def unmanaged_note(target: str, snapshot: RemoteSnapshot, managed: Mapping[str, str]) -> str:
    """One plan note listing the remote campaigns nothing manages (from a full listing)."""
    found = sorted(
        (r for r in snapshot.by_id.values() if r.id not in managed),
        key=lambda r: ((r.name or "").lower(), r.id),
    )
    if not found:
        return f"target {target}: every remote campaign is managed"
    shown = ", ".join(f"{r.name!r} ({r.id}, {r.state})" for r in found[:LISTED])
    more = f" and {len(found) - LISTED} more" if len(found) > LISTED else ""
    return (
        f"target {target}: {len(found)} remote campaign(s) nothing manages, left untouched: "
        f"{shown}{more}. `syncer import --dry-run` lists them all; `syncer import` adopts them"
    )
