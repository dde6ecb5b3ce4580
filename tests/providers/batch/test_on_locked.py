"""`lifecycle.on_locked` for Batch (pure): Batch has one call for content and state, so a
locked change can be skipped or replaced only when the campaign's current content is known."""

from __future__ import annotations

from typing import Any

from tests.providers.batch.helpers import (
    ID,
    definition,
    email,
    managed,
    plan,
    remote,
    with_message,
)

LATER = {"start_time": "2031-01-01T10:00:00Z", "local_time": True}


def running(**listing: Any) -> Any:
    return remote(email(), status="running", **listing)


def test_skip_without_a_state_change_applies_nothing() -> None:
    entry = managed(email(), state="RUNNING")
    changed = with_message(email(), subject="Hello")
    d = definition(changed, id=ID, state="RUNNING", on_locked="skip")
    result = plan(d, running(), entry=entry)
    assert result.action == "noop"
    assert result.requests == ()
    assert any(n.startswith("skipped (lifecycle.on_locked: skip): messages[0].subject") for n in
               result.notes)  # fmt: skip


def test_skip_never_plans_a_stop_of_a_running_one_shot() -> None:
    """Batch: "It is not possible to update a completed or running campaign if not recurrent",
    and no page documents RUNNING -> STOPPED: not even a state-only update is planned."""
    entry = managed(email(), state="RUNNING")
    for file in (email(name="Renamed in the file"), with_message(email(), subject="Hello")):
        d = definition(file, id=ID, state="STOPPED", on_locked="skip")
        result = plan(d, running(), entry=entry)
        assert result.action == "blocked"
        assert result.requests == ()
        assert "state: STOPPED cannot be reached from RUNNING" in result.reasons[0]
        assert "stop it in Batch's dashboard" in result.reasons[0]


def test_a_running_campaign_is_never_replaced() -> None:
    """A replace retires the old campaign first, and stopping a running one-shot campaign is
    not something Batch's API documents: blocked, whatever is known of its content."""
    entry = managed(email(), state="RUNNING")
    for file in (email(when=LATER), with_message(email(), subject="Hello")):
        d = definition(file, id=ID, state="RUNNING", on_locked="replace")
        result = plan(d, running(), entry=entry)
        assert result.action == "blocked"
        assert result.requests == ()
        assert result.reasons[0].startswith("cannot replace a running campaign")
        assert "campaigns/delete" in result.reasons[0]


def test_replace_without_state_creates_a_draft() -> None:
    entry = managed(email(), state="RUNNING")
    d = definition(email(when=LATER), id=ID, on_locked="replace")
    result = plan(d, remote(email(), status="completed"), entry=entry)
    assert result.action == "replace"
    assert result.requests[-1].body is not None
    assert result.requests[-1].body["state"] == "DRAFT"
    assert result.starts_sending is None


def test_replace_of_a_completed_campaign_only_creates() -> None:
    entry = managed(email(), state="RUNNING")
    changed = with_message(email(), subject="Hello")
    d = definition(changed, id=ID, state="RUNNING", on_locked="replace")
    result = plan(d, remote(email(), status="completed"), entry=entry)
    assert result.action == "replace"
    (create,) = result.requests
    assert create.kind == "create"
    assert any("no gap" in n for n in result.notes)


def test_dashboard_campaigns_are_never_replaced() -> None:
    entry = managed(email(), state="RUNNING")
    changed = with_message(email(), subject="Hello")
    d = definition(changed, id=ID, state="RUNNING", on_locked="replace")
    result = plan(d, remote(email(), status="completed", source="dashboard"), entry=entry)
    assert result.action == "blocked"
