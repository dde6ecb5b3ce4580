"""Provider lookup by name (`moengage`, `batch`)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from syncer.model.vendor import Provider

NAMES = ("moengage", "batch")


@cache
def get(name: str) -> Provider:
    if name == "moengage":
        from syncer.providers.moengage.provider import MoEngageProvider

        return MoEngageProvider()
    if name == "batch":
        from syncer.providers.batch.provider import BatchProvider

        return BatchProvider()
    raise KeyError(name)
