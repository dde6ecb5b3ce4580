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

A `<route>` is `"METHOD /path/glob"`, `"/path/glob"` or `"*"`; `*` in the glob matches any
characters including `/`, e.g. `"PATCH /core-services/v1/campaigns/*"`, `"POST /*/campaigns/*"`.
Order: burst_429, then fail, then drop_connection (without after_write), then error_rate.
`error_draws` counts the draws made so far; it is state, reported by GET, not a knob.
"""

from __future__ import annotations

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
    error_draws: int = Field(default=0, ge=0)


@dataclass(frozen=True)
class Before:
    """What happens to a request before it is handled."""

    kind: Literal["pass", "error", "drop"]
    status: int = 0
    note: str = ""


@dataclass(frozen=True)
class After:
    """What happens to a handled request's response."""

    kind: Literal["pass", "drop", "delay"]
    seconds: float = 0.0
    note: str = ""


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
    return faults, After("pass")
