"""Fault and load knobs: what goes wrong with a vendor request, decided before and after it runs.

Set with `POST /_sandbox/faults` (the JSON object replaces the current knobs), read with `GET`,
cleared with `DELETE`. Persisted in SQLite, so they apply whichever process set them. They touch
vendor routes only, never `/_sandbox/*`. Knobs (all optional):

    latency_ms         float  added to every vendor request (on top of the option / env default)
    jitter_ms          float  plus a random 0..jitter_ms (timing only, not seeded)
    error_rate         {"<route>": {"rate": 0.2, "statuses": [500, 503]}}: that share of matching
                       requests fails with one of the statuses, before anything is written
    seed               int    seeds the error_rate draws, so a run is reproducible
    burst_429          {"count": N, "route": "<route>"}: the next N matching requests get 429
    fail               {"count": N, "route": "<route>", "status": 500}: the next N matching
                       requests fail with that status, before anything is written
    drop_connection    {"count": N, "route": "<route>", "after_write": false}: the next N matching
                       requests see their connection drop mid-response; with after_write the
                       request is handled (and its write stored) first
    delay_after_write  {"count": N, "route": "<route>", "seconds": S}: the next N matching write
                       requests are handled and stored, then answered S seconds late
    rate_limit_scale   float  overrides the server's rate-limit scale (0 = limits off)
    trickle            {"count": N, "route": "<route>", "seconds_per_byte": S}: the next N
                       matching requests are handled, then answered one byte every S seconds
                       (padded with spaces to 1 KiB; a 204 becomes a 200 with `{}`)
    huge_body          {"count": N, "route": "<route>", "megabytes": M}: the next N matching
                       requests get a 200 whose JSON body is M MiB (streamed), before anything
                       is written
    deep_body          {"count": N, "route": "<route>", "depth": D}: the next N matching requests
                       get a 200 whose JSON body is D arrays nested, before anything is written
    repeat_page        {"count": N, "route": "<route>"}: the first matching request is answered
                       as usual and its answer kept; the next N matching requests get that same
                       answer (a vendor whose paging never ends, or repeats a page)

A `<route>` is `"METHOD /path/glob"`, `"/path/glob"` or `"*"`; `*` in the glob matches any
characters including `/`, e.g. `"PATCH /core-services/v1/campaigns/*"`, `"POST /*/campaigns/*"`.
Order: burst_429, then fail, then drop_connection (without after_write), then huge_body, then
deep_body, then error_rate; after handling: drop_connection (after_write), delay_after_write,
repeat_page, trickle.
`error_draws` counts the draws made so far; it is state, reported by GET, not a knob.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Knob(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Countdown(_Knob):
    count: int = Field(ge=0)
    route: str = "*"


class DropConnection(Countdown):
    after_write: bool = False


class Fail(Countdown):
    status: int = Field(default=500, ge=400, le=599)


class DelayAfterWrite(Countdown):
    seconds: float = Field(gt=0)


class Trickle(Countdown):
    seconds_per_byte: float = Field(gt=0, le=60)


class HugeBody(Countdown):
    megabytes: float = Field(gt=0, le=4096)


class DeepBody(Countdown):
    depth: int = Field(ge=1, le=10_000_000)


class RepeatPage(Countdown):
    captured: str | None = None
    """The kept answer (status and body as JSON text): state, not a knob."""


class ErrorRate(_Knob):
    rate: float = Field(ge=0, le=1)
    statuses: list[int] = Field(default_factory=lambda: [500], min_length=1)

    @field_validator("statuses")
    @classmethod
    def _http_errors(cls, statuses: list[int]) -> list[int]:
        for status in statuses:
            if not 400 <= status <= 599:
                raise ValueError(f"{status} is not an HTTP error status (400-599)")
        return statuses


class Faults(_Knob):
    latency_ms: float = Field(default=0, ge=0)
    jitter_ms: float = Field(default=0, ge=0)
    error_rate: dict[str, ErrorRate] = Field(default_factory=dict)
    seed: int = 0
    burst_429: Countdown | None = None
    fail: Fail | None = None
    drop_connection: DropConnection | None = None
    delay_after_write: DelayAfterWrite | None = None
    rate_limit_scale: float | None = Field(default=None, ge=0)
    trickle: Trickle | None = None
    huge_body: HugeBody | None = None
    deep_body: DeepBody | None = None
    repeat_page: RepeatPage | None = None
    reject_credentials: list[str] = Field(default_factory=list)
    """API keys (MoEngage's, Batch's REST key) answered with the vendor's own 401 while listed:
    a key revoked in the dashboard, or a typo in a CI secret."""
    error_draws: int = Field(default=0, ge=0)


@dataclass(frozen=True)
class Before:
    """What happens to a request before it is handled."""

    kind: Literal["pass", "error", "drop", "huge", "deep"]
    status: int = 0
    note: str = ""
    size: int = 0
    """huge: the body's bytes; deep: its nesting depth."""


@dataclass(frozen=True)
class After:
    """What happens to a handled request's response."""

    kind: Literal["pass", "drop", "delay", "trickle", "repeat"]
    seconds: float = 0.0
    note: str = ""
    captured: str = ""
    """repeat: the kept answer to send instead (see `RepeatPage.captured`)."""


