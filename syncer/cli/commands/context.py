"""What every command gets from the CLI: where the config is, where to write, test hooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncer.cli.output import Output
from syncer.config import settings as config
from syncer.errors import ConfigError, DefinitionError, Problem
from syncer.providers import registry
from syncer.remote.redact import Redactor

if TYPE_CHECKING:
    from syncer.cli.progress import CallProgress
    from syncer.load.selection import Selection
    from syncer.model.campaign import CampaignDefinition
    from syncer.model.state import StateBackend
    from syncer.workflows.pipeline import Run

# The steps are imported by the methods that use them: `validate` needs neither the HTTP
# client nor the sandbox nor the pipeline, and pays for none of them.

WARNINGS_SHOWN = 20
"""Content warnings a plan or apply prints before summing up the rest (a fleet of 5,000
campaigns without an unsubscribe link must not bury the plan)."""


@dataclass
class Context:
    config_path: Path
    out: Output
    redactor: Redactor = field(default_factory=Redactor)
    transports: Mapping[str, Any] = field(default_factory=dict)
    """httpx transports by target name, for tests (never set by the CLI)."""
    sandbox_url: str | None = None
    offline: bool = False
    """Set by `validate`: no network, so a shared (S3) state store is not read."""

    @cached_property
    def settings(self) -> config.Settings:
        return config.load(self.config_path, registry.target_models())

    def definitions(
        self, *, creating: bool | Selection = False, every_warning: bool = False
    ) -> list[CampaignDefinition]:
        """Every campaign file, validated; the warnings about their content go to stderr. With
        `creating` (validate: every file; plan and apply: the files their selection plans), a
        file that would create its campaign must also hold what the vendor requires to create
        one (a located error, before any call); import and pull read files to link or update.
        Only the first `WARNINGS_SHOWN` warnings are printed, unless `every_warning` (validate)."""
        from syncer.load.creatable import creation_problems
        from syncer.load.definitions import load_definitions

        definitions = load_definitions(self.settings, registry.get)
        if not isinstance(creating, bool):  # a Selection
            planned = creating.under(self.settings.campaigns_dir).apply(definitions)
        else:
            planned = definitions if creating else []
        if not isinstance(creating, bool):
            self._check_authors(planned)
        incomplete = [d for d in planned if d.incomplete]
        if incomplete and (self.settings.state.backend == "local" or not self.offline):
            # A key the state store already knows has a campaign: not a create.
            known = {
                (target, key)
                for target in sorted({d.target for d in incomplete})
                for key in self.backend.load(target).campaigns
            }
            problems = creation_problems(incomplete, known)
            if problems:
                raise DefinitionError(problems)
        warnings = sorted({w for d in definitions for w in d.warnings})
        shown = warnings if every_warning else warnings[:WARNINGS_SHOWN]
        for warning in shown:
            self.out.warning(warning)
        if len(shown) < len(warnings):
            self.out.warning(
                f"... and {len(warnings) - len(shown)} more warning(s): `syncer validate` "
                "lists them all, [checks] in syncer.toml sets their levels"
            )
        return definitions

    def _check_authors(self, planned: list[CampaignDefinition]) -> None:
        """A vendor that records who made each change needs an author before a plan is made:
        a config error at the target's table, not a blocked change per campaign."""
        from syncer.config import credentials

        # Once per target, not per file: 10,000 files have a handful of targets.
        missing = sorted(
            target
            for provider, target in {(d.provider, d.target) for d in planned}
            if registry.get(provider).author_required
            and credentials.actor(self.settings, target).updated_by is None
        )
        if not missing:
            return
        text = self.config_path.read_text(encoding="utf-8")
        problems = []
        for name in missing:
            line, col = config.locate_toml(text, ["targets", name])
            problems.append(
                Problem(
                    self.config_path.name,
                    line,
                    col,
                    f"targets.{name}: {self.settings.targets[name].provider} records who makes "
                    'each change: set updated_by = "you@example.com" here or at the top of the '
                    "file, or SYNCER_UPDATED_BY (in CI, GITHUB_ACTOR or GITLAB_USER_EMAIL "
                    "is used)",
                )
            )
        raise ConfigError(problems)

    @cached_property
    def backend(self) -> StateBackend:
        from syncer.state.backends import open_backend

        return open_backend(self.settings)

    def run(self) -> Run:
        from syncer.workflows.connect import Connections
        from syncer.workflows.pipeline import Run

        connections = Connections(
            self.settings,
            redactor=self.redactor,
            transports=self.transports,
            sandbox_url=self.sandbox_url,
        )
        return Run(settings=self.settings, backend=self.backend, connections=connections)

    def progress(self, run: Run, fmt: str) -> CallProgress:
        """A progress bar of `run`'s calls on standard error: only on a terminal, never
        alongside JSON output."""
        from syncer.cli.progress import CallProgress

        errors = self.out.errors
        if fmt == "json" or not errors.is_terminal:
            return CallProgress.off()
        return CallProgress(errors, run.connections.calls)
