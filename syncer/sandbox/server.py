"""Running the sandbox: `serve` (blocking, for `syncer sandbox serve`) and `EmbeddedSandbox`.

`EmbeddedSandbox(options)` is a context manager that serves the same app with uvicorn in a daemon
thread on 127.0.0.1 and a free port, for `sandbox = true` targets and for tests:

    with EmbeddedSandbox(SandboxOptions(db_path=tmp / "sandbox.db")) as sandbox:
        httpx.get(f"{sandbox.base_url}/_sandbox/health")
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import FrameType, TracebackType

import uvicorn

from syncer.sandbox.app import SandboxApp, build_app
from syncer.sandbox.options import SandboxOptions

logger = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn's server, also cutting injected delays short when asked to exit."""

    def __init__(self, config: uvicorn.Config, sandbox: SandboxApp) -> None:
        super().__init__(config)
        self._sandbox = sandbox

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._sandbox.request_stop()
        super().handle_exit(sig, frame)


def serve(options: SandboxOptions | None = None) -> None:
    """Serve the sandbox on `options.host:options.port` until interrupted (Ctrl-C)."""
    options = options or SandboxOptions()
    sandbox = build_app(options)
    try:
        config = uvicorn.Config(
            sandbox.asgi,
            host=options.host,
            port=options.port,
            http="h11",
            ws="none",
            lifespan="off",
            log_level="info",
            access_log=False,
        )
        _Server(config, sandbox).run()
    finally:
        sandbox.close()


class EmbeddedSandbox:
    """The sandbox served in a background thread; `base_url` is valid between start and stop."""

    def __init__(self, options: SandboxOptions | None = None, *, timeout: float = 10.0) -> None:
        self.options = options or SandboxOptions()
        self.timeout = timeout
        self._sandbox: SandboxApp | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._base_url = ""

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("the embedded sandbox is not running")
        return self._base_url

    def start(self) -> EmbeddedSandbox:
        # Bind port 0 ourselves and hand the socket to uvicorn: no race for a "free" port.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self._sandbox = build_app(self.options)
        config = uvicorn.Config(
            self._sandbox.asgi,
            http="h11",
            ws="none",
            lifespan="off",
            log_level="warning",
            access_log=False,
            log_config=None,  # leave the host application's logging configuration alone
        )
        self._server = _Server(config, self._sandbox)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="syncer-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + self.timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the embedded sandbox did not start")
            time.sleep(0.005)
        self._base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self

    def stop(self) -> None:
        if self._sandbox is not None:
            self._sandbox.request_stop()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(self.timeout)
            if self._thread.is_alive():
                logger.warning("the embedded sandbox did not stop within %ss", self.timeout)
        if self._socket is not None:
            self._socket.close()
        if self._sandbox is not None:
            self._sandbox.close()
        self._sandbox, self._server, self._thread, self._socket = None, None, None, None
        self._base_url = ""

    def __enter__(self) -> EmbeddedSandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
