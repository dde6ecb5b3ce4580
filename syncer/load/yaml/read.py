"""LOAD YAML: a campaign file's bytes -> plain Python values with positions, or located problems.

Takes a path (or text) and the name to show in problems; returns a `Document` (plain values plus
ruamel's tree, which `locate` turns into `file:line:col`) or the `Problem`s that prevent it.
Loading refuses what a campaign file never needs and an attacker could abuse (aliases, anchors,
custom tags, extreme nesting, huge files) before anything is constructed. One of the three
modules that import ruamel.yaml, with `yamlwrite` (round-trip writes) and `yamloutline` (where
each node sits in the text).
"""

from __future__ import annotations

import datetime as dt
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

from syncer.config.readfile import NotUtf8, Unreadable, read_regular, utf8
from syncer.errors import Problem

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


def round_trip() -> YAML:
    """A round-trip YAML, configured as every campaign file is read and written."""
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
        return utf8(raw), []
    except NotUtf8 as exc:
        return None, [Problem(display, exc.line, exc.col, "not UTF-8 text")]


def load(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into plain values, or return the problems that prevent it."""
    yaml = round_trip()
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
    except TooDeep:
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


class TooDeep(Exception):
    """Nesting deeper than `MAX_DEPTH` found while converting to plain values."""


def to_plain(value: Any, depth: int = 0) -> Any:
    """ruamel's round-trip types -> dict, list, str, int, float, bool, None, datetime."""
    if depth > MAX_DEPTH:
        raise TooDeep
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


def value_start(tree: Any, loc: tuple[str | int, ...]) -> tuple[int, int, str | None]:
    """1-based line and column where the scalar at `loc` starts, and its style (None plain,
    `'`, `"`, `|` or `>`), to locate a position inside a string value. Falls back to
    `locate` (the key) when `loc` is not a scalar in a mapping or a list."""
    node = tree
    for part in loc[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return (*locate(tree, loc), None)
    last = loc[-1] if loc else None
    try:
        if isinstance(node, CommentedMap) and last in node:
            line, col = node.lc.value(last)
        elif isinstance(node, CommentedSeq) and isinstance(last, int) and 0 <= last < len(node):
            line, col = node.lc.item(last)
        else:
            return (*locate(tree, loc), None)
        value = node[last]
    except (KeyError, IndexError, TypeError, AttributeError):
        return (*locate(tree, loc), None)
    style = getattr(value, "style", None)
    if style is None and type(value).__name__ == "LiteralScalarString":
        style = "|"
    elif style is None and type(value).__name__ == "FoldedScalarString":
        style = ">"
    return line + 1, col + 1, style if isinstance(style, str) else None
