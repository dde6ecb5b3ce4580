"""Running the sandbox: embedded and served, persistence, reset, options and their env defaults."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from syncer.errors import UsageError
from syncer.sandbox.admin_client import SandboxAdmin, moengage_auth_headers
from syncer.sandbox.handle import SandboxHandle
from syncer.sandbox.options import SandboxOptions
from syncer.sandbox.seed import reset
from syncer.sandbox.server import EmbeddedSandbox

from .helpers import MOE, WELCOME_ID, create, find, one_time, search

REPO = Path(__file__).resolve().parents[2]


def test_embedded_sandbox_serves_on_loopback_and_stops(tmp_path: Path) -> None:
    server = EmbeddedSandbox(SandboxOptions(db_path=tmp_path / "nested" / "s.db"))
    with pytest.raises(RuntimeError):
        server.base_url  # noqa: B018 - not started yet
    with server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{server.base_url}/_sandbox/health").json() == {"ok": True}
        url = server.base_url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_sandbox/health")
    assert (tmp_path / "nested" / "s.db").exists()


def test_data_persists_across_a_restart(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    campaign_id = create(moengage_http, one_time())
    sandbox.set_clock("2030-01-01T00:00:00Z")
    sandbox.restart()
    headers = moengage_auth_headers("sandbox", "k")
    with httpx.Client(base_url=sandbox.base_url, headers=headers) as client:
        assert find(client, campaign_id)["status"] == "Active"
    assert sandbox.clock()["now"] == "2030-01-01T00:00:00Z"
    assert len(sandbox.requests()) >= 1


def test_the_demo_is_seeded_once_and_writes_are_kept(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    content = find(moengage_http, WELCOME_ID)["campaign_content"]
    content["content"]["email"]["subject"] = "Edited"
    body = {"request_id": "r", "updated_by": "a@acme.example", "campaign_content": content}
    assert moengage_http.patch(f"{MOE}/campaigns/{WELCOME_ID}", json=body).status_code == 204
    sandbox.restart()
    headers = moengage_auth_headers("sandbox", "k")
    with httpx.Client(base_url=sandbox.base_url, headers=headers) as client:
        subject = find(client, WELCOME_ID)["campaign_content"]["content"]["email"]["subject"]
    assert subject == "Edited"


def test_admin_reset_wipes_and_reseeds(sandbox: SandboxHandle, moengage_http: httpx.Client) -> None:
    campaign_id = create(moengage_http, one_time())
    sandbox.set_faults({"latency_ms": 1})
    sandbox.set_clock("2030-01-01T00:00:00Z")
    sandbox.reset()
    assert sandbox.requests() == []
    assert sandbox.faults()["latency_ms"] == 0
    assert sandbox.clock()["frozen"] is False
    ids = {c["id"] for c in sandbox.campaigns()["moengage"]["sandbox"]}
    assert campaign_id not in ids and WELCOME_ID in ids
    assert set(sandbox.campaigns()["batch"]) == {"sandbox"}


def test_reset_function_reseeds_a_database_in_use(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    campaign_id = create(moengage_http, one_time())
    reset(sandbox.db_path)  # as `syncer sandbox reset` does, from another connection
    ids = {c["id"] for c in sandbox.campaigns()["moengage"]["sandbox"]}
    assert campaign_id not in ids and WELCOME_ID in ids


def test_reset_creates_a_missing_database(tmp_path: Path) -> None:
    db = tmp_path / ".syncer" / "sandbox.db"
    reset(db)
    with (
        EmbeddedSandbox(SandboxOptions(db_path=db)) as server,
        SandboxAdmin(server.base_url) as admin,
    ):
        assert len(admin.campaigns()["moengage"]["sandbox"]) == 7
        assert len(admin.campaigns()["batch"]["sandbox"]) == 3


def test_without_seed_the_sandbox_starts_empty(
    sandbox_factory: Callable[..., SandboxHandle],
) -> None:
    empty = sandbox_factory(seed=False)
    assert empty.campaigns() == {"moengage": {}, "batch": {}}
    with httpx.Client(base_url=empty.base_url, headers=moengage_auth_headers("w", "k")) as client:
        assert search(client, limit=15, page=1).json() == []


def test_environment_supplies_option_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCER_SANDBOX_LATENCY_MS", "25")
    monkeypatch.setenv("SYNCER_SANDBOX_RATE_LIMIT_SCALE", "0")
    options = SandboxOptions()
    assert (options.latency_ms, options.rate_limit_scale) == (25.0, 0.0)
    assert SandboxOptions(latency_ms=3).latency_ms == 3
    monkeypatch.setenv("SYNCER_SANDBOX_RATE_LIMIT_SCALE", "fast")
    with pytest.raises(UsageError, match="SYNCER_SANDBOX_RATE_LIMIT_SCALE"):
        SandboxOptions()


def test_defaults() -> None:
    options = SandboxOptions(latency_ms=0, rate_limit_scale=1)
    assert (options.host, options.port) == ("127.0.0.1", 8080)
    assert options.db_path == Path(".syncer/sandbox.db")
    with pytest.raises(UsageError):
        SandboxOptions(latency_ms=-1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_runs_until_interrupted(tmp_path: Path) -> None:
    port = _free_port()
    code = (
        "from pathlib import Path\n"
        "from syncer.sandbox.options import SandboxOptions\n"
        "from syncer.sandbox.server import serve\n"
        f"serve(SandboxOptions(port={port}, db_path=Path({str(tmp_path / 'db' / 's.db')!r})))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}{MOE}/campaigns/search",
                    json={"request_id": "r", "limit": 15, "page": 1},
                    headers=moengage_auth_headers("sandbox", "k"),
                )
                break
            except httpx.ConnectError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
        assert response.status_code == 200
        assert WELCOME_ID in {c["campaign_id"] for c in response.json()}
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output.decode()
