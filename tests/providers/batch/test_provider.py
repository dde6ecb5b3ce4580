"""The Batch provider's own behaviour: import (`to_definition`) round-trips into a zero-change
plan, orphans are stopped only when that is safe, and sessions honour the 5-second floor."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from syncer.model.state import StateEntry
from syncer.model.vendor import SessionSpec
from syncer.providers import registry
from syncer.providers.batch.client import BatchSession
from syncer.providers.batch.provider import BatchProvider
from syncer.providers.batch.settings import BatchTarget
from tests.providers.batch.helpers import (
    ID,
    SETTINGS,
    definition,
    email,
    managed,
    plan,
    push,
    remote,
)

PROVIDER = BatchProvider()


def imported(r: Any) -> dict[str, Any]:
    body = PROVIDER.to_definition(r)
    PROVIDER.validate_campaign(body["campaign"])  # a file the tool itself accepts
    return body


def test_registry_and_states() -> None:
    assert registry.get("batch").name == "batch"
    assert PROVIDER.states == ("DRAFT", "RUNNING", "STOPPED")
    assert PROVIDER.create_budget() is None
    assert PROVIDER.campaign_name(email()) == "Win-back"


@pytest.mark.parametrize("status", ["draft", "running", "stopped"])
def test_an_imported_push_campaign_plans_as_unchanged(status: str) -> None:
    r = remote(push(), status=status)
    body = imported(r)
    assert body["state"] == status.upper()
    assert body["campaign"] == push()
    d = definition(body["campaign"], id=ID, state=body["state"])
    assert plan(d, r, entry=StateEntry(id=ID, origin="adopted")).action == "noop"


def test_an_imported_email_campaign_marks_its_unreadable_content() -> None:
    r = remote(email(), status="draft")
    body = imported(r)
    assert body["campaign"]["targeting"] == "unknown"
    assert body["campaign"]["messages"] == "unknown"
    assert body["campaign"]["name"] == "Win-back"
    assert body["campaign"]["labels"] == ["reactivation"]
    d = definition(body["campaign"], id=ID, state=body["state"])
    assert plan(d, r, entry=StateEntry(id=ID, origin="adopted")).action == "noop"


def test_a_draft_starting_now_is_imported_with_now() -> None:
    r = remote(push(when={"start_time": "now", "local_time": False}), status="draft")
    assert imported(r)["campaign"]["when"] == {"start_time": "now", "local_time": False}


def test_a_completed_campaign_is_imported_without_state() -> None:
    assert "state" not in imported(remote(push(), status="completed"))


def test_a_running_orphan_is_never_stopped() -> None:
    """Retiring it would be a RUNNING -> STOPPED update: "It is not possible to update a
    completed or running campaign if not recurrent", even with its content known."""
    pushed = managed(push(), state="RUNNING")
    assert PROVIDER.orphan_requests(pushed, remote(push(), status="running"), SETTINGS) == []
    entry = managed(email(), state="RUNNING")
    assert PROVIDER.orphan_requests(entry, remote(email(), status="running"), SETTINGS) == []
    assert PROVIDER.orphan_requests(entry, None, SETTINGS) == []
    assert PROVIDER.orphan_requests(pushed, remote(push(), status="draft"), SETTINGS) == []


def test_sessions_wait_at_least_five_seconds_after_a_429() -> None:
    config = BatchTarget(provider="batch", sandbox=True, api_version="2.10")
    session = PROVIDER.open_session(
        SessionSpec(
            target="t", settings=config, base_url="http://127.0.0.1:9", account="p", secret="k"
        )
    )
    assert isinstance(session, BatchSession)
    assert session.http.policy.min_429_delay >= 5.0
    assert session.prefix == "/2.10"
    assert session.identity.provider == "batch"
    asyncio.run(session.aclose())
