"""Choose the state backend from the config: local directory (default) or S3-compatible."""

from __future__ import annotations

from syncer.config.settings import Settings
from syncer.model.state import StateBackend
from syncer.state.local import LocalBackend


def open_backend(settings: Settings) -> StateBackend:
    state = settings.state
    if state.backend == "s3":
        from syncer.state.s3 import S3Backend

        return S3Backend(state)
    return LocalBackend(
        settings.root / state.path, lock_timeout=state.lock_timeout, base=settings.root
    )
