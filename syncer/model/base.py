"""Shared pydantic bases: strict for what people write, stricter still for vendor objects.

Also the one scalar type every vendor model needs: `Text`, a string that YAML really read as one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from syncer.model.docstrings import describe_fields


class StrictModel(BaseModel):
    """Input written by people: an unknown key is an error, values never change after load."""

    # Built when first used, not when defined: a command builds only the models it uses.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FrozenModel(StrictModel):
    """Values the tool computes (plans, reports): immutable, serialisable, no extras."""


class VendorModel(StrictModel):
    """Base of every vendor object a campaign file declares (its `campaign:` block)."""

    # strict: YAML's `yes`, `"12"` or `1.0` must not quietly become a bool, a string or an int.
    # Field docstrings become descriptions when a schema is made, not at import (docstrings.py).
    model_config = ConfigDict(strict=True, json_schema_extra=describe_fields)


def _require_str(value: Any) -> Any:
    # YAML reads `4012`, `1.5`, `true` and `2024-06-01` as non-strings; say so instead of
    # converting, since vendors compare these values as text.
    if isinstance(value, bool | int | float | date):
        kind = "number"
        if isinstance(value, bool):
            kind = "boolean"
        elif isinstance(value, date):
            kind = "date"
        raise PydanticCustomError(
            "string_type",
            "expected a string, but YAML read {value} as a {kind}; quote it",
            {"value": str(value), "kind": kind},
        )
    return value


Text = Annotated[str, BeforeValidator(_require_str, json_schema_input_type=str)]
"""A string written as one: a number, boolean or date YAML read instead is an error."""
