"""Batch target settings: the `[targets.<name>]` keys of a `provider = "batch"` target."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import field_validator

from syncer.model.target import TargetSettings, env_name

DEFAULT_VERSION = "2.11"


class BatchTarget(TargetSettings):
    provider: Literal["batch"]
    api_version: str = DEFAULT_VERSION
    """Pinned Batch API version; every call uses it."""
    project_key_env: str = "BATCH_PROJECT_KEY"
    api_key_env: str = "BATCH_API_KEY"
    experimental_push: bool = False
    """Write push messages. Off by default: no Batch page names a push field; the ones the tool
    sends (platform_type, title, body, deeplink) come from third-party code."""

    _check_envs = field_validator("project_key_env", "api_key_env")(env_name)

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not re.fullmatch(r"\d+\.\d+", value):
            raise ValueError('api_version looks like "2.11"')
        return value

    def credential_envs(self) -> tuple[str, str]:
        return self.project_key_env, self.api_key_env

    def resolved_base_url(self) -> str | None:
        return self.base_url or "https://api.batch.com"


def of(settings: TargetSettings) -> BatchTarget:
    """The settings of a Batch target (the registry hands Batch only its own)."""
    if not isinstance(settings, BatchTarget):
        raise TypeError(f"a Batch target's settings, not {type(settings).__name__}")
    return settings


def api_path(settings: TargetSettings, route: str) -> str:
    """`/{api_version}/campaigns/<route>`, with the version pinned in the target's settings."""
    return f"/{of(settings).api_version}/campaigns/{route}"
