"""CONFIG: `syncer.toml` -> typed `Settings` with one `TargetSettings` per workspace.

Each target is validated by the settings model of its provider, which the caller hands in
(`load(path, registry.target_models())`): nothing here knows a vendor.

Problems are reported all at once as `syncer.toml:line:col: message` (`ConfigError`). Nothing
here reads credentials: targets only name the environment variables that hold them
(`credentials.py` reads them, at the edge, when a command needs the network).
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from syncer.config.readfile import NotUtf8, Unreadable, read_regular, utf8
from syncer.errors import ConfigError, Problem
from syncer.model.base import StrictModel
from syncer.model.messages import schema_keys, unknown_key, wording
from syncer.model.target import TargetModels, TargetSettings, check_base_url

CONFIG_FILE = "syncer.toml"
MAX_CONFIG_BYTES = 1024 * 1024
_TARGET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""Target names become file names (state, journal) and object keys: nothing that could
climb out of a directory or break a line."""
_CREDENTIAL_KEY = re.compile(r"(access_key|secret|token|password|credential)", re.IGNORECASE)


def check_inside(value: str) -> str:
    """A path the tool reads or writes below the project: relative, without `..`."""
    path = PurePosixPath(value.replace("\\", "/"))
    if not value.strip() or path.is_absolute() or ".." in path.parts or ":" in value:
        raise ValueError("must be a relative path inside the project (no '..', not absolute)")
    return value


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


CHECK_NAMES = (
    "insecure_link",
    "empty_link",
    "image_alt",
    "gmail_clipping",
    "unsubscribe_link",
    "missing_lang",
    "duplicate_id",
    "script_or_form",
    "unknown_personalization",
)
"""The email checks `[checks]` can set (README, "Email checks"); each is `warn` by default."""
CheckLevel = Literal["error", "warn", "off"]


class Settings(StrictModel):
    campaigns_dir: str = "campaigns"
    templates_dir: str = "templates"
    """Where `{file: PATH}` and `.j2` templates are read from; nothing outside it is read."""
    checks: dict[str, CheckLevel] = Field(default_factory=dict)
    """Level of each email check by name (`error | warn | off`); unnamed checks warn."""
    default_target: str | None = None
    targets: dict[str, TargetSettings]
    """Each validated by its provider's model (see `load`): instances of its subclass."""
    state: StateConfig = StateConfig()
    updated_by: str | None = None
    """Default author for every target (a target's own `updated_by` wins)."""
    pin_ids: bool = True
    """After apply creates a campaign (or a replacement), write its `id:` into the campaign
    file, so that every checkout knows it (sandbox targets keep ids in the state store)."""
    root: Path = Path()
    """The project directory (where syncer.toml lives); set by `load`."""

    _campaigns_inside = field_validator("campaigns_dir", "templates_dir")(check_inside)

    @field_validator("checks")
    @classmethod
    def _check_names(cls, checks: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(checks) - set(CHECK_NAMES))
        if unknown:
            raise ValueError(
                f"unknown check {', '.join(unknown)} (known: {', '.join(CHECK_NAMES)})"
            )
        return checks

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

    @property
    def templates_path(self) -> Path:
        return self.root / self.templates_dir

    def check_level(self, name: str) -> CheckLevel:
        return self.checks.get(name, "warn")

    def vars_for(self, target: str) -> dict[str, Any]:
        """The values templates see as `var` for `target`: its `[targets.<name>.vars]`, the
        same values `${var.NAME}` stands for."""
        config = self.targets.get(target)
        return dict(config.vars) if config is not None else {}

    def target(self, name: str) -> TargetSettings:
        return self.targets[name]


def load(path: Path, models: TargetModels) -> Settings:
    """Read and validate `syncer.toml`; `models` validates each target, by its `provider`.

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
    return _validate(raw, text, display, path.parent, models)


def _validate(
    raw: dict[str, Any], text: str, display: str, root: Path, models: TargetModels
) -> Settings:
    data = {**raw, "root": root}
    problems: list[Problem] = []
    if "targets" in raw:
        data["targets"], problems = _targets(raw["targets"], text, display, models)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problems(exc, [], text, display, Settings))
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
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


def _targets(
    tables: Any, text: str, display: str, models: TargetModels
) -> tuple[Any, list[Problem]]:
    """Each `[targets.<name>]` table validated by its provider's model; the problems found.

    Tables that fail are left out (their problems are reported), so that validating the rest
    of the file does not report them a second time.
    """
    if not isinstance(tables, dict):
        return tables, []  # not a table: `Settings` says so
    targets: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, table in tables.items():
        loc = ["targets", str(name)]
        provider = table.get("provider") if isinstance(table, dict) else None
        model = models.get(provider) if isinstance(provider, str) else None
        if not isinstance(table, dict):
            message = "must be a table ([targets.<name>] with provider = ...)"
        elif model is None:
            loc.append("provider")
            message = f"provider must be one of: {', '.join(models)}"
        else:
            try:
                targets[name] = model.model_validate(table)
            except ValidationError as exc:
                problems.extend(_problems(exc, loc, text, display, model))
            continue
        line, col = locate_toml(text, loc)
        problems.append(Problem(display, line, col, f"{'.'.join(loc)}: {message}"))
    return targets, problems


def _problems(
    exc: ValidationError, prefix: list[str], text: str, display: str, model: type[BaseModel]
) -> list[Problem]:
    """Located problems of validating part of the file (at `prefix`) with `model`; an unknown
    key names the closest key the model knows."""
    problems = []
    for err in exc.errors():
        inner = [str(p) for p in err["loc"]]
        loc = prefix + inner
        message = wording(err)
        if err["type"] == "extra_forbidden" and inner:
            message = unknown_key(inner[-1], schema_keys(_schema(model), inner[:-1]))
        line, col = locate_toml(text, loc)
        problems.append(Problem(display, line, col, f"{'.'.join(loc) or '(file)'}: {message}"))
    return problems


@functools.cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


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
