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


def test_skip_sends_the_stop_with_the_content_batch_has() -> None:
    entry = managed(email(), state="RUNNING")
    d = definition(email(name="Renamed in the file"), id=ID, state="STOPPED", on_locked="skip")
    result = plan(d, running(), entry=entry)
    assert result.action == "state_change"
    (request,) = result.requests
    assert request.body is not None
    campaign = request.body["campaign"]
    assert campaign["name"] == "Win-back"  # the locked rename is skipped: Batch's name is kept
    assert campaign["state"] == "STOPPED"
    assert result.observed is not None and result.observed["name"] == "Win-back"


def test_skip_cannot_stop_when_the_content_changed_since_the_last_apply() -> None:
    entry = managed(email(), state="RUNNING")
    changed = with_message(email(), subject="Hello")
    d = definition(changed, id=ID, state="STOPPED", on_locked="skip")
    result = plan(d, running(), entry=entry)
    assert result.action == "blocked"
    assert "cannot send state: STOPPED alone" in result.reasons[0]


def test_replace_retires_with_stopped_then_creates_when_the_content_is_known() -> None:
    entry = managed(email(), state="RUNNING")
    d = definition(email(when=LATER), id=ID, state="RUNNING", on_locked="replace")
    result = plan(d, running(), entry=entry)
    assert result.action == "replace"
    stop, create = result.requests
    assert (stop.path, stop.kind) == ("/2.11/campaigns/update", "status")
    assert stop.body is not None
    assert stop.body["id"] == ID
    assert stop.body["campaign"]["state"] == "STOPPED"
    assert stop.body["campaign"]["when"]["start_time"] == "2030-03-01T10:00:00Z"  # as Batch has it
    assert (create.path, create.kind) == ("/2.11/campaigns/create", "create")
    assert create.body is not None
    assert create.body["when"] == LATER
    assert create.body["state"] == "RUNNING"
    assert any("a gap" in n and "second message" in n for n in result.notes)
    assert result.starts_sending is not None


def test_replace_without_state_creates_a_draft() -> None:
    entry = managed(email(), state="RUNNING")
    d = definition(email(when=LATER), id=ID, on_locked="replace")
    result = plan(d, running(), entry=entry)
    assert result.action == "replace"
    assert result.requests[-1].body is not None
    assert result.requests[-1].body["state"] == "DRAFT"
    assert result.starts_sending is None


def test_replace_is_blocked_when_the_old_content_cannot_be_sent_back() -> None:
    entry = managed(email(), state="RUNNING")
    changed = with_message(email(), subject="Hello")
    d = definition(changed, id=ID, state="RUNNING", on_locked="replace")
    result = plan(d, running(), entry=entry)
    assert result.action == "blocked"
    assert result.requests == ()
    assert result.reasons[0].startswith("cannot replace: retiring a running campaign")


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
