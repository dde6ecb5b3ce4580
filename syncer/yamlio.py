"""YAML at the edge: text -> plain Python values with positions, and round-trip writes.

The only module that imports ruamel.yaml. Loading refuses what a campaign file never needs and
an attacker could abuse (aliases, anchors, custom tags, extreme nesting, huge files) before
anything is constructed, and every refusal is a located `Problem`. Writing keeps comments, key
order and formatting (used by `syncer pull` and `syncer import`).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode

from syncer.errors import Problem
from syncer.readfile import Unreadable, read_regular

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass(frozen=True)
class Document:
    """A loaded YAML file: `data` holds plain Python values; `tree` keeps ruamel's positions."""

    data: Any
    tree: Any


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text (a BOM is accepted), refusing binary and oversized files."""
    raw, problems = read_bytes(path, display)
    if raw is None:
        return None, problems
    return decode(raw, display)


def read_bytes(path: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """A regular file's bytes, refusing directories, devices, pipes and oversized files."""
    try:
        return read_regular(path, MAX_FILE_BYTES), []
    except Unreadable as exc:
        message = "is a directory, not a campaign file" if exc.directory else str(exc)
        return None, [Problem(display, 1, 1, message)]


def decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (a BOM is accepted), refusing binary content."""
    if b"\x00" in raw:
        return None, [Problem(display, 1, 1, "binary file (NUL bytes): not YAML text")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8-sig", "replace")) + 1
        return None, [Problem(display, line, col, "not UTF-8 text")]
    return text, []


def load(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into plain values, or return the problems that prevent it."""
    yaml = _yaml()
    yaml.Composer = _ScreeningComposer
    yaml.Constructor = _LocatingConstructor
    try:
        tree = yaml.load(text)
    except _Refused as exc:
        return None, [Problem(display, exc.line, exc.col, exc.message)]
    except MarkedYAMLError as exc:
        return None, [_marked_problem(exc, display)]
    except YAMLError as exc:
        return None, [Problem(display, 1, 1, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(display, 1, 1, f"nesting deeper than {MAX_DEPTH} levels")]
    except (AssertionError, ValueError, TypeError, KeyError, IndexError) as exc:
        # ruamel.yaml checks some directives with bare asserts (e.g. `%YAML 1.11`) and can raise
        # plain Python errors on malformed input: still the file's fault, still located here.
        return None, [Problem(display, 1, 1, f"invalid YAML: {exc}")]
    try:
        data = to_plain(tree)
    except _TooDeep:
        return None, [Problem(display, 1, 1, f"nesting deeper than {MAX_DEPTH} levels")]
    return Document(data=data, tree=tree), []


class _Refused(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.line: int = mark.line + 1 if mark else 1
        self.col: int = mark.column + 1 if mark else 1
        self.message = message


class _ScreeningComposer(Composer):
    """Refuses aliases, anchors, custom tags and deep nesting while composing, before anything
    is constructed: one pass over the text (parsing it twice was half of the load time).

    Aliases make exponential expansions ("billion laughs") possible once values are copied
    into plain dicts; campaign files never need them, so they are refused outright.
    """

    collections = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        mark = event.start_mark
        if isinstance(event, AliasEvent):
            raise _Refused(mark, "YAML aliases (*name) are not allowed in campaign files")
        if event.anchor:
            raise _Refused(mark, "YAML anchors (&name) are not allowed in campaign files")
        tag = getattr(event, "tag", None)
        if tag and tag not in _STANDARD_TAGS:
            raise _Refused(mark, f"YAML tag {tag!r} is not allowed")
        nested = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if nested:
            self.collections += 1
            if self.collections > MAX_DEPTH:
                raise _Refused(mark, f"nesting deeper than {MAX_DEPTH} levels")
        try:
            node = super().compose_node(parent, index)
        finally:
            if nested:
                self.collections -= 1
        if isinstance(parent, MappingNode) and index is None:
            _screen_key(node)
        return node


_KINDS = {
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
    "null": "null",
    "timestamp": "a date",
}


def _screen_key(key: Any) -> None:
    """Every key of a campaign file is a string. Merge keys (`<<`) pull values in from
    elsewhere (and hide where they came from); other scalars would silently become strings
    (`null:` -> "None", `1:` -> "1"), and collections cannot be keys at all."""
    tag = str(key.tag)
    if tag == "tag:yaml.org,2002:merge":
        raise _Refused(key.start_mark, "YAML merge keys (<<) are not allowed in campaign files")
    if tag == "tag:yaml.org,2002:str":
        return
    if not isinstance(key, ScalarNode):
        raise _Refused(key.start_mark, "a key must be a string, not a mapping or a list")
    kind = _KINDS.get(tag.rsplit(":", 1)[-1], "not a string")
    raise _Refused(key.start_mark, f"key {key.value!r} is {kind}: keys must be strings (quote it)")


class _LocatingConstructor(RoundTripConstructor):
    """Locates the scalars that parse but cannot be built (`2024-13-45`, a 5,000-digit
    number): Python raises a bare ValueError for those, with no position."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            noun = {"int": "number", "float": "number", "timestamp": "date"}.get(
                str(node.tag).rsplit(":", 1)[-1], "value"
            )
            detail = "too many digits" if "digits" in str(exc) else str(exc)
            message = f"{_excerpt(node)} is not a valid {noun} ({detail})"
            raise _Refused(node.start_mark, message) from None


def _excerpt(node: Any) -> str:
    value = node.value if isinstance(node, ScalarNode) else ""
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _marked_problem(exc: MarkedYAMLError, display: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or exc.context or "invalid YAML"
    if "found character '\\t'" in str(what) or "\\t" in str(what):
        what = "tab character: YAML indentation must use spaces"
    if "duplicate key" in str(what):
        return Problem(display, line, col, f"duplicate key: {_dup_key(exc)}")
    return Problem(display, line, col, f"invalid YAML: {what}")


def _dup_key(exc: MarkedYAMLError) -> str:
    text = str(exc.problem or "")
    start = text.find('"')
    end = text.find('"', start + 1)
    return text[start + 1 : end] if 0 <= start < end else text


class _TooDeep(Exception):
    pass


def to_plain(value: Any, depth: int = 0) -> Any:
    """ruamel's round-trip types -> dict, list, str, int, float, bool, None, datetime."""
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(value, dict):
        return {str(k): to_plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v, depth + 1) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            tzinfo=value.tzinfo,
        )
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return str(value)


def locate(tree: Any, loc: tuple[str | int, ...]) -> tuple[int, int]:
    """1-based line and column of the YAML node at `loc` (the deepest existing ancestor).

    A key that exists points at the key itself (unknown-key errors land on the typo); a value
    is reached through its key; a missing key points at the mapping that should hold it.
    """
    node = tree
    best = (1, 1)
    if isinstance(node, CommentedMap | CommentedSeq):
        best = (node.lc.line + 1, node.lc.col + 1)
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line, col = node.lc.key(part)
            best = (line + 1, col + 1)
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line, col = node.lc.item(part)
            best = (line + 1, col + 1)
            node = node[part]
        elif isinstance(node, CommentedMap) and isinstance(part, str):
            continue  # union tags and model names in pydantic locations: skip them
        else:
            break
    return best


def load_roundtrip(text: str) -> Any:
    """Load for editing: the returned tree keeps comments and formatting for `dump_roundtrip`."""
    return _yaml().load(text)


def dump_roundtrip(tree: Any, indent: Indent | None = None) -> str:
    yaml = _yaml()
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


# -- Editing in place (`syncer pull`) -------------------------------------------------------------
# `syncer pull` rewrites only the values that changed and keeps every other byte of a file. It
# needs where each value sits in the text, which ruamel's composer knows (node marks); the
# splicing itself is in `syncer/yamledit.py`, free of ruamel.


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


@dataclass(frozen=True)
class Indent:
    """The block indentation a file uses (ruamel's `indent(mapping, sequence, offset)`)."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


def outline(text: str) -> Node:
    """The node tree of a YAML document, with text offsets (raises `YAMLError` if invalid)."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    root = _yaml().compose(io.StringIO(text))

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


def dump_pair(key: str, value: Any, indent: Indent) -> str:
    """`key: value` as block YAML at column 0, multi-line strings as literal blocks and short
    lists of scalars on one line (as `syncer import` writes them)."""
    yaml = _yaml()
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
    from ruamel.yaml.scalarstring import LiteralScalarString

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
        loaded = to_plain(_yaml().load(document))
    except (YAMLError, _TooDeep):
        return False
    if not isinstance(loaded, dict) or "k" not in loaded:
        return False
    got = loaded["k"][0] if flow and isinstance(loaded["k"], list) and loaded["k"] else loaded["k"]
    if flow and (not isinstance(loaded["k"], list) or len(loaded["k"]) != 1):
        return False
    return type(got) is type(value) and bool(got == value)
