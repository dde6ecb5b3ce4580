"""Laying declared fields over a remote object (pure).

The vendor replaces a top-level object whole, so the tool sends the remote object with the
declared fields laid over it: undeclared fields keep their remote values; a field declared as
`null` is left out ("clear it"); lists are replaced whole.
"""

from __future__ import annotations

from typing import Any


def overlay(base: Any, declared: Any) -> Any:
    """`declared` laid over `base`. Mappings merge recursively; everything else replaces."""
    if isinstance(base, dict) and isinstance(declared, dict):
        merged = dict(base)
        for key, value in declared.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = overlay(merged[key], value)
            else:
                merged[key] = strip_nulls(value)
        return merged
    return strip_nulls(declared)


def strip_nulls(value: Any) -> Any:
    """Drop keys declared as null (MoEngage has no nullable fields: null means 'leave out')."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def split_path(path: str) -> list[str | int]:
    """`a.b[2].c` -> ['a', 'b', 2, 'c']."""
    parts: list[str | int] = []
    for chunk in path.split("."):
        name, _, rest = chunk.partition("[")
        if name:
            parts.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            parts.append(int(index))
            rest = rest.removeprefix("[")
    return parts


def _has(node: Any, part: str | int) -> bool:
    if isinstance(part, int):
        return isinstance(node, list) and 0 <= part < len(node)
    return isinstance(node, dict) and part in node


def get_path(value: Any, parts: list[str | int]) -> tuple[bool, Any]:
    """(found, value) at `parts` inside nested dicts and lists."""
    node = value
    for part in parts:
        if _has(node, part):
            node = node[part]
        else:
            return False, None
    return True, node


def without_paths(value: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """`value` with the dotted `paths` removed (missing paths are ignored); `value` itself is
    left as it is (it is returned as such when there is nothing to remove: most files ignore
    nothing, and copying every campaign's HTML once more is measurable at 10,000 campaigns).

    A mapping that only held removed paths is dropped too: it no longer declares anything.
    Mappings the author declared empty on purpose are kept.
    """
    if not paths:
        return value
    result: dict[str, Any] = _copy(value)
    for path in paths:
        parts = split_path(path)
        chain: list[tuple[Any, str | int]] = []
        node: Any = result
        for part in parts:
            if _has(node, part):
                chain.append((node, part))
                node = node[part]
            else:
                chain = []
                break
        if not chain or not isinstance(chain[-1][0], dict):
            continue
        parent, key = chain.pop()
        del parent[key]
        while chain and parent == {} and isinstance(chain[-1][0], dict):
            parent, key = chain.pop()
            del parent[key]
    return result


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
