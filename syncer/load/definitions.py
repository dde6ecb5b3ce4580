"""LOAD + VALIDATE: `campaigns/**/*.yaml` -> typed `CampaignDefinition`s.

Every file is read, parsed (`yamlio`) and validated (the envelope here, the `campaign:` block by
its provider's models). Problems in all files are collected and raised together as one
`DefinitionError` of `file:line:col: message` lines; nothing remote is touched.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from syncer.config.settings import Settings
from syncer.errors import DefinitionError, Problem
from syncer.load.cache import DefinitionCache
from syncer.load.filenames import inside
from syncer.load.yaml import read as yamlio
from syncer.model.base import StrictModel
from syncer.model.campaign import CampaignDefinition, Lifecycle, OnLocked
from syncer.model.digest import digest
from syncer.model.overlay import split_path
from syncer.model.vendor import ProviderLookup


class _LifecycleIn(StrictModel):
    ignore_changes: list[str] = Field(default_factory=list)
    on_locked: OnLocked = "fail"

    @field_validator("ignore_changes")
    @classmethod
    def _paths(cls, paths: list[str]) -> list[str]:
        for path in paths:
            try:
                parts = split_path(path)
            except ValueError:
                parts = []
            empty = ".." in path or path.startswith(".") or path.endswith(".")
            if empty or not parts or not isinstance(parts[0], str) or "" in parts:
                raise ValueError(f"{path!r} is not a dotted path like campaign_content.subject")
        return paths


class _Envelope(StrictModel):
    provider: Literal["moengage", "batch"]
    target: str | None = None
    id: str | None = Field(default=None, min_length=1)
    state: str | None = None
    read_only: bool = False
    """Never write this campaign; show its differences only."""
    lifecycle: _LifecycleIn = _LifecycleIn()
    campaign: dict[str, Any]


def discover(root: Path, display_root: Path) -> tuple[list[Path], list[Problem]]:
    """Every `*.yaml` file below `root`, sorted; anything that cannot be a campaign file of
    this project is a problem: directories named `*.yaml`, `.yml` files, unreadable
    directories, names that are not plain UTF-8 text, links to directories (never followed:
    they could loop or show a file twice) and links leading out of the project (`display_root`).
    """
    files: list[Path] = []
    problems: list[Problem] = []

    def problem(path: Path, message: str) -> None:
        problems.append(Problem(_display(path, display_root), 1, 1, message))

    if not root.is_dir():
        return [], [Problem(_display(root, display_root), 1, 1, "campaigns directory not found")]
    if not inside(display_root, root):
        problem(root, "the campaigns directory leads outside the project: refusing to read it")
        return [], problems

    def unreadable(error: OSError) -> None:
        problem(Path(error.filename or root), f"cannot read directory: {error.strerror}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        base = Path(dirpath)
        for name in list(dirnames):
            path = base / name
            if name.endswith((".yaml", ".yml")):
                problem(path, "is a directory, not a campaign file")
                dirnames.remove(name)
            elif path.is_symlink():
                problem(path, "is a link to a directory: not followed (move the files here)")
                dirnames.remove(name)
        dirnames.sort()
        for name in sorted(filenames):
            path = base / name
            if not name.endswith((".yaml", ".yml")):
                continue
            if not _plain_name(name):
                shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(path))
                problem(Path(shown), "file name is not plain UTF-8 text: rename the file")
            elif name.endswith(".yml"):
                problem(path, "campaign files must end in .yaml (rename this .yml file)")
            elif path.is_symlink() and path.exists() and not inside(display_root, path):
                problem(path, "is a link to a file outside the project: refusing to read it")
            else:
                files.append(path)
    return sorted(files), problems


def _plain_name(name: str) -> bool:
    """UTF-8 without control characters: the name becomes a key in state, plans and output."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the name (surrogate escapes)
        return False
    return name.isprintable()


def _display(path: Path, display_root: Path) -> str:
    try:
        return path.relative_to(display_root).as_posix()
    except ValueError:
        return path.as_posix()


def load_definitions(settings: Settings, providers: ProviderLookup) -> list[CampaignDefinition]:
    """Load and validate every campaign file; `providers` names each vendor's adapter (the
    registry, handed in so that loading knows no vendor by name).

    Raises:
        DefinitionError: all problems in all files, located.
    """
    root = settings.campaigns_path
    files, problems = discover(root, settings.root)
    definitions: list[CampaignDefinition] = []
    cache = DefinitionCache.open(settings)
    try:
        for path in files:
            definition, found = _load_cached(path, root, settings, cache, providers)
            problems.extend(found)
            if definition is not None:
                definitions.append(definition)
    finally:
        cache.close()
    problems.extend(_duplicate_ids(definitions))
    if problems:
        raise DefinitionError(problems)
    return definitions


def _load_cached(
    path: Path, root: Path, settings: Settings, cache: DefinitionCache, providers: ProviderLookup
) -> tuple[CampaignDefinition | None, list[Problem]]:
    display = _display(path, settings.root)
    raw, problems = yamlio.read_bytes(path, display)
    if raw is None:
        return None, problems
    hit = cache.get(raw)
    if hit is not None:
        return hit.definition(path.relative_to(root).as_posix(), display), []
    definition, problems = load_file(path, root, settings, providers, raw=raw)
    if definition is not None:
        cache.put(raw, definition)
    return definition, problems


