"""RETRY: a failed attempt -> whether to send the call again, and after how long.

Takes a `RetryPolicy` and whether the call is safe to repeat; returns the tenacity loop that
`HttpClient.call` runs its attempts in. Retries use jittered exponential backoff, honour
`Retry-After` (seconds or an HTTP-date; and, after a 429 only, `x-ratelimit-reset`), and respect
a vendor's floor after a 429; a wait longer than the policy allows is not waited for (the error
says what the vendor asked, and when to run again).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from syncer.errors import ApiError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    base_delay: float = 0.5
    max_delay: float = 60.0
    min_429_delay: float = 0.0
    """Vendor floor after a 429 (Batch: never sooner than 5 seconds)."""


class Retryable(Exception):
    """A failed attempt that may be tried again: the error to raise if it is not."""

    def __init__(self, error: ApiError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _seconds_until(reset: str) -> float | None:
    # MoEngage documents x-ratelimit-reset both as an epoch and as a delta (vendor notes, 10.9):
    # a value above ~1e9 is an epoch. Retry-After may also be an HTTP-date (RFC 9110, 10.2.3).
    try:
        value = float(reset)
    except ValueError:
        return _until_date(reset)
    if value != value or value < 0:  # NaN, or a negative delay: no usable hint
        return None
    return max(0.0, value - time.time()) if value > 1e9 else value


def _until_date(text: str) -> float | None:
    """Seconds until an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`), 0 if it is past."""
    try:
        when = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)  # HTTP-dates are GMT
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def retry_after(headers: Mapping[str, str], status: int | None = None) -> float | None:
    """How long the vendor asks to wait before the next attempt, if it says.

    `x-ratelimit-reset` is when the rate-limit window resets (MoEngage's rate-limits page:
    "x-ratelimit-reset", UTC epoch seconds), not a retry hint: it is on every answer of a
    rate-limited endpoint, so it counts only for a 429. Taken from any other answer, a 500 would
    wait out a whole window. `Retry-After` is a retry hint whatever the status (RFC 9110).
    """
    names = ("retry-after", "x-ratelimit-reset") if status == 429 else ("retry-after",)
    for name in names:
        value = headers.get(name)
        if value:
            seconds = _seconds_until(value)
            if seconds is not None:
                # Kept as asked (never cut to a maximum): a wait longer than the run allows is
                # not waited for, and the report says what the vendor asked.
                return seconds
    return None


def retrying(
    policy: RetryPolicy,
    *,
    retry_safe: bool,
    sleep: Callable[[float], Awaitable[None]],
    before_sleep: Callable[[RetryCallState], None],
) -> AsyncRetrying:
    """The attempts of one call, as tenacity runs them.

    Args:
        retry_safe: whether repeating the call cannot cause a second effect. Rejections that
            prove the call was not processed (429, connection refused) are retried anyway.
        before_sleep: told of each retry before its wait (for the run's statistics and log).
    """

    def should_retry(exc: BaseException) -> bool:
        if not isinstance(exc, Retryable):
            return False
        if exc.retry_after is not None and exc.retry_after > policy.max_delay:
            return False  # honoured by not trying again now: the report says when
        return retry_safe or exc.error.status == 429 or exc.error.vendor_message == "connect"

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = exc.retry_after if isinstance(exc, Retryable) else None
        backoff = min(policy.max_delay, policy.base_delay * 2 ** (state.attempt_number - 1))
        delay = random.uniform(backoff / 2, backoff)  # full jitter, bounded below
        if isinstance(exc, Retryable) and exc.error.status == 429:
            delay = max(delay, hinted or 0.0, policy.min_429_delay)
        elif hinted is not None:
            delay = max(delay, hinted)
        return delay

    return AsyncRetrying(
        stop=stop_after_attempt(policy.max_retries + 1),
        wait=wait,
        retry=retry_if_exception(should_retry),
        reraise=True,
        sleep=sleep,
        before_sleep=before_sleep,
    )


def rate_limited_advice(retry_after: float | None, longest: float) -> str:
    """What to do once the vendor kept answering 429 past the retries (or asked too long)."""
    if retry_after is not None and retry_after > longest:
        return (
            f"the vendor asks to wait {_wait(retry_after)}, longer than this run waits: run "
            "again then (nothing is applied twice)"
        )
    return (
        "the vendor kept refusing with 429; wait a few minutes and run again (nothing is "
        "applied twice)"
    )


def _wait(seconds: float) -> str:
    """`999999 s (11.6 days, until 2026-12-14 10:46 UTC)`: the wait as the vendor asked it."""
    parts = []
    if seconds >= 2 * 86400:
        parts.append(f"{seconds / 86400:.1f} days")
    elif seconds >= 2 * 3600:
        parts.append(f"{seconds / 3600:.1f} hours")
    with contextlib.suppress(OverflowError):  # a wait past the year 9999 has no date
        when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
        shape = "%Y-%m-%d %H:%M" if seconds >= 86400 else "%H:%M:%S"
        parts.append(f"until {when.strftime(shape)} UTC")
    return f"{seconds:.0f} s" + (f" ({', '.join(parts)})" if parts else "")
