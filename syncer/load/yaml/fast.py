"""LOAD YAML, the fast reader: YAML text -> plain values and their places, through libyaml.

Takes a text; returns `(data, place)` or raises `Unusual` for whatever it leaves to the exact
reader (`exact`, ruamel.yaml): a parse error, anchors, aliases, tags, directives, several
documents, merge keys, non-string and duplicate keys, nesting deeper than `MAX_DEPTH`, and the
rare scalars it does not build itself (`0x1f`, `1_000`, `.inf`, timestamps with a time, ...).
Those files are the exact reader's in full, so its values and its wording of every refusal
stay the only ones; this module only has to agree with it on what it does build.

libyaml's events are composed here rather than by PyYAML's composer and resolver: those follow
YAML 1.1 (`yes`, `on` and `no` would become booleans, `010` eight). Plain scalars are resolved
by ruamel's YAML 1.2 rules instead: `true`/`false` in three spellings, `~`/`null`/empty, decimal
integers, floats, dates; everything else stays a string.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from yaml import YAMLError
from yaml._yaml import CParser
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from syncer.load.yaml.limits import MAX_DEPTH
from syncer.load.yaml.place import ListPlace, MapPlace, Tree


class Unusual(Exception):
    """The text holds something the fast reader leaves to the exact one."""


_NULLS = {"~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# First characters of every plain scalar a YAML 1.2 resolver may turn into something else than
# a string (ruamel's table): all other plain scalars are strings without a regex.
_RESOLVABLE_FIRST = frozenset("tTfFnN~-+.0123456789<=!&*")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(
    r"[-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?\Z"
    r"|[-+]?[0-9]+[eE][-+]?[0-9]+\Z"
    r"|[-+]?\.[0-9]+(?:[eE][-+][0-9]+)?\Z"
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
# ruamel's YAML 1.2 implicit resolvers (int, float, timestamp, merge, value), whole: a plain
# scalar one of them matches and the above do not is built by the exact reader.
_RESOLVED_ELSEWHERE = re.compile(
    r"""(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+
    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
     (?:[Tt]|[\ \t]+)[0-9][0-9]?
     :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
     (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    |<<|=|!|&|\*)$""",
    re.X,
)

# Where libyaml and ruamel part: libyaml breaks lines at NEL, LS and PS (YAML 1.1) and drops a
# BOM anywhere; ruamel refuses a tab in places libyaml accepts one (`0\t`). Tabs inside quoted
# and block scalars (HTML bodies) are content to both and keep the fast path.
_PARTING = re.compile("[\x85\u2028\u2029\ufeff]")

NextEvent = Callable[[], Any]  # the next of libyaml's events


def compose(text: str) -> tuple[Any, Tree]:
    """The single document in `text` as plain values and their places; raises `Unusual`."""
    if _PARTING.search(text):
        raise Unusual
    parser = CParser(text)
    spans: list[tuple[int, int]] = []
    tabs = "\t" in text
    try:
        loaded = _document(_recording(parser.get_event, spans) if tabs else parser.get_event)
    except (YAMLError, UnicodeError, RecursionError) as exc:
        raise Unusual from exc
    finally:
        parser.dispose()
    if tabs and not _tabs_inside(text, spans):
        raise Unusual
    return loaded


def _recording(get_event: NextEvent, spans: list[tuple[int, int]]) -> NextEvent:
    """`get_event`, noting where each quoted or block scalar starts and ends."""

    def next_event() -> Any:
        event: Any = get_event()
        if type(event) is ScalarEvent and event.style:
            start: Any = event.start_mark
            end: Any = event.end_mark
            spans.append((start.index, end.index))
        return event

    return next_event


def _tabs_inside(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether every tab in `text` is inside one of the (ordered) spans."""
    at = text.find("\t")
    for start, end in spans:
        if at < 0:
            return True
        if at < start:
            return False
        if at < end:
            at = text.find("\t", end)
    return at < 0


def _document(next_event: NextEvent) -> tuple[Any, Tree]:
    next_event()  # the stream's start
    start = next_event()
    if isinstance(start, StreamEndEvent):
        return None, None  # nothing but comments and blank lines
    if getattr(start, "version", None) is not None or getattr(start, "tags", None):
        raise Unusual  # %YAML or %TAG: ruamel honours them (1.1 scalars, tag shorthands)
    data, place = _node(next_event, next_event(), 0)
    next_event()  # the document's end
    if not isinstance(next_event(), StreamEndEvent):
        raise Unusual  # a second document
    return data, place


def _node(next_event: NextEvent, event: Any, depth: int) -> tuple[Any, Tree]:
    kind = type(event)
    if kind is ScalarEvent:
        if event.anchor is not None or event.tag is not None:
            raise Unusual
        return _scalar(event), None
    if kind is MappingStartEvent:
        return _mapping(next_event, event, depth)
    if kind is SequenceStartEvent:
        return _sequence(next_event, event, depth)
    raise Unusual  # an alias


def _mapping(next_event: NextEvent, start: Any, depth: int) -> tuple[Any, Tree]:
    if start.anchor is not None or start.tag is not None or depth >= MAX_DEPTH:
        raise Unusual
    data: dict[str, Any] = {}
    mark = start.start_mark
    tree = MapPlace(mark.line + 1, mark.column + 1)
    event: Any = next_event()
    while type(event) is not MappingEndEvent:
        if type(event) is not ScalarEvent or event.anchor is not None or event.tag is not None:
            raise Unusual  # a collection, an alias or a tagged key
        key = _scalar(event)
        if not isinstance(key, str) or key in data:
            raise Unusual  # a key that is not a string (or `<<`), or a duplicate key
        at: Any = event.start_mark
        tree.at[key] = (at.line + 1, at.column + 1)
        event = next_event()
        at = event.start_mark
        tree.starts[key] = (at.line + 1, at.column + 1, getattr(event, "style", None) or None)
        data[key], tree[key] = _node(next_event, event, depth + 1)
        event = next_event()
    return data, tree


def _sequence(next_event: NextEvent, start: Any, depth: int) -> tuple[Any, Tree]:
    if start.anchor is not None or start.tag is not None or depth >= MAX_DEPTH:
        raise Unusual
    data: list[Any] = []
    mark = start.start_mark
    tree = ListPlace(mark.line + 1, mark.column + 1)
    event: Any = next_event()
    while type(event) is not SequenceEndEvent:
        at = event.start_mark
        tree.starts.append((at.line + 1, at.column + 1, getattr(event, "style", None) or None))
        value, place = _node(next_event, event, depth + 1)
        data.append(value)
        tree.append(place)
        event = next_event()
    return data, tree


def _scalar(event: Any) -> Any:
    value = event.value
    if event.implicit[0]:
        return plain(value)
    if (event.style == "|" or event.style == ">") and (not value or value[0] == "\n"):
        # Leading empty lines: ruamel refuses one with more spaces than the first line of text
        # (as YAML 1.2 says), libyaml does not.
        raise Unusual
    return value


def plain(value: str) -> Any:
    """A plain (unquoted) scalar's value under YAML 1.2; raises `Unusual` for the forms the
    exact reader builds."""
    if not value:
        return None
    if value[0] not in _RESOLVABLE_FIRST:
        return value
    if value in _BOOLS:
        return _BOOLS[value]
    if value in _NULLS:
        return None
    try:
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        date = _DATE.match(value)
        if date:
            return dt.date(*map(int, date.groups()))
    except ValueError:
        raise Unusual from None  # 2024-13-45, an integer of 5,000 digits: the exact reader says so
    if _RESOLVED_ELSEWHERE.match(value):
        raise Unusual
    return value