def load_file(
    path: Path,
    root: Path,
    settings: Settings,
    providers: ProviderLookup,
    *,
    raw: bytes | None = None,
) -> tuple[CampaignDefinition | None, list[Problem]]:
    """One campaign file (its bytes `raw`, when already read) -> its definition, or the
    problems that prevent it."""
    display = _display(path, settings.root)
    if raw is None:
        text, problems = yamlio.read_text(path, display)
    else:
        text, problems = yamlio.decode(raw, display)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [
            Problem(display, 1, 1, "file is empty: a campaign file needs provider: and campaign:")
        ]
    document, problems = yamlio.load(text, display)
    if document is None:
        return None, problems
    if not isinstance(document.data, dict):
        return None, [
            Problem(display, 1, 1, "a campaign file is a mapping (provider:, campaign:, ...)")
        ]
    try:
        envelope = _Envelope.model_validate(document.data)
    except ValidationError as exc:
        return None, _located(exc.errors(), (), document.tree, display)
    problems = []
    target_name = envelope.target or settings.default_target
    if target_name is None:
        problems.append(
            _at(
                document.tree,
                ("provider",),
                display,
                "no target: set target: here or default_target in syncer.toml",
            )
        )
    elif target_name not in settings.targets:
        known = ", ".join(sorted(settings.targets))
        problems.append(
            _at(
                document.tree,
                ("target",),
                display,
                f"unknown target {target_name!r} (syncer.toml has: {known})",
            )
        )
    elif settings.targets[target_name].provider != envelope.provider:
        problems.append(
            _at(
                document.tree,
                ("provider",),
                display,
                f"target {target_name!r} is a {settings.targets[target_name].provider}"
                f" workspace, but this file says provider: {envelope.provider}",
            )
        )
    provider = providers(envelope.provider)
    if envelope.state is not None and envelope.state not in provider.states:
        allowed = " | ".join(provider.states)
        problems.append(
            _at(
                document.tree,
                ("state",),
                display,
                f"state: {envelope.state!r} is not one of {allowed}",
            )
        )
    try:
        campaign = provider.validate_campaign(document.data["campaign"])
    except ValidationError as exc:
        problems.extend(_located(exc.errors(), ("campaign",), document.tree, display))
        campaign = {}
    if problems:
        return None, problems
    assert target_name is not None
    key = path.relative_to(root).as_posix()
    lifecycle = Lifecycle(
        ignore_changes=tuple(envelope.lifecycle.ignore_changes),
        on_locked=envelope.lifecycle.on_locked,
    )
    line, _ = yamlio.locate(document.tree, ("campaign",))
    desired = {
        "campaign": campaign,
        "state": envelope.state,
        "id": envelope.id,
        "ignore": lifecycle.ignore_changes,
    }
    return CampaignDefinition(
        key=key,
        file=display,
        provider=envelope.provider,
        target=target_name,
        id=envelope.id,
        state=envelope.state,
        read_only=envelope.read_only,
        lifecycle=lifecycle,
        campaign=campaign,
        digest=digest(desired),
        name=provider.campaign_name(campaign),
        line=line,
    ), []


def _at(tree: Any, loc: tuple[str | int, ...], display: str, message: str) -> Problem:
    line, col = yamlio.locate(tree, loc)
    return Problem(display, line, col, message)


def _located(
    errors: Iterable[Any], prefix: tuple[str | int, ...], tree: Any, display: str
) -> list[Problem]:
    problems = []
    for err in errors:
        loc = prefix + tuple(err["loc"])
        line, col = yamlio.locate(tree, loc)
        problems.append(Problem(display, line, col, _message(err, loc, tree)))
    return problems


def _message(err: Any, loc: tuple[str | int, ...], tree: Any) -> str:
    path = _dotted(loc, tree)
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return f"{path}: unknown key"
    if kind == "missing":
        return f"{path}: required key is missing"
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{path}: {message}"


def _dotted(loc: tuple[str | int, ...], tree: Any) -> str:
    """The YAML path of a pydantic location, without the union and model tags pydantic adds.

    A string part names a YAML key only if the mapping at that point has it (or it is the last
    part: a missing key); anything else is a tag such as a filter kind or a validator name.
    """
    text = ""
    node = tree
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            continue
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif not last or "[" in part or part[:1].isupper():
            continue
        else:
            node = None
        text += f".{part}" if text else part
    return text or "(file)"


def _duplicate_ids(definitions: list[CampaignDefinition]) -> list[Problem]:
    seen: dict[tuple[str, str], CampaignDefinition] = {}
    problems = []
    for definition in definitions:
        if definition.id is None:
            continue
        slot = (definition.target, definition.id)
        if slot in seen:
            first = seen[slot]
            problems.append(
                Problem(
                    definition.file,
                    1,
                    1,
                    f"id {definition.id} is also pinned by {first.file}: one campaign, one file",
                )
            )
        else:
            seen[slot] = definition
    return problems
