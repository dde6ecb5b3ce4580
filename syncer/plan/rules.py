"""RULES (pure): which field changes a vendor forbids in a campaign's current state.

Each provider declares its rules as data (`LockTable`: remote state -> locked paths). This
module decides, for one field change, whether a lock applies, and words the refusal so that a
reader knows the field, the state, the rule and the way out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from syncer.model.overlay import get_path, split_path

if TYPE_CHECKING:
    # Named in annotations only: the providers' lock tables, which `validate` loads for their
    # state names, then load no plan model.
    from syncer.model.plan import FieldChange

EVERYTHING = "*"


@dataclass(frozen=True)
class Lock:
    """A path that cannot change in some state, with the way out for the user."""

    path: str
    way_out: str
    why: str = ""
    """Optional source or assumption behind the rule (shown after the rule)."""


LockTable = Mapping[str, tuple[Lock, ...]]


def _touches(lock_path: str, change: FieldChange) -> bool:
    if lock_path == EVERYTHING or change.path == lock_path:
        return True
    if change.path.startswith((lock_path + ".", lock_path + "[")):
        return True
    if lock_path.startswith((change.path + ".", change.path + "[")):
        # The change replaces an ancestor of the locked field: locked only if the field's
        # own value differs inside the new ancestor.
        rest = split_path(lock_path[len(change.path) :].lstrip("."))
        before = get_path(change.before, rest)
        after = get_path(change.after, rest)
        return before != after
    return False


def lock_reason(
    change: FieldChange, state: str | None, table: LockTable, vendor: str
) -> str | None:
    """The refusal text if `table` locks this change in `state`, else None."""
    if state is None:
        return None
    for lock in table.get(state.upper(), ()):
        if _touches(lock.path, change):
            what = "any field" if lock.path == EVERYTHING else lock.path
            text = f"{state.upper()} {vendor} campaigns cannot change {what}"
            if lock.why:
                text += f" ({lock.why})"
            return f"{text}. Way out: {lock.way_out}"
    return None


def apply_locks(
    changes: list[FieldChange], state: str | None, table: LockTable, vendor: str
) -> list[FieldChange]:
    """The same changes, each marked with its refusal when a lock applies."""
    return [
        change.model_copy(update={"blocked": lock_reason(change, state, table, vendor)})
        for change in changes
    ]
