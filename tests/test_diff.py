"""DIFF: only declared fields are compared; changes carry dotted paths, before and after."""

from __future__ import annotations

from typing import Any

import pytest

from syncer.diff import changed_roots, diff_declared, format_path
from syncer.plan.model import FieldChange


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
