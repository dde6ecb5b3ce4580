"""Running the sandbox: `serve` (blocking, for `syncer sandbox serve`) and `EmbeddedSandbox`.

`EmbeddedSandbox(options)` is a context manager that serves the same app with uvicorn in a daemon
thread on 127.0.0.1 and a free port, for `sandbox = true` targets and for tests:

    with EmbeddedSandbox(SandboxOptions(db_path=tmp / "sandbox.db")) as sandbox:
        httpx.get(f"{sandbox.base_url}/_sandbox/health")
"""

from __future__ import annotations

import asyncio
import contextlib
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
    """uvicorn's server, stopping promptly: injected delays are cut short and a stop request
    wakes the main loop instead of waiting for its next 0.1 s tick."""

    def __init__(self, config: uvicorn.Config, sandbox: SandboxApp) -> None:
        super().__init__(config)
        self._sandbox = sandbox
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        # The same ticks as uvicorn's own loop, but interruptible.
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    def request_exit(self) -> None:
        """Ask the server to stop, from any thread."""
        self._sandbox.request_stop()
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop may already be closed
                loop.call_soon_threadsafe(wake.set)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._sandbox.request_stop()
        super().handle_exit(sig, frame)


def _tcp_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket for uvicorn.

    The protocol is given explicitly: asyncio sets TCP_NODELAY only on accepted sockets whose
    proto says TCP, and without it every response waits ~40 ms on Nagle and delayed ACKs.
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def serve(options: SandboxOptions | None = None) -> None:
    """Serve the sandbox on `options.host:options.port`; returns when interrupted (Ctrl-C)."""
    options = options or SandboxOptions()
    sock = _tcp_socket(options.host, options.port)
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
        # uvicorn shuts down gracefully on Ctrl-C, then re-raises it; for a server that is the
        # normal way to stop, so `serve` simply returns.
        with contextlib.suppress(KeyboardInterrupt):
            _Server(config, sandbox).run(sockets=[sock])
    finally:
        sock.close()
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
        sock = _tcp_socket("127.0.0.1", 0)
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
            self._server.request_exit()
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
