"""The sandbox clock: frozen, advanced or real; it drives SCHEDULED -> ACTIVE."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from syncer.sandbox.handle import SandboxHandle

from .helpers import BLACK_FRIDAY_ID, create, find, scheduled_one_time


def test_the_clock_is_real_by_default(sandbox: SandboxHandle) -> None:
    clock = sandbox.clock()
    now = datetime.fromisoformat(clock["now"].replace("Z", "+00:00"))
    assert abs((now - datetime.now(UTC)).total_seconds()) < 5
    assert clock["frozen"] is False


def test_freeze_advance_and_back_to_real(sandbox: SandboxHandle) -> None:
    assert sandbox.set_clock("2030-01-01T00:00:00Z") == {
        "now": "2030-01-01T00:00:00Z",
        "frozen": True,
    }
    assert sandbox.clock()["now"] == "2030-01-01T00:00:00Z"
    assert sandbox.set_clock(advance_seconds=90)["now"] == "2030-01-01T00:01:30Z"
    real = sandbox.set_clock(real=True)
    assert real["frozen"] is False and real["now"].startswith(str(datetime.now(UTC).year))


def test_advancing_a_running_clock_keeps_it_running(sandbox: SandboxHandle) -> None:
    moved = sandbox.set_clock(advance_seconds=86400)
    now = datetime.fromisoformat(moved["now"].replace("Z", "+00:00"))
    assert moved["frozen"] is False
    assert 86390 < (now - datetime.now(UTC)).total_seconds() < 86410


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"now": "soon"},
        {"advance_seconds": "1"},
        {"real": False},
        {"now": "2030-01-01", "real": True},
    ],
)
def test_bad_clock_requests(sandbox: SandboxHandle, body: dict[str, Any]) -> None:
    response = httpx.post(f"{sandbox.base_url}/_sandbox/clock", json=body)
    assert response.status_code == 400


def test_scheduled_campaigns_become_active_when_the_clock_passes_their_start(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    sandbox.set_clock("2030-11-20T08:59:59Z")
    assert find(moengage_http, BLACK_FRIDAY_ID)["status"] == "Scheduled"
    sandbox.set_clock(advance_seconds=1)
    assert find(moengage_http, BLACK_FRIDAY_ID)["status"] == "Active"
    # Persisted: going back in time does not un-send it.
    sandbox.set_clock("2030-01-01T00:00:00Z")
    assert find(moengage_http, BLACK_FRIDAY_ID)["status"] == "Active"
    stored = {c["id"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}
    assert stored[BLACK_FRIDAY_ID]["status"] == "ACTIVE"


def test_the_admin_state_applies_the_clock_too(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    sandbox.set_clock("2031-01-01T00:00:00Z")
    campaign_id = create(moengage_http, scheduled_one_time(start="2031-01-02T00:00:00"))
    sandbox.set_clock(advance_seconds=2 * 86400)
    stored = {c["id"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}
    assert stored[campaign_id]["status"] == "ACTIVE"
