"""EDIT (pure): set or delete values in a YAML text, keeping every other byte as it was.

Takes a text and `Edit`s (a path of keys and indices, and a new value or a deletion); returns
the new text. Each edit is spliced where the old value sits (`yamloutline.outline` knows where):
a scalar is rewritten in its own quoting style, a flow collection stays on its line, anything
else rewrites that one `key: value` pair in the file's own indentation. Comments, key order,
blank lines and untouched values keep their exact bytes. The result is read back and compared
with the expected values; if splicing cannot produce them, the document is edited through
ruamel's round-trip instead (comments kept, formatting normalised), and checked the same way.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from syncer.load.yaml import outline as yamloutline
from syncer.load.yaml import read as yamlio
from syncer.load.yaml import write as yamlwrite
from syncer.load.yaml.outline import Item, Node
from syncer.load.yaml.write import Indent

Path = tuple[str | int, ...]
# Plain words that YAML 1.1 readers (PyYAML, many editors) take for booleans or null: quoted,
# so that every tool reads the same string.
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


@dataclass(frozen=True)
class Edit:
    path: Path
    value: Any = None
    delete: bool = False


class EditError(Exception):
    """The edits cannot be made (a path is missing, or the result would not read back)."""


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with `edits` made; every byte outside the edited values kept when possible.

    Raises:
        EditError: a path does not exist, or no way of writing gives the expected values.
    """
    if not edits:
        return text
    expected = edited(_plain(text), edits)
    try:
        result = splice(text, edits)
    except EditError:
        result = None
    if result is not None and _plain(result) == expected:
        return result
    result = _roundtrip(text, edits)
    if _plain(result) != expected:
        raise EditError("the edited file would not read back as intended")
    return result


def edited(data: Any, edits: Sequence[Edit]) -> Any:
    """Plain data with the edits made (a copy)."""
    result = copy.deepcopy(data)
    _edit_tree(result, edits, copy.deepcopy)
    return result


def _edit_tree(tree: Any, edits: Sequence[Edit], new: Callable[[Any], Any]) -> None:
    """Make the edits in a tree of mappings and lists, in place; `new` makes each value set."""
    for edit in edits:
        *head, last = edit.path
        parent = tree
        try:
            for part in head:
                parent = parent[part]
            if edit.delete:
                del parent[last]
            else:
                parent[last] = new(edit.value)
        except (KeyError, IndexError, TypeError) as exc:
            raise EditError(f"{'.'.join(map(str, edit.path))}: not in the file") from exc


def _plain(text: str) -> Any:
    document, problems = yamlio.load(text, "<edit>")
    if document is None:
        raise EditError("; ".join(str(p) for p in problems))
    return document.data


def splice(text: str, edits: Sequence[Edit]) -> str:
    """Splice every edit into the text (no fallback); raises `EditError` when it cannot."""
    tree = yamloutline.outline(text)
    indent = yamloutline.guess_indent(tree)
    spans = sorted(_replacement(text, _chain(tree, e.path), e, indent) for e in edits)
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        if start < end:
            raise EditError("overlapping edits")
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def _chain(tree: Node, path: Path) -> list[tuple[Node, Item]]:
    """(collection, entry) for each step of `path`."""
    chain = []
    node = tree
    for part in path:
        found = next((item for item in node.items if item.key == part), None)
        if found is None:
            raise EditError(f"{'.'.join(map(str, path))}: not in the file")
        chain.append((node, found))
        node = found.value
    if not chain:
        raise EditError("an edit needs a path")
    return chain


