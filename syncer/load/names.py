"""NAMES (pure): validated definitions -> the problems of two files naming one campaign.

Creations are told apart by name (a lost answer is found again by it, a fresh checkout looks
it up before creating), so two files that declare one campaign name for one target would
describe one campaign twice, or create it twice. Both files are named; the problem sits at
the second file's `campaign:` key.

Assumption (the brief is silent): files that all pin an `id:` describe distinct campaigns
that already exist and create nothing by name, so they may share a name (a workspace that
holds two campaigns of one name can be imported whole).
"""

from __future__ import annotations

from collections.abc import Iterable

from syncer.errors import Problem
from syncer.model.campaign import CampaignDefinition


def duplicate_names(definitions: Iterable[CampaignDefinition]) -> list[Problem]:
    """One problem per file whose campaign name an earlier file already declares for its
    target (unless every file of that name pins an id)."""
    groups: dict[tuple[str, str], list[CampaignDefinition]] = {}
    for definition in definitions:
        if definition.name:
            groups.setdefault((definition.target, definition.name), []).append(definition)
    problems = []
    shared = sorted(item for item in groups.items() if len(item[1]) > 1)  # few, if any
    for (target, name), group in shared:
        if all(d.id for d in group):
            continue
        first, *others = sorted(group, key=lambda d: d.file)
        for other in others:
            problems.append(
                Problem(
                    other.file,
                    other.line,
                    1,
                    f"campaign name {name!r} is also declared by {first.file} for target "
                    f"{target!r}: one name, one file (a second file would create the campaign "
                    "again, or fight over it). Rename one, or delete the copy",
                )
            )
    return problems
