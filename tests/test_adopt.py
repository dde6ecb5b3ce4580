"""ADOPT (pure): which remote campaigns are imported, under which names, saying what."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest

from syncer.load.adopt import Filters, adopt, links, managed_ids, unmanaged
from syncer.load.yaml import read as yamlio
from syncer.model.state import HistoryItem, StateEntry, TargetState, utcnow
from syncer.model.vendor import RemoteCampaign, RemoteSnapshot
from syncer.plan.builder import build_plan
from syncer.providers import registry
from tests.support.builders import definition, email, remote, target_context

MOENGAGE = registry.get("moengage")
HERE = PurePosixPath("sandbox")


def named(name: str, id: str, status: str = "Active", **overrides: Any) -> RemoteCampaign:
    body = email(basic_details={**email()["basic_details"], "name": name}, **overrides)
    return remote(body, id=id, status=status)


@pytest.mark.parametrize(
    ("filters", "kept"),
    [
        (Filters(), ["a", "b", "c"]),
        (Filters(names=("spring*",)), ["a"]),
        (Filters(names=("SPRING*", "*digest")), ["a", "c"]),
        (Filters(statuses=("scheduled",)), ["b"]),
        (Filters(statuses=("ACTIVE",), kinds=("periodic",)), ["c"]),
        (Filters(ids=("b", "zzz")), ["b"]),
        (Filters(names=("spring*",), statuses=("PAUSED",)), []),
    ],
)
def test_filters(filters: Filters, kept: list[str]) -> None:
    snapshot = RemoteSnapshot()
    snapshot.add(named("Spring sale", "a"))
    snapshot.add(named("Teaser", "b", status="Scheduled"))
    snapshot.add(named("Monthly digest", "c", campaign_delivery_type="PERIODIC"))
    assert [r.id for r in unmanaged(snapshot, set(), filters)] == sorted(
        kept, key=lambda i: {"a": "spring sale", "b": "teaser", "c": "monthly digest"}[i]
    )


def test_managed_ids_cover_pins_entries_and_replaced_campaigns() -> None:
    state = TargetState(
        target="t",
        campaigns={"x.yaml": StateEntry(id="e1", history=(HistoryItem(id="old", retired_at="z"),))},
    )
    pinned = definition(email(), key="p.yaml", id="p1")
    assert managed_ids([pinned], state) == {"e1": "x.yaml", "old": "x.yaml", "p1": "p.yaml"}


def test_names_are_safe_unique_and_never_reuse_a_taken_key() -> None:
    remotes = [named("../../etc/x", "1"), named("Promo", "2"), named("promo!", "3"), named("", "4")]
    taken = {"sandbox/promo.yaml", "sandbox/Campaign.yaml", "other/etc-x.yaml"}
    keys = [a.key for a in adopt(remotes, MOENGAGE, "sandbox", HERE, taken)]
    assert keys == [
        "sandbox/etc-x.yaml",
        "sandbox/promo-2.yaml",
        "sandbox/promo-3.yaml",
        "sandbox/campaign-2.yaml",
    ]


@pytest.mark.parametrize(
    ("remote_read_only", "writable", "expected"),
    [
        (None, False, "MoEngage V1 updates only campaigns created through its API"),
        (None, True, None),
        ("made in the dashboard", True, "made in the dashboard"),
    ],
)
def test_read_only_unless_the_vendor_allows_writes_for_sure(
    remote_read_only: str | None, writable: bool, expected: str | None
) -> None:
    r = named("Promo", "1").model_copy(update={"read_only": remote_read_only})
    (adoption,) = adopt([r], MOENGAGE, "sandbox", HERE, set(), writable=writable, when="2030-01-01")
    document, _ = yamlio.load(adoption.text, "x")
    assert document is not None
    if expected is None:
        assert adoption.read_only is None and "read_only" not in document.data
    else:
        assert adoption.read_only is not None and expected in adoption.read_only
        assert document.data["read_only"] is True
        assert f"Read-only: {adoption.read_only}." in adoption.text
    assert "on 2030-01-01" in adoption.text
    assert list(document.data)[:3] == ["provider", "target", "id"]


def test_a_campaign_that_does_not_fit_the_file_format_is_reported_not_written() -> None:
    """A field the vendor returns that the file format does not know (a newer API)."""
    (adoption,) = adopt(
        [named("Odd", "1", new_vendor_object={"x": 1})], MOENGAGE, "sandbox", HERE, set()
    )
    assert adoption.text == "" and adoption.key == ""
    assert adoption.problem is not None and "campaign.new_vendor_object" in adoption.problem


def test_the_state_written_is_the_one_the_status_satisfies() -> None:
    cases = {
        "Active": "ACTIVE",
        "Scheduled": "ACTIVE",
        "Paused": "PAUSED",
        "Stopped": "STOPPED",
        "Archived": "STOPPED",
        "Sent": None,
    }
    for status, state in cases.items():
        (adoption,) = adopt([named("X", "1", status=status)], MOENGAGE, "t", HERE, set())
        document, _ = yamlio.load(adoption.text, "x")
        assert document is not None
        assert document.data.get("state") == state, status


def test_links_go_to_files_without_an_id_that_declare_the_name() -> None:
    waiting = definition(email(basic_details={**email()["basic_details"], "name": "Teaser"}))
    pinned = definition(
        email(basic_details={**email()["basic_details"], "name": "Digest"}), key="d.yaml", id="x"
    )
    remotes = [named("Teaser", "t1"), named("Digest", "d2"), named("Other", "o1")]
    found, rest = links(remotes, [waiting, pinned], TargetState(target="sandbox"))
    assert [(link.remote.id, link.definition) for link in found] == [("t1", waiting)]
    assert [r.id for r in rest] == ["d2", "o1"]


def test_two_remote_campaigns_of_the_name_are_neither_linked_nor_imported() -> None:
    waiting = definition(email(basic_details={**email()["basic_details"], "name": "Teaser"}))
    found, rest = links(
        [named("Teaser", "t1"), named("Teaser", "t2")], [waiting], TargetState(target="s")
    )
    assert rest == []
    assert [link.definition for link in found] == [None, None]
    assert "2 remote campaigns are named 'Teaser' (t1, t2)" in (found[0].problem or "")


def test_a_creation_is_blocked_by_a_same_named_campaign_another_file_manages() -> None:
    """Issue 15: whatever manages it (here another file's `id:`), a campaign of the name
    blocks a creation; the note says which file manages it."""
    body = email(basic_details={**email()["basic_details"], "name": "Teaser"})
    fresh = definition(body, key="teaser.yaml")
    other = definition(email(), key="old.yaml", id="t1")
    ctx = target_context(TargetState(target="sandbox"), [named("Teaser", "t1")])
    plan = build_plan([fresh, other], {"sandbox": ctx}, now=utcnow())
    teaser = next(c for c in plan.campaigns if c.key == "teaser.yaml")
    assert teaser.action == "blocked"
    assert "already exists in target 'sandbox' (id t1)" in teaser.reasons[0]
    assert "`syncer import --target sandbox`" in teaser.reasons[0]
    assert any("campaign t1 is managed by old.yaml" in note for note in teaser.notes)
