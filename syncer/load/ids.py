"""IDS (pure): where a campaign file pins the remote id of one of its targets.

Takes a campaign file's plain data (as `yaml.read.load` returns it) and a target name; returns
the id it pins there, or the `yaml.edit.Edit` that pins a new one. A one-target file (`target:`,
or neither key: `default_target`) pins a plain string, `id: 66a1...`; a multi-target file
(`targets: [staging, prod]`) pins a mapping keyed by target, `id: {staging: 66a1.., prod: 77b2..}`,
and pinning one target keeps the others' ids as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syncer.load.yaml.edit import Edit


def is_multi_target(data: Mapping[str, Any]) -> bool:
    """True when the file lists its targets (`targets:`): its ids are then keyed by target."""
    return "targets" in data


def pinned_id(data: Mapping[str, Any], target: str) -> str | None:
    """The id the file pins for `target`, or None.

    A plain `id:` belongs to the one target of a one-target file; in a multi-target file only
    the mapping's entry for `target` counts (a plain string there is a validation error, never
    an id of every target).
    """
    value = data.get("id")
    if is_multi_target(data):
        if isinstance(value, Mapping):
            found = value.get(target)
            return found if isinstance(found, str) and found else None
        return None
    return value if isinstance(value, str) and value else None


def id_edit(data: Mapping[str, Any], target: str, campaign_id: str) -> Edit:
    """The edit that pins `campaign_id` for `target` in the file whose plain data is `data`.

    One-target file: `id: <campaign_id>` (set or replaced). Multi-target file: the entry
    `id.<target>` when `id:` is already a mapping (other targets untouched), else the whole
    `id: {<target>: <campaign_id>}`. Apply it with `yaml.edit.apply_edits` (comments and layout
    kept).
    """
    if not is_multi_target(data):
        return Edit(("id",), campaign_id)
    if isinstance(data.get("id"), Mapping):
        return Edit(("id", target), campaign_id)
    return Edit(("id",), {target: campaign_id})
