"""EFFECTIVE: one target's view of a campaign file -> that target's `CampaignDefinition`.

Takes a `targets.TargetView` (the file's keys with the target's override merged and its vars
expanded, and where each value was written), the parsed document, the provider and the load's
content step; returns the definition, or the problems in it, each located at the file line
that caused it. `name_targets` labels a multi-target file's problems with their targets.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, ValidationError, field_validator

from syncer.errors import Problem
from syncer.load import targets
from syncer.load.content.resolve import Anchor, Resolved
from syncer.load.content.step import Content
from syncer.load.creatable import incomplete
from syncer.load.locate import at, located, real_path, value_at
from syncer.load.vars import uses_vars
from syncer.load.yaml import read as yamlio
from syncer.model.base import StrictModel
from syncer.model.campaign import CampaignDefinition, Lifecycle, OnLocked
from syncer.model.digest import digest
from syncer.model.overlay import split_path
from syncer.model.vendor import Provider

Loc = tuple[str | int, ...]


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


class _Effective(StrictModel):
    """One target's envelope, after its override is merged."""

    state: str | None = None
    read_only: bool = False
    """Never write this campaign; show its differences only."""
    lifecycle: _LifecycleIn = _LifecycleIn()
    campaign: dict[str, Any]


@dataclass
class _Where:
    """Locating one target's validation errors in the file."""

    view: targets.TargetView
    document: yamlio.Document
    display: str
    unknown: set[Loc] = field(default_factory=set)
    """File locations already reported (an unknown var, an unreadable content file): no
    second problem there."""

    def hint(self, path: Loc, err: Any) -> str:
        written = value_at(self.document.data, self.view.where(path))
        if isinstance(written, str) and uses_vars(written) and err.get("type") != "missing":
            return " (a ${var.NAME} is always replaced by text)"
        return ""

    def errors(self, exc: ValidationError, prefix: Loc, schema: dict[str, Any]) -> list[Problem]:
        view = self.view
        errors = [
            e
            for e in exc.errors()
            if view.where(real_path(prefix + tuple(e["loc"]), view.data)) not in self.unknown
        ]
        return located(
            errors, prefix, self.document.tree, self.display,
            data=view.data, where=view.where, hint=self.hint, schema=schema,
        )  # fmt: skip


def effective_definition(
    view: targets.TargetView,
    key: str,
    display: str,
    document: yamlio.Document,
    provider: Provider,
    unknown: set[Loc],
    content: Content,
) -> tuple[CampaignDefinition | None, list[Problem]]:
    """One target's effective data -> its definition, or the problems in it (none at the
    file locations in `unknown`, already reported). `{file: PATH}` values are resolved after
    the vars are expanded, so that a path may use `${var.NAME}`."""
    tree = document.tree
    where = _Where(view, document, display, set(unknown))
    try:
        envelope = _Effective.model_validate(view.data)
    except ValidationError as exc:
        return None, where.errors(exc, (), _effective_schema())
    problems = []
    if envelope.state is not None and envelope.state not in provider.states:
        allowed = " | ".join(provider.states)
        message = f"state: {envelope.state!r} is not one of {allowed}"
        problems.append(at(tree, view.where(("state",)), display, message))
    anchor = Anchor(display, tree, view.where, document.text)
    resolved = content.resolve(envelope.campaign, anchor, view.target)
    problems.extend(resolved.problems)
    # A file that could not be read is reported once, not again as a missing string.
    where.unknown |= {view.where(("campaign", *loc)) for loc in resolved.failed}
    try:
        campaign = provider.validate_campaign(resolved.campaign)
    except ValidationError as exc:
        problems.extend(where.errors(exc, ("campaign",), provider.json_schema()))
        campaign = {}
    errors, warnings = content.check(campaign, resolved, anchor, provider)
    problems.extend(errors)
    if problems:
        return None, problems
    definition = _build(view, key, display, tree, provider, envelope, campaign)
    return definition.model_copy(update=_content_fields(resolved, warnings)), []


def _content_fields(resolved: Resolved, warnings: Any) -> dict[str, Any]:
    return {
        "templates": tuple(sorted(resolved.files.items())),
        "warnings": tuple(str(w) for w in warnings),
    }


def _build(
    view: targets.TargetView,
    key: str,
    display: str,
    tree: Any,
    provider: Provider,
    envelope: _Effective,
    campaign: dict[str, Any],
) -> CampaignDefinition:
    lifecycle = Lifecycle(
        ignore_changes=tuple(envelope.lifecycle.ignore_changes),
        on_locked=envelope.lifecycle.on_locked,
    )
    line, _ = yamlio.locate(tree, ("campaign",))
    desired = {
        "campaign": campaign,
        "state": envelope.state,
        "id": view.id,
        "ignore": lifecycle.ignore_changes,
    }
    return CampaignDefinition(
        key=key,
        file=display,
        provider=provider.name,
        target=view.target,
        id=view.id,
        state=envelope.state,
        read_only=envelope.read_only,
        lifecycle=lifecycle,
        campaign=campaign,
        digest=digest(desired),
        name=provider.campaign_name(campaign),
        line=line,
        incomplete=incomplete(provider, campaign, tree, view.where) if view.id is None else (),
    )


@functools.cache
def _effective_schema() -> dict[str, Any]:
    return _Effective.model_json_schema()


def name_targets(named: list[tuple[Problem, str]], *, multi: bool) -> list[Problem]:
    """In a multi-target file each problem names the targets it holds for; one problem of the
    shared part of the file is listed once, naming all of them."""
    if not multi:
        return list(dict.fromkeys(problem for problem, _ in named))
    grouped: dict[Problem, list[str]] = {}
    for problem, name in named:
        grouped.setdefault(problem, []).append(name)
    result = []
    for problem, names in grouped.items():
        if len(names) == 1 and f"target {names[0]!r}" in problem.message:
            result.append(problem)  # names its target already
            continue
        label = "target" if len(names) == 1 else "targets"
        message = f"{problem.message} ({label} {', '.join(names)})"
        result.append(Problem(problem.file, problem.line, problem.col, message))
    return result
