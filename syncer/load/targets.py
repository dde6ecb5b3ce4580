"""TARGETS (pure): one campaign file's plain data -> its targets and each one's effective data.

Takes the file's data (`provider:`, `target:` or `targets:`, `id:`, `overrides:`, the rest) and
the settings; returns, per target the file goes to, the pinned id and the effective data: the
file with `overrides.<target>` merged over it and `${var.NAME}` expanded with that target's vars
(`load.vars`). Each problem carries the YAML location it is about (`Loc`), so that the caller
can point at the file line that caused it: a merged value is located where it was written
(under `overrides.<target>` or in the file's own keys).

Merge rules (the brief's): mappings merge key by key; lists and scalars replace; `null`
replaces too. Under `campaign:` a null means what it always means there (the field is cleared
remotely); for the file's own keys (`state`, `read_only`, `lifecycle.*`) it means "as if not
written" (state not managed, the defaults), the only reading those keys have for null.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from syncer.config.settings import Settings
from syncer.load.vars import expand

Loc = tuple[str | int, ...]
Found = list[tuple[Loc, str]]
"""Problems as (location in the file, message)."""

STRUCTURE = ("provider", "target", "targets", "id", "overrides")
"""Keys that say where a file goes, never merged or overridden."""
OVERRIDABLE = ("state", "read_only", "lifecycle", "campaign")


@dataclass(frozen=True)
class TargetView:
    """One (file, target): what loading validates and turns into a definition."""

    target: str
    id: str | None
    data: dict[str, Any]
    """Effective envelope: the overridable keys, merged and expanded."""
    where: Callable[[Loc], Loc]
    """The file location of a path of `data` (where that value was written)."""


def target_names(data: Mapping[str, Any], settings: Settings) -> tuple[list[str], Found]:
    """The targets the file goes to (`targets:`, else `target:`, else `default_target`)."""
    problems: Found = []
    listed = data.get("targets")
    if listed is not None and data.get("target") is not None:
        return [], [(("targets",), "use target: or targets:, not both")]
    if listed is None:
        name = data.get("target") or settings.default_target
        if name is None:
            return [], [
                (("provider",), "no target: set target: here or default_target in syncer.toml")
            ]
        return (
            ([name], []) if _known(name, ("target",), data, settings, problems) else ([], problems)
        )
    if not isinstance(listed, list) or not listed:
        return [], [
            (("targets",), "targets: is a list of targets of syncer.toml, e.g. [staging, prod]")
        ]
    names: list[str] = []
    for index, name in enumerate(listed):
        loc: Loc = ("targets", index)
        if not isinstance(name, str) or not name:
            problems.append((loc, "a target is a name of syncer.toml's [targets]"))
        elif name in names:
            problems.append((loc, f"target {name!r} is listed twice"))
        elif _known(name, loc, data, settings, problems):
            names.append(name)
    return (names, []) if not problems else ([], problems)


def _known(
    name: str, loc: Loc, data: Mapping[str, Any], settings: Settings, problems: Found
) -> bool:
    if name not in settings.targets:
        known = ", ".join(sorted(settings.targets))
        problems.append((loc, f"unknown target {name!r} (syncer.toml has: {known})"))
        return False
    kind = settings.targets[name].provider
    if kind != data.get("provider"):
        problems.append(
            (
                ("provider",) if loc == ("target",) else loc,
                f"target {name!r} is a {kind} workspace, but this file says provider: "
                f"{data.get('provider')}",
            )
        )
        return False
    return True


def pinned_ids(data: Mapping[str, Any], targets: list[str]) -> tuple[dict[str, str], Found]:
    """Each target's pinned id: a string in a one-target file, a mapping with `targets:`."""
    value = data.get("id")
    if value is None:
        return {}, []
    if "targets" not in data:
        if isinstance(value, str) and value:
            return {targets[0]: value}, []
        if isinstance(value, Mapping):
            return {}, [
                (
                    ("id",),
                    "id: is one string in a file with one target; a mapping of "
                    "ids by target is for a file with targets: [..]",
                )
            ]
        return {}, [(("id",), "id: must be a non-empty string")]
    if not isinstance(value, Mapping):
        return {}, [
            (
                ("id",),
                "with targets:, id: is a mapping by target, e.g. "
                f"id: {{{targets[0] if targets else 'prod'}: 66a1f0c2e4b0a1b2c3d4e5f6}}",
            )
        ]
    ids: dict[str, str] = {}
    problems: Found = []
    for name, pinned in value.items():
        if name not in targets:
            problems.append((("id", name), f"id for target {name!r}, which targets: does not list"))
        elif not isinstance(pinned, str) or not pinned:
            problems.append((("id", name), f"id of target {name!r} must be a non-empty string"))
        else:
            ids[name] = pinned
    return ids, problems


