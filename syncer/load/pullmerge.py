"""PULL (pure): what to rewrite in a campaign file so that it says what the remote holds.

Takes the file's definition, the planner's field changes for it (each `before` is the remote
value in the normalised form the planner compares), the `state:` that describes the remote
status, and the campaign's current id; returns `yamledit.Edit`s. Only declared fields are
touched (`lifecycle.ignore_changes` paths never appear in the changes), so a pulled file then
plans no change for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from syncer.load.pulltarget import override_edits
from syncer.load.vars import escape
from syncer.load.yaml.edit import Edit
from syncer.model.campaign import CampaignDefinition
from syncer.model.overlay import get_path, split_path
from syncer.model.plan import FieldChange


@dataclass(frozen=True)
class Pulled:
    """The edits for one file, and the changes that could not be mapped onto it."""

    edits: tuple[Edit, ...]
    skipped: tuple[str, ...] = ()


def pull_edits(
    definition: CampaignDefinition,
    changes: Iterable[FieldChange],
    *,
    remote_state: str | None,
    campaign_id: str | None,
    data: Mapping[str, Any] | None = None,
) -> Pulled:
    """The edits that bring remote values into `definition`'s file.

    Args:
        data: the file's plain data as it is now; when it lists `targets:`, every edit goes
            under `overrides.<definition.target>` (`pulltarget`): a pull never changes another
            target's effective values.
        changes: field changes as planned (desired = the file, before = the remote).
        remote_state: the desired state that the remote status satisfies (None: none does,
            and the file's `state:` is kept).
        campaign_id: the id the file's campaign resolves to (a replaced campaign's pin is
            moved to its replacement).
    """
    edits: list[Edit] = []
    skipped: list[str] = []
    if definition.id is not None and campaign_id is not None and campaign_id != definition.id:
        edits.append(Edit(("id",), campaign_id))
    if definition.state is not None and remote_state not in (None, definition.state):
        edits.append(Edit(("state",), remote_state))
    for change in changes:
        try:
            parts = split_path(change.path)
        except ValueError:
            parts = []
        found, _ = get_path(definition.campaign, parts) if parts else (False, None)
        if not found:
            # Not a field of the file: a summary the provider shows (Batch's unreadable
            # content), or a key whose name holds a dot or a bracket.
            skipped.append(change.path)
            continue
        path = ("campaign", *parts)
        if change.before is None:
            # The remote does not have the field: the file stops declaring it.
            edits.append(Edit(path, delete=True))
        else:
            edits.append(Edit(path, change.before))
    if data is not None and "targets" in data:
        edits = override_edits(data, definition.target, edits, definition.campaign)
    # A remote `${` is text: written `$${`, it loads back as the value pulled.
    written = [e if e.delete else Edit(e.path, escape(e.value)) for e in edits]
    return Pulled(tuple(written), tuple(skipped))
