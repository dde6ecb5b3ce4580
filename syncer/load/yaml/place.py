"""Where the values of a loaded campaign file sit: a tree of places, `locate` and `value_start`.

Both YAML readers (`fast`, `exact`) return one next to the plain values. It has the shape of the
values (a `MapPlace` is a dict of the places of its values, a `ListPlace` a list of them, a
scalar is None), so a pydantic `loc` can be walked in it; `locate` turns one into
`file:line:col`, `value_start` finds where a string value's text begins.
"""

from __future__ import annotations

from typing import Union

Tree = Union["MapPlace", "ListPlace", None]
# (line, column, style) where a value starts, 1-based; style is None for a plain scalar or a
# collection, else the scalar's `'`, `"`, `|` or `>`.
Start = tuple[int, int, str | None]


class MapPlace(dict[str, Tree]):
    """A mapping: its values' places by key; where it starts, where each key sits (`at`) and
    where each value starts (`starts`)."""

    __slots__ = ("at", "col", "line", "starts")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line = line
        self.col = col
        self.at: dict[str, tuple[int, int]] = {}
        self.starts: dict[str, Start] = {}


class ListPlace(list[Tree]):
    """A list: its items' places; where it starts and where each item starts (`starts`)."""

    __slots__ = ("col", "line", "starts")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line = line
        self.col = col
        self.starts: list[Start] = []


def locate(tree: Tree, loc: tuple[str | int, ...]) -> tuple[int, int]:
    """1-based line and column of the value at `loc` (the deepest existing ancestor).

    A key that exists points at the key itself (unknown-key errors land on the typo); a value
    is reached through its key; a missing key points at the mapping that should hold it.
    """
    if tree is None:
        return (1, 1)
    node: Tree = tree
    best = (tree.line, tree.col)
    for part in loc:
        if isinstance(node, MapPlace) and isinstance(part, str):
            if part not in node:
                continue  # union tags and model names in pydantic locations: skip them
            best = node.at[part]
            node = node[part]
        elif isinstance(node, ListPlace) and isinstance(part, int) and 0 <= part < len(node):
            best = node.starts[part][:2]
            node = node[part]
        else:
            break
    return best


def value_start(tree: Tree, loc: tuple[str | int, ...]) -> Start:
    """Where the value at `loc` starts and its style, to locate a position inside a string
    value. Falls back to `locate` (the key) when `loc` is not a value in a mapping or a list."""
    node: Tree = tree
    for part in loc[:-1]:
        if isinstance(node, MapPlace) and isinstance(part, str) and part in node:
            node = node[part]
            continue
        if isinstance(node, ListPlace) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            continue
        return (*locate(tree, loc), None)
    last = loc[-1] if loc else None
    if isinstance(node, MapPlace) and isinstance(last, str) and last in node:
        return node.starts[last]
    if isinstance(node, ListPlace) and isinstance(last, int) and 0 <= last < len(node):
        return node.starts[last]
    return (*locate(tree, loc), None)
