"""What every command gets from the CLI: where the config is, where to write, test hooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from syncer import config
from syncer.campaign import CampaignDefinition
from syncer.connect import Connections
from syncer.definitions import load_definitions
from syncer.output import Output
from syncer.pipeline import Run
from syncer.progress import CallProgress
from syncer.redact import Redactor
from syncer.state import StateBackend
from syncer.state_backends import open_backend


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
        return config.load(self.config_path)

    def definitions(self) -> list[CampaignDefinition]:
        return load_definitions(self.settings)

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
