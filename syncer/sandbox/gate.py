"""The ASGI entry point of every vendor request: faults, latency, dispatch, request log, send.

Takes an HTTP request for any path outside `/_sandbox`; picks the vendor by path (MoEngage under
`/core-services/`, Batch otherwise), applies the fault knobs around the vendor's `handle`, logs
the request (never its headers) and sends, drops or delays the response.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send

from syncer.sandbox import batch, moengage
from syncer.sandbox.clock import iso_utc
from syncer.sandbox.faults import Before, decide_after, decide_before, keep_answer, latency_seconds
from syncer.sandbox.options import SandboxOptions
from syncer.sandbox.settings import load_clock, load_faults, save_faults
from syncer.sandbox.store import Store
from syncer.sandbox.wire import Context, VendorRequest, VendorResponse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Vendor:
    name: str
    handle: Callable[[VendorRequest, Context], VendorResponse]
    is_write: Callable[[str, str], bool]
    fault_response: Callable[[int, VendorRequest, float], VendorResponse]


MOENGAGE = Vendor("moengage", moengage.handle, moengage.is_write, moengage.fault_response)
BATCH = Vendor("batch", batch.handle, batch.is_write, batch.fault_response)
_DROP_MESSAGE = "ASGI callable returned without completing response."


class _IntendedDrops(logging.Filter):
    """Hide uvicorn's error line for the connections the drop_connection knob cuts on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _DROP_MESSAGE


def quiet_intended_drops() -> None:
    server_logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _IntendedDrops) for f in server_logger.filters):
        server_logger.addFilter(_IntendedDrops())


