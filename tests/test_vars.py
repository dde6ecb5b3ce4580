"""`${var.NAME}` expansion: values, literals, and every bad reference named."""

from __future__ import annotations

import pytest

from syncer.load.vars import escape, expand

VARS = {"sender": "news@acme.io", "env_label": "prod"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Welcome (${var.env_label})", "Welcome (prod)"),
        ("${var.sender}", "news@acme.io"),
        ("${var.env_label}${var.env_label}", "prodprod"),
        ("cost: $${price}", "cost: ${price}"),
        ("$$${var.env_label}", "$${var.env_label}"),  # the leftmost $${ is the literal
        ("no references, $ and {} alone", "no references, $ and {} alone"),
        ("{{UserAttribute['First Name']}}", "{{UserAttribute['First Name']}}"),
    ],
)
def test_expands(text: str, expected: str) -> None:
    assert expand(text, VARS, "prod") == (expected, [])


def test_a_var_value_is_not_expanded_again() -> None:
    assert expand("${var.a}", {"a": "${var.b}"}, "prod") == ("${var.b}", [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${var.nope}", "${var.nope}: target 'prod' has no var 'nope' (set it in [targets.prod."),
        ("${vars.sender}", "'${vars.sender}' is not a var reference"),
        ("${var.sender", "'${var.sender' is not a var reference"),
        ("${}", "'${}' is not a var reference"),
    ],
)
def test_bad_references(text: str, message: str) -> None:
    _, problems = expand(text, VARS, "prod")
    assert len(problems) == 1 and problems[0].startswith(message), problems


def test_every_bad_reference_at_once() -> None:
    _, problems = expand("${var.a} ${var.b} ${var.sender}", VARS, "prod")
    assert len(problems) == 2


def test_escaped_text_expands_back_to_itself() -> None:
    text = "costs ${0} and $${1} and ${var.sender}"
    escaped = escape({"a": [text], "n": 1})
    assert escaped == {"a": ["costs $${0} and $$${1} and $${var.sender}"], "n": 1}
    assert expand(escaped["a"][0], VARS, "prod") == (text, [])
