"""MoEngage's published OpenAPI schema for the V1 campaigns API, as a request-body validator.

Takes a request body and the name of a schema in `components/schemas` (for example
`EmailCampaignRequest`); returns the list of schema violations as `path: message` strings.
`openapi.json` is the vendor's `moengage-v1-campaigns-openapi.yml` converted to JSON, unchanged,
so that loading it costs milliseconds; a test checks the two stay identical.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_ROOT = "urn:moengage-v1-openapi"


@cache
def openapi_document() -> dict[str, Any]:
    """The vendor's OpenAPI document (parsed once per process)."""
    text = resources.files(__package__).joinpath("openapi.json").read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    # jsonschema costs a tenth of a second to import: only planning a creation needs it.
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource = Resource.from_contents(openapi_document(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_ROOT, resource)
    schema = {"$ref": f"{_ROOT}#/components/schemas/{schema_name}"}
    return Draft202012Validator(schema, registry=registry)


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
        path = ".".join(str(part) for part in error.absolute_path) or "(body)"
        problems.append(f"{path}: {error.message}")
    return sorted(problems)
