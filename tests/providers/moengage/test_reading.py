"""The read strategy's cost model: searches per campaign, or the workspace page by page."""

from __future__ import annotations

import pytest

from syncer.model.vendor import RemoteCampaign
from syncer.providers.moengage.reading import ReadChoice, Seen, choose, listing_pages


@pytest.mark.parametrize("size,pages", [(0, 1), (14, 1), (15, 2), (44, 3), (45, 4), (10_000, 667)])
def test_a_listing_ends_on_a_short_page(size: int, pages: int) -> None:
    assert listing_pages(size) == pages


@pytest.mark.parametrize(
    "ids,names,size,choice",
    [
        # 3 managed campaigns in a workspace of 45: 3 searches, or 3 pages at best (a tie:
        # the searches read nothing extra).
        (3, 0, 45, ReadChoice(listing=False)),
        # 40 managed in 45: 3 pages (all ids seen, the empty 4th is not needed) beat 40
        # searches, all requested at once.
        (40, 0, 45, ReadChoice(listing=True, ahead=3, budget=40)),
        (4, 0, 45, ReadChoice(listing=True, ahead=3, budget=4)),
        (4, 0, 46, ReadChoice(listing=False)),
        # Names count as searches too: 2 ids and 3 names for creations in 30.
        (2, 3, 30, ReadChoice(listing=True, ahead=3, budget=5)),
        # Never listed: the managed ids are a lower bound of the workspace.
        (1, 0, None, ReadChoice(listing=False)),
        (2, 0, None, ReadChoice(listing=True, ahead=1, budget=2)),
        (1000, 0, None, ReadChoice(listing=True, ahead=67, budget=1000)),
        (0, 0, None, ReadChoice(listing=False)),
        (0, 0, 10_000, ReadChoice(listing=False)),
    ],
)
def test_the_cheaper_way_is_chosen(
    ids: int, names: int, size: int | None, choice: ReadChoice
) -> None:
    assert choose(ids, names, size) == choice


def test_a_whole_listing_has_no_budget() -> None:
    assert choose(3, 0, 45, list_all=True) == ReadChoice(listing=True, ahead=4)
    assert choose(0, 0, None, list_all=True) == ReadChoice(listing=True, ahead=1)


def campaign(i: str, name: str) -> RemoteCampaign:
    return RemoteCampaign(id=i, name=name)


def test_seen_campaigns_are_not_read_again_until_written() -> None:
    seen = Seen()
    seen.add(campaign("a", "A"))
    seen.by_id["gone"] = None
    seen.by_name["B"] = [campaign("b", "B")]
    assert seen.unknown_ids(["a", "gone", "c", "c"]) == ["c"]
    assert seen.unknown_names(["B", "C"]) == ["C"]
    seen.forget(["b"], [None])
    assert seen.unknown_names(["B"]) == ["B"]  # the write may have renamed it
    seen.forget([], ["A"])
    seen.listed = True
    assert seen.unknown_names(["Z"]) == []  # a complete listing shows every name
    seen.forget(["a"])
    assert not seen.listed
    assert seen.unknown_ids(["a"]) == ["a"]


def test_a_snapshot_holds_everything_seen() -> None:
    seen = Seen(listed=True)
    seen.add(campaign("a", "A"))
    seen.by_id["gone"] = None
    seen.by_name["A"] = [campaign("a", "A"), campaign("a2", "A")]
    snapshot = seen.snapshot(45)
    assert sorted(snapshot.by_id) == ["a", "a2"]
    assert [c.id for c in snapshot.by_name["A"]] == ["a", "a2"]
    assert (snapshot.listed_all, snapshot.workspace_size) == (True, 45)
