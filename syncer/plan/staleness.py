"""STALENESS (pure): does a saved plan still match the remote it was made against?

A campaign plan records, for every remote object it relies on (each object it re-sends whole,
the status it transitions from, the absence of a same-named campaign it creates), a digest, and
one per leaf field of those objects (dotted keys), so that a refusal can say which field
changed. `check` recomputes them from a fresh read, taking into account the calls an earlier,
interrupted run of the same plan already made.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from syncer.model.digest import digest
from syncer.model.display import short
from syncer.model.plan import CampaignPlan, PlannedRequest
from syncer.model.vendor import RemoteCampaign

STATUS = "status"
SAME_NAME = "same_name"
_LEAF_DIGEST = 16  # hex characters: enough to tell two values apart, small in a plan file


def value_of(remote: RemoteCampaign | None, key: str, same_name: Iterable[str] = ()) -> Any:
    if key == SAME_NAME:
        return sorted(same_name)
    if remote is None:
        return None
    if key == STATUS:
        return remote.state
    if "." in key:
        return _at(remote.body, key.split("."))
    return remote.body.get(key)


def _at(value: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def leaves(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every leaf under a mapping; lists count as one leaf."""
    if isinstance(value, dict) and value:
        for key in sorted(value):
            yield from leaves(value[key], f"{prefix}.{key}")
    else:
        yield prefix, value


def _leaf_digest(value: Any) -> str:
    return digest(value).removeprefix("sha256:")[:_LEAF_DIGEST]


def relied(
    remote: RemoteCampaign | None, keys: Iterable[str], same_name: Iterable[str] = ()
) -> dict[str, str]:
    """Digests of the named remote objects (`status`, `same_name`, or a body key), plus one
    short digest per leaf of each body object (keyed by its dotted path; `digest_of` puts
    those in `relied_fields`)."""
    names = list(same_name)
    result: dict[str, str] = {}
    for key in keys:
        value = value_of(remote, key, names)
        result[key] = digest(value)
        if key not in (STATUS, SAME_NAME) and isinstance(value, dict):
            for path, leaf in leaves(value, key):
                result[path] = _leaf_digest(leaf)
    return result


def digest_of(relied_on: dict[str, str]) -> dict[str, Any]:
    """The `relied_on`, `relied_fields` and `remote_digest` fields of a campaign plan."""
    roots = {k: v for k, v in relied_on.items() if "." not in k}
    fields = {k: v for k, v in relied_on.items() if "." in k}
    return {"relied_on": roots, "relied_fields": fields, "remote_digest": digest(roots)}


def affected(request: PlannedRequest) -> set[str]:
    """The relied-on keys a call changes once it has landed."""
    if request.kind == "create":
        return {SAME_NAME}
    if request.kind == "status":
        return {STATUS}
    return set(request.body or {})


@dataclass
class Verdict:
    """What a fresh read says about one campaign of a saved plan."""

    reasons: list[str] = field(default_factory=list)
    """Why the plan no longer holds for this campaign (empty: it still holds)."""
    landed: set[int] = field(default_factory=set)
    """Calls with a lost answer that the read shows landed (not to be sent again)."""


def check(
    campaign: CampaignPlan,
    remote: RemoteCampaign | None,
    same_name: Iterable[str] = (),
    *,
    done: Collection[int] = (),
    unknown: Collection[int] = (),
) -> Verdict:
    """Compare one campaign of a saved plan with a fresh read of its remote campaign.

    Args:
        done: indexes of its calls that an earlier run of this plan applied: what they change
            is ours, not a remote edit.
        unknown: indexes of its calls whose answer was lost in an earlier run.
    """
    verdict = Verdict()
    left = [i for i in range(len(campaign.requests)) if i not in done]
    if not left:
        return verdict  # nothing of this campaign remains to send
    names = list(same_name)
    if campaign.relied_on and remote is None and campaign.id is not None:
        verdict.reasons.append(
            f"campaign {campaign.id} is no longer found in target {campaign.target!r}"
        )
        return verdict
    ours: set[str] = set()
    for index in done:
        ours |= affected(campaign.requests[index])
    for index in sorted(set(unknown) - set(done)):
        request = campaign.requests[index]
        keys = affected(request) & set(campaign.relied_on)
        if _sent_values_present(request, remote, keys):
            verdict.landed.add(index)
            ours |= keys
        elif any(digest(value_of(remote, k, names)) != campaign.relied_on[k] for k in keys):
            verdict.reasons.append(
                f"an earlier run of this plan sent `{request.method} {request.path}` and lost "
                f"the answer; {', '.join(sorted(keys))} now differ(s) both from the plan's "
                "snapshot and from what was sent, so it cannot tell whose change it is"
            )
            ours |= keys
    for key in sorted(k for k in campaign.relied_on if k not in ours):
        value = value_of(remote, key, names)
        if digest(value) != campaign.relied_on[key]:
            verdict.reasons.append(_describe(campaign, key, value, remote, names))
    return verdict


def _sent_values_present(
    request: PlannedRequest, remote: RemoteCampaign | None, keys: set[str]
) -> bool:
    if request.kind != "update" or remote is None or not keys:
        return False
    body = request.body or {}
    return all(remote.body.get(k) == body.get(k) for k in keys)


def _describe(
    campaign: CampaignPlan, key: str, value: Any, remote: RemoteCampaign | None, names: list[str]
) -> str:
    if key == SAME_NAME:
        return (
            f"a campaign named {campaign.name!r} now exists remotely "
            f"(id {', '.join(names)}): creating would duplicate it"
        )
    if key == STATUS:
        return f"its status changed remotely (now {value})"
    fields = changed_fields(campaign, key, remote)
    if not fields:
        return f"{key} changed remotely (now {short(value, 160)})"
    shown = "; ".join(fields[:5])
    more = f"; and {len(fields) - 5} more field(s)" if len(fields) > 5 else ""
    return f"{key} changed remotely: {shown}{more}"


def changed_fields(campaign: CampaignPlan, key: str, remote: RemoteCampaign | None) -> list[str]:
    """One sentence per leaf field of `key` that differs from when the plan was made."""
    recorded = {p: d for p, d in campaign.relied_fields.items() if p.startswith(f"{key}.")}
    if not recorded:
        return []
    found = leaves(value_of(remote, key), key) if remote is not None else iter(())
    now = {path: value for path, value in found if path != key}
    planned = {c.path: c for c in campaign.changes}
    sentences = []
    for path in sorted(set(recorded) | set(now)):
        if path in recorded and path in now and _leaf_digest(now[path]) == recorded[path]:
            continue
        current = short(now[path], 80) if path in now else "(absent)"
        change = planned.get(path)
        if change is not None:
            sentences.append(
                f"{path} is now {current} (it was {short(change.before, 80)} when planned; "
                f"the plan sets {short(change.after, 80)})"
            )
        elif path not in recorded:
            sentences.append(f"{path} was added remotely (now {current})")
        else:
            sentences.append(f"{path} is now {current}: the saved plan would overwrite it")
    return sentences
