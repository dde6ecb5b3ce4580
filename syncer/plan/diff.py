"""DIFF (pure): normalised desired vs normalised remote -> field changes.

Only declared fields are compared: the remote is first projected onto the shape of what the
campaign file declares, so remote fields nobody declared never show up as changes. A field
declared as `null` is a change only when the remote has it.
"""

from __future__ import annotations

from typing import Any

from syncer.model.digest import canonical
from syncer.model.plan import FieldChange

_MISSING = object()
# A mapping sharing fewer than a third of its keys with the other side is shown changed whole
# (DeepDiff's `threshold_to_diff_deeper`, which the plans were shown with before this walk).
_DEEPER = 0.33


def project(remote: Any, desired: Any) -> Any:
    """The part of `remote` that `desired` declares (mappings recursively, the rest whole)."""
    if isinstance(desired, dict) and isinstance(remote, dict):
        projected = {}
        for key, value in desired.items():
            if key in remote:
                projected[key] = project(remote[key], value)
        return projected
    return remote


def _declared(desired: Any, remote: Any) -> Any:
    """`desired` without nulls that ask to clear something the remote does not have anyway."""
    if isinstance(desired, dict):
        remote_map = remote if isinstance(remote, dict) else {}
        result = {}
        for key, value in desired.items():
            if value is None and key not in remote_map:
                continue
            result[key] = _declared(value, remote_map.get(key, _MISSING))
        return result
    return desired


def diff_declared(desired: dict[str, Any], remote: dict[str, Any]) -> list[FieldChange]:
    """Field changes that turn `remote` into `desired`, for declared fields only.

    Args:
        desired: the declared fields (normalised); `None` values mean "clear this field".
        remote: the remote campaign object (normalised).

    Returns:
        Changes sorted by path; `before` is None when the remote lacks the field, `after` is
        None when the field is to be cleared.
    """
    wanted = _declared(desired, remote)
    current = project(remote, wanted)
    if same(wanted, current) or canonical(wanted) == canonical(current):
        return []  # the common case, without building a DeepDiff tree
    changes: dict[str, FieldChange] = {}
    _walk(current, wanted, [], _Roots(current, wanted, changes))
    paths = sorted(changes)
    # A whole list shown as changed already covers any change found inside it.
    kept = [p for p in paths if not any(_inside(p, other) for other in paths if other != p)]
    return [changes[p] for p in kept]


class _Roots:
    """The two whole values being compared, and the changes found in them so far."""

    def __init__(self, current: Any, wanted: Any, changes: dict[str, FieldChange]) -> None:
        self.current = current
        self.wanted = wanted
        self.changes = changes

    def record(self, parts: list[Any], before: Any, after: Any) -> None:
        if parts and isinstance(parts[-1], int):
            # An item of a list changed: show the whole list, which reads far better
            # than "value[2]: None -> 'CH'" (lists are replaced whole anyway).
            parts = parts[:-1]
            before, after = _at(self.current, parts), _at(self.wanted, parts)
        path = format_path(parts)
        self.changes[path] = FieldChange(path=path, before=before, after=after)


def _walk(current: Any, wanted: Any, parts: list[Any], roots: _Roots) -> None:
    """Record where `current` and `wanted` differ: keys added or removed, values of another
    type, unequal scalars, lists of another length (whole). Strings are compared, never
    diffed: how a long text changed is the renderers' business, on the few changes shown."""
    if type(current) is not type(wanted):
        roots.record(parts, current, wanted)
    elif isinstance(wanted, dict):
        union = len(wanted.keys() | current.keys())
        if union > 1 and len(wanted.keys() & current.keys()) / union < _DEEPER:
            roots.record(parts, current, wanted)  # mostly other keys: a new object, whole
            return
        for key, value in wanted.items():
            if key in current:
                _walk(current[key], value, [*parts, key], roots)
            else:
                roots.record([*parts, key], None, value)
        for key, value in current.items():
            if key not in wanted:
                roots.record([*parts, key], value, None)
    elif isinstance(wanted, list):
        if len(current) != len(wanted):
            path = format_path(parts)
            roots.changes[path] = FieldChange(path=path, before=current, after=wanted)
            return
        for index, (was, now) in enumerate(zip(current, wanted, strict=True)):
            _walk(was, now, [*parts, index], roots)
    elif current != wanted:
        roots.record(parts, current, wanted)


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (so `1` is not `1.0` nor `True`).

    Implies equal canonical JSON, at a fraction of its cost (no 20 KB strings encoded twice):
    the fast path for unchanged campaigns. False says nothing: `canonical` then decides.
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(value, b[key]) for key, value in a.items())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float):
        return a == b and repr(a) == repr(b)  # 0.0 == -0.0, but not as JSON
    return bool(a == b)


def _inside(path: str, ancestor: str) -> bool:
    return path.startswith((ancestor + ".", ancestor + "["))


def _at(value: Any, parts: list[Any]) -> Any:
    for part in parts:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def format_path(parts: list[Any]) -> str:
    """['a', 'b', 0, 'c'] -> 'a.b[0].c'."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def changed_roots(changes: list[FieldChange]) -> list[str]:
    """The top-level objects that the changes touch, in first-seen order."""
    roots: list[str] = []
    for change in changes:
        root = change.path.split(".", 1)[0].split("[", 1)[0]
        if root not in roots:
            roots.append(root)
    return roots
