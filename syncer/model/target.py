"""Target settings: what every `[targets.<name>]` table of `syncer.toml` holds, whatever the vendor.

Each provider subclasses `TargetSettings` with its own keys (`provider: Literal[...]` plus, e.g.,
Batch's pinned `api_version`) in its `settings.py`; `syncer.config.settings` validates a target
through the model the provider registry hands it, so the config step names no vendor. The
vendor contract (`PlanItem`, `SessionSpec`) carries these values, typed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from syncer.model.base import StrictModel

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_loopback(host: str) -> bool:
    """True for localhost and loopback IP literals (the only hosts plain http may reach)."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """A base URL is scheme://host[:port] only; plain http is allowed for loopback hosts only."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("base_url must look like https://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(
            "base_url is scheme, host and port only; the tool appends the vendor's own paths"
        )
    if parts.username or parts.password:
        raise ValueError("base_url must not carry credentials; use the *_env settings")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError("plain http:// is allowed only for loopback addresses; use https://")
    return url.rstrip("/")


def env_name(value: str) -> str:
    """A `*_env` setting names an environment variable; it never holds the value."""
    if not _ENV_NAME.match(value):
        raise ValueError("must be the NAME of an environment variable, not its value")
    return value


class TargetSettings(StrictModel):
    """The settings every target has; a provider's subclass adds its own."""

    provider: str
    sandbox: bool = False
    """Talk to the embedded emulator (started on demand, no credentials)."""
    sandbox_workspace: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
    )
    """With `sandbox = true`: the sandbox workspace (MoEngage workspace id, Batch project key)
    this target uses when its credential variables are unset; default `sandbox`, the demo.
    Two targets with different values are two separate workspaces of one sandbox."""
    base_url: str | None = None
    updated_by: str | None = None
    """Email recorded by the vendor as the author of updates (`updated_by`)."""
    created_by: str | None = None
    """Email recorded as the creator of new campaigns; defaults to `updated_by`."""
    timeout: float = Field(default=30.0, gt=0, le=600)
    """Seconds before a call is abandoned (its outcome is then unknown)."""
    ca_bundle: str | None = None
    """Path to a PEM bundle of extra trusted CAs. TLS verification is never disabled."""
    rate_limit_scale: float = Field(default=1.0, gt=0, le=1000)
    """Multiplies the vendor's documented rate limits (negotiated quotas, sandboxes)."""
    max_retries: int = Field(default=5, ge=0, le=20)
    vars: dict[str, str] = Field(default_factory=dict)
    """`[targets.<name>.vars]`: the values `${var.NAME}` stands for in this target's campaigns.
    Text only: a campaign file's string stays a string, whatever its var holds."""

    @field_validator("vars")
    @classmethod
    def _var_names(cls, values: dict[str, str]) -> dict[str, str]:
        for name in values:
            if not _VAR_NAME.match(name):
                raise ValueError(
                    f"var name {name!r}: use letters, digits and '_', not starting with a digit"
                    " (it is written ${var.NAME})"
                )
        return values

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else check_base_url(value)

    @field_validator("updated_by", "created_by")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError("must be an email address (the vendor accepts emails only)")
        return value

    def credential_envs(self) -> tuple[str, str]:
        """The names of the variables holding (the account identifier, the API key)."""
        raise NotImplementedError(f"{type(self).__name__} names no credential variables")

    def resolved_base_url(self) -> str | None:
        """Where the vendor's API is (None: nowhere configured)."""
        return self.base_url

    def creation_limit(self) -> int | None:
        """Most creations one plan may hold by this target's own setting (None: no limit)."""
        return None


TargetModels = Mapping[str, type[TargetSettings]]
"""Each provider's target settings model by provider name (`syncer.providers.registry.
target_models()`), handed to the config step so that it names no vendor."""
