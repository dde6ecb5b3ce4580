"""What every command gets from the CLI: where the config is, where to write, test hooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from syncer.cli.output import Output
from syncer.cli.progress import CallProgress
from syncer.config import settings as config
from syncer.load.definitions import load_definitions
from syncer.model.campaign import CampaignDefinition
from syncer.model.state import StateBackend
from syncer.providers import registry
from syncer.remote.redact import Redactor
from syncer.state.backends import open_backend
from syncer.workflows.connect import Connections
from syncer.workflows.pipeline import Run


@dataclass
class Context:
    config_path: Path
    out: Output
    redactor: Redactor = field(default_factory=Redactor)
    transports: Mapping[str, Any] = field(default_factory=dict)
    """httpx transports by target name, for tests (never set by the CLI)."""
    sandbox_url: str | None = None

    @cached_property
    def settings(self) -> config.Settings:
        return config.load(self.config_path, registry.target_models())

    def definitions(self) -> list[CampaignDefinition]:
        """Every campaign file, validated; the warnings about their content go to stderr."""
        definitions = load_definitions(self.settings, registry.get)
        for warning in sorted({w for d in definitions for w in d.warnings}):
            self.out.warning(warning)
        return definitions

    @cached_property
    def backend(self) -> StateBackend:
        return open_backend(self.settings)

    def run(self) -> Run:
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
        errors = self.out.errors
        if fmt == "json" or not errors.is_terminal:
            return CallProgress.off()
        return CallProgress(errors, run.connections.calls)
