"""REQUIREMENTS (pure): what MoEngage V1 would refuse a creation for, said before any call.

Takes a `POST /campaigns` body (or a file's `campaign:` block, for `validate`'s check of a file
without an `id:`); returns its problems: V1's published schema's and the semantic checks', as
`dotted.path: message` strings (located in the file for `file_problems`). Apart from the
planner of a creation (`creation`), so that `validate` loads no planning code.
"""

from __future__ import annotations

import re
from typing import Any

from syncer.model.overlay import strip_nulls
from syncer.model.vendor import Location
from syncer.providers.moengage import checks, normalize
from syncer.providers.moengage.schema import schema_violations

PER_CALL = {"request_id": "per-call"}  # schema checks need a request_id; apply adds the real one

_REQUIRED = re.compile(r"^(.*): '(\w+)' is a required property$")


def body_problems(body: dict[str, Any]) -> list[str]:
    """The schema's and the semantic checks' problems, each said once: a key the checks
    already call required is not repeated in the schema's words."""
    found = checks.create_problems(body)
    said = {problem.split(":", 1)[0] for problem in found}
    for violation in schema_violations({**body, **PER_CALL}, "EmailCampaignRequest"):
        missing = _REQUIRED.match(violation)
        if missing is None:
            found.append(violation)
            continue
        where, key = missing.groups()
        path = key if where == "(body)" else f"{where}.{key}"
        if path not in said and key not in ("created_by", "updated_by"):
            found.append(f"{path}: required key is missing")
            said.add(path)
    return found


def file_problems(campaign: dict[str, Any]) -> list[tuple[Location, str]]:
    """What a create from this `campaign:` block alone would be refused for (validate's check
    of a file without an `id:`); the author is the config's business, not the file's."""
    body: dict[str, Any] = {"channel": "EMAIL"}
    for name, value in campaign.items():
        if name not in normalize.READ_ONLY and value is not None:
            body[name] = normalize.for_request(name, strip_nulls(value))
    located = []
    for problem in body_problems(body):
        path = problem.partition(": ")[0]
        located.append((_location(path), problem))
    return located


def _location(dotted: str) -> Location:
    if dotted == "(body)":
        return ()
    parts: list[str | int] = []
    for piece in dotted.split("."):
        name, *indexes = piece.split("[")
        if name:
            parts.append(name)
        parts.extend(int(index.rstrip("]")) for index in indexes if index.rstrip("]").isdigit())
    return tuple(parts)
