"""Batch's rule tables, cell by cell: transitions, locks per type and status, read-only."""

from __future__ import annotations

import pytest

from syncer.model.plan import FieldChange
from syncer.plan.rules import lock_reason
from syncer.providers.batch import rules

# (remote status, desired state) -> (verb, starts sending) or "refused" or None (nothing to do)
TRANSITIONS: dict[tuple[str, str], tuple[str, bool] | str | None] = {
    ("DRAFT", "DRAFT"): None,
    ("DRAFT", "RUNNING"): ("start", True),
    ("DRAFT", "STOPPED"): "refused",
    ("RUNNING", "DRAFT"): "refused",
    ("RUNNING", "RUNNING"): None,
    ("RUNNING", "STOPPED"): "refused",  # undocumented: "not possible to update ... running"
    ("STOPPED", "DRAFT"): "refused",
    ("STOPPED", "RUNNING"): ("resume", True),
    ("STOPPED", "STOPPED"): None,
    ("COMPLETED", "DRAFT"): "refused",
    ("COMPLETED", "RUNNING"): None,
    ("COMPLETED", "STOPPED"): None,
    ("SCHEDULED", "RUNNING"): "refused",  # a status Batch does not document
}


@pytest.mark.parametrize(("cell", "expected"), TRANSITIONS.items(), ids=lambda v: str(v))
def test_transition_cells(cell: tuple[str, str], expected: tuple[str, bool] | str | None) -> None:
    remote, desired = cell
    found = rules.transition(desired, remote)
    if expected is None:
        assert found is None
    elif expected == "refused":
        assert found is not None and found.verb is None and found.refusal
    else:
        assert found is not None and found.refusal is None
        assert (found.verb, found.starts_sending) == expected


def test_no_desired_state_is_no_transition() -> None:
    for status in rules.STATUSES:
        assert rules.transition(None, status) is None


def test_a_stop_by_update_is_refused_with_its_source() -> None:
    stop = rules.TRANSITIONS[("RUNNING", "STOPPED")]
    assert stop.verb is None and stop.refusal is not None
    assert "not documented" in stop.why
    assert "campaigns/delete" in stop.refusal


# (type, status) -> locked?
LOCKED = {
    ("campaign", "DRAFT"): False,
    ("campaign", "STOPPED"): False,
    ("campaign", "RUNNING"): True,
    ("campaign", "COMPLETED"): True,
    ("recurring", "DRAFT"): False,
    ("recurring", "RUNNING"): False,  # Batch's rule; the tool's read-only guard is separate
    ("recurring", "STOPPED"): False,
    ("recurring", "COMPLETED"): True,
    ("trigger", "RUNNING"): False,
    ("trigger", "COMPLETED"): True,
    ("unheard-of", "RUNNING"): True,  # an unknown type gets the strictest table
    ("campaign", "ARCHIVED"): True,  # an undocumented status locks everything
}


@pytest.mark.parametrize(("cell", "locked"), LOCKED.items(), ids=lambda v: str(v))
def test_lock_cells(cell: tuple[str, str], locked: bool) -> None:
    kind, status = cell
    change = FieldChange(path="messages[0].subject", before="a", after="b")
    reason = lock_reason(change, status, rules.locks_for(kind, status), "Batch")
    assert (reason is not None) == locked
    if reason:
        assert "Way out:" in reason


def test_running_one_shot_lock_quotes_batch_and_gives_the_way_out() -> None:
    change = FieldChange(path="name", before="a", after="b")
    reason = lock_reason(change, "RUNNING", rules.locks_for("campaign", "RUNNING"), "Batch")
    assert reason is not None
    assert '"It is not possible to update a completed or running campaign if not recurrent"' in (
        reason
    )
    assert rules.STOP_FIRST in reason


READ_ONLY = [
    (("DRAFT", "campaign", "api"), None),
    (("RUNNING", "campaign", "api"), None),
    (("STOPPED", "campaign", "api"), None),
    (("DRAFT", "campaign", "dashboard"), "source: dashboard"),
    (("RUNNING", "recurring", "api"), "recurring orchestrations are read-only"),
    (("RUNNING", "trigger", "api"), "trigger orchestrations are read-only"),
    (("RUNNING", "warmup", "api"), "'warmup' orchestrations are read-only"),
    (("COMPLETED", "campaign", "api"), "completed campaigns cannot be updated"),
]


@pytest.mark.parametrize(("cell", "expected"), READ_ONLY, ids=lambda v: str(v))
def test_read_only_cells(cell: tuple[str, str, str], expected: str | None) -> None:
    reason = rules.read_only(*cell)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def test_several_read_only_reasons_are_all_given() -> None:
    reason = rules.read_only("COMPLETED", "recurring", "dashboard")
    assert reason is not None
    for part in ("source: dashboard", "recurring orchestrations", "completed campaigns"):
        assert part in reason
