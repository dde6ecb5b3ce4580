"""PULL INTO ONE TARGET (pure): a multi-target file's pull edits -> edits under `overrides.<T>`.

Takes the plain data of a file with `targets:` (as it is on disk now), the target pulled, the
edits that would bring the remote values into a one-target file (`pullmerge`: `("id",)`,
`("state",)`, `("campaign", ...)`), and that target's effective campaign; returns edits that
change the effective values of that target only. The file's shared part is what every target
reads, so a pulled value never goes there: it goes under `overrides.<T>` (the new keys created
as needed, the existing ones edited in place), and the id into `id: {<T>: ...}`. A field the
remote lacks is written `null` in the override (it clears that target's value), or its
override is deleted when only the override declared it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from syncer.load.ids import id_edit
from syncer.load.targets import STRUCTURE
from syncer.load.yaml.edit import Edit

Path = tuple[str | int, ...]


def override_edits(
    data: Mapping[str, Any], target: str, edits: Sequence[Edit], effective: dict[str, Any]
) -> list[Edit]:
    """`edits` of a one-target file, moved under `overrides.<target>` of `data`."""
    result: list[Edit] = []
    wanted: list[tuple[Path, Any, bool]] = []  # (path in the override, value, delete)
    campaign = copy.deepcopy(effective)
    for edit in edits:
        if edit.path == ("id",):
            result.append(id_edit(data, target, edit.value))
            continue
        path = edit.path
        if path[:1] == ("campaign",) and any(isinstance(p, int) for p in path):
            # An item of a list: the override replaces the whole list (lists never merge).
            _set(campaign, path[1:], edit.value, edit.delete)
            head = path[: next(i for i, p in enumerate(path) if isinstance(p, int))]
            wanted.append((head, _get(campaign, head[1:]), False))
        else:
            wanted.append((path, edit.value, edit.delete))
    base = {k: v for k, v in data.items() if k not in STRUCTURE}
    overrides = data.get("overrides")
    over = overrides.get(target) if isinstance(overrides, Mapping) else None
    created: dict[Path, Any] = {}
    for path, value, delete in wanted:
        full = ("overrides", target, *path)
        if delete and _exists(over, path) and not _exists(base, path):
            result.append(Edit(full, delete=True))
            continue
        value = None if delete else value
        depth = _existing_depth(data, full)
        if depth == len(full):
            result.append(Edit(full, value))
        else:
            key = full[: depth + 1]
            nested = _nest(full[depth + 1 :], value)
            created[key] = _merge(created[key], nested) if key in created else nested
    result.extend(Edit(path, value) for path, value in created.items())
    unique: list[Edit] = []
    for edit in result:  # items of one list each give the same whole-list edit
        if edit not in unique:
            unique.append(edit)
    return unique


def _existing_depth(data: Any, path: Path) -> int:
    """How many leading parts of `path` exist in `data` (as mapping keys)."""
    node = data
    for depth, part in enumerate(path):
        if not isinstance(node, Mapping) or part not in node:
            return depth
        node = node[part]
    return len(path)


def _exists(node: Any, path: Path) -> bool:
    for part in path:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not in_list and not (isinstance(node, Mapping) and part in node):
            return False
        node = node[part]
    return True


def _nest(path: Path, value: Any) -> Any:
    for part in reversed(path):
        value = {part: value}
    return value


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: _merge(base[k], v) if k in base else v for k, v in over.items()}}
    return over


def _get(node: Any, path: Path) -> Any:
    for part in path:
        node = node[part]
    return copy.deepcopy(node)


def _set(node: Any, path: Path, value: Any, delete: bool) -> None:
    *head, last = path
    for part in head:
        node = node[part]
    if delete:
        del node[last]
    else:
        node[last] = copy.deepcopy(value)
