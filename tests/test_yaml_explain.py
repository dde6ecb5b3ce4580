"""A bad indent is explained against the line's siblings and parents, at the line itself."""

from __future__ import annotations

from syncer.load.yaml import read as yamlio

SHALLOW = "provider: moengage\ncampaign:\n  basic_details:\n    name: X\n   content_type: P\n"
DEEP = "provider: moengage\ncampaign:\n  basic_details:\n    name: X\n      content_type: P\n"
COLON = "provider: moengage\ncampaign:\n  basic_details:\n    name: Hi: there\n"


def _problem(text: str) -> str:
    document, problems = yamlio.load(text, "f.yaml")
    assert document is None
    (problem,) = problems
    return str(problem)


def test_a_line_between_two_levels_names_both() -> None:
    assert _problem(SHALLOW) == (
        "f.yaml:5:4: invalid YAML: line 5 ('content_type: P') is indented 3 space(s), between "
        "the levels above it: indent it 4 (like line 4) or 2 (like line 3) or 0 (like line 2)"
    )


def test_a_line_under_a_scalar_says_the_scalar_holds_a_value() -> None:
    assert _problem(DEEP) == (
        "f.yaml:5:7: invalid YAML: line 5 ('content_type: P') is indented 6 space(s), deeper "
        "than line 4 (name: holds a value, not a block): indent it 4 space(s) like its sibling, "
        "or quote the value if the text belongs to it"
    )


def test_a_colon_inside_a_value_asks_for_quotes() -> None:
    assert "a value containing ': ' must be quoted" in _problem(COLON)
