"""COMPARE (pure): two targets' definitions and remote campaigns, field by field."""

from __future__ import annotations

from syncer.plan.compare import Difference, Side, compare, differences
from tests.support.builders import definition


def test_mappings_compare_key_by_key_lists_and_scalars_whole() -> None:
    left = {"a": {"b": 1, "c": [1, 2]}, "only_left": "x"}
    right = {"a": {"b": 1, "c": [1, 3]}, "d": None}
    assert differences(left, right) == [
        Difference(path="a.c", left=[1, 2], right=[1, 3]),
        Difference(path="only_left", left="x", right_absent=True),
        Difference(path="d", left_absent=True, right=None),
    ]
    assert differences(left, left) == []


def test_compare_lists_every_key_of_either_target() -> None:
    defs = [
        definition({"basic_details": {"name": "A (staging)"}}, key="a.yaml", target="staging"),
        definition({"basic_details": {"name": "A (prod)"}}, key="a.yaml", target="prod"),
        definition({"basic_details": {"name": "B"}}, key="b.yaml", target="staging"),
        definition({"basic_details": {"name": "C"}}, key="c.yaml", target="qa"),
    ]
    result = compare("staging", "prod", defs)
    assert result.offline
    assert [c.key for c in result.campaigns] == ["a.yaml", "b.yaml"]
    a, b = result.campaigns
    assert a.definitions == (
        Difference(path="campaign.basic_details.name", left="A (staging)", right="A (prod)"),
    )
    assert a.remote is None
    assert b.left.declared and not b.right.declared and b.differs
    assert result.differs


def test_remote_campaigns_are_compared_when_both_exist() -> None:
    defs = [
        definition({"basic_details": {"name": "A"}}, key="a.yaml", target=t)
        for t in ("staging", "prod")
    ]
    body = {"campaign": {"basic_details": {"name": "A"}}, "state": "ACTIVE"}
    sides = {
        ("staging", "a.yaml"): Side(id="s1", action="noop", remote=body),
        ("prod", "a.yaml"): Side(id="p1", action="noop", remote={**body, "state": "PAUSED"}),
    }
    (only,) = compare("staging", "prod", defs, sides).campaigns
    assert only.definitions == ()
    assert only.remote == (Difference(path="state", left="ACTIVE", right="PAUSED"),)
    assert only.left.id == "s1" and only.right.action == "noop" and only.differs
