"""MoEngage's published OpenAPI schema for the V1 campaigns API, as a request-body validator.

Takes a request body and the name of a schema in `components/schemas` (for example
`EmailCampaignRequest`); returns the list of schema violations as `path: message` strings.
`openapi.json` is the vendor's `moengage-v1-campaigns-openapi.yml` converted to JSON, unchanged,
so that loading it costs milliseconds; a test checks the two stay identical.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema_rs import Draft202012Validator


@cache
def openapi_document() -> dict[str, Any]:
    """The vendor's OpenAPI document (parsed once per process)."""
    # Next to this module (also in a wheel): importlib.resources cost more to import than this
    # read, on every validate that checks a file without an id.
    text = Path(__file__).with_name("openapi.json").read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    # jsonschema-rs (Rust) imports in about 15 ms where the pure-Python jsonschema took over
    # 100 ms, and `validate` of a file without an id runs this check on every cold start.
    from jsonschema_rs import Draft202012Validator

    # The document's own `#/components/schemas/...` references resolve against this root.
    schema = {
        "$ref": f"#/components/schemas/{schema_name}",
        "components": openapi_document()["components"],
    }
    # OpenAPI's `format` is an annotation here, as in JSON Schema 2020-12: not a refusal.
    return Draft202012Validator(schema, validate_formats=False)


def _message(error: Any) -> str:
    missing = getattr(error.kind, "property", None)
    if type(error.kind).__name__ == "Required" and isinstance(missing, str):
        # Worded as before (and as the sandbox's details and the creation check read it).
        return f"{missing!r} is a required property"
    return str(error.message)


def schema_violations(body: Any, schema_name: str) -> list[str]:
    """Validate `body` against `components/schemas/<schema_name>`.

    Args:
        body: a JSON-compatible request body.
        schema_name: e.g. `EmailCampaignRequest`, `EmailCampaignUpdateRequest`,
            `CampaignSearchRequest`, `CampaignStatusChangeRequest`.

    Returns:
        One `dotted.path: message` string per violation, sorted; empty when the body conforms.
    """
    problems = []
    for error in _validator(schema_name).iter_errors(body):
        path = ".".join(str(part) for part in error.instance_path) or "(body)"
        problems.append(f"{path}: {_message(error)}")
    return sorted(problems)
