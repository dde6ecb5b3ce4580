"""In-place YAML edits for `syncer pull`: only the edited values change, byte for byte."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syncer.load.yaml import outline as yamloutline
from syncer.load.yaml import read as yamlio
from syncer.load.yaml import write as yamlwrite
from syncer.load.yaml.edit import Edit, EditError, apply_edits, edited, splice

BASE = textwrap.dedent(
    """\
    # A campaign file with comments everywhere.
    provider: moengage
    id: old-id   # pinned
    state: ACTIVE
    campaign:
      basic_details:
        name: 'Spring sale'   # the dashboard name
        tags: [a, b]
        count: 3
      content:
        subject: "Hi {{name}}"
        html: |
          <p>one</p>
          <p>two</p>

        # comment before footer
        footer: plain text
      filters:
      - kind: x
        value: [1, 2]
      - kind: y
      empty:
      last: end
    """
)


def _data(text: str) -> Any:
    document, problems = yamlio.load(text, "x")
    assert document is not None, problems
    return document.data


def _diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b), after
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


@pytest.mark.parametrize(
    ("path", "value", "old_line", "new_line"),
    [
        (("id",), "new-id", "id: old-id   # pinned", "id: new-id   # pinned"),
        (("state",), "PAUSED", "state: ACTIVE", "state: PAUSED"),
        (
            ("campaign", "basic_details", "name"),
            "It's spring",
            "    name: 'Spring sale'   # the dashboard name",
            "    name: 'It''s spring'   # the dashboard name",
        ),
        (
            ("campaign", "basic_details", "tags"),
            ["a", "b c", "1"],
            "    tags: [a, b]",
            "    tags: [a, b c, '1']",
        ),
        (("campaign", "basic_details", "count"), 4, "    count: 3", "    count: 4"),
        (
            ("campaign", "basic_details", "count"),
            "4",
            "    count: 3",
            "    count: '4'",
        ),
        (
            ("campaign", "content", "subject"),
            'Say "hi"\n',
            '    subject: "Hi {{name}}"',
            '    subject: "Say \\"hi\\"\\n"',
        ),
        (
            ("campaign", "content", "footer"),
            "yes",
            "    footer: plain text",
            "    footer: 'yes'",
        ),
        (("campaign", "last"), True, "  last: end", "  last: true"),
        (("campaign", "filters", 0, "kind"), "z", "  - kind: x", "  - kind: z"),
        (("campaign", "filters", 0, "value", 1), 3, "    value: [1, 2]", "    value: [1, 3]"),
    ],
)
def test_a_scalar_or_flow_edit_changes_one_line(
    path: tuple[Any, ...], value: Any, old_line: str, new_line: str
) -> None:
    after = apply_edits(BASE, [Edit(path, value)])
    assert _diff_lines(BASE, after) == [(old_line, new_line)]
    assert _data(after) == edited(_data(BASE), [Edit(path, value)])


def test_a_block_scalar_is_rewritten_as_a_block_and_keeps_the_blank_line_after_it() -> None:
    after = apply_edits(BASE, [Edit(("campaign", "content", "html"), "<p>three</p>\n")])
    assert "    html: |\n      <p>three</p>\n\n    # comment before footer\n" in after
    assert after.replace("      <p>three</p>\n", "      <p>one</p>\n      <p>two</p>\n") == BASE


def test_a_block_sequence_is_rewritten_in_the_files_own_indentation() -> None:
    value = [{"kind": "q", "value": [9]}]
    after = apply_edits(BASE, [Edit(("campaign", "filters"), value)])
    assert "  filters:\n  - kind: q\n    value: [9]\n  empty:\n" in after
    head, _ = BASE.split("  filters:")
    assert after.startswith(head)
    assert after.endswith("  empty:\n  last: end\n")


def test_an_empty_value_gets_a_value() -> None:
    after = apply_edits(BASE, [Edit(("campaign", "empty"), {"a": 1})])
    assert "  empty:\n    a: 1\n  last: end\n" in after


def test_deleting_a_key_removes_its_line_and_its_trailing_comment() -> None:
    after = apply_edits(BASE, [Edit(("id",), delete=True)])
    assert after == BASE.replace("id: old-id   # pinned\n", "")


def test_deleting_a_block_value_removes_all_its_lines() -> None:
    after = apply_edits(BASE, [Edit(("campaign", "content", "html"), delete=True)])
    assert after == BASE.replace("    html: |\n      <p>one</p>\n      <p>two</p>\n\n", "")


def test_deleting_the_only_key_leaves_an_empty_mapping() -> None:
    text = "a:\n  b:\n    c: 1\nd: 2\n"
    after = apply_edits(text, [Edit(("a", "b", "c"), delete=True)])
    assert _data(after) == {"a": {"b": {}}, "d": 2}
    assert after.endswith("d: 2\n")


def test_several_edits_at_once() -> None:
    edits = [
        Edit(("state",), "STOPPED"),
        Edit(("campaign", "basic_details", "name"), "New"),
        Edit(("campaign", "last"), "fin"),
    ]
    after = apply_edits(BASE, edits)
    assert len(_diff_lines(BASE, after)) == 3


def test_offset_sequences_keep_their_offset() -> None:
    text = "a:\n  list:\n    - x: 1\n      y: 2\n  other: 1\n"
    after = apply_edits(text, [Edit(("a", "list"), [{"x": 3}, {"x": 4}])])
    assert after == "a:\n  list:\n    - x: 3\n    - x: 4\n  other: 1\n"


def test_a_first_key_of_a_sequence_item_is_deleted_through_the_fallback() -> None:
    text = "a:\n  - x: 1  # one\n    y: 2\n"
    with pytest.raises(EditError):
        splice(text, [Edit(("a", 0, "x"), delete=True)])
    after = apply_edits(text, [Edit(("a", 0, "x"), delete=True)])
    assert _data(after) == {"a": [{"y": 2}]}


def test_a_missing_path_is_an_error() -> None:
    with pytest.raises(EditError):
        apply_edits(BASE, [Edit(("campaign", "nope", "x"), 1)])


def test_no_edits_is_the_same_text() -> None:
    assert apply_edits(BASE, []) is BASE


@pytest.mark.parametrize(
    "value",
    [
        "null",
        "true",
        "0x10",
        "1e3",
        "- x",
        "a: b",
        "#x",
        "  lead",
        "trail ",
        "",
        "@x",
        "é",
        "tab\there",
        "multi\nline",
    ],
)
def test_awkward_strings_read_back_exactly(value: str) -> None:
    after = apply_edits(BASE, [Edit(("campaign", "content", "footer"), value)])
    data = _data(after)
    assert data["campaign"]["content"]["footer"] == value
    assert len(_diff_lines(BASE, after)) <= 1 or "\n" in value


_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x85\u2028\u2029"),
    max_size=40,
)


@given(value=_TEXT | st.integers() | st.booleans() | st.none() | st.lists(_TEXT, max_size=3))
@settings(max_examples=60, deadline=None)
def test_any_value_reads_back_exactly(value: Any) -> None:
    for path in (
        ("campaign", "content", "footer"),
        ("campaign", "content", "html"),
        ("campaign", "basic_details", "tags"),
    ):
        after = apply_edits(BASE, [Edit(path, value)])
        data = _data(after)
        node = data
        for part in path:
            node = node[part]
        assert node == value
        assert data["campaign"]["last"] == "end"


@pytest.mark.parametrize(
    ("text", "indent"),
    [
        ("a: 1\n", yamlwrite.Indent(2, 4, 2)),
        ("a:\n  b: 1\n", yamlwrite.Indent(2, 4, 2)),
        ("a:\n    b: 1\n", yamlwrite.Indent(4, 4, 2)),
        ("a:\n- x\n", yamlwrite.Indent(2, 2, 0)),
        ("a:\n  - x\n", yamlwrite.Indent(2, 4, 2)),
        ("a:\n    -   x\n", yamlwrite.Indent(2, 8, 4)),
        ("a:\n  b:\n  - x: 1\n    y: 2\n", yamlwrite.Indent(2, 2, 0)),
        ("a: [x]\nb: {c: 1}\n", yamlwrite.Indent(2, 4, 2)),
    ],
)
def test_guess_indent(text: str, indent: yamlwrite.Indent) -> None:
    assert yamloutline.guess_indent(yamloutline.outline(text)) == indent


def test_outline_of_an_empty_document() -> None:
    assert yamloutline.outline("") == yamloutline.Node("scalar", 0, 0, 0)


def test_block_collection_ends_before_the_comments_that_follow() -> None:
    text = "a:\n  b: 1\n# about c\nc: 2\n"
    tree = yamloutline.outline(text)
    a = tree.items[0].value
    assert text[a.start : a.end] == "b: 1"


def test_edits_in_a_flow_mapping_keep_the_line() -> None:
    text = "reply_to: {email_address: a@x.io}  # who\nother: 1\n"
    after = apply_edits(text, [Edit(("reply_to", "email_address"), "b@x.io")])
    assert after == "reply_to: {email_address: b@x.io}  # who\nother: 1\n"
    after = apply_edits(text, [Edit(("reply_to",), {"email_address": "c@x.io", "name": "C"})])
    assert after == "reply_to: {email_address: c@x.io, name: C}  # who\nother: 1\n"


def test_a_collection_inside_a_flow_collection_goes_through_the_fallback() -> None:
    text = "q: {a: {b: 1}}\n"
    with pytest.raises(EditError):
        splice(text, [Edit(("q", "a"), {"b": [1, 2]})])
    assert _data(apply_edits(text, [Edit(("q", "a"), {"b": [1, 2]})])) == {
        "q": {"a": {"b": [1, 2]}}
    }
