"""Orphans and ownership in the plan (pure): forgotten by default, retired only on request,
never retired when another file manages the campaign; unmanaged campaigns only listed."""

from __future__ import annotations

import datetime as dt

import pytest

from syncer.model.state import HistoryItem, StateEntry, TargetState
from syncer.model.vendor import RemoteCampaign, RemoteSnapshot
from syncer.plan.builder import TargetContext, build_plan
from syncer.plan.orphans import plan_orphan, unmanaged_note
from syncer.providers import registry
from tests.support.builders import SETTINGS, definition, email, remote, target_context

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
MOENGAGE = registry.get("moengage")
PERIODIC = email(campaign_delivery_type="PERIODIC")


def context(
    state: TargetState, *remotes: RemoteCampaign, max_creates: int | None = 25
) -> TargetContext:
    return target_context(state, list(remotes), listed_all=True, max_creates=max_creates)


def state_of(**entries: StateEntry) -> TargetState:
    return TargetState(target="sandbox", campaigns={f"{k}.yaml": v for k, v in entries.items()})


@pytest.mark.parametrize(
    ("status", "kind", "retire", "calls", "note"),
    [
        ("Active", "PERIODIC", False, [], "left untouched"),
        ("Active", "PERIODIC", True, ["PAUSE"], "retired first, then forgotten"),
        ("Active", "EVENT_TRIGGERED", True, ["PAUSE"], "retired first"),
        ("Scheduled", "ONE_TIME", True, ["STOP"], "retired first"),
        ("Active", "ONE_TIME", True, [], "not retired"),
        ("Stopped", "ONE_TIME", True, [], "not retired"),
        ("Paused", "PERIODIC", True, [], "not retired"),
    ],
)
def test_an_orphan_is_retired_only_on_request_and_where_the_vendor_allows(
    status: str, kind: str, retire: bool, calls: list[str], note: str
) -> None:
    r = remote(email(campaign_delivery_type=kind), id="c1", status=status)
    plan = plan_orphan(
        "gone.yaml",
        "sandbox",
        MOENGAGE,
        SETTINGS,
        StateEntry(id="c1"),
        r,
        owner=None,
        retire=retire,
    )
    assert plan.action == "orphan"
    assert [(q.body or {}).get("action") for q in plan.requests] == calls
    assert note in plan.notes[0]
    assert bool(plan.relied_on) is bool(calls)


def test_an_orphan_managed_by_another_file_is_never_retired() -> None:
    r = remote(PERIODIC, id="c1")
    plan = plan_orphan(
        "old.yaml",
        "sandbox",
        MOENGAGE,
        SETTINGS,
        StateEntry(id="c1"),
        r,
        owner="new.yaml",
        retire=True,
    )
    assert plan.requests == ()
    assert "now managed by new.yaml" in plan.notes[0]


def test_an_orphan_whose_campaign_is_gone_is_just_forgotten() -> None:
    plan = plan_orphan(
        "old.yaml",
        "sandbox",
        MOENGAGE,
        SETTINGS,
        StateEntry(id="c1"),
        None,
        owner=None,
        retire=True,
    )
    assert plan.requests == ()
    assert "no longer found remotely" in plan.notes[0]


def test_a_read_only_orphan_is_not_retired() -> None:
    r = remote(PERIODIC, id="c1").model_copy(update={"read_only": "made in the dashboard"})
    plan = plan_orphan(
        "old.yaml", "sandbox", MOENGAGE, SETTINGS, StateEntry(id="c1"), r, owner=None, retire=True
    )
    assert plan.requests == ()
    assert "read-only" in plan.notes[0]


def test_build_plan_plans_orphans_and_retires_them_only_when_asked() -> None:
    ctx = context(state_of(gone=StateEntry(id="c1")), remote(PERIODIC, id="c1"))
    quiet = build_plan([], {"sandbox": ctx}, now=NOW)
    assert [(c.key, c.action, c.requests) for c in quiet.campaigns] == [("gone.yaml", "orphan", ())]
    loud = build_plan([], {"sandbox": ctx}, now=NOW, retire_orphans=True)
    (orphan,) = loud.campaigns
    assert [(r.body or {})["action"] for r in orphan.requests] == ["PAUSE"]


def test_a_selection_never_turns_unselected_files_into_orphans() -> None:
    ctx = context(state_of(other=StateEntry(id="c1")), remote(PERIODIC, id="c1"))
    plan = build_plan([], {"sandbox": ctx}, now=NOW, selected=lambda key: key == "mine.yaml")
    assert plan.campaigns == ()


