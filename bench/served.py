"""The sandbox as a real server: `syncer sandbox serve` in its own process on 127.0.0.1.

Takes the database path, the injected latency and the rate-limit scale; `Served` starts the
server on a free port, waits until it answers, and stops it on exit. Its CPU is its own, so the
CLI's figures measured by the benchmark are the CLI's alone.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    def __init__(self, db: Path, *, latency_ms: float, rate_limit_scale: float, log: Path) -> None:
        self.db = db
        self.latency_ms = latency_ms
        self.rate_limit_scale = rate_limit_scale
        self.log = log
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Served:
        command = [
            sys.executable,
            "-m",
            "syncer",
            "sandbox",
            "serve",
            "--port",
            str(self.port),
            "--db",
            str(self.db),
            "--latency-ms",
            str(self.latency_ms),
            "--rate-limit-scale",
            str(self.rate_limit_scale),
        ]
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/_sandbox/health", timeout=1).status_code == 200:
                    return self
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox did not start; see {self.log}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
