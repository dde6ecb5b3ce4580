"""CONFIG: `syncer.toml` -> typed `Settings` with one `Target` per workspace.

Problems are reported all at once as `syncer.toml:line:col: message` (`ConfigError`). Nothing
here reads credentials: targets only name the environment variables that hold them
(`credentials.py` reads them, at the edge, when a command needs the network).
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator

from syncer.config.readfile import NotUtf8, Unreadable, read_regular, utf8
from syncer.errors import ConfigError, Problem
from syncer.model.base import StrictModel

CONFIG_FILE = "syncer.toml"
MAX_CONFIG_BYTES = 1024 * 1024
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TARGET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""Target names become file names (state, journal) and object keys: nothing that could
climb out of a directory or break a line."""
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CREDENTIAL_KEY = re.compile(r"(access_key|secret|token|password|credential)", re.IGNORECASE)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback IP literals (the only hosts plain http may reach)."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_inside(value: str) -> str:
    """A path the tool reads or writes below the project: relative, without `..`."""
    path = PurePosixPath(value.replace("\\", "/"))
    if not value.strip() or path.is_absolute() or ".." in path.parts or ":" in value:
        raise ValueError("must be a relative path inside the project (no '..', not absolute)")
    return value


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


class _TargetBase(StrictModel):
    sandbox: bool = False
    """Talk to the embedded emulator (started on demand, no credentials)."""
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


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError("must be the NAME of an environment variable, not its value")
    return value


class MoEngageTarget(_TargetBase):
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
        if value is not None and value not in {"01", "02", "03", "04", "05", "06", "101"}:
            raise ValueError("data_center must be one of 01..06 or 101 (as a quoted string)")
        return value

    _check_envs = field_validator("workspace_id_env", "api_key_env")(_env_name)

    def resolved_base_url(self) -> str | None:
        if self.base_url:
            return self.base_url
        if self.data_center:
            return f"https://api-{self.data_center}.moengage.com"
        return None


class BatchTarget(_TargetBase):
    provider: Literal["batch"]
    api_version: str = "2.11"
    """Pinned Batch API version; every call uses it."""
    project_key_env: str = "BATCH_PROJECT_KEY"
    api_key_env: str = "BATCH_API_KEY"

    _check_envs = field_validator("project_key_env", "api_key_env")(_env_name)

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not re.fullmatch(r"\d+\.\d+", value):
            raise ValueError('api_version looks like "2.11"')
        return value

    def resolved_base_url(self) -> str | None:
        return self.base_url or "https://api.batch.com"


Target = Annotated[MoEngageTarget | BatchTarget, Field(discriminator="provider")]


class StateConfig(StrictModel):
    """Where the state store and the apply journal live.

    For `backend = "s3"`, credentials come from the standard AWS chain (environment, shared
    config and profiles, SSO, instance or task role), never from this file.
    """

    backend: Literal["local", "s3"] = "local"
    path: str = ".syncer"
    bucket: str | None = None
    prefix: str = "campaign-syncer"
    endpoint_url: str | None = None
    """An S3-compatible service (MinIO, R2, Ceph...): scheme, host and port."""
    region: str | None = None
    addressing_style: Literal["auto", "path", "virtual"] = "auto"
    """`path` for most self-hosted S3-compatible services."""
    lock_timeout: float = Field(default=0, ge=0, le=3600)
    """Seconds to wait for another run's lock before failing (0: fail at once)."""

    @model_validator(mode="before")
    @classmethod
    def _no_credentials(cls, data: Any) -> Any:
        if isinstance(data, dict):
            secret = sorted(k for k in data if _CREDENTIAL_KEY.search(str(k)))
            if secret:
                raise ValueError(
                    f"{', '.join(secret)}: credentials are never read from syncer.toml; the s3 "
                    "backend uses the standard AWS chain (AWS_ACCESS_KEY_ID and "
                    "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, or the runner's role)"
                )
        return data

    @field_validator("endpoint_url")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        return None if value is None else check_base_url(value)

    _path_inside = field_validator("path")(check_inside)


class Settings(StrictModel):
    campaigns_dir: str = "campaigns"
    default_target: str | None = None
    targets: dict[str, Target]
    state: StateConfig = StateConfig()
    updated_by: str | None = None
    """Default author for every target (a target's own `updated_by` wins)."""
    pin_ids: bool = True
    """After apply creates a campaign (or a replacement), write its `id:` into the campaign
    file, so that every checkout knows it (sandbox targets keep ids in the state store)."""
    root: Path = Path()
    """The project directory (where syncer.toml lives); set by `load`."""

    _campaigns_inside = field_validator("campaigns_dir")(check_inside)

    @field_validator("targets")
    @classmethod
    def _names(cls, targets: dict[str, Any]) -> dict[str, Any]:
        for name in targets:
            if not _TARGET_NAME.match(name):
                raise ValueError(
                    f"target name {name!r}: use letters, digits, '-', '_' and '.' "
                    "(it names files under the state directory)"
                )
        return targets

    @property
    def campaigns_path(self) -> Path:
        return self.root / self.campaigns_dir

    def target(self, name: str) -> MoEngageTarget | BatchTarget:
        return self.targets[name]


