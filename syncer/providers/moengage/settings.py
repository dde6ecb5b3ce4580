"""MoEngage target settings: the `[targets.<name>]` keys of a `provider = "moengage"` target."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from syncer.model.target import TargetSettings, env_name

DATA_CENTERS = frozenset({"01", "02", "03", "04", "05", "06", "101"})


class MoEngageTarget(TargetSettings):
    provider: Literal["moengage"]
    data_center: str | None = None
    """`01`..`06` or `101`: selects https://api-<dc>.moengage.com."""
    workspace_id_env: str = "MOENGAGE_WORKSPACE_ID"
    api_key_env: str = "MOENGAGE_API_KEY"
    max_creates_per_run: int = Field(default=25, ge=0, le=100)
    """Refuse plans that would create more campaigns than this (MoEngage: 25/min, 100/day)."""

    @field_validator("data_center")
    @classmethod
    def _dc(cls, value: str | None) -> str | None:
        if value is not None and value not in DATA_CENTERS:
            raise ValueError("data_center must be one of 01..06 or 101 (as a quoted string)")
        return value

    _check_envs = field_validator("workspace_id_env", "api_key_env")(env_name)

    def credential_envs(self) -> tuple[str, str]:
        return self.workspace_id_env, self.api_key_env

    def resolved_base_url(self) -> str | None:
        if self.base_url:
            return self.base_url
        if self.data_center:
            return f"https://api-{self.data_center}.moengage.com"
        return None

    def creation_limit(self) -> int | None:
        return self.max_creates_per_run