def route_matches(pattern: str, method: str, path: str) -> bool:
    pattern = pattern.strip()
    method_glob, _, path_glob = pattern.partition(" ")
    if not path_glob:
        # A single token is a path glob ("*" included): any method.
        method_glob, path_glob = "*", method_glob
    return fnmatchcase(method.upper(), method_glob.upper()) and fnmatchcase(path, path_glob)


def latency_seconds(faults: Faults, base_ms: float) -> float:
    jitter = random.uniform(0, faults.jitter_ms) if faults.jitter_ms else 0.0
    return (base_ms + faults.latency_ms + jitter) / 1000


def decide_before(faults: Faults, method: str, path: str) -> tuple[Faults, Before]:
    """Consume the knob that fires for this request, if any; returns the updated knobs."""
    burst = faults.burst_429
    if burst and burst.count > 0 and route_matches(burst.route, method, path):
        spent = burst.model_copy(update={"count": burst.count - 1})
        return faults.model_copy(update={"burst_429": spent}), Before("error", 429, "burst_429")
    fail = faults.fail
    if fail and fail.count > 0 and route_matches(fail.route, method, path):
        spent_fail = fail.model_copy(update={"count": fail.count - 1})
        failed = Before("error", fail.status, f"fault:{fail.status}")
        return faults.model_copy(update={"fail": spent_fail}), failed
    drop = faults.drop_connection
    if drop and drop.count > 0 and not drop.after_write and route_matches(drop.route, method, path):
        spent_drop = drop.model_copy(update={"count": drop.count - 1})
        dropped = Before("drop", 0, "dropped")
        return faults.model_copy(update={"drop_connection": spent_drop}), dropped
    huge = faults.huge_body
    if huge and huge.count > 0 and route_matches(huge.route, method, path):
        spent_huge = huge.model_copy(update={"count": huge.count - 1})
        size = int(huge.megabytes * 1024 * 1024)
        answer = Before("huge", 200, f"huge_body:{huge.megabytes:g}MiB", size)
        return faults.model_copy(update={"huge_body": spent_huge}), answer
    deep = faults.deep_body
    if deep and deep.count > 0 and route_matches(deep.route, method, path):
        spent_deep = deep.model_copy(update={"count": deep.count - 1})
        answer = Before("deep", 200, f"deep_body:{deep.depth}", deep.depth)
        return faults.model_copy(update={"deep_body": spent_deep}), answer
    for pattern, rule in faults.error_rate.items():
        if not route_matches(pattern, method, path):
            continue
        # One generator per draw, keyed by (seed, draw number): reproducible across restarts and
        # processes without persisting generator state.
        draw = random.Random(f"{faults.seed}:{faults.error_draws}")
        drawn = faults.model_copy(update={"error_draws": faults.error_draws + 1})
        if draw.random() < rule.rate:
            status = draw.choice(rule.statuses)
            return drawn, Before("error", status, f"fault:{status}")
        return drawn, Before("pass")
    return faults, Before("pass")


def decide_after(faults: Faults, method: str, path: str, is_write: bool) -> tuple[Faults, After]:
    """Consume the knob that fires on this handled request's response, if any."""
    drop = faults.drop_connection
    if drop and drop.count > 0 and drop.after_write and route_matches(drop.route, method, path):
        spent = drop.model_copy(update={"count": drop.count - 1})
        after = After("drop", note="dropped_after_write")
        return faults.model_copy(update={"drop_connection": spent}), after
    delay = faults.delay_after_write
    if is_write and delay and delay.count > 0 and route_matches(delay.route, method, path):
        spent_delay = delay.model_copy(update={"count": delay.count - 1})
        after = After("delay", delay.seconds, f"delayed:{delay.seconds:g}s")
        return faults.model_copy(update={"delay_after_write": spent_delay}), after
    return _after_answer(faults, method, path)


def _after_answer(faults: Faults, method: str, path: str) -> tuple[Faults, After]:
    """The knobs that change how a handled answer is sent: repeated, then trickled."""
    repeat = faults.repeat_page
    if repeat and route_matches(repeat.route, method, path):
        if repeat.captured is None:
            return faults, After("repeat", note="repeat_page:kept")  # the gate keeps this one
        if repeat.count > 0:
            spent_repeat = repeat.model_copy(update={"count": repeat.count - 1})
            after = After("repeat", note="repeat_page", captured=repeat.captured)
            return faults.model_copy(update={"repeat_page": spent_repeat}), after
    trickle = faults.trickle
    if trickle and trickle.count > 0 and route_matches(trickle.route, method, path):
        spent_trickle = trickle.model_copy(update={"count": trickle.count - 1})
        after = After("trickle", trickle.seconds_per_byte, "trickle")
        return faults.model_copy(update={"trickle": spent_trickle}), after
    return faults, After("pass")


def keep_answer(faults: Faults, status: int, payload: object) -> Faults:
    """`repeat_page`: keep the first matching answer, to repeat it."""
    repeat = faults.repeat_page
    if repeat is None or repeat.captured is not None:
        return faults
    captured = json.dumps({"status": status, "payload": payload})
    kept = repeat.model_copy(update={"captured": captured})
    return faults.model_copy(update={"repeat_page": kept})
