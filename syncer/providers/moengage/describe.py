"""DESCRIBE (pure): the campaign model's JSON Schema -> the same with MoEngage's own words.

Takes the schema pydantic makes of the file model (`models.json_schema()`) and returns a copy in
which every property the model does not describe carries the description of the same property in
MoEngage's published OpenAPI file (walked in parallel from `EmailCampaignRequest`), and every
property the vendor requires to create a campaign says so. Editors show these as hover help and
completion details; `validate` enforces the same requirements for files without an `id:`.
"""

from __future__ import annotations

import copy
from typing import Any

from syncer.providers.moengage.schema import openapi_document

CREATE_ROOT = "EmailCampaignRequest"
SUPPLIED = frozenset({"request_id", "created_by", "updated_by"})
"""Required by the vendor, but sent by the tool itself: never written in a file."""
REQUIRED_NOTE = "Required to create a campaign (a file without `id:`)."


def described(schema: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(schema)
    components = openapi_document()["components"]["schemas"]
    _walk(result, result, components[CREATE_ROOT], components, set())
    return result


def _local(root: dict[str, Any], node: Any) -> dict[str, Any]:
    """A pydantic schema node with its `$ref` (into `$defs`) and single-branch unions resolved."""
    while isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})
            continue
        branches = [b for b in node.get("anyOf", []) if b.get("type") != "null"]
        if "properties" not in node and len(branches) == 1:
            node = branches[0]
            continue
        return node
    return {}


def _vendor(components: dict[str, Any], node: Any) -> dict[str, Any]:
    """An OpenAPI schema node with `$ref`s followed and `allOf` parts merged."""
    if not isinstance(node, dict):
        return {}
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _vendor(components, components.get(ref.rsplit("/", 1)[-1], {}))
    merged = {k: v for k, v in node.items() if k != "allOf"}
    for part in node.get("allOf", []):
        resolved = _vendor(components, part)
        merged.setdefault("properties", {}).update(resolved.get("properties", {}))
        merged["required"] = [*merged.get("required", []), *resolved.get("required", [])]
        if "description" in resolved:
            merged.setdefault("description", resolved["description"])
    return merged


def _walk(
    root: dict[str, Any],
    node: Any,
    vendor: Any,
    components: dict[str, Any],
    seen: set[tuple[int, int]],
) -> None:
    mine, theirs = _local(root, node), _vendor(components, vendor)
    if (id(mine), id(vendor)) in seen or "properties" not in mine:
        if mine.get("type") == "array" or "items" in mine:
            _walk(root, mine.get("items"), theirs.get("items"), components, seen)
        return
    seen.add((id(mine), id(vendor)))
    required = set(theirs.get("required", [])) - SUPPLIED
    for name, prop in mine["properties"].items():
        other = theirs.get("properties", {}).get(name)
        if not isinstance(prop, dict):
            continue
        text = prop.get("description") or _vendor(components, other).get("description")
        if isinstance(text, str) and text.strip():
            prop["description"] = text.strip()
        if name in required and REQUIRED_NOTE not in prop.get("description", ""):
            prop["description"] = f"{prop.get('description', '').rstrip()} {REQUIRED_NOTE}".strip()
        if other is not None:
            _walk(root, prop, other, components, seen)
