"""Laying declared fields over remote objects, and removing ignored paths."""

from __future__ import annotations

from typing import Any

import pytest

from syncer.model.overlay import get_path, overlay, split_path, without_paths


@pytest.mark.parametrize(
    ("base", "declared", "expected"),
    [
        ({"a": 1, "b": 2}, {"a": 3}, {"a": 3, "b": 2}),
        ({"a": {"x": 1, "y": 2}}, {"a": {"x": 5}}, {"a": {"x": 5, "y": 2}}),
        ({"a": {"x": 1, "y": 2}}, {"a": {"x": None}}, {"a": {"y": 2}}),
        ({"a": [1, 2, 3]}, {"a": [4]}, {"a": [4]}),
        ({"a": 1}, {"b": {"c": None, "d": 1}}, {"a": 1, "b": {"d": 1}}),
        (None, {"a": {"b": None}}, {"a": {}}),
        ({"a": 1}, "scalar", "scalar"),
    ],
)
def test_overlay(base: Any, declared: Any, expected: Any) -> None:
    assert overlay(base, declared) == expected


def test_overlay_does_not_mutate_inputs() -> None:
    base = {"a": {"x": 1}}
    overlay(base, {"a": {"x": 2}})
    assert base == {"a": {"x": 1}}


@pytest.mark.parametrize(
    ("path", "parts"),
    [("a", ["a"]), ("a.b", ["a", "b"]), ("a.b[2].c", ["a", "b", 2, "c"]), ("f[0][1]", ["f", 0, 1])],
)
def test_split_path(path: str, parts: list[Any]) -> None:
    assert split_path(path) == parts


def test_get_path() -> None:
    value = {"a": [{"b": 1}]}
    assert get_path(value, ["a", 0, "b"]) == (True, 1)
    assert get_path(value, ["a", 1, "b"]) == (False, None)
    assert get_path(value, ["x"]) == (False, None)


@pytest.mark.parametrize(
    ("value", "paths", "expected"),
    [
        ({"a": {"b": 1, "c": 2}}, ["a.b"], {"a": {"c": 2}}),
        ({"a": {"b": {"c": 1}}, "d": 1}, ["a.b.c"], {"d": 1}),
        ({"a": 1}, ["x.y"], {"a": 1}),
        ({"t": {}, "a": {"b": 1}}, ["a.b"], {"t": {}}),
        ({"a": [{"b": 1, "c": 2}]}, ["a[0].b"], {"a": [{"c": 2}]}),
    ],
)
def test_without_paths(value: dict[str, Any], paths: list[str], expected: dict[str, Any]) -> None:
    assert without_paths(value, paths) == expected
