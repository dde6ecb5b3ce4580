"""COMPARE (pure): two targets' effective definitions and remote campaigns -> their differences.

Takes, per campaign key, each target's definition (a file's effective values for that target)
and, when the workspaces were read, each target's planned action, id and remote campaign in
file form (`Provider.to_definition`); returns a `Comparison`: per key, the fields whose values
differ between the two definitions, and between what the two workspaces hold now. Mappings are
compared key by key; lists and scalars as whole values (as overrides replace them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from syncer.model.base import FrozenModel
from syncer.model.campaign import CampaignDefinition

ABSENT = "(absent)"
"""Shown for a side that does not have the field."""


class Difference(FrozenModel):
    path: str
    left: Any = None
    right: Any = None
    left_absent: bool = False
    right_absent: bool = False


class Side(FrozenModel):
    """What one target has for a key."""

    declared: bool = False
    """A file declares the key for this target."""
    id: str | None = None
    action: str | None = None
    """The plan's action in this target (None: the workspace was not read)."""
    remote: dict[str, Any] | None = None
    """The remote campaign in file form (`campaign`, `state`), when it exists."""


class KeyComparison(FrozenModel):
    key: str
    left: Side
    right: Side
    definitions: tuple[Difference, ...] = ()
    remote: tuple[Difference, ...] | None = None
    """None: not compared (offline, or a side has no remote campaign)."""

    @property
    def differs(self) -> bool:
        one_sided = self.left.declared != self.right.declared
        return one_sided or bool(self.definitions) or bool(self.remote)


class Comparison(FrozenModel):
    left: str
    right: str
    offline: bool
    campaigns: tuple[KeyComparison, ...]

    @property
    def differs(self) -> bool:
        return any(c.differs for c in self.campaigns)


_MISSING = object()


def differences(left: Any, right: Any, prefix: str = "") -> list[Difference]:
    """Leaf paths whose values differ (a mapping on one side only is compared as a value)."""
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        found: list[Difference] = []
        for key in [*left, *(k for k in right if k not in left)]:
            path = f"{prefix}.{key}" if prefix else str(key)
            found += differences(left.get(key, _MISSING), right.get(key, _MISSING), path)
        return found
    if (left is _MISSING and right is _MISSING) or left == right:
        return []
    return [
        Difference(
            path=prefix or "(value)",
            left=None if left is _MISSING else left,
            right=None if right is _MISSING else right,
            left_absent=left is _MISSING,
            right_absent=right is _MISSING,
        )
    ]


def _effective(definition: CampaignDefinition | None) -> Any:
    if definition is None:
        return _MISSING
    value: dict[str, Any] = {"campaign": definition.campaign}
    if definition.state is not None:
        value["state"] = definition.state
    if definition.read_only:
        value["read_only"] = True
    if definition.lifecycle.ignore_changes:
        value["lifecycle.ignore_changes"] = list(definition.lifecycle.ignore_changes)
    if definition.lifecycle.on_locked != "fail":
        value["lifecycle.on_locked"] = definition.lifecycle.on_locked
    return value


def compare(
    left: str,
    right: str,
    definitions: Sequence[CampaignDefinition],
    sides: Mapping[tuple[str, str], Side] | None = None,
) -> Comparison:
    """Compare targets `left` and `right` for every key either declares.

    `sides`: per (target, key), what reading its workspace found (None: offline).
    """
    by_slot = {(d.target, d.key): d for d in definitions if d.target in (left, right)}
    keys = sorted({key for _, key in by_slot})
    if sides is not None:
        keys = sorted(set(keys) | {key for target, key in sides if target in (left, right)})
    found = []
    for key in keys:
        a, b = by_slot.get((left, key)), by_slot.get((right, key))
        read = sides or {}
        one = read.get((left, key), Side()).model_copy(update={"declared": a is not None})
        two = read.get((right, key), Side()).model_copy(update={"declared": b is not None})
        remote = None
        if one.remote is not None and two.remote is not None:
            remote = tuple(differences(one.remote, two.remote))
        found.append(
            KeyComparison(
                key=key,
                left=one,
                right=two,
                definitions=tuple(differences(_effective(a), _effective(b)))
                if a is not None and b is not None
                else (),
                remote=remote,
            )
        )
    return Comparison(left=left, right=right, offline=sides is None, campaigns=tuple(found))
