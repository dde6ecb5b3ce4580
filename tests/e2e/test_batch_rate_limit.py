"""Batch's only rate-limit instruction, end to end: after a 429, wait at least 5 seconds, then
try again (the sandbox answers a burst of 429s with `Retry-After: 5`, like Batch's text)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from tests.support.project import Project

UPDATE = "/2.11/campaigns/update"
REACTIVATION = "orchestration_0664hyh918hr1gnzka9py5t62nrc0e1q"


@pytest.mark.slow
def test_a_429_is_waited_out_at_least_five_seconds_then_the_update_lands(
    demo: Project, sandbox: Any
) -> None:
    for path in list(demo.campaigns.rglob("*.yaml")):
        if path.relative_to(demo.campaigns).as_posix() != "batch/reactivation.yaml":
            path.unlink()
    sandbox.set_faults(
        {"rate_limit_scale": 4.0, "burst_429": {"count": 1, "route": f"POST {UPDATE}"}}
    )
    sandbox.clear_requests()
    started = time.monotonic()
    result = demo.run("apply", "--auto-approve")
    elapsed = time.monotonic() - started
    assert result.code == 0, result.all
    attempts = [r for r in sandbox.requests() if r["path"] == UPDATE]
    assert [r["status"] for r in attempts] == [429, 200]
    first, second = (dt.datetime.fromisoformat(r["time"]) for r in attempts)
    assert (second - first).total_seconds() >= 5.0
    assert elapsed >= 5.0
    assert "1 planned call(s) sent again after transient failures; 1 retries in all" in result.out
    stored = {o["id"]: o for o in sandbox.campaigns()["batch"]["sandbox"]}
    assert stored[REACTIVATION]["campaign"]["messages"][0]["subject"] == "We miss you"
