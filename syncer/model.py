"""Shared pydantic bases: strict for what people write, tolerant for what vendors return."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Input written by people: an unknown key is an error, values never change after load."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FrozenModel(BaseModel):
    """Values the tool computes (plans, reports): immutable, serialisable, no extras."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TolerantModel(BaseModel):
    """Vendor responses: unknown fields are kept, missing optional ones never crash."""

    model_config = ConfigDict(extra="allow", frozen=True)
