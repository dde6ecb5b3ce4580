"""HTTP at the edge: one pooled `httpx.AsyncClient` per target, rate-limited and retried.

Takes a method, a path and a body; returns an `HttpResponse` or raises an `ApiError`. Owns the
pieces every vendor client shares: TLS (always verified; a custom CA bundle may be added),
the vendors' documented rate-limit windows (several at once, via pyrate-limiter's sliding-window
log, counting the calls of earlier runs), and retries with jittered exponential backoff
(tenacity) for failures that are safe to repeat, honouring `Retry-After` and
`x-ratelimit-reset`. Credentials are handed in as headers and never appear in errors or logs:
every text leaving this module passes through `Redactor`.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import json
import logging
import random
import ssl
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from pyrate_limiter import (
    BucketAsyncWrapper,
    Duration,
    InMemoryBucket,
    Limiter,
    Rate,
    RateItem,
)
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from syncer.call_history import CallHistory
from syncer.errors import ApiError, ApiTransportError, RateLimitedError

log = logging.getLogger("syncer.http")

# Windows are (calls, seconds); several apply at once (per second, minute, hour, day).
Windows = Sequence[tuple[int, float]]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Redactor:
    """Replaces every known secret (and its base64 and URL forms) with `***`."""

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        self._needles: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if len(secret) < 4:
            return  # too short to search for without mangling ordinary text
        forms = {
            secret,
            base64.b64encode(secret.encode()).decode(),
            json.dumps(secret)[1:-1],
            quote(secret, safe=""),
            # As Python and HTTP libraries quote values in their exceptions and debug logs.
            repr(secret)[1:-1],
            repr(secret.encode())[2:-1],
        }
        for form in forms:
            if form not in self._needles:
                self._needles.append(form)
        self._needles.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for needle in self._needles:
            text = text.replace(needle, "***")
        return text


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs secrets from every record (including --debug traces)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = self.redactor(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatted here, so that the traceback (and the exception's own text) is scrubbed
            # too: the handler's formatter would only do it after this filter.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return True


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    text: str
    attempts: int = 1
    """How many times the call was sent (retries included)."""

    def json(self) -> Any:
        if not self.text.strip():
            return None
        try:
            return json.loads(self.text)
        except json.JSONDecodeError:
            return None


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    base_delay: float = 0.5
    max_delay: float = 60.0
    min_429_delay: float = 0.0
    """Vendor floor after a 429 (Batch: never sooner than 5 seconds)."""


# An error translator: (response, method, path) -> (vendor message, advice).
ErrorReader = Callable[[HttpResponse], tuple[str, str]]


class NotSent(Exception):
    """A call whose `proceed` check said no once its turn came: nothing was sent."""


class _Retryable(Exception):
    def __init__(self, error: ApiError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


@dataclass
class CallStats:
    """What a run cost: calls by kind, retries with their reasons."""

    calls: Counter[str] = field(default_factory=Counter)
    retries: list[str] = field(default_factory=list)


def _seconds_until(reset: str) -> float | None:
    # MoEngage documents x-ratelimit-reset both as an epoch and as a delta (vendor notes, 10.9):
    # a value above ~1e9 is an epoch.
    try:
        value = float(reset)
    except ValueError:
        return None
    return max(0.0, value - time.time()) if value > 1e9 else value


def retry_after(headers: Mapping[str, str]) -> float | None:
    for name in ("retry-after", "x-ratelimit-reset"):
        value = headers.get(name)
        if value:
            seconds = _seconds_until(value)
            if seconds is not None:
                return min(seconds, 3600.0)
    return None


MARGIN = 0.05
"""Windows are kept 5 % longer than documented, and calls evenly spaced within the shortest:
a window filled in one burst lets the next burst collide at the vendor with the tail of the
first (arrival times jitter), and each 429 costs a call and a wait of up to a second."""
JITTER = 0.1
"""And at least 100 ms longer: 5 % of a one-second window (50 ms) was less than the jitter of
arrival times measured on a busy machine (31 calls in a second of a 30-a-second window)."""
SPREAD = 10


def _window(seconds: float) -> int:
    """A vendor window as the limiter keeps it, in milliseconds."""
    return int(max(seconds * (1 + MARGIN), seconds + JITTER) * Duration.SECOND)


def _rates(windows: Windows, scale: float) -> list[Rate]:
    rates = [Rate(max(1, int(calls * scale)), _window(seconds)) for calls, seconds in windows]
    if rates:
        # Spread the shortest window's calls over tenths of it (rounded up, so that the spread
        # never lowers the window's own rate).
        shortest = min(rates, key=lambda rate: rate.interval)
        if shortest.limit > 1:
            tenth = Rate(-(-shortest.limit // SPREAD), shortest.interval // SPREAD)
            rates.append(tenth)
    return _consistent(rates)


def _consistent(rates: list[Rate]) -> list[Rate]:
    """The same limits as pyrate-limiter accepts them: intervals and limits strictly
    increasing, density never increasing. A window another one implies is dropped; a longer
    window denser than a shorter one is lowered to its density (stricter, never looser).
    Scaled or rounded figures (a scale of 0.01, or 3) would otherwise make the list invalid."""
    result: list[Rate] = []
    for rate in sorted(rates, key=lambda r: (r.interval, r.limit)):
        if result and rate.interval == result[-1].interval:
            continue  # the smaller limit of the two, sorted first, is kept
        if result:
            prev = result[-1]
            cap = prev.limit * rate.interval // prev.interval
            rate = Rate(min(rate.limit, max(cap, prev.limit)), rate.interval)
        while result and result[-1].limit >= rate.limit:
            result.pop()  # the longer window allows no more calls: the shorter adds nothing
        result.append(rate)
    return result


def _rate_limited_advice(retry_after: float | None, longest: float) -> str:
    if retry_after is not None and retry_after > longest:
        when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=retry_after)
        return (
            f"the vendor asks to wait {retry_after:.0f} s (until {when:%H:%M:%S} UTC), longer "
            "than this run waits: run again then (nothing is applied twice)"
        )
    return (
        "the vendor kept refusing with 429; wait a few minutes and run again (nothing is "
        "applied twice)"
    )


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


class RateLimiter:
    """The vendor's documented windows per endpoint class, enforced before each call (with
    a margin, and calls spread evenly: see `MARGIN`), counting the calls earlier runs made to
    the same account (`history`, see `syncer.call_history`).

    pyrate-limiter's async buckets run a leak task on the event loop, so they are built on
    first use (inside the loop) and closed with the client.
    """

    def __init__(
        self, classes: Mapping[str, Windows], scale: float = 1.0, history: Path | None = None
    ) -> None:
        """`history`: the call log this account's runs share (see `syncer.call_history`)."""
        self._rates: dict[str, list[Rate]] = {
            name: _rates(windows, scale) for name, windows in classes.items()
        }
        self._limiters: dict[str, Limiter] = {}
        self.history: CallHistory | None = None
        if history is not None:
            horizons = {
                name: max(r.interval for r in rates) / 1000
                for name, rates in self._rates.items()
                if rates
            }
            self.history = CallHistory(history, horizons)
        self._past: dict[str, list[float]] | None = None

    def classes(self) -> int:
        """How many endpoint classes are limited separately."""
        return max(1, len(self._rates))

    def burst(self) -> int:
        """The most calls any endpoint class may have started within its shortest window."""
        return max(
            (max(rate.limit for rate in rates[:2]) for rates in self._rates.values() if rates),
            default=0,
        )

    async def acquire(self, endpoint: str) -> None:
        name = endpoint if endpoint in self._rates else "default"
        if name not in self._rates:
            return
        limiter = self._limiters.get(name)
        if limiter is None:
            memory = InMemoryBucket(self._rates[name])
            self._replay(name, memory)
            # No extra wait after each delay: MARGIN already keeps the calls clear of the edges.
            limiter = Limiter(BucketAsyncWrapper(memory), buffer_ms=0)
            self._limiters[name] = limiter
        await limiter.try_acquire_async(name, blocking=True)
        if self.history is not None:
            self.history.record(name)

    def _replay(self, name: str, bucket: InMemoryBucket) -> None:
        """Start from the calls earlier runs made that still count in this class's windows."""
        if self.history is None:
            return
        if self._past is None:
            self._past = self.history.recent()
        # In-memory buckets stamp calls with monotonic milliseconds (pyrate-limiter's clock).
        wall, monotonic = time.time(), time.monotonic_ns() // 1_000_000
        # Appended as they happened, not `put`: they were made (by other runs, perhaps at once),
        # so they count even where this run's spreading would not have let them through.
        past = self._past.get(name, [])
        ago = (max(0, int((wall - when) * 1000)) for when in past)  # clocks may disagree
        bucket.items.extend(RateItem(name, monotonic - ms) for ms in ago)
        if past:
            log.debug("%s: %d call(s) of earlier runs still count", name, len(past))

    def close(self) -> None:
        for limiter in self._limiters.values():
            limiter.close()
        self._limiters.clear()


