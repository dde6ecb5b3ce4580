"""LOAD YAML, the exact reader: YAML text -> plain values and ruamel's tree, or located problems.

Takes a text and the name to show in problems; returns `(data, tree)` or the `Problem`s that
prevent them. This is ruamel.yaml's YAML 1.2 reading, with the refusals campaign files need
(aliases, anchors, custom tags, merge keys, non-string keys, duplicate keys, deep nesting)
screened while composing. `read.load` uses libyaml first and comes here for what it leaves:
the exact wording of every refusal and parse error, and the rare scalars it does not build
itself. `round_trip` is the YAML every campaign file is written with (`write`, `outline`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from syncer.errors import Problem
from syncer.load.yaml.explain import explain
from syncer.load.yaml.limits import MAX_DEPTH
from syncer.load.yaml.place import ListPlace, MapPlace, Tree

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


def load(text: str, display: str) -> tuple[tuple[Any, Any] | None, list[Problem]]:
    """YAML text -> (plain values, ruamel's tree), or the problems that prevent them."""
    yaml = round_trip()
    yaml.Composer = _ScreeningComposer
    yaml.Constructor = _LocatingConstructor
    try:
        tree = yaml.load(text)
    except _Refused as exc:
        return None, [Problem(display, exc.line, exc.col, exc.message)]
    except MarkedYAMLError as exc:
        return None, [_marked_problem(exc, display, text)]
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
    return (data, tree), []


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


def _marked_problem(exc: MarkedYAMLError, display: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or exc.context or "invalid YAML"
    explained = explain(text, line, str(what))
    if explained is not None:
        return Problem(display, explained.line, explained.col, f"invalid YAML: {explained.message}")
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


def places(tree: Any) -> Tree:
    """ruamel's round-trip tree -> the tree of places both readers return."""
    if isinstance(tree, CommentedMap):
        mapping = MapPlace(tree.lc.line + 1, tree.lc.col + 1)
        for key, value in tree.items():
            line, col = tree.lc.key(key)
            mapping.at[str(key)] = (line + 1, col + 1)
            line, col = tree.lc.value(key)
            mapping.starts[str(key)] = (line + 1, col + 1, _style(value))
            mapping[str(key)] = places(value)
        return mapping
    if isinstance(tree, CommentedSeq):
        items = ListPlace(tree.lc.line + 1, tree.lc.col + 1)
        for index, value in enumerate(tree):
            line, col = tree.lc.item(index)
            items.starts.append((line + 1, col + 1, _style(value)))
            items.append(places(value))
        return items
    return None


def _style(value: Any) -> str | None:
    """A round-trip scalar's quoting or block style (None when plain, or a collection)."""
    if isinstance(value, LiteralScalarString):
        return "|"
    if isinstance(value, FoldedScalarString):
        return ">"
    style = getattr(value, "style", None)
    return style if isinstance(style, str) and style else None