def check_overrides(data: Mapping[str, Any], targets: list[str]) -> Found:
    """`overrides:` maps listed targets to mappings of overridable keys."""
    value = data.get("overrides")
    if value is None:
        return []
    if "targets" not in data:
        return [(("overrides",), "overrides: is for a file with targets: [..] (one per target)")]
    if not isinstance(value, Mapping):
        return [
            (
                ("overrides",),
                "overrides: is a mapping by target, e.g. overrides: {prod: {state: PAUSED}}",
            )
        ]
    problems: Found = []
    for name, over in value.items():
        if name not in targets:
            problems.append(
                (("overrides", name), f"override for target {name!r}, which targets: does not list")
            )
        elif not isinstance(over, Mapping):
            problems.append(
                (("overrides", name), f"overrides.{name} is a mapping of keys to override")
            )
        else:
            for key in over:
                if key not in OVERRIDABLE:
                    problems.append(
                        (
                            ("overrides", name, key),
                            f"overrides.{name}.{key}: cannot be overridden"
                            f" (only: {', '.join(OVERRIDABLE)})",
                        )
                    )
    return problems


def merge(base: Any, over: Any) -> Any:
    """`over` merged over `base`: mappings key by key, anything else replaced."""
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    return over


def _from_override(over: Any, path: Loc) -> bool:
    """True when the merged value at `path` was written under the override."""
    node = over
    for part in path:
        if not isinstance(node, Mapping):
            return True  # the override replaced a list or scalar above this path
        if part not in node:
            return False
        node = node[part]
    return True


def view(
    data: Mapping[str, Any], target: str, ids: Mapping[str, str], settings: Settings
) -> tuple[TargetView, Found]:
    """The effective data of `target` (override merged, vars expanded), and its var problems."""
    base = {k: v for k, v in data.items() if k not in STRUCTURE}
    overrides = data.get("overrides")
    over = overrides.get(target) if isinstance(overrides, Mapping) else None
    over = over if isinstance(over, Mapping) else {}

    def where(path: Loc) -> Loc:
        return ("overrides", target, *path) if over and _from_override(over, path) else path

    merged = _drop_envelope_nulls(merge(base, over))
    values = settings.targets[target].vars
    problems: Found = []

    def walk(value: Any, path: Loc) -> Any:
        if isinstance(value, str):
            if path[:1] != ("campaign",) and not (over and _from_override(over, path)):
                return value
            text, found = expand(value, values, target)
            problems.extend((where(path), message) for message in found)
            return text
        if isinstance(value, dict):
            return {k: walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        return value

    effective = {k: walk(v, (k,)) for k, v in merged.items()}
    return TargetView(target, ids.get(target), effective, where), problems


def _drop_envelope_nulls(data: dict[str, Any]) -> dict[str, Any]:
    """A null outside `campaign:` means "as if not written" (see the module docstring)."""
    out = {k: v for k, v in data.items() if v is not None or k == "campaign"}
    lifecycle = out.get("lifecycle")
    if isinstance(lifecycle, dict):
        out["lifecycle"] = {k: v for k, v in lifecycle.items() if v is not None}
    return out
