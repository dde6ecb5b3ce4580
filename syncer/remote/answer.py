"""ANSWER: a sent request -> the vendor's complete answer, read within bounds.

Takes an `httpx` client and a built request; returns an `HttpResponse` (status, headers, text),
read as a stream so that an answer larger than `MAX_ANSWER_BYTES` (decoded, so a compressed
bomb counts at its real size) is refused as it arrives, never held whole. The caller bounds the
whole exchange by one deadline (`HttpClient`); JSON too deeply nested to be parsed is a vendor
error (`ApiError`), like any other answer the tool cannot use.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from syncer.errors import ApiError

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
