"""A call ends by its deadline, whatever the vendor does: the sandbox's `trickle` knob answers a
byte at a time (each read is quick, the whole answer is not). A first Ctrl-C during such a call
ends the apply within the call's timeout, with the call reported as outcome unknown.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from typing import Any

from tests.e2e.test_gitops_saved_plans import welcome_only
from tests.support.project import Project

PATCH = "PATCH /core-services/v1/campaigns/*"


def wait_for(sandbox: Any, method: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(r["method"] == method for r in sandbox.requests()):
            return
        time.sleep(0.1)
    raise AssertionError(f"no {method} reached the sandbox")


def test_a_trickled_answer_fails_the_call_at_its_deadline(project: Project, sandbox: Any) -> None:
    project.configure(moengage="timeout = 2\nmax_retries = 0")
    welcome_only(project)
    sandbox.set_faults({"trickle": {"count": 5, "route": PATCH, "seconds_per_byte": 0.5}})
    started = time.monotonic()
    result = project.run("apply", "--auto-approve", "--format", "json")
    took = time.monotonic() - started
    assert result.code == 1, result.all
    (call,) = [c for c in result.json()["calls"] if c["method"] == "PATCH"]
    assert call["outcome"] == "unknown"
    assert "no complete answer within 2 s" in call["message"]
    assert took < 15, took


def test_the_first_ctrl_c_does_not_wait_past_the_calls_deadline(
    project: Project, sandbox: Any
) -> None:
    project.configure(moengage="timeout = 3")
    welcome_only(project)
    sandbox.set_faults({"trickle": {"count": 50, "route": PATCH, "seconds_per_byte": 0.5}})
    process = project.spawn("apply", "--auto-approve", "--format", "json")
    try:
        wait_for(sandbox, "PATCH")
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    took = time.monotonic() - interrupted
    assert process.returncode == 130, err
    assert took < 3 + 3, took  # the call's deadline, plus writing the report
    (call,) = [c for c in json.loads(out)["calls"] if c["method"] == "PATCH"]
    assert call["outcome"] == "unknown", call
    assert sum(r["method"] == "PATCH" for r in sandbox.requests()) == 1  # no retry after Ctrl-C
