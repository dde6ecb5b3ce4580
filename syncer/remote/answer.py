"""ANSWER: a sent request -> the vendor's complete answer, read within bounds.

Takes an `httpx` client and a built request; returns an `HttpResponse` (status, headers, text),
read as a stream so that an answer larger than `MAX_ANSWER_BYTES` (decoded, so a compressed
bomb counts at its real size) is refused as it arrives, never held whole. The caller bounds the
whole exchange by one deadline (`HttpClient`); JSON too deeply nested to be parsed is a vendor
error (`ApiError`), like any other answer the tool cannot use.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from syncer.errors import ApiError

MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""Far above any real answer (a page of 100 campaigns with their HTML is a few MiB)."""


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
            return json.loads(self.text)
        except json.JSONDecodeError:
            return None
        except RecursionError:
            raise too_deep(self.method, self.path, self.status) from None


def too_deep(method: str, path: str, status: int | None) -> ApiError:
    return ApiError(
        "the vendor's answer is JSON nested too deeply to be read (no campaign data is): "
        "the vendor is faulty or this is not its API",
        method=method,
        path=path,
        status=status,
        advice="check base_url; if it is right, run again later or contact the vendor",
    )


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
