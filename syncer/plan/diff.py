"""DIFF (pure): normalised desired vs normalised remote -> field changes.

Only declared fields are compared: the remote is first projected onto the shape of what the
campaign file declares, so remote fields nobody declared never show up as changes. A field
declared as `null` is a change only when the remote has it. The only deepdiff user.
"""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import NotPresent

from syncer.model.digest import canonical
from syncer.model.plan import FieldChange

_MISSING = object()


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
    tree = DeepDiff(current, wanted, view="tree", ignore_order=False, verbose_level=2)
    changes: dict[str, FieldChange] = {}
    for report in tree.values():
        for level in report:
            parts = level.path(output_format="list")
            if parts and isinstance(parts[-1], int):
                # An item of a list changed: show the whole list, which reads far better
                # than "value[2]: None -> 'CH'" (lists are replaced whole anyway).
                parts = parts[:-1]
                path = format_path(parts)
                changes[path] = FieldChange(
                    path=path,
                    before=_at(current, parts),
                    after=_at(wanted, parts),
                )
                continue
            path = format_path(parts)
            before = None if isinstance(level.t1, NotPresent) else level.t1
            after = None if isinstance(level.t2, NotPresent) else level.t2
            changes[path] = FieldChange(path=path, before=before, after=after)
    paths = sorted(changes)
    # A whole list shown as changed already covers any change found inside it.
    kept = [p for p in paths if not any(_inside(p, other) for other in paths if other != p)]
    return [changes[p] for p in kept]


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
