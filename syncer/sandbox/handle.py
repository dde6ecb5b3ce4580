"""A running embedded sandbox plus its admin client: what the test fixtures hand to tests.

Takes `SandboxOptions`; starts an `EmbeddedSandbox` at once and exposes `.base_url`, the admin
calls of `SandboxAdmin` (`requests`, `campaigns`, `set_clock`, `set_faults`, `reset`...), and
`restart()` (same database, new port). `close()` stops the server.
"""

from __future__ import annotations

from pathlib import Path

from syncer.sandbox.admin_client import SandboxAdmin
from syncer.sandbox.options import SandboxOptions
from syncer.sandbox.server import EmbeddedSandbox


class SandboxHandle(SandboxAdmin):
    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.server = EmbeddedSandbox(options).start()
        super().__init__(self.server.base_url)

    @property
    def db_path(self) -> Path:
        return self.options.db_path

    def restart(self) -> None:
        """Stop the server and serve the same database again (on a new port)."""
        self.server.stop()
        self.server = EmbeddedSandbox(self.options).start()
        self.base_url = self.server.base_url

    def close(self) -> None:
        super().close()
        self.server.stop()