def _replacement(
    text: str, chain: list[tuple[Node, Item]], edit: Edit, indent: Indent
) -> tuple[int, int, str]:
    parent, item = chain[-1]
    if any(node.flow for node, _ in chain):
        flow_at = next(i for i, (node, _) in enumerate(chain) if node.flow)
        if flow_at == 0 or edit.delete:
            raise EditError("edits inside a top-level flow collection are not spliced")
        if not edit.delete and chain[-1][1].value.kind == "scalar" and _scalar(edit.value):
            node = item.value
            inline = _inline(edit.value, node.style, flow=True)
            if inline is not None and node.start != node.end:
                return node.start, node.end, inline
        raise EditError("edits of collections inside flow collections are not spliced")
    if edit.delete:
        return _deletion(text, chain, indent)
    node = item.value
    if node.kind == "scalar" and node.style not in ("|", ">") and node.start != node.end:
        inline = _inline(edit.value, node.style) if _scalar(edit.value) else None
        if inline is not None:
            return node.start, node.end, inline
    if node.flow and isinstance(edit.value, dict | list):
        flow = _flow(edit.value)
        if flow is not None:
            return node.start, node.end, flow
    return _pair(text, parent, item, edit.value, indent)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _pair(text: str, parent: Node, item: Item, value: Any, indent: Indent) -> tuple[int, int, str]:
    """Rewrite one `key: value` pair of a block mapping, at the key's own place."""
    if parent.kind != "map" or item.key_node is None:
        raise EditError("only mapping entries are rewritten")
    key = item.key_node
    start, end = key.start, item.value.end
    rendered = yamlwrite.dump_pair(str(item.key), value, indent)
    lines = rendered.split("\n")
    pad = " " * key.column
    rendered = "\n".join([lines[0]] + [pad + line if line else line for line in lines[1:]])
    if text[end - 1 : end] == "\n":
        # The old value ended with its line breaks (a block scalar): keep the blank lines
        # that followed it.
        breaks = len(text[start:end]) - len(text[start:end].rstrip("\n"))
        rendered = rendered.rstrip("\n") + "\n" * breaks
    else:
        rendered = rendered.rstrip("\n")
    return start, end, rendered


def _deletion(text: str, chain: list[tuple[Node, Item]], indent: Indent) -> tuple[int, int, str]:
    parent, item = chain[-1]
    if len(parent.items) == 1:
        if len(chain) < 2:
            raise EditError("cannot empty the document")
        grand, entry = chain[-2]
        return _pair(text, grand, entry, {} if parent.kind == "map" else [], indent)
    if item.key_node is None:
        raise EditError("only mapping entries are deleted")
    line_start = text.rfind("\n", 0, item.key_node.start) + 1
    if text[line_start : item.key_node.start].strip():
        raise EditError("the key does not start its line")
    end = item.value.end
    if text[end - 1 : end] != "\n":
        newline = text.find("\n", end)
        rest = text[end:newline] if newline != -1 else text[end:]
        if rest.strip() and not rest.strip().startswith("#"):
            raise EditError("more text follows the value on its line")
        end = len(text) if newline == -1 else newline + 1
    return line_start, end, ""


def _inline(value: Any, style: str | None, flow: bool = False) -> str | None:
    """One-line YAML for a scalar, in the old quoting style when it can be written so."""
    if value is None:
        candidates = ["null"]
    elif isinstance(value, bool):
        candidates = ["true" if value else "false"]
    elif isinstance(value, int):
        candidates = [str(value)]
    elif isinstance(value, float):
        if math.isnan(value):
            candidates = [".nan"]
        elif math.isinf(value):
            candidates = [".inf" if value > 0 else "-.inf"]
        else:
            candidates = [repr(value)]
    elif isinstance(value, str):
        double = json.dumps(value, ensure_ascii=False)
        single = "'" + value.replace("'", "''") + "'"
        plain = [] if value.lower() in _YAML11_WORDS else [value]
        by_style = {'"': [double], "'": [single, double], None: [*plain, single, double]}
        candidates = by_style.get(style, [double])
    else:
        return None
    for candidate in candidates:
        if "\n" not in candidate and yamlwrite.parses_as(candidate, value, flow=flow):
            return candidate
    return None


def _flow(value: Any) -> str | None:
    """`[a, b]` / `{k: v}` for a collection, or None when some part has no one-line form."""
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            rendered_key = _inline(str(key), None, flow=True)
            rendered = _flow(item) if isinstance(item, dict | list) else _inline(item, None, True)
            if rendered_key is None or rendered is None:
                return None
            parts.append(f"{rendered_key}: {rendered}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        items = [
            _flow(item) if isinstance(item, dict | list) else _inline(item, None, flow=True)
            for item in value
        ]
        if any(item is None for item in items):
            return None
        return "[" + ", ".join(str(item) for item in items) + "]"
    return _inline(value, None, flow=True)


def _roundtrip(text: str, edits: Sequence[Edit]) -> str:
    """The fallback: edit ruamel's round-trip tree (comments kept, layout normalised)."""
    tree = yamlwrite.load_roundtrip(text)
    _edit_tree(tree, edits, yamlwrite.new_value)
    return yamlwrite.dump_roundtrip(tree, yamloutline.guess_indent(yamloutline.outline(text)))
