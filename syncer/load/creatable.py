"""CREATABLE (pure): what a file that creates its campaign lacks for the vendor to accept it.

A file without an `id:` creates its campaign. What the vendor requires to create one (MoEngage:
a connector, an audience, a schedule, a subscription category for promotional mail) is known
offline: `incomplete` locates it in the file at load; `creation_problems` turns it into problems
for the files a command would really create (their key has no id in the state store either).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from typing import Any

from syncer.errors import Problem
from syncer.load.yaml import read as yamlio
from syncer.model.campaign import CampaignDefinition, Spot
from syncer.model.vendor import Provider


def incomplete(
    provider: Provider,
    campaign: dict[str, Any],
    tree: Any,
    where: Callable[[tuple[str | int, ...]], tuple[str | int, ...]],
) -> tuple[Spot, ...]:
    """What the vendor requires to create this campaign and the file lacks, located. Known
    offline; whether it matters (the key may already have an id in the state store) is the
    caller's to decide: see `creation_problems`."""
    spots = []
    for loc, message in provider.creation_problems(campaign):
        line, col = yamlio.locate(tree, where(("campaign", *loc)))
        spots.append((line, col, f"campaign.{message}"))
    return tuple(spots)


def creation_problems(
    definitions: Iterable[CampaignDefinition], known: Container[tuple[str, str]]
) -> list[Problem]:
    """The located problems of every file that would create its campaign (no `id:`, and no
    id for its (target, key) in `known`) but lacks what the vendor requires to create one."""
    return [
        Problem(d.file, line, col, f"{message} (no `id:`: apply would create this campaign)")
        for d in definitions
        if d.id is None and (d.target, d.key) not in known
        for line, col, message in d.incomplete
    ]
