"""COMPARE TWO TARGETS: the definitions of both -> read both workspaces -> `Comparison`.

Takes a run, the loaded definitions, two target names and the selection of keys; plans both
targets as `syncer plan` would (nothing is written), and hands each campaign's planned action,
id and remote campaign (in file form) to `plan.compare`. (Offline, the command calls
`plan.compare.compare` on the definitions alone.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from syncer.config.settings import Settings
from syncer.errors import UsageError
from syncer.load.selection import Selection
from syncer.model.campaign import CampaignDefinition
from syncer.model.state import utcnow
from syncer.plan.builder import build_plan
from syncer.plan.compare import Comparison, Side, compare
from syncer.workflows.pipeline import Run, read_target


def check_targets(run_settings: Settings, left: str, right: str) -> None:
    """Two distinct targets of syncer.toml, of the same provider (else no key can be shared)."""
    for name in (left, right):
        if name not in run_settings.targets:
            known = ", ".join(sorted(run_settings.targets))
            raise UsageError(f"unknown target {name!r} (syncer.toml has: {known})")
    if left == right:
        raise UsageError("compare needs two different targets")
    kinds = {run_settings.targets[left].provider, run_settings.targets[right].provider}
    if len(kinds) > 1:
        raise UsageError(
            f"targets {left!r} and {right!r} are workspaces of different vendors "
            f"({', '.join(sorted(kinds))}): no campaign file goes to both"
        )


async def compare_targets(
    run: Run,
    definitions: Sequence[CampaignDefinition],
    left: str,
    right: str,
    selection: Selection,
    *,
    offline: bool = False,
) -> Comparison:
    chosen = [d for d in definitions if d.target in (left, right) and selection.keeps(d.key)]
    if offline:
        return compare(left, right, chosen)
    contexts = await asyncio.gather(*[read_target(run, t, chosen) for t in (left, right)])
    by_name = {ctx.name: ctx for ctx in contexts}
    plan = build_plan(chosen, by_name, now=utcnow(), selected=lambda _key: False)
    sides: dict[tuple[str, str], Side] = {}
    for campaign in plan.campaigns:
        ctx = by_name[campaign.target]
        remote = ctx.snapshot.by_id.get(campaign.id) if campaign.id else None
        body = ctx.provider.to_definition(remote) if remote is not None else None
        sides[(campaign.target, campaign.key)] = Side(
            id=campaign.id, action=campaign.action, remote=body
        )
    return compare(left, right, chosen, sides)
