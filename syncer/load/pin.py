"""PIN (pure): a campaign file's text + a target's remote id -> the text with that id pinned.

Takes the text of one campaign file, the target the id belongs to and the id; returns the new
text. Where the id goes is `load.ids`' rule (a string in a one-target file, `id: {<target>:
<id>}` in a file with `targets:`); this module writes it so that a person's file stays theirs:
an existing `id:` is rewritten where it stands (its quoting kept), and a file without one gets
an `id:` line right after its `target:` (or `targets:`, or `provider:`) line, in that line's
indentation. Every other byte stays as it was (comments, order, blank lines).
`id_location` says where a target's id sits, for messages about that id.
"""

from __future__ import annotations

import json
from typing import Any

from syncer.load.ids import id_edit, pinned_id
from syncer.load.yaml import outline as yamloutline
from syncer.load.yaml import read as yamlio
from syncer.load.yaml import write as yamlwrite
from syncer.load.yaml.edit import Edit, EditError, apply_edits
from syncer.load.yaml.outline import Item, Node

# The keys after which a new `id:` line goes, best first: next to what says where it lives.
_ANCHORS = ("target", "targets", "provider")


def pin_id(text: str, target: str, campaign_id: str) -> str:
    """`text` with `campaign_id` pinned as `target`'s id.

    Raises:
        EditError: the text is not a campaign file's mapping, or the result would not read
            back with exactly that id added.
    """
    crlf = "\r\n" in text
    plain = text.replace("\r\n", "\n")
    data = _data(plain)
    edit = id_edit(data, target, campaign_id)
    current = data.get("id")
    if "id" not in data:
        new = _insert(plain, edit.value)
    elif isinstance(current, dict) and target not in current:
        # The whole mapping is rewritten where it stands (a flow mapping stays on its line);
        # adding one key inside it would fall back to reformatting the file.
        new = apply_edits(plain, [Edit(("id",), {**current, target: campaign_id})])
    else:
        new = apply_edits(plain, [edit])
    again = _data(new)
    others = {k: v for k, v in again.items() if k != "id"}
    if pinned_id(again, target) != campaign_id or others != {
        k: v for k, v in data.items() if k != "id"
    }:
        raise EditError("the pinned file would not read back with that id")
    return new.replace("\n", "\r\n") if crlf else new


def id_location(text: str, target: str, display: str) -> tuple[int, int]:
    """1-based line and column of `target`'s id in the file (its `id:` key when one id)."""
    document, _ = yamlio.load(text, display)
    if document is None:
        return 1, 1
    if isinstance(document.data, dict) and isinstance(document.data.get("id"), dict):
        return yamlio.locate(document.tree, ("id", target))
    return yamlio.locate(document.tree, ("id",))


def _data(text: str) -> dict[str, Any]:
    document, problems = yamlio.load(text, "<pin>")
    if document is None:
        raise EditError("; ".join(str(p) for p in problems))
    if not isinstance(document.data, dict):
        raise EditError("a campaign file is a mapping")
    return document.data


def _insert(text: str, value: Any) -> str:
    """A new `id:` line after the anchor line, or the round-trip edit when there is none."""
    tree = yamloutline.outline(text)
    anchor = _anchor(tree)
    if tree.kind != "map" or tree.flow or anchor is None or anchor.key_node is None:
        return _appended(text, value)
    end = anchor.value.end
    newline = text.find("\n", end)
    line = f"{' ' * anchor.key_node.column}id: {_flow(value)}\n"
    if newline == -1:
        return text + "\n" + line
    return text[: newline + 1] + line + text[newline + 1 :]


def _appended(text: str, value: Any) -> str:
    """The fallback for a flow-style document: ruamel's round-trip (comments kept)."""
    tree = yamlwrite.load_roundtrip(text)
    tree["id"] = yamlwrite.new_value(value)
    return yamlwrite.dump_roundtrip(tree, yamloutline.guess_indent(yamloutline.outline(text)))


def _anchor(tree: Node) -> Item | None:
    for name in _ANCHORS:
        for item in tree.items:
            if item.key == name:
                return item
    return None


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(str(k))}: {_scalar(v)}" for k, v in value.items()) + "}"
    return _scalar(value)


def _scalar(value: str) -> str:
    """Plain when it reads back as the same string (ids are hex or tokens), else quoted."""
    if yamlwrite.parses_as(value, value, flow=True):
        return value
    return json.dumps(value, ensure_ascii=False)
