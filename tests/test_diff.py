"""DIFF: only declared fields are compared; changes carry dotted paths, before and after."""

from __future__ import annotations

from typing import Any

import pytest

from syncer.model.digest import canonical
from syncer.model.plan import FieldChange
from syncer.plan.diff import changed_roots, diff_declared, format_path, same


def triples(changes: list[FieldChange]) -> list[tuple[str, Any, Any]]:
    return [(c.path, c.before, c.after) for c in changes]


@pytest.mark.parametrize(
    ("desired", "remote", "expected"),
    [
        ({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}, "x": 1}, []),
        ({"a": {"b": 2}}, {"a": {"b": 1, "c": 2}}, [("a.b", 1, 2)]),
        ({"a": {"n": 1}}, {"a": {}}, [("a.n", None, 1)]),
        ({"a": {"c": None}}, {"a": {"c": 2}}, [("a.c", 2, None)]),
        ({"a": {"c": None}}, {"a": {}}, []),
        ({"l": [1, 2, 3]}, {"l": [1, 2]}, [("l", [1, 2], [1, 2, 3])]),
        ({"l": [{"v": 1}, {"v": 2}]}, {"l": [{"v": 1}, {"v": 3}]}, [("l[1].v", 3, 2)]),
        ({"s": "x"}, {"s": 1}, [("s", 1, "x")]),
        ({"new": {"k": 1}}, {}, [("new", None, {"k": 1})]),
        (
            {"f": [{"a": 1}, {"b": 2}]},
            {"f": [{"a": 0}]},
            [("f", [{"a": 0}], [{"a": 1}, {"b": 2}])],
        ),
    ],
)
def test_diff_declared(desired: Any, remote: Any, expected: Any) -> None:
    assert triples(diff_declared(desired, remote)) == expected


def test_paths_are_sorted_and_roots_in_first_seen_order() -> None:
    changes = diff_declared({"b": {"x": 1}, "a": 2}, {"b": {"x": 0}, "a": 1})
    assert [c.path for c in changes] == ["a", "b.x"]
    assert changed_roots(changes) == ["a", "b"]


def test_format_path() -> None:
    assert format_path(["a", "b", 0, "c", 1]) == "a.b[0].c[1]"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"x": [1, {"y": "z" * 5000}]}, {"x": [1, {"y": "z" * 5000}]}, True),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),  # key order never matters
        ({"a": 1}, {"a": 1.0}, False),
        ({"a": True}, {"a": 1}, False),
        ({"a": 0.0}, {"a": -0.0}, False),
        ({"a": [1, 2]}, {"a": [1, 2, 3]}, False),
        ({"a": float("nan")}, {"a": float("nan")}, False),  # canonical JSON decides
    ],
)
def test_same_implies_equal_canonical_json(a: Any, b: Any, expected: bool) -> None:
    assert same(a, b) is expected
    if expected:
        assert canonical(a) == canonical(b)


def test_numbers_of_another_type_are_still_changes() -> None:
    assert triples(diff_declared({"n": 1.0}, {"n": 1})) == [("n", 1, 1.0)]
