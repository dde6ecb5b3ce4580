"""`syncer schema`: the JSON Schema of campaign files, for editors and pre-commit."""

from __future__ import annotations

import json
from typing import Any

from syncer import exitcodes
from syncer.commands.context import Context
from syncer.providers import registry

_ENVELOPE_DOC = "A campaign-syncer campaign file: one campaign, its target and lifecycle."


def campaign_file_schema() -> dict[str, Any]:
    """A schema with one branch per provider (selected by `provider:`)."""
    branches = []
    for name in registry.NAMES:
        provider = registry.get(name)
        branches.append(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["provider", "campaign"],
                "properties": {
                    "provider": {"const": name},
                    "target": {"type": "string", "description": "a target of syncer.toml"},
                    "id": {"type": "string", "description": "pins a remote campaign"},
                    "state": {"enum": list(provider.states)},
                    "read_only": {"type": "boolean"},
                    "lifecycle": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "ignore_changes": {"type": "array", "items": {"type": "string"}},
                            "on_locked": {"enum": ["fail", "skip", "replace"]},
                        },
                    },
                    "campaign": provider.json_schema(),
                },
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "campaign-syncer campaign file",
        "description": _ENVELOPE_DOC,
        "oneOf": branches,
    }


def run(ctx: Context) -> int:
    ctx.out.document(json.dumps(campaign_file_schema(), indent=2) + "\n")
    return exitcodes.OK