MIN_CONNECTIONS = 16
MAX_CONNECTIONS = 256


def connections(limiter: RateLimiter) -> int:
    """Connections in the pool: enough for every call the rate limits let start at once, so
    that the limiter (not the pool) is what paces a run."""
    return max(MIN_CONNECTIONS, min(MAX_CONNECTIONS, limiter.burst()))


class HttpClient:
    """A vendor-neutral HTTP client for one target."""

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str],
        timeout: float,
        limiter: RateLimiter,
        policy: RetryPolicy,
        read_error: ErrorReader,
        redactor: Redactor,
        ca_bundle: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # Always verified. A bundle adds CAs (a company proxy's, a self-hosted endpoint's) to
        # the usual ones; it never replaces them.
        verify = httpx.create_ssl_context()
        if ca_bundle:
            verify.load_verify_locations(cafile=ca_bundle)
        pool = connections(limiter)
        # Calls beyond the pool wait here, not in httpcore's queue, which is scanned whole for
        # every request it assigns (hundreds of queued calls would cost seconds of CPU). One
        # pool per endpoint class: creations waiting minutes for their window hold no slot
        # that an update could use.
        self._pool = pool
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={**headers, "Content-Type": "application/json", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            verify=verify,
            transport=transport,
            limits=httpx.Limits(
                max_connections=pool * limiter.classes(),
                max_keepalive_connections=pool * limiter.classes(),
            ),
            follow_redirects=False,
        )
        self.limiter = limiter
        self.policy = policy
        self.read_error = read_error
        self.redact = redactor
        self.stats = CallStats()
        self._sleep = sleep

    async def aclose(self) -> None:
        self.limiter.close()
        await self._client.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        endpoint: str = "default",
        kind: str = "read",
        retry_safe: bool = True,
        campaign: str = "",
        ok: Sequence[int] = (200, 201, 204),
        proceed: Callable[[], bool] | None = None,
        renew: Callable[[Any], Any] | None = None,
    ) -> HttpResponse:
        """Send one call, retrying what is safe to retry.

        Args:
            endpoint: the rate-limit class (e.g. `create`, `default`).
            kind: counted in `stats.calls` (e.g. `search`, `update`).
            retry_safe: whether repeating the call cannot cause a second effect. Rejections that
                prove the call was not processed (429, connection refused) are retried anyway.
            campaign: the campaign key, for error messages.
            proceed: asked once the rate limiter lets the call go; False cancels it (a
                speculative read that turned out unneeded while it waited).
            renew: makes the body of each attempt after the first (e.g. a fresh per-call id,
                where the vendor may deduplicate on it).

        Raises:
            NotSent: `proceed` said no; nothing was sent.
            ApiError: the vendor refused the call (4xx other than 429), or retries ran out.
            ApiTransportError: no answer (timeout, dropped connection): the outcome is unknown.
        """
        policy = self.policy

        def should_retry(exc: BaseException) -> bool:
            if not isinstance(exc, _Retryable):
                return False
            if exc.retry_after is not None and exc.retry_after > policy.max_delay:
                return False  # honoured by not trying again now: the report says when
            return retry_safe or exc.error.status == 429 or exc.error.vendor_message == "connect"

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            hinted = exc.retry_after if isinstance(exc, _Retryable) else None
            backoff = min(policy.max_delay, policy.base_delay * 2 ** (state.attempt_number - 1))
            delay = random.uniform(backoff / 2, backoff)  # full jitter, bounded below
            if isinstance(exc, _Retryable) and exc.error.status == 429:
                delay = max(delay, hinted or 0.0, policy.min_429_delay)
            elif hinted is not None:
                delay = max(delay, hinted)
            return delay

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            reason = exc.error.describe() if isinstance(exc, _Retryable) else "error"
            delay = state.upcoming_sleep
            self.stats.retries.append(f"{method} {path}: retried in {delay:.1f}s after {reason}")
            log.info("retrying %s %s in %.1fs (%s)", method, path, delay, reason)

        sent = 0
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(policy.max_retries + 1),
                wait=wait,
                retry=retry_if_exception(should_retry),
                reraise=True,
                sleep=self._sleep,
                before_sleep=before_sleep,
            ):
                with attempt:
                    sent = attempt.retry_state.attempt_number
                    if renew is not None and sent > 1:
                        body = renew(body)
                    response = await self._once(
                        method, path, body, params, endpoint, kind, campaign, ok, proceed
                    )
                    return dataclasses.replace(response, attempts=sent)
        except ApiError as exc:
            exc.attempts = sent
            raise
        except _Retryable as exc:
            error = exc.error
            error.attempts = sent
            if error.status == 429:
                raise RateLimitedError(
                    str(error),
                    method=method,
                    path=path,
                    status=429,
                    vendor_message=error.vendor_message,
                    campaign=campaign,
                    retry_after=error.retry_after,
                    advice=_rate_limited_advice(error.retry_after, policy.max_delay),
                    attempts=sent,
                ) from None
            raise error from None
        raise AssertionError("unreachable")  # pragma: no cover - AsyncRetrying always yields

    def _unreachable(
        self, exc: Exception, method: str, path: str, campaign: str
    ) -> ApiTransportError:
        """A call that never reached the server: always safe to try again."""
        return ApiTransportError(
            f"cannot connect: {self.redact(type(exc).__name__)}",
            method=method,
            path=path,
            vendor_message="connect",
            campaign=campaign,
            advice="check the network and base_url, then run again",
        )

    async def _once(
        self,
        method: str,
        path: str,
        body: Any,
        params: Mapping[str, str] | None,
        endpoint: str,
        kind: str,
        campaign: str,
        ok: Sequence[int],
        proceed: Callable[[], bool] | None,
    ) -> HttpResponse:
        # A free connection first, then the rate limiter, then the gate (the journal): the
        # limiter's admission is the last wait before the call leaves, so that calls reach the
        # vendor as spaced as the limiter let them go, and only calls that leave are announced.
        slots = self._slots.setdefault(endpoint, asyncio.Semaphore(self._pool))
        async with slots:
            await self.limiter.acquire(endpoint)
            if proceed is not None and not proceed():
                raise NotSent
            return await self._send(method, path, body, params, kind, campaign, ok)

    async def _send(
        self,
        method: str,
        path: str,
        body: Any,
        params: Mapping[str, str] | None,
        kind: str,
        campaign: str,
        ok: Sequence[int],
    ) -> HttpResponse:
        self.stats.calls[kind] += 1
        started = time.monotonic()
        try:
            raw = await self._client.request(method, path, json=body, params=params)
        except httpx.ConnectError as exc:
            untrusted = _certificate_problem(exc)
            if untrusted is None:
                raise _Retryable(self._unreachable(exc, method, path, campaign), None) from None
            host = self._client.base_url.host
            raise ApiError(
                f"the TLS certificate of {host} is not trusted ({untrusted})",
                method=method,
                path=path,
                campaign=campaign,
                advice="if a company proxy or your own CA signs it, add that CA's PEM file with "
                "ca_bundle in syncer.toml (verification is never turned off)",
            ) from None
        except httpx.LocalProtocolError:
            # Refused by the HTTP library before sending (e.g. an unsendable header): retrying
            # cannot help. Its text may quote header values, credentials included: not shown.
            raise ApiError(
                "the request could not be sent (the HTTP library refused it as malformed)",
                method=method,
                path=path,
                campaign=campaign,
                advice="check the credentials' environment variables for stray characters",
            ) from None
        except httpx.ConnectTimeout as exc:
            raise _Retryable(self._unreachable(exc, method, path, campaign), None) from None
        except httpx.TransportError as exc:
            error: ApiError = ApiTransportError(
                f"no answer ({type(exc).__name__}): the call may or may not have been applied",
                method=method,
                path=path,
                campaign=campaign,
                advice="run apply again: the outcome is checked by reading the campaign first",
            )
            raise _Retryable(error, None) from None
        response = HttpResponse(raw.status_code, dict(raw.headers), raw.text)
        log.debug(
            "%s %s -> %s in %.0f ms",
            method,
            path,
            raw.status_code,
            (time.monotonic() - started) * 1000,
        )
        if raw.status_code in ok:
            return response
        vendor_message, advice = self.read_error(response)
        vendor_message = self.redact(vendor_message)
        error = ApiError(
            vendor_message or f"unexpected HTTP {raw.status_code}",
            method=method,
            path=path,
            status=raw.status_code,
            vendor_message=vendor_message,
            advice=advice,
            campaign=campaign,
            retry_after=retry_after(response.headers),
        )
        if raw.status_code in RETRY_STATUSES:
            raise _Retryable(error, error.retry_after)
        raise error
