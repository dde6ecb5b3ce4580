"""Fixtures shared by the whole suite: the sandbox served on 127.0.0.1, and clients for it.

- `sandbox`: a fresh sandbox (new database under tmp_path) served by `EmbeddedSandbox` for one
  test; a `syncer.sandbox.handle.SandboxHandle` with `.base_url` and the admin calls
  (`requests`, `clear_requests`, `campaigns`, `set_clock`, `set_faults`, `clear_faults`, `reset`,
  `restart`).
- `sandbox_factory`: the same with `SandboxOptions` overrides, e.g. pinned credentials.
- `hostile_vendor`: starts a scripted, misbehaving vendor server on 127.0.0.1 (for what the
  sandbox cannot do wrong enough); see `tests/support/hostile.py`.
- `moengage_http` / `batch_http`: `httpx.Client`s on the sandbox, authenticated as workspace
  `sandbox` / project `sandbox`.

Latency and rate-limit scale are pinned (0 ms, 1.0) whatever the SYNCER_SANDBOX_* variables say:
the limits are the vendors' own, so a test that makes many calls in a burst relaxes them with
`sandbox.set_faults({"rate_limit_scale": 100})` (or `sandbox_factory(rate_limit_scale=...)`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from syncer.sandbox.admin_client import batch_auth_headers, moengage_auth_headers
from syncer.sandbox.handle import SandboxHandle
from syncer.sandbox.options import (
    SANDBOX_API_KEY,
    SANDBOX_PROJECT_KEY,
    SANDBOX_REST_KEY,
    SANDBOX_WORKSPACE_ID,
    SandboxOptions,
)
from tests.support.hostile import Answer, Call, HostileVendor


@pytest.fixture(scope="session")
def _sandbox_closers() -> Iterator[list[threading.Thread]]:
    """Servers stop in the background (uvicorn pauses 0.1 s on shutdown); all are joined here."""
    closers: list[threading.Thread] = []
    yield closers
    for closer in closers:
        closer.join()


@pytest.fixture
def sandbox_factory(
    tmp_path: Path, _sandbox_closers: list[threading.Thread]
) -> Iterator[Callable[..., SandboxHandle]]:
    handles: list[SandboxHandle] = []

    def make(**overrides: Any) -> SandboxHandle:
        settings: dict[str, Any] = {
            "db_path": tmp_path / f"sandbox-{len(handles)}.db",
            "latency_ms": 0.0,
            "rate_limit_scale": 1.0,
        }
        handle = SandboxHandle(SandboxOptions(**{**settings, **overrides}))
        handles.append(handle)
        return handle

    yield make
    for handle in handles:
        closer = threading.Thread(target=handle.close, name="sandbox-close")
        closer.start()
        _sandbox_closers.append(closer)


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., SandboxHandle]) -> SandboxHandle:
    return sandbox_factory()


@pytest.fixture
def hostile_vendor() -> Iterator[Callable[[Callable[[Call], Answer]], HostileVendor]]:
    """Start `HostileVendor`s (tests/support/hostile.py) on 127.0.0.1; all stop after the test."""
    servers: list[HostileVendor] = []

    def start(answer: Callable[[Call], Answer]) -> HostileVendor:
        server = HostileVendor(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def moengage_http(sandbox: SandboxHandle) -> Iterator[httpx.Client]:
    headers = moengage_auth_headers(SANDBOX_WORKSPACE_ID, SANDBOX_API_KEY)
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10.0) as client:
        yield client


@pytest.fixture
def batch_http(sandbox: SandboxHandle) -> Iterator[httpx.Client]:
    headers = batch_auth_headers(SANDBOX_PROJECT_KEY, SANDBOX_REST_KEY)
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10.0) as client:
        yield client
