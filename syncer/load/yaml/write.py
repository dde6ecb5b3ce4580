"""WRITE YAML: plain values -> YAML text as a person would write it, keeping what a file had.

Takes plain values (or a round-trip tree loaded with `load_roundtrip`); returns text. New files
(`syncer import`) get literal blocks for multi-line strings and short lists on one line; edited
files (`syncer pull`) keep their comments, key order and indentation (`Indent`). `parses_as`
checks that a value written by hand reads back as exactly that value.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from syncer.load.yaml.exact import TooDeep, round_trip, to_plain


@dataclass(frozen=True)
class Indent:
    """The block indentation a file uses (ruamel's `indent(mapping, sequence, offset)`)."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


def load_roundtrip(text: str) -> Any:
    """Load for editing: the returned tree keeps comments and formatting for `dump_roundtrip`."""
    return round_trip().load(text)


def dump_roundtrip(tree: Any, indent: Indent | None = None) -> str:
    yaml = round_trip()
    if indent is not None:
        yaml.indent(mapping=indent.mapping, sequence=indent.sequence, offset=indent.offset)
    stream = io.StringIO()
    yaml.dump(tree, stream)
    return stream.getvalue()


def new_mapping(values: dict[str, Any]) -> CommentedMap:
    """A fresh round-trip mapping (for new files written by `syncer import`)."""
    result = CommentedMap()
    for key, value in values.items():
        result[key] = new_value(value)
    return result


def new_value(value: Any) -> Any:
    """Plain values -> round-trip values (mappings and sequences that can carry comments)."""
    if isinstance(value, dict):
        return new_mapping(value)
    if isinstance(value, list):
        seq = CommentedSeq()
        seq.extend(new_value(v) for v in value)
        return seq
    return value


def dump_pair(key: str, value: Any, indent: Indent) -> str:
    """`key: value` as block YAML at column 0, multi-line strings as literal blocks and short
    lists of scalars on one line (as `syncer import` writes them)."""
    yaml = round_trip()
    yaml.indent(mapping=indent.mapping, sequence=indent.sequence, offset=indent.offset)
    stream = io.StringIO()
    pair = CommentedMap()
    pair[key] = _readable(value, flow_scalars=True)
    yaml.dump(pair, stream)
    return stream.getvalue()


def dump_document(data: dict[str, Any], comment: str = "") -> str:
    """A new file: `data` as block YAML under a comment block, multi-line strings as literal
    blocks and short lists of plain scalars on one line (`tags: [a, b]`)."""
    tree = _readable(data, flow_scalars=True)
    if comment:
        tree.yaml_set_start_comment(comment)
    return dump_roundtrip(tree)


def _readable(value: Any, *, flow_scalars: bool) -> Any:
    if isinstance(value, dict):
        result = CommentedMap()
        for key, item in value.items():
            result[key] = _readable(item, flow_scalars=flow_scalars)
        return result
    if isinstance(value, list):
        seq = CommentedSeq()
        seq.extend(_readable(v, flow_scalars=flow_scalars) for v in value)
        simple = all(isinstance(v, str | int | float | bool) for v in value)
        if flow_scalars and value and simple and len(str(value)) <= 60:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and _literal_ok(value):
        return LiteralScalarString(value)
    return value


def _literal_ok(text: str) -> bool:
    """Multi-line text a literal block (`|`) shows as written: no CR, tabs or odd spaces."""
    if "\n" not in text or text.startswith((" ", "\n")):
        return False
    lines = text.split("\n")
    return all(line == line.rstrip() and line.isprintable() for line in lines)


def parses_as(text: str, value: Any, flow: bool = False) -> bool:
    """Whether `text`, written as a value (inside a flow collection if `flow`), reads back as
    exactly `value` (same type)."""
    document = f"k: [{text}]\n" if flow else f"k: {text}\n"
    try:
        loaded = to_plain(round_trip().load(document))
    except (YAMLError, TooDeep):
        return False
    if not isinstance(loaded, dict) or "k" not in loaded:
        return False
    got = loaded["k"][0] if flow and isinstance(loaded["k"], list) and loaded["k"] else loaded["k"]
    if flow and (not isinstance(loaded["k"], list) or len(loaded["k"]) != 1):
        return False
    return type(got) is type(value) and bool(got == value)
