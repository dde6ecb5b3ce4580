"""OUTLINE YAML: a text -> where each node sits in it (offsets, columns, styles, indentation).

Takes the text of a YAML document; returns its tree of `Node`s, and the `Indent` the file uses.
`syncer pull` rewrites only the values that changed and keeps every other byte of a file: it
needs where each value sits in the text, which ruamel's composer knows (node marks). The
splicing itself is in `syncer/yamledit.py`, free of ruamel.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, SequenceNode

from syncer.load.yaml.exact import round_trip
from syncer.load.yaml.write import Indent


@dataclass(frozen=True)
class Node:
    """Where one YAML node sits in a text: offsets, column and style."""

    kind: str
    """`map`, `seq` or `scalar`."""
    start: int
    end: int
    """Offset just after the node's own text: after the last descendant for block collections
    (ruamel's own end mark would swallow the comments before the next key), after the line
    breaks for block scalars (`|`, `>`)."""
    column: int
    style: str | None = None
    """Scalar style: None (plain), `'`, `"`, `|` or `>`."""
    flow: bool = False
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Item:
    """One entry of a collection: the key (str for mappings, index for sequences) and nodes."""

    key: str | int
    key_node: Node | None
    value: Node


def outline(text: str) -> Node:
    """The node tree of a YAML document, with text offsets (raises `YAMLError` if invalid)."""
    root = round_trip().compose(io.StringIO(text))

    def convert(node: Any) -> Node:
        start, column = node.start_mark.index, node.start_mark.column
        if isinstance(node, MappingNode):
            items = []
            for key, value in node.value:
                key_node = convert(key)
                value_node = convert(value)
                if value_node.kind == "scalar" and value_node.start == value_node.end:
                    # An empty value (`key:`) is marked at the next token: place it after the
                    # key's colon instead, where a value would be written.
                    colon = text.index(":", key_node.end) + 1
                    value_node = Node("scalar", colon, colon, value_node.column)
                items.append(Item(str(key.value), key_node, value_node))
            end = _end(node, items, text)
            return Node("map", start, end, column, flow=bool(node.flow_style), items=tuple(items))
        if isinstance(node, SequenceNode):
            items = [Item(i, None, convert(v)) for i, v in enumerate(node.value)]
            end = _end(node, items, text)
            return Node("seq", start, end, column, flow=bool(node.flow_style), items=tuple(items))
        return Node("scalar", start, node.end_mark.index, column, style=node.style)

    if root is None:
        return Node("scalar", 0, 0, 0)
    return convert(root)


def _end(node: Any, items: list[Item], text: str) -> int:
    if node.flow_style or not items:
        return int(node.end_mark.index)
    return items[-1].value.end


def guess_indent(tree: Node) -> Indent:
    """The indentation of the first nested block mapping and block sequence found."""
    mapping: int | None = None
    sequence: tuple[int, int] | None = None

    def visit(node: Node) -> None:
        nonlocal mapping, sequence
        for item in node.items:
            child = item.value
            if node.kind == "map" and item.key_node is not None and not child.flow:
                if child.kind == "map" and child.items and mapping is None:
                    mapping = child.column - item.key_node.column
                if child.kind == "seq" and child.items and sequence is None:
                    offset = max(child.column - item.key_node.column, 0)
                    first = child.items[0].value
                    sequence = (max(first.column - item.key_node.column, offset + 2), offset)
            visit(child)

    visit(tree)
    result = Indent()
    if mapping is not None and mapping > 0:
        result = Indent(mapping, result.sequence, result.offset)
    if sequence is not None:
        result = Indent(result.mapping, sequence[0], sequence[1])
    return result
