"""Choosing among several V1 search rows: the newest creation of a name, the newest revision of
a versioned campaign, or none when the rows do not say (V1 documents no order)."""

from __future__ import annotations

from typing import Any

from syncer.providers.moengage import revisions


def row(campaign_id: str, **fields: Any) -> dict[str, Any]:
    return {"campaign_id": campaign_id, **fields}


def test_the_newest_creation_wins_whatever_the_order() -> None:
    older = row("a", created_at="2024-07-04 08:00:54.847000")
    newer = row("b", created_at="2024-07-04 08:00:54.900000")
    assert revisions.newest_created([newer, older]) is newer
    assert revisions.newest_created([older, newer]) is newer


def test_an_undated_row_among_several_makes_the_order_unknown() -> None:
    dated = row("a", created_at="2024-07-04 08:00:54")
    assert revisions.newest_created([dated, row("b")]) is None
    assert revisions.newest_created([row("b")]) == row("b")
    assert revisions.newest_created([]) is None


def test_the_newest_revision_is_the_highest_version_number() -> None:
    rows = [row("a", version_number=2), row("a", version_number=3), row("a", version_number=1)]
    assert revisions.newest_revision(rows) is rows[1]


def test_without_version_numbers_the_latest_update_wins() -> None:
    rows = [
        row("a", updated_at="2025-01-02 10:00:00.000000"),
        row("a", updated_at="2025-01-02T10:00:01Z"),
    ]
    assert revisions.newest_revision(rows) is rows[1]


def test_revisions_that_do_not_say_which_is_newest_are_ambiguous() -> None:
    same = "2025-01-02 10:00:00"
    assert revisions.newest_revision([row("a", updated_at=same), row("a", updated_at=same)]) is None
    assert revisions.newest_revision([row("a"), row("a", updated_at=same)]) is None
    twins = [row("a", version_number=1), row("a", version_number=1)]
    assert revisions.newest_revision(twins) is None


def test_rows_of_one_campaign_collapse_to_its_newest_revision_or_a_refusal() -> None:
    from syncer.providers.moengage.answers import by_campaign, to_remote

    def remote(campaign_id: str = "a", **fields: Any) -> Any:
        found = to_remote(row(campaign_id, basic_details={"name": "A"}, **fields))
        assert found is not None
        return found

    old, new = remote(version_number=1), remote(version_number=2)
    [chosen] = by_campaign([old, new])
    assert chosen is new and chosen.read_only is None
    [unclear] = by_campaign([remote(), remote()])
    assert unclear.read_only is not None
    assert "several revisions of campaign a (campaign versioning)" in unclear.read_only
    assert [r.id for r in by_campaign([old, remote(campaign_id="b")])] == ["a", "b"]