def test_a_moved_file_does_not_create_a_duplicate() -> None:
    """The file moved from old.yaml to new.yaml without `id:`: the campaign its old entry
    mapped is named like it, so the creation is blocked, with the way out."""
    d = definition(email(), key="new.yaml")
    ctx = context(state_of(old=StateEntry(id="c1")), remote(email(), id="c1"))
    plan = build_plan([d], {"sandbox": ctx}, now=NOW)
    by_key = {c.key: c for c in plan.campaigns}
    assert by_key["new.yaml"].action == "blocked"
    assert any("add `id: c1`" in n and "old.yaml" in n for n in by_key["new.yaml"].notes)
    assert by_key["old.yaml"].action == "orphan"


def test_a_moved_file_that_pins_its_id_updates_and_the_old_entry_is_only_forgotten() -> None:
    d = definition(email(), key="new.yaml", id="c1")
    ctx = context(state_of(old=StateEntry(id="c1")), remote(email(), id="c1"))
    plan = build_plan([d], {"sandbox": ctx}, now=NOW, retire_orphans=True)
    by_key = {c.key: c for c in plan.campaigns}
    assert by_key["new.yaml"].action == "noop"
    assert by_key["old.yaml"].requests == ()
    assert "now managed by new.yaml" in by_key["old.yaml"].notes[0]


def test_replaced_campaigns_are_still_managed() -> None:
    """The campaign a replace retired keeps its name; it must not block nor be listed."""
    entry = StateEntry(id="c2", history=(HistoryItem(id="c1", retired_at="x"),))
    d = definition(email(), key="c.yaml")
    ctx = context(
        state_of(c=entry), remote(email(), id="c1", status="Stopped"), remote(email(), id="c2")
    )
    plan = build_plan([d], {"sandbox": ctx}, now=NOW, show_unmanaged=True)
    assert [c.action for c in plan.campaigns] == ["noop"]
    assert "every remote campaign is managed" in plan.notes[-1]


def test_unmanaged_campaigns_are_listed_on_request_only() -> None:
    ctx = context(state_of(), remote(email(), id="c9"))
    assert build_plan([], {"sandbox": ctx}, now=NOW).notes == ()
    plan = build_plan([], {"sandbox": ctx}, now=NOW, show_unmanaged=True)
    assert plan.campaigns == ()
    assert "1 remote campaign(s) nothing manages" in plan.notes[0]
    assert "'Welcome' (c9, ACTIVE)" in plan.notes[0]


def test_unmanaged_note_is_capped() -> None:
    snapshot = RemoteSnapshot()
    for i in range(25):
        snapshot.add(RemoteCampaign(id=f"c{i:02}", name=f"n{i:02}", state="ACTIVE"))
    note = unmanaged_note("t", snapshot, {"c00": "a.yaml"})
    assert "24 remote campaign(s)" in note and "and 4 more" in note and "c00" not in note


@pytest.mark.parametrize(
    ("made_today", "max_creates", "files", "created", "blocked"),
    [(0, 25, 3, 3, 0), (0, 2, 3, 2, 1), (99, 25, 3, 1, 2), (100, 25, 1, 0, 1), (0, None, 3, 3, 0)],
)
def test_the_creation_budget_is_shown_and_enforced(
    made_today: int, max_creates: int | None, files: int, created: int, blocked: int
) -> None:
    recent = tuple((NOW - dt.timedelta(hours=1)).isoformat() for _ in range(made_today))
    state = TargetState(target="sandbox", creations=recent)
    definitions = [
        definition(
            email(basic_details={**email()["basic_details"], "name": f"n{i}"}), key=f"c{i}.yaml"
        )
        for i in range(files)
    ]
    plan = build_plan(definitions, {"sandbox": context(state, max_creates=max_creates)}, now=NOW)
    assert plan.count("create") == created
    assert plan.count("blocked") == blocked
    near = made_today + created >= 80 or (max_creates is not None and created >= 0.8 * max_creates)
    assert bool(plan.notes) == (created > 0 and near)  # the quota is mentioned near its limit
    if plan.notes:
        assert f"this plan creates {created} campaign(s)" in plan.notes[0]
        assert "100 successful creations a day" in plan.notes[0]
        assert f"({made_today} made in the last 24 h" in plan.notes[0]
    for campaign in plan.campaigns:
        if campaign.action == "blocked":
            assert "creation budget exhausted" in campaign.reasons[0]
            assert campaign.requests == () and campaign.starts_sending is None


def test_an_orphan_whose_name_a_new_file_carries_is_never_retired() -> None:
    """Moved without its id: neither created again (blocked) nor retired (claimed)."""
    d = definition(email(), key="new.yaml")
    ctx = context(state_of(old=StateEntry(id="c1")), remote(email(), id="c1"))
    plan = build_plan([d], {"sandbox": ctx}, now=NOW, retire_orphans=True)
    by_key = {c.key: c for c in plan.campaigns}
    assert by_key["new.yaml"].action == "blocked"
    assert by_key["old.yaml"].requests == ()
    assert "new.yaml carries the same name" in by_key["old.yaml"].notes[0]
