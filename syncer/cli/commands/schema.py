"""`syncer schema`: the JSON Schema of campaign files, for editors and pre-commit."""

from __future__ import annotations

import copy
import json
from typing import Any

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.load.content.resolve import accepting_references
from syncer.providers import registry

_ENVELOPE_DOC = (
    "A campaign-syncer campaign file: one campaign, its target(s), per-target overrides and"
    " lifecycle."
)


def _hoist(node: Any, prefix: str, defs: dict[str, Any]) -> Any:
    """Move a sub-schema's `$defs` to the root (as `<prefix>.<Name>`) and fix its `$ref`s.

    JSON Pointer refs like `#/$defs/Name` resolve against the document root, so a provider's
    model schema cannot keep its own `$defs` once nested under `properties.campaign`.
    """
    if isinstance(node, dict):
        for name, sub in node.pop("$defs", {}).items():
            defs[f"{prefix}.{name}"] = _hoist(sub, prefix, defs)
        return {
            key: (
                value.replace("#/$defs/", f"#/$defs/{prefix}.")
                if key == "$ref" and isinstance(value, str)
                else _hoist(value, prefix, defs)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_hoist(item, prefix, defs) for item in node]
    return node


_ID = {"type": "string", "minLength": 1}


def _envelope(states: tuple[str, ...]) -> dict[str, Any]:
    return {
        "state": {
            "enum": list(states),
            "description": "the campaign's desired status; apply makes the status call it needs "
            "(and the plan says when that starts sending)",
        },
        "read_only": {
            "type": "boolean",
            "description": "never write this campaign: the plan shows its differences only",
        },
        "lifecycle": {
            "type": "object",
            "additionalProperties": False,
            "description": "how the tool treats this campaign's changes",
            "properties": {
                "ignore_changes": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "dotted paths under campaign: that are never diffed or "
                    "written (values edited in the dashboard)",
                },
                "on_locked": {
                    "enum": ["fail", "skip", "replace"],
                    "description": "a change the campaign's status forbids: block the plan "
                    "(fail), apply the rest (skip), or retire it and create a replacement",
                },
            },
        },
    }


def campaign_file_schema() -> dict[str, Any]:
    """A schema with one branch per provider (selected by `provider:`)."""
    branches = []
    defs: dict[str, Any] = {}
    for name in registry.NAMES:
        provider = registry.get(name)
        branches.append(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["provider", "campaign"],
                "properties": {
                    "provider": {"const": name, "description": "the vendor: moengage or batch"},
                    "target": {"type": "string", "description": "a target of syncer.toml"},
                    "targets": {
                        "type": "array",
                        "items": {"type": "string"},
                        "minItems": 1,
                        "uniqueItems": True,
                        "description": "instead of target: each listed target is its own campaign",
                    },
                    "id": {
                        "oneOf": [
                            {"type": "string", "minLength": 1},
                            {"type": "object", "additionalProperties": _ID},
                        ],
                        "description": "pins a remote campaign; with targets:, one id per target",
                    },
                    "overrides": {
                        "type": "object",
                        "description": "per target (a listed one), merged over the file: "
                        "mappings key by key, lists and scalars replace, null clears",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "state": {
                                    "enum": [*provider.states, None],
                                    "description": "this target's status (null: the file's)",
                                },
                                "read_only": {
                                    "type": ["boolean", "null"],
                                    "description": "read-only in this target only",
                                },
                                "lifecycle": {
                                    "type": ["object", "null"],
                                    "description": "this target's lifecycle (over the file's)",
                                },
                                "campaign": {
                                    "type": "object",
                                    "description": "fields merged over campaign: for this target",
                                },
                            },
                        },
                    },
                    **_envelope(provider.states),
                    "campaign": accepting_references(
                        _hoist(copy.deepcopy(provider.json_schema()), name, defs)
                    ),
                },
                "not": {"required": ["target", "targets"]},
            }
        )
    defs = {key: accepting_references(value) for key, value in defs.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "campaign-syncer campaign file",
        "description": _ENVELOPE_DOC,
        "oneOf": branches,
        "$defs": defs,
    }


def run(ctx: Context) -> int:
    ctx.out.document(json.dumps(campaign_file_schema(), indent=2) + "\n")
    return exitcodes.OK