def _presented_key(request: VendorRequest) -> str | None:
    """The secret of the request's Authorization header: Basic's password (MoEngage) or the
    Bearer token (Batch)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return token.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None


class VendorGate:
    """An ASGI app serving both vendors' routes from one `Store`."""

    def __init__(self, store: Store, options: SandboxOptions) -> None:
        self.store = store
        self.options = options
        # Set on shutdown: injected latency and delays end early instead of holding the server.
        self.stopping = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request = VendorRequest(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=await _read_body(receive),
        )
        vendor = MOENGAGE if request.path.startswith("/core-services/") else BATCH
        db = self.store.db
        with db.transaction():
            faults = load_faults(db)
            updated, before = decide_before(faults, request.method, request.path)
            if faults.reject_credentials and _presented_key(request) in faults.reject_credentials:
                before = Before("error", 401, "reject_credentials")
            if updated != faults:
                save_faults(db, updated)
        await self._sleep(latency_seconds(faults, self.options.latency_ms))
        if before.kind == "drop":
            self._log(request, vendor, None, before.note)
            await _drop(send, None)
            return
        if before.kind in ("huge", "deep"):
            # A broken vendor's answer in place of the real one: nothing is stored.
            self._log(request, vendor, 200, before.note)
            await _send_broken(send, before.kind, before.size, self.stopping)
            return
        if before.kind == "error":
            # Injected before the vendor logic runs: nothing is stored, nothing is counted.
            now = load_clock(db).limiter_now()
            response = vendor.fault_response(before.status, request, now)
            self._log(request, vendor, response.status, before.note)
            await _send(send, response)
            return
        response, note = self._dispatch(request, vendor)
        with db.transaction():
            faults = load_faults(db)
            is_write = vendor.is_write(request.method, request.path)
            updated, after = decide_after(faults, request.method, request.path, is_write)
            if after.kind == "repeat" and not after.captured:
                updated = keep_answer(updated, response.status, response.payload)
            if updated != faults:
                save_faults(db, updated)
            self._log(request, vendor, response.status, note or after.note)
        if after.kind == "drop":
            await _drop(send, response)
            return
        if after.kind == "delay":
            await self._sleep(after.seconds)
        if after.kind == "repeat" and after.captured:
            kept = json.loads(after.captured)
            response = VendorResponse(kept["status"], kept["payload"], response.headers)
        if after.kind == "trickle":
            await self._trickle(send, response, after.seconds)
            return
        await _send(send, response)

    async def _trickle(self, send: Send, response: VendorResponse, seconds: float) -> None:
        """The answer one byte at a time, `seconds` apart (each read is quick: only the whole
        answer is slow)."""
        # Padded with JSON whitespace to 1 KiB at least: a short answer would end soon anyway.
        content = (response.content() or b"{}").ljust(1024)
        if response.status == 204:  # no body to trickle: the same success, with one
            response = VendorResponse(200, {}, response.headers)
        start = {"type": "http.response.start", "status": response.status}
        await send({**start, "headers": _header_list(response, len(content))})
        for index in range(len(content)):
            if self.stopping.is_set():
                break
            await self._sleep(seconds)
            await send(
                {
                    "type": "http.response.body",
                    "body": content[index : index + 1],
                    "more_body": index + 1 < len(content),
                }
            )

    def _dispatch(self, request: VendorRequest, vendor: Vendor) -> tuple[VendorResponse, str]:
        db = self.store.db
        try:
            with db.transaction():
                clock, faults = load_clock(db), load_faults(db)
                scale = faults.rate_limit_scale
                ctx = Context(
                    store=self.store,
                    options=self.options,
                    now=clock.now(),
                    limiter_now=clock.limiter_now(),
                    rate_limit_scale=self.options.rate_limit_scale if scale is None else scale,
                )
                return vendor.handle(request, ctx), ""
        except Exception:
            # A sandbox bug must not look like a vendor rule: answer 500 and say so in the log.
            logger.exception("sandbox failed on %s %s", request.method, request.path)
            return vendor.fault_response(500, request, 0.0), "sandbox_error"

    def _log(self, request: VendorRequest, vendor: Vendor, status: int | None, note: str) -> None:
        db = self.store.db
        with db.transaction():
            self.store.log.append(
                {
                    "time": iso_utc(load_clock(db).now()),
                    "method": request.method,
                    "path": request.path,
                    "query": request.query,
                    "body": request.loggable_body(),
                    "status": status,
                    "vendor": vendor.name,
                    "note": note,
                }
            )

    async def _sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.stopping.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            await asyncio.sleep(min(remaining, 0.05))


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _header_list(response: VendorResponse, length: int) -> list[tuple[bytes, bytes]]:
    headers = [(name.lower().encode(), value.encode()) for name, value in response.headers.items()]
    if response.payload is not None:
        headers.append((b"content-type", b"application/json"))
    if response.status != 204:
        headers.append((b"content-length", str(length).encode()))
    return headers


async def _send(send: Send, response: VendorResponse) -> None:
    content = response.content()
    start = {"type": "http.response.start", "status": response.status}
    await send({**start, "headers": _header_list(response, len(content))})
    await send({"type": "http.response.body", "body": content})


async def _send_broken(send: Send, kind: str, size: int, stopping: threading.Event) -> None:
    """`huge_body`: a JSON object of `size` bytes, sent in 1 MiB chunks (never held whole);
    `deep_body`: `size` arrays nested."""
    headers = [(b"content-type", b"application/json")]
    if kind == "deep":
        content = b"[" * size + b"]" * size
        headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})
        return
    head, tail = b'{"pad": "', b'"}'
    headers.append((b"content-length", str(max(size, len(head + tail))).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": head, "more_body": True})
    left = max(0, size - len(head) - len(tail))
    chunk = b"x" * (1024 * 1024)
    while left > 0 and not stopping.is_set():
        piece = chunk[: min(left, len(chunk))]
        left -= len(piece)
        try:
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        except OSError:
            return  # the client hung up, as it should
    await send({"type": "http.response.body", "body": tail})


async def _drop(send: Send, response: VendorResponse | None) -> None:
    """Announce a body, send part of it, and return: uvicorn closes the connection mid-body."""
    content = (response.content() if response else b"") or b"{}"
    # A 204 has no body to cut short, so the dropped answer claims a 200 with a body.
    status = 200 if response is None or response.status == 204 else response.status
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % (len(content) + 64)),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content[:1], "more_body": True})
