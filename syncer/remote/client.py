"""HTTP at the edge: one pooled `httpx.AsyncClient` per target, rate-limited and retried.

Takes a method, a path and a body; returns an `HttpResponse` or raises an `ApiError`. Owns the
pieces every vendor client shares: TLS (always verified; a custom CA bundle may be added),
the wait for the vendor's rate-limit windows (`syncer.ratelimit`), and retries with jittered
exponential backoff (tenacity) for failures that are safe to repeat, honouring `Retry-After` and
(for a 429) `x-ratelimit-reset`. Credentials are handed in as headers and never appear in errors
or logs: every vendor message leaving this module passes through a `Redactor` (`syncer.redact`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import RetryCallState

from syncer.errors import ApiError, ApiTransportError, RateLimitedError
from syncer.model.vendor import Redacting
from syncer.remote.answer import MAX_ANSWER_BYTES, Call, TooLarge, cause, failure, receive
from syncer.remote.answer import HttpResponse as HttpResponse  # where callers import it
from syncer.remote.ratelimit import RateLimiter
from syncer.remote.retry import (
    RETRY_STATUSES,
    Retryable,
    RetryPolicy,
    rate_limited_advice,
    retry_after,
    retrying,
)
from syncer.remote.sendgate import SendGate

log = logging.getLogger("syncer.http")
notice = logging.getLogger("syncer.notice")


# An error translator: a refused call's response -> (vendor message, advice).
ErrorReader = Callable[[HttpResponse], tuple[str, str]]


class NotSent(Exception):
    """A call whose `proceed` check said no once its turn came: nothing (more) was sent.

    `after`: when earlier attempts of the call were sent (a stop came between retries), the
    error of the last one, whose outcome stands; None when nothing was sent at all."""

    def __init__(self, after: ApiError | None = None) -> None:
        super().__init__()
        self.after = after


@dataclass
class CallStats:
    """What a run cost: calls by kind, retries with their reasons."""

    calls: Counter[str] = field(default_factory=Counter)
    retries: list[str] = field(default_factory=list)


def _relative(path: str) -> bool:
    """A path that httpx joins to the base URL (no scheme, no `//host`, no `..`)."""
    return (
        path.startswith("/")
        and not path.startswith("//")
        and ":" not in path.split("?", 1)[0]
        and "\\" not in path
        and "/../" not in f"{path}/"
    )


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
        redactor: Redacting,
        ca_bundle: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_answer: int = MAX_ANSWER_BYTES,
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
        self.deadline = timeout
        """Seconds a call may take in all, from sending it to the last byte of its answer."""
        self.max_answer = max_answer
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
        if not _relative(path):
            # httpx sends an absolute URL as it is, credentials included: only paths below the
            # target's base_url ever leave (a forged saved plan is refused before this too).
            raise ApiError(
                "refused: the call's path is not a path of the target's base_url",
                method=method,
                path=path[:120],
                campaign=campaign,
                advice="campaign-syncer only sends its own vendor routes; make a new plan",
            )
        sent = 0
        previous: ApiError | None = None
        try:
            async for attempt in retrying(
                self.policy,
                retry_safe=retry_safe,
                sleep=self._pause(proceed),
                before_sleep=self._retried(method, path),
            ):
                with attempt:
                    sent = attempt.retry_state.attempt_number
                    if renew is not None and sent > 1:
                        body = renew(body)
                    try:
                        response = await self._once(
                            method, path, body, params, endpoint, kind, campaign, ok, proceed
                        )
                    except NotSent:
                        raise NotSent(previous) from None
                    except Retryable as exc:
                        previous = exc.error
                        raise
                    return dataclasses.replace(response, attempts=sent)
        except NotSent:
            if previous is not None:
                previous.attempts = sent - 1
            raise
        except ApiError as exc:
            exc.attempts = sent
            raise
        except Retryable as exc:
            raise self._exhausted(exc.error, sent, method, path, campaign) from None
        raise AssertionError("unreachable")  # pragma: no cover - AsyncRetrying always yields

    def _pause(self, proceed: Callable[[], bool] | None) -> Callable[[float], Awaitable[None]]:
        """The wait before a retry: in slices, asking `proceed` between them, so that once a
        stop is asked (Ctrl-C) a retry is not waited for (the earlier attempt's outcome
        stands)."""

        async def pause(delay: float) -> None:
            slices = max(1, math.ceil(delay / 0.25)) if proceed is not None else 1
            for _ in range(slices):
                if proceed is not None and not proceed():
                    return
                await self._sleep(delay / slices)

        return pause

    def _retried(self, method: str, path: str) -> Callable[[RetryCallState], None]:
        """What happens before each retry's wait: counted in `stats.retries`, and logged."""

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            reason = exc.error.describe() if isinstance(exc, Retryable) else "error"
            delay = state.upcoming_sleep
            self.stats.retries.append(f"{method} {path}: retried in {delay:.1f}s after {reason}")
            log.info("retrying %s %s in %.1fs (%s)", method, path, delay, reason)
            if isinstance(exc, Retryable) and exc.error.vendor_message == "connect":
                # Said as it happens: an unreachable host must not look like a hang.
                notice.warning(
                    "%s; retrying in %.1f s (try %d of %d)",
                    str(exc.error),
                    delay,
                    state.attempt_number + 1,
                    self.policy.max_retries + 1,
                )

        return before_sleep

    def _exhausted(
        self, error: ApiError, sent: int, method: str, path: str, campaign: str
    ) -> ApiError:
        """The error of a call whose retries ran out (a 429 says when to try again)."""
        error.attempts = sent
        if error.status != 429:
            return error
        return RateLimitedError(
            str(error),
            method=method,
            path=path,
            status=429,
            vendor_message=error.vendor_message,
            campaign=campaign,
            retry_after=error.retry_after,
            advice=rate_limited_advice(error.retry_after, self.policy.max_delay),
            attempts=sent,
        )

    def _unreachable(
        self, exc: Exception, method: str, path: str, campaign: str
    ) -> ApiTransportError:
        """A call that never reached the server: always safe to try again."""
        return ApiTransportError(
            f"cannot connect to {self._where()}: {self.redact(cause(exc))}",
            method=method,
            path=path,
            vendor_message="connect",
            campaign=campaign,
            advice="check the network, the host and base_url, then run again",
        )

    def _where(self) -> str:
        url = self._client.base_url
        port = url.port or (443 if url.scheme == "https" else 80)
        return f"{url.host}:{port}"

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
        # A free slot first, then the rate limiter, then the journal's gate (only calls that
        # leave are announced). The limiter's admission is not yet the send: connecting, and
        # a loop busy planning, may hold the call a while; the send gate, right before the
        # bytes are written, spaces calls by when earlier ones really left (`sendgate`).
        slots = self._slots.setdefault(endpoint, asyncio.Semaphore(self._pool))
        async with slots:
            await self.limiter.acquire(endpoint)
            if proceed is not None and not proceed():
                raise NotSent
            gate = self.limiter.gate(endpoint)
            return await self._send(method, path, body, params, kind, campaign, ok, gate)

    async def _send(
        self,
        method: str,
        path: str,
        body: Any,
        params: Mapping[str, str] | None,
        kind: str,
        campaign: str,
        ok: Sequence[int],
        gate: SendGate | None = None,
    ) -> HttpResponse:
        self.stats.calls[kind] += 1
        started = time.monotonic()
        try:
            # One deadline for the whole exchange: httpx's timeout bounds each read only, so
            # an answer trickling a byte at a time would never end. Ctrl-C, which lets calls
            # in flight finish, therefore never waits longer than this either. (It is moved
            # by the send gate's wait: it counts from the send.)
            async with asyncio.timeout(self.deadline) as deadline:
                ticket = gate.ticket(deadline) if gate is not None else None
                request = self._client.build_request(
                    method,
                    path,
                    json=body,
                    params=params,
                    extensions={"trace": ticket} if ticket is not None else None,
                )
                try:
                    raw = await receive(self._client, request, self.max_answer)
                finally:
                    if ticket is not None:
                        ticket.done()
        except (TimeoutError, TooLarge, httpx.TransportError) as exc:
            raise self._failed(exc, method, path, campaign) from None
        response = dataclasses.replace(raw, path=path)
        log.debug(
            "%s %s -> %s in %.0f ms",
            method,
            path,
            raw.status,
            (time.monotonic() - started) * 1000,
        )
        if raw.status in ok:
            return response
        error = self._refusal(response, method, path, campaign)
        if raw.status in RETRY_STATUSES:
            raise Retryable(error, error.retry_after)
        raise error

    def _refusal(self, response: HttpResponse, method: str, path: str, campaign: str) -> ApiError:
        """The error an answer outside `ok` stands for, its body scrubbed of secrets."""
        # Redacted before the reader cuts the body short: a key that crossed the cut would no
        # longer match, and its first part would be shown. Again after: the reader may decode
        # JSON escapes into the secret itself.
        scrubbed = dataclasses.replace(response, text=self.redact(response.text))
        vendor_message, advice = self.read_error(scrubbed)
        vendor_message = self.redact(vendor_message)
        return ApiError(
            vendor_message or f"unexpected HTTP {response.status}",
            method=method,
            path=path,
            status=response.status,
            vendor_message=vendor_message,
            advice=advice,
            campaign=campaign,
            retry_after=retry_after(response.headers, response.status),
        )

    def _failed(self, exc: Exception, method: str, path: str, campaign: str) -> Exception:
        """What a call that got no usable answer raises (see `answer.failure`)."""
        return failure(
            exc,
            Call(method, path, campaign),
            self.deadline,
            self._client.base_url.host,
            lambda: self._unreachable(exc, method, path, campaign),
        )
