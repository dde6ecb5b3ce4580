"""LOAD YAML: a campaign file's bytes -> plain Python values with positions, or located problems.

Takes a path (or text) and the name to show in problems; returns a `Document` (plain values plus
the `Place` tree that `locate` turns into `file:line:col`) or the `Problem`s that prevent it.
Loading refuses what a campaign file never needs and an attacker could abuse (aliases, anchors,
custom tags, merge keys, non-string and duplicate keys, extreme nesting, huge files) before
anything is constructed.

Two readers agree on every file: libyaml's (`fast`), which reads an ordinary campaign file in a
small fraction of the time, and ruamel.yaml's (`exact`), which takes every file the first leaves
(all refusals and parse errors among them) and so words every problem. ruamel is imported only
when a file needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncer.config.readfile import NotUtf8, Unreadable, read_regular, utf8
from syncer.errors import Problem
from syncer.load.yaml import fast
from syncer.load.yaml.limits import MAX_DEPTH, MAX_FILE_BYTES
from syncer.load.yaml.place import Tree, locate, value_start

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "Document",
    "decode",
    "load",
    "load_exact",
    "locate",
    "read_bytes",
    "read_text",
    "value_start",
]


@dataclass(frozen=True)
class Document:
    """A loaded YAML file: `data` holds plain Python values; `tree` where each of them sits."""

    data: Any
    tree: Tree
    text: str = ""
    """The text it was parsed from (where a block scalar's lines are indented)."""


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
    try:
        data, tree = fast.compose(text)
    except fast.Unusual:
        return load_exact(text, display)
    return Document(data=data, tree=tree, text=text), []


def load_exact(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    """`load` through ruamel.yaml alone: the reference the fast reader agrees with."""
    from syncer.load.yaml import exact  # ruamel: a tenth of a second to import

    loaded, problems = exact.load(text, display)
    if loaded is None:
        return None, problems
    data, tree = loaded
    return Document(data=data, tree=exact.places(tree), text=text), []
