"""Provider lookup by name (`moengage`, `batch`), and each provider's target settings model.

The steps below the providers (config, load, plan) are handed these lookups instead of
importing a vendor: `load_definitions(settings, registry.get)`,
`config.load(path, registry.target_models())`.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from syncer.model.target import TargetModels
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


@cache
def target_models() -> TargetModels:
    """Each provider's target settings model, in `NAMES` order (only the settings modules are
    imported: reading syncer.toml loads no client or planner)."""
    from syncer.providers.batch.settings import BatchTarget
    from syncer.providers.moengage.settings import MoEngageTarget

    return MappingProxyType({"moengage": MoEngageTarget, "batch": BatchTarget})
