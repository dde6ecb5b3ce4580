"""The pure pieces, table by table: per-state rules, transitions, route patterns, limits, clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syncer.sandbox import limits
from syncer.sandbox.batch_validation import TRANSITIONS
from syncer.sandbox.clock import ClockState, iso_utc, moengage_timestamp, parse_instant
from syncer.sandbox.faults import Faults, decide_after, decide_before, route_matches
from syncer.sandbox.moengage_rules import initial_status, patch_problems, transition
from syncer.sandbox.store import Store

STORED = {
    "channel": "EMAIL",
    "segmentation_details": {"is_all_user_campaign": True},
    "scheduling_details": {"delivery_type": "AT_FIXED_TIME", "start_time": "2024-07-01T00:00:00"},
    "campaign_content": {"content": {"email": {"subject": "a"}}},
}
OTHER_AUDIENCE = {"segmentation_details": {"is_all_user_campaign": False}}
NEW_CONTENT = {"campaign_content": {"content": {"email": {"subject": "b"}}}}
NEW_START = {
    "scheduling_details": {"delivery_type": "AT_FIXED_TIME", "start_time": "2024-08-01T00:00:00"}
}
NEW_TYPE = {"scheduling_details": {"delivery_type": "ASAP"}}
SAME_START_OTHER_FORMAT = {
    "scheduling_details": {
        "delivery_type": "AT_FIXED_TIME",
        "start_time": "2024-07-01 00:00:00.000000",
        "expiry_time": "2025-01-01T00:00:00",
    }
}


@pytest.mark.parametrize(
    "status,patch,refused",
    [
        ("ACTIVE", NEW_CONTENT, []),
        ("ACTIVE", OTHER_AUDIENCE, ["segmentation_details"]),
        ("ACTIVE", {"segmentation_details": STORED["segmentation_details"]}, []),
        ("ACTIVE", NEW_START, ["scheduling_details.start_time"]),
        ("ACTIVE", NEW_TYPE, ["scheduling_details.delivery_type", "scheduling_details.start_time"]),
        ("ACTIVE", SAME_START_OTHER_FORMAT, []),
        ("PAUSED", OTHER_AUDIENCE, ["segmentation_details"]),
        ("PAUSED", NEW_START, ["scheduling_details.start_time"]),
        ("SCHEDULED", OTHER_AUDIENCE, []),
        ("SCHEDULED", NEW_START, []),
        ("SCHEDULED", NEW_TYPE, ["scheduling_details.delivery_type"]),
        ("STOPPED", NEW_CONTENT, ["campaign_content"]),
        ("ARCHIVED", {}, ["campaign_id"]),
        ("SENT", NEW_CONTENT, ["campaign_content"]),
        ("RETIRED", NEW_CONTENT, ["campaign_content"]),
        ("SCHEDULED", {"channel": "PUSH"}, ["channel"]),
    ],
)
def test_patch_rules(status: str, patch: dict[str, Any], refused: list[str]) -> None:
    assert [p.field for p in patch_problems(status, STORED, patch)] == refused


@pytest.mark.parametrize(
    "action,kind,status,expected",
    [
        ("STOP", "ONE_TIME", "SCHEDULED", "STOPPED"),
        ("STOP", "ONE_TIME", "PAUSED", None),  # V1: "Stop a scheduled One-time campaign"
        ("STOP", "ONE_TIME", "ACTIVE", None),
        ("STOP", "PERIODIC", "SCHEDULED", None),
        ("PAUSE", "PERIODIC", "ACTIVE", "PAUSED"),
        ("PAUSE", "EVENT_TRIGGERED", "SCHEDULED", None),  # V1: "Pause a running ... campaign"
        ("PAUSE", "BUSINESS_EVENT_TRIGGERED", "ACTIVE", None),
        ("PAUSE", "ONE_TIME", "ACTIVE", None),
        ("PAUSE", "PERIODIC", "STOPPED", None),
        ("RESUME", "EVENT_TRIGGERED", "PAUSED", "ACTIVE"),
        ("RESUME", "PERIODIC", "ACTIVE", None),
    ],
)
def test_status_actions(action: str, kind: str, status: str, expected: Any) -> None:
    assert transition(action, kind, status)[0] == expected


@pytest.mark.parametrize(
    "body,expected",
    [
        (
            {"campaign_delivery_type": "ONE_TIME", "scheduling_details": {"delivery_type": "ASAP"}},
            "ACTIVE",
        ),
        (
            {
                "campaign_delivery_type": "PERIODIC",
                "scheduling_details": {
                    "delivery_type": "AT_FIXED_TIME",
                    "start_time": "2031-01-01",
                },
            },
            "SCHEDULED",
        ),
        (
            {
                "campaign_delivery_type": "EVENT_TRIGGERED",
                "scheduling_details": {
                    "delivery_type": "AT_FIXED_TIME",
                    "start_time": "2029-01-01",
                },
            },
            "ACTIVE",
        ),
    ],
)
def test_initial_status(body: dict[str, Any], expected: Any) -> None:
    assert initial_status(body, parse_instant("2030-01-01T00:00:00Z")) == expected


def test_batch_transitions_table() -> None:
    allowed = {(status, state) for (status, state) in TRANSITIONS}
    assert ("draft", "RUNNING") in allowed and ("stopped", "RUNNING") in allowed
    assert ("running", "STOPPED") in allowed
    assert ("running", "DRAFT") not in allowed and ("draft", "STOPPED") not in allowed
    assert not any(status == "completed" for status, _ in allowed)


@pytest.mark.parametrize(
    "pattern,method,path,expected",
    [
        ("*", "GET", "/2.11/orchestrations/list", True),
        ("PATCH /core-services/v1/campaigns/*", "PATCH", "/core-services/v1/campaigns/abc", True),
        ("PATCH /core-services/v1/campaigns/*", "POST", "/core-services/v1/campaigns/abc", False),
        ("patch /core-services/v1/campaigns/*", "PATCH", "/core-services/v1/campaigns/abc", True),
        ("/core-services/*", "POST", "/core-services/v1/campaigns", True),
        ("POST /*/campaigns/*", "POST", "/2.11/campaigns/update", True),
        ("POST /core-services/v1/campaigns", "POST", "/core-services/v1/campaigns/search", False),
        ("* /2.11/*", "GET", "/2.11/orchestrations/view", True),
    ],
)
def test_route_patterns(pattern: str, method: str, path: str, expected: Any) -> None:
    assert route_matches(pattern, method, path) is expected


def test_countdowns_are_consumed_and_exhausted() -> None:
    faults = Faults.model_validate({"burst_429": {"count": 1, "route": "GET *"}})
    faults, first = decide_before(faults, "POST", "/x")
    assert first.kind == "pass"
    faults, second = decide_before(faults, "GET", "/x")
    assert (second.kind, second.status) == ("error", 429)
    faults, third = decide_before(faults, "GET", "/x")
    assert third.kind == "pass" and faults.burst_429 is not None and faults.burst_429.count == 0


def test_delay_after_write_skips_reads() -> None:
    faults = Faults.model_validate({"delay_after_write": {"count": 1, "seconds": 2}})
    faults, read = decide_after(faults, "GET", "/2.11/orchestrations/list", is_write=False)
    assert read.kind == "pass"
    faults, write = decide_after(faults, "POST", "/2.11/campaigns/create", is_write=True)
    assert (write.kind, write.seconds) == ("delay", 2)


def test_rolling_windows(tmp_path: Path) -> None:
    store = Store(tmp_path / "limits.db")
    try:
        windows = (limits.Window(1, 2), limits.Window(60, 3))
        t = 1_000_000.0
        first = limits.admit(store.rates, "s", windows, t, 1.0)
        assert first is not None and (first.allowed, first.limit, first.remaining) == (True, 2, 1)
        assert limits.admit(store.rates, "s", windows, t + 0.1, 1.0).allowed  # type: ignore[union-attr]
        refused = limits.admit(store.rates, "s", windows, t + 0.2, 1.0)
        assert refused is not None and not refused.allowed and refused.reset == int(t) + 1
        # A second later the per-second window has room, but the minute window holds 3 at most.
        assert limits.admit(store.rates, "s", windows, t + 1.5, 1.0).allowed  # type: ignore[union-attr]
        minute = limits.admit(store.rates, "s", windows, t + 2.6, 1.0)
        assert minute is not None and not minute.allowed and minute.limit == 3
        assert minute.reset == int(t) + 60
        assert limits.admit(store.rates, "s", windows, t, 0) is None  # scale 0: no limits
        assert limits.scaled(5, 0.01) == 1 and limits.scaled(10, 2.5) == 25
    finally:
        store.close()


def test_clock_states() -> None:
    frozen = ClockState().frozen(100.0, real=50.0)
    assert frozen.now(real=70.0) == 100.0
    assert frozen.limiter_now(real=70.0) == 120.0  # the limiter keeps flowing
    advanced = frozen.advanced(10)
    assert advanced.now(real=70.0) == 110.0 and advanced.limiter_now(real=70.0) == 130.0
    running = ClockState(offset=5.0)
    assert running.now(real=1.0) == running.limiter_now(real=1.0) == 6.0


def test_time_formats() -> None:
    instant = parse_instant("2024-07-04T08:00:54.847")
    assert moengage_timestamp(instant) == "2024-07-04 08:00:54.847000"
    assert parse_instant("2024-07-04 08:00:54.847000") == instant
    assert parse_instant("2024-07-04T10:00:54.847+02:00") == instant
    assert iso_utc(parse_instant("2024-01-24T10:22:00Z"), seconds=True) == "2024-01-24T10:22:00Z"
    with pytest.raises(ValueError):
        parse_instant("yesterday")
