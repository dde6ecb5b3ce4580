"""The field diff's own walk finds the changes DeepDiff found (the reference it replaced, kept
here only), for any JSON-like values: same paths, same before and after. One difference, on
purpose: DeepDiff saw no change from `[0]` to `[False]` or from `[1]` to `[1.0]`."""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import NotPresent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncer.model.plan import FieldChange
from syncer.plan.diff import _at, _declared, _inside, diff_declared, format_path, project

RUNS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference(desired: dict[str, Any], remote: dict[str, Any]) -> list[FieldChange]:
    """`diff_declared` as it was, through DeepDiff."""
    wanted = _declared(desired, remote)
    current = project(remote, wanted)
    tree = DeepDiff(current, wanted, view="tree", ignore_order=False, verbose_level=2)
    changes: dict[str, FieldChange] = {}
    for report in tree.values():
        for level in report:
            parts = level.path(output_format="list")
            if parts and isinstance(parts[-1], int):
                parts = parts[:-1]
                path = format_path(parts)
                changes[path] = FieldChange(
                    path=path, before=_at(current, parts), after=_at(wanted, parts)
                )
                continue
            path = format_path(parts)
            before = None if isinstance(level.t1, NotPresent) else level.t1
            after = None if isinstance(level.t2, NotPresent) else level.t2
            changes[path] = FieldChange(path=path, before=before, after=after)
    paths = sorted(changes)
    kept = [p for p in paths if not any(_inside(p, other) for other in paths if other != p)]
    return [changes[p] for p in kept]


KEYS = st.sampled_from(["a", "b", "c", "subject", "filters"])
# Inside lists DeepDiff took 0 for False and 1 for 1.0 (equal hashes): no numbers that are
# equal to a boolean or to a float here; the walk's own test below pins that it tells them apart.
SCALARS = (
    st.none()
    | st.booleans()
    | st.sampled_from([-3, -2, 2, 3, 0.5, 2.5])
    | st.text("xy\n", max_size=4)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3),
    max_leaves=12,
)
DOCS = st.dictionaries(KEYS, VALUES, max_size=4)


@RUNS
@given(DOCS, DOCS)
def test_the_walk_finds_what_deepdiff_found(
    desired: dict[str, Any], remote: dict[str, Any]
) -> None:
    assert diff_declared(desired, remote) == reference(desired, remote)


@RUNS
@given(DOCS, st.data())
def test_small_edits_are_found_as_deepdiff_found_them(desired: dict[str, Any], data: Any) -> None:
    # Mostly equal values: the remote is the desired one with a few leaves changed.
    remote = data.draw(st.just(desired) | DOCS.map(lambda extra: {**desired, **extra}))
    assert diff_declared(desired, remote) == reference(desired, remote)


def test_a_long_text_change_is_one_change_with_both_texts() -> None:
    before = "\n".join(f"<td>{i}</td>" for i in range(5000))
    after = before.replace("<td>7</td>", "<td>seven</td>")
    [change] = diff_declared({"body": {"html": after}}, {"body": {"html": before}})
    assert (change.path, change.before, change.after) == ("body.html", before, after)


def test_a_number_that_becomes_a_boolean_in_a_list_is_a_change() -> None:
    [change] = diff_declared({"a": [False], "b": [1.0]}, {"a": [0], "b": [1]})[:1]
    assert (change.path, change.before, change.after) == ("a", [0], [False])
    assert [c.path for c in diff_declared({"a": [False], "b": [1.0]}, {"a": [0], "b": [1]})] == [
        "a",
        "b",
    ]
