"""ANSWER: a sent request -> the vendor's complete answer, read within bounds.

Takes an `httpx` client and a built request; returns an `HttpResponse` (status, headers, text),
read as a stream so that an answer larger than `MAX_ANSWER_BYTES` (decoded, so a compressed
bomb counts at its real size) is refused as it arrives, never held whole. The caller bounds the
whole exchange by one deadline (`HttpClient`); JSON too deeply nested to be parsed is a vendor
error (`ApiError`), like any other answer the tool cannot use. A call that gets no usable
answer at all (timeout, no connection, an untrusted certificate, an answer too large) is turned
into the error that says so by `failure`.
"""

from __future__ import annotations

import contextlib
import json
import ssl
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from syncer.errors import ApiError, ApiTransportError
from syncer.remote.causes import connection_failure
from syncer.remote.retry import Retryable

MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""Far above any real answer (a page of 100 campaigns with their HTML is a few MiB)."""
MAX_DEPTH = 100
"""Levels of nesting a vendor value may have: real campaigns have about 10. Deeper values
would break the code that compares and serialises them (recursion limits), so they are refused
where they arrive."""


def within_depth(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests at most `limit` levels (checked level by level: no recursion;
    about a third of the time `json.loads` took to make it)."""
    level = [value]
    for _ in range(limit + 1):
        deeper: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                deeper.extend(v for v in item.values() if isinstance(v, dict | list))
            elif isinstance(item, list):
                deeper.extend(v for v in item if isinstance(v, dict | list))
        if not deeper:
            return True
        level = deeper
    return False


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    text: str
    attempts: int = 1
    """How many times the call was sent (retries included)."""
    method: str = ""
    path: str = ""
    """The call answered (for errors about the answer itself)."""

    def json(self) -> Any:
        """The parsed body; None when empty or not JSON.

        Raises:
            ApiError: JSON nested too deeply to parse (a vendor fault, said as such).
        """
        if not self.text.strip():
            return None
        try:
            value = json.loads(self.text)
        except json.JSONDecodeError:
            return None
        except RecursionError:
            raise too_deep(self.method, self.path, self.status) from None
        if not within_depth(value):
            raise too_deep(self.method, self.path, self.status)
        return value


def too_deep(method: str, path: str, status: int | None) -> ApiError:
    return ApiError(
        "the vendor's answer is JSON nested too deeply to be read (no campaign data is): "
        "the vendor is faulty or this is not its API",
        method=method,
        path=path,
        status=status,
        advice="check base_url; if it is right, run again later or contact the vendor",
    )


@contextlib.contextmanager
def vendor_values(target: str) -> Iterator[None]:
    """Around code that uses a target's answers: a RecursionError there comes from a vendor
    value nested deeper than anything real (local input is refused past 64 levels), so it is
    reported as the vendor error it is, not as a bug."""
    try:
        yield
    except RecursionError:
        raise ApiError(
            f"target {target}: an answer of the vendor holds values nested too deeply to be "
            "used (no real campaign is): the vendor is faulty or this is not its API",
            advice="check base_url; if it is right, run again later or contact the vendor",
        ) from None


class TooLarge(Exception):
    """The answer exceeded `limit` bytes (`declared`: what its Content-Length said, if it did)."""

    def __init__(self, limit: int, declared: int | None) -> None:
        super().__init__(limit)
        self.limit, self.declared = limit, declared


async def receive(
    client: httpx.AsyncClient, request: httpx.Request, limit: int = MAX_ANSWER_BYTES
) -> HttpResponse:
    """Send `request` and read its answer whole, refusing one over `limit` bytes.

    Raises:
        TooLarge: announced or received over the limit (the connection is dropped at once).
        httpx.HTTPError: as `client.send` and reading raise them.
    """
    raw = await client.send(request, stream=True)
    try:
        declared = raw.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(limit, int(declared))
        chunks: list[bytes] = []
        size = 0
        async for chunk in raw.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise TooLarge(limit, None)
            chunks.append(chunk)
    finally:
        await raw.aclose()
    text = b"".join(chunks).decode(raw.encoding or "utf-8", errors="replace")
    return HttpResponse(
        raw.status_code, dict(raw.headers), text, method=request.method, path=request.url.path
    )


@dataclass(frozen=True)
class Call:
    """Which call an error is about (for its message)."""

    method: str
    path: str
    campaign: str


def cause(exc: Exception) -> str:
    """Why a connection failed, in a person's words."""
    if isinstance(exc, httpx.TimeoutException):
        return "the connection timed out"
    return connection_failure(exc)


def _certificate_problem(exc: BaseException) -> str | None:
    """Why the server's certificate was refused, if that is what failed the connection."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return str(current.verify_message or current.reason or "verification failed")
        current = current.__cause__ or current.__context__
    return None


def failure(
    exc: Exception, call: Call, deadline: float, host: str, unreachable: Callable[[], ApiError]
) -> Exception:
    """What a call that got no usable answer raises: `Retryable` where trying again may help
    (no answer in time, no connection: `unreachable` names the host and why), else the
    `ApiError` that says why not."""
    method, path, campaign = call.method, call.path, call.campaign
    if isinstance(exc, TimeoutError):
        error: ApiError = ApiTransportError(
            f"no complete answer within {deadline:g} s (timeout in syncer.toml): the "
            "call may or may not have been applied",
            method=method,
            path=path,
            campaign=campaign,
            advice="run again (the outcome is checked by reading the campaign first); if "
            "the vendor is slow, raise timeout",
        )
        return Retryable(error, None)
    if isinstance(exc, TooLarge):
        said = f" (it announced {exc.declared:,} bytes)" if exc.declared else ""
        return ApiError(
            f"the vendor's answer is larger than {exc.limit // (1024 * 1024)} MiB{said}: "
            "refused while it arrived (no real answer is that large)",
            method=method,
            path=path,
            campaign=campaign,
            advice="check base_url; if it is right, the vendor is faulty: run again later",
        )
    if isinstance(exc, httpx.ConnectError):
        untrusted = _certificate_problem(exc)
        if untrusted is None:
            return Retryable(unreachable(), None)
        return ApiError(
            f"the TLS certificate of {host} is not trusted ({untrusted})",
            method=method,
            path=path,
            campaign=campaign,
            advice="if a company proxy or your own CA signs it, add that CA's PEM file with "
            "ca_bundle in syncer.toml (verification is never turned off)",
        )
    if isinstance(exc, httpx.LocalProtocolError):
        # Refused by the HTTP library before sending (e.g. an unsendable header): retrying
        # cannot help. Its text may quote header values, credentials included: not shown.
        return ApiError(
            "the request could not be sent (the HTTP library refused it as malformed)",
            method=method,
            path=path,
            campaign=campaign,
            advice="check the credentials' environment variables for stray characters",
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return Retryable(unreachable(), None)
    error = ApiTransportError(
        f"no answer ({type(exc).__name__}): the call may or may not have been applied",
        method=method,
        path=path,
        campaign=campaign,
        advice="run apply again: the outcome is checked by reading the campaign first",
    )
    return Retryable(error, None)
