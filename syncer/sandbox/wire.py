"""The values passed between the HTTP gate and the vendor emulators.

The gate (`gate.py`) turns an ASGI request into a `VendorRequest`; a vendor module's
`handle(request, context)` returns a `VendorResponse`; the gate sends it (or drops or delays it).
Keeping the vendors on plain values keeps their rules free of ASGI details.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from syncer.sandbox.options import SandboxOptions
from syncer.sandbox.store import Store


class InvalidJson(ValueError):
    """The request body is not valid JSON."""


@dataclass(frozen=True)
class VendorRequest:
    method: str
    path: str
    query: str
    """The raw query string, without `?`."""
    headers: Mapping[str, str]
    """Header names in lower case. Never logged: they carry the credentials."""
    body: bytes

    def json(self) -> Any:
        """The parsed body; raises InvalidJson when it is empty or malformed."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidJson(str(exc)) from None

    def loggable_body(self) -> Any:
        """The body as the request log keeps it: parsed JSON, else text, else None."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return self.body.decode("utf-8", errors="replace")

    def param(self, name: str) -> str | None:
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class VendorResponse:
    status: int
    payload: Any = None
    """JSON-serialisable body; None sends an empty body."""
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        if self.payload is None:
            return b""
        return json.dumps(self.payload).encode()

    def with_headers(self, extra: Mapping[str, str]) -> VendorResponse:
        return VendorResponse(self.status, self.payload, {**self.headers, **extra})


@dataclass(frozen=True)
class Context:
    """What a vendor handler may use besides the request."""

    store: Store
    options: SandboxOptions
    now: float
    """The sandbox business clock (epoch seconds)."""
    limiter_now: float
    """The clock rate-limit windows roll on (see `clock.py`)."""
    rate_limit_scale: float
