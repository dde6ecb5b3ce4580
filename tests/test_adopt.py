"""ADOPT (pure): which remote campaigns are imported, under which names, saying what."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest

from syncer.load.adopt import Filters, adopt, managed_ids, unmanaged
from syncer.load.yaml import read as yamlio
from syncer.model.state import HistoryItem, StateEntry, TargetState
from syncer.model.vendor import RemoteCampaign, RemoteSnapshot
from syncer.providers import registry
from tests.support.builders import definition, email, remote

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