def load(path: Path) -> Settings:
    """Read and validate `syncer.toml`.

    Raises:
        ConfigError: every problem found, each with its line and column.
    """
    display = path.name
    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except Unreadable as exc:
        if not path.exists() and not path.is_symlink():
            message = f"{path} not found: create it (see README, 'Config')"
        else:
            message = str(exc)
        raise ConfigError([Problem(display, 1, 1, message)]) from None
    try:
        text = utf8(data)
    except NotUtf8 as exc:
        raise ConfigError([Problem(display, exc.line, exc.col, "not UTF-8 text")]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_position(str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError([Problem(display, line, col, f"invalid TOML: {message}")]) from None
    except RecursionError:
        raise ConfigError([Problem(display, 1, 1, "invalid TOML: nested too deeply")]) from None
    except ValueError:  # Python refuses to convert integers of thousands of digits
        raise ConfigError([Problem(display, 1, 1, "invalid TOML: a number is too long")]) from None
    return _validate(raw, text, display, path.parent)


def _validate(raw: dict[str, Any], text: str, display: str, root: Path) -> Settings:
    problems: list[Problem] = []
    try:
        settings = Settings.model_validate({**raw, "root": root})
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(p) for p in err["loc"] if not _is_union_tag(p)]
            message = "unknown key" if err["type"] == "extra_forbidden" else _clean(err["msg"])
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc.append("provider")
                message = "provider must be one of: moengage, batch"
            line, col = locate_toml(text, loc)
            where = ".".join(loc) or "(file)"
            problems.append(Problem(display, line, col, f"{where}: {message}"))
        raise ConfigError(problems) from None
    if settings.default_target and settings.default_target not in settings.targets:
        line, col = locate_toml(text, ["default_target"])
        known = ", ".join(sorted(settings.targets)) or "none"
        problems.append(
            Problem(
                display,
                line,
                col,
                f"default_target {settings.default_target!r} is not a target (known: {known})",
            )
        )
    for name, target in settings.targets.items():
        if not target.sandbox and target.resolved_base_url() is None:
            line, col = locate_toml(text, ["targets", name])
            problems.append(
                Problem(display, line, col, f"targets.{name}: set data_center or base_url")
            )
    targets = dict(settings.targets)
    for name, target in settings.targets.items():
        if target.ca_bundle is None:
            continue
        bundle = root / target.ca_bundle
        if not bundle.is_file():
            line, col = locate_toml(text, ["targets", name, "ca_bundle"])
            problems.append(
                Problem(
                    display,
                    line,
                    col,
                    f"targets.{name}.ca_bundle: {target.ca_bundle} is not a file (a PEM bundle "
                    "of CA certificates; a relative path starts at syncer.toml's directory)",
                )
            )
        targets[name] = target.model_copy(update={"ca_bundle": str(bundle)})
    settings = settings.model_copy(update={"targets": targets})
    if settings.state.backend == "s3" and not settings.state.bucket:
        line, col = locate_toml(text, ["state", "backend"])
        problems.append(Problem(display, line, col, "state: the s3 backend needs a bucket"))
    if problems:
        raise ConfigError(problems)
    return settings


def _is_union_tag(part: object) -> bool:
    return part in ("moengage", "batch")


def _clean(message: str) -> str:
    return message.removeprefix("Value error, ")


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"at line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


def locate_toml(text: str, loc: list[str]) -> tuple[int, int]:
    """Best-effort line and column of a dotted key in TOML text (tomllib keeps no positions).

    Looks for the deepest `[table]` header that prefixes `loc`, then for the key inside it.
    """
    lines = text.splitlines()
    for depth in range(len(loc), 0, -1):
        table = ".".join(loc[:depth])
        header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
        for index, line in enumerate(lines):
            if header.match(line):
                rest = loc[depth:]
                if not rest:
                    return index + 1, line.index("[") + 1
                key = re.compile(rf"^\s*{re.escape(rest[0])}\s*=")
                for offset, inner in enumerate(lines[index + 1 :], start=index + 2):
                    if inner.lstrip().startswith("["):
                        break
                    if key.match(inner):
                        return offset, len(inner) - len(inner.lstrip()) + 1
                return index + 1, 1
    if loc:
        key = re.compile(rf"^\s*{re.escape(loc[0])}\s*=")
        for index, line in enumerate(lines):
            if line.lstrip().startswith("["):
                break
            if key.match(line):
                return index + 1, len(line) - len(line.lstrip()) + 1
    return 1, 1
