"""CONNECT: target names -> open provider sessions (starting the embedded sandbox on demand).

The only place that turns settings and environment into live clients. Sessions are opened
lazily, once per target, and closed together.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from syncer.config import credentials
from syncer.config.private import refuse_links
from syncer.config.settings import Settings
from syncer.model.vendor import Session, SessionSpec
from syncer.providers import registry
from syncer.remote.call_history import history_path
from syncer.remote.redact import Redactor


class Connections:
    """Lazily opened sessions for the targets of one run."""

    def __init__(
        self,
        settings: Settings,
        *,
        redactor: Redactor | None = None,
        transports: Mapping[str, Any] | None = None,
        sandbox_url: str | None = None,
    ) -> None:
        self.settings = settings
        self.redactor = redactor or Redactor()
        self.transports = dict(transports or {})
        self._sandbox_url = sandbox_url
        self._sessions: dict[str, Session] = {}
        self._stack = contextlib.ExitStack()

    def _embedded_sandbox(self) -> str:
        if self._sandbox_url is None:
            from syncer.sandbox.options import SandboxOptions
            from syncer.sandbox.server import EmbeddedSandbox

            db = self.settings.root / self.settings.state.path / "sandbox.db"
            server = EmbeddedSandbox(SandboxOptions(db_path=db))
            self._stack.enter_context(server)
            self._sandbox_url = server.base_url
        return self._sandbox_url

    def session(self, name: str) -> Session:
        if name in self._sessions:
            return self._sessions[name]
        target = self.settings.targets[name]
        creds = credentials.read(name, target)
        # The call log is best effort, but never written through a link: said before any call
        # (a link in place of one log file is not followed when appending).
        root = self.settings.root
        refuse_links(root / self.settings.state.path / "ratelimit", root)
        base_url = target.resolved_base_url() if target.base_url or not target.sandbox else None
        # The embedded sandbox gets a new port each run; its data (and limits) stay put.
        where = base_url or f"embedded sandbox {self.settings.state.path}/sandbox.db"
        if base_url is None:
            base_url = self._embedded_sandbox()
        provider = registry.get(target.provider)
        history = history_path(
            self.settings.root / self.settings.state.path / "ratelimit",
            target.provider,
            where,
            creds.account,
        )
        session = provider.open_session(
            SessionSpec(
                target=name,
                settings=target,
                base_url=base_url,
                account=creds.account,
                secret=creds.secret,
                redactor=self.redactor,
                transport=self.transports.get(name),
                history=history,
            )
        )
        self._sessions[name] = session
        return session

    def calls(self) -> int:
        """Vendor calls made so far by the open sessions (what progress bars count)."""
        return sum(session.calls() for session in self._sessions.values())

    async def aclose(self) -> None:
        for session in self._sessions.values():
            await session.aclose()
        self._sessions.clear()
        self._stack.close()
