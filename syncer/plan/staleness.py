"""STALENESS (pure): does a saved plan still match the remote it was made against?

A campaign plan records, for every remote object it relies on (each object it re-sends whole,
the status it transitions from, the absence of a same-named campaign it creates), a digest.
`stale_reasons` recomputes them from a fresh read and says what changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from syncer.digest import digest
from syncer.plan.model import CampaignPlan
from syncer.providers.base import RemoteCampaign
from syncer.render.values import short

STATUS = "status"
SAME_NAME = "same_name"


def value_of(remote: RemoteCampaign | None, key: str, same_name: Iterable[str] = ()) -> Any:
    if key == SAME_NAME:
        return sorted(same_name)
    if remote is None:
        return None
    if key == STATUS:
        return remote.state
    return remote.body.get(key)


def relied(
    remote: RemoteCampaign | None, keys: Iterable[str], same_name: Iterable[str] = ()
) -> dict[str, str]:
    """Digests of the named remote objects (`status`, `same_name`, or a body key)."""
    names = list(same_name)
    return {key: digest(value_of(remote, key, names)) for key in keys}


def digest_of(relied_on: dict[str, str]) -> dict[str, Any]:
    """The `relied_on` and `remote_digest` fields of a campaign plan."""
    return {"relied_on": relied_on, "remote_digest": digest(relied_on)}


def stale_reasons(
    campaign: CampaignPlan, remote: RemoteCampaign | None, same_name: Iterable[str] = ()
) -> list[str]:
    """What changed remotely since `campaign` was planned (empty: still valid)."""
    names = list(same_name)
    reasons = []
    if campaign.relied_on and remote is None and campaign.id is not None:
        return [f"campaign {campaign.id} is no longer found in target {campaign.target!r}"]
    for key, expected in sorted(campaign.relied_on.items()):
        value = value_of(remote, key, names)
        if digest(value) == expected:
            continue
        if key == SAME_NAME:
            reasons.append(
                f"a campaign named {campaign.name!r} now exists remotely "
                f"(id {', '.join(names)}): creating would duplicate it"
            )
        elif key == STATUS:
            reasons.append(f"its status changed remotely (now {value})")
        else:
            reasons.append(f"{key} changed remotely (now {short(value, 160)})")
    return reasons
