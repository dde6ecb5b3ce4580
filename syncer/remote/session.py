"""The HTTP client of a vendor session: target settings + the vendor's specifics -> `HttpClient`.

Takes a `SessionSpec` (what connecting to one target needs) and what each vendor knows: its
auth headers, its rate-limit windows, its retry delays and how to read its error bodies; returns
the `HttpClient` a session sends its calls through. Both vendors' sessions are built this way,
so that only what differs between them is written in their `client.py` and `provider.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, NotRequired, TypedDict, Unpack
from urllib.parse import urlsplit

from syncer.model.vendor import Redacting, SessionSpec
from syncer.remote.client import ErrorReader, HttpClient, HttpResponse
from syncer.remote.ratelimit import RateLimiter, Windows
from syncer.remote.redact import Redactor
from syncer.remote.retry import RetryPolicy


class ClientOptions(TypedDict):
    """How a session reaches its target, whatever the vendor (passed through to `HttpClient`)."""

    base_url: str
    timeout: float
    policy: RetryPolicy
    rate_scale: float
    redactor: Redacting
    ca_bundle: NotRequired[str | None]
    transport: NotRequired[Any]
    """An httpx transport to use instead of the network (tests)."""
    history: NotRequired[Path | None]
    """The call log shared by the runs that reach this account (`syncer.call_history`)."""
    sleep: NotRequired[Callable[[float], Awaitable[None]]]


def client_options(
    spec: SessionSpec, *, base_delay: float, min_429_delay: float = 0.0
) -> ClientOptions:
    """A target's options, with the vendor's first retry delay (shorter against the sandbox,
    which has no reason to be waited for) and its floor after a 429."""
    config = spec.settings
    return ClientOptions(
        base_url=spec.base_url,
        timeout=config.timeout,
        policy=RetryPolicy(
            max_retries=config.max_retries,
            base_delay=0.2 if config.sandbox else base_delay,
            min_429_delay=min_429_delay,
        ),
        rate_scale=config.rate_limit_scale,
        redactor=spec.redactor if spec.redactor is not None else Redactor(),
        ca_bundle=config.ca_bundle,
        transport=spec.transport,
        history=spec.history,
    )


def vendor_client(
    *,
    headers: Mapping[str, str],
    limits: Mapping[str, Windows],
    read_error: ErrorReader,
    **options: Unpack[ClientOptions],
) -> HttpClient:
    """The client of one session: the vendor's auth headers, rate limits and error reader."""
    return HttpClient(
        base_url=options["base_url"],
        headers=headers,
        timeout=options["timeout"],
        limiter=RateLimiter(
            limits,
            options["rate_scale"],
            options.get("history"),
            label=host_of(options["base_url"]),
        ),
        policy=options["policy"],
        read_error=read_error,
        redactor=options["redactor"],
        ca_bundle=options.get("ca_bundle"),
        transport=options.get("transport"),
        sleep=options.get("sleep", asyncio.sleep),
    )


def host_of(base_url: str) -> str:
    """The host (and port, when not the scheme's) of a base URL, for people to read."""
    split = urlsplit(base_url)
    return split.netloc.rpartition("@")[2] or base_url


def error_reader(advice: Mapping[int, str], message: Callable[[HttpResponse], str]) -> ErrorReader:
    """An `ErrorReader` from a vendor's advice per HTTP status and its error-body reader.

    `message` returns "" for a body it does not recognise: the start of the raw body (or the
    status) is shown instead.
    """

    def read(response: HttpResponse) -> tuple[str, str]:
        found = message(response) or response.text.strip()[:300] or f"HTTP {response.status}"
        return found, advice.get(response.status, "")

    return read
