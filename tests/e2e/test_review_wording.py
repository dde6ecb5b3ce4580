"""Review, end to end: the plan's words for what a reviewer approves (creates, start times,
replacements, Batch content), in text and in Markdown, against the sandbox."""

from __future__ import annotations

from typing import Any

from tests.support.project import Project

DIGEST = "newsletters/monthly-digest.yaml"
SPRING = "promotions/spring-sale.yaml"
REACTIVATION = "batch/reactivation.yaml"
PUSH = "batch/spring-push.yaml"


def _edit(project: Project, key: str, old: str, new: str) -> None:
    text = project.read(key)
    assert old in text
    project.write(key, text.replace(old, new))


def _both(project: Project, *args: str) -> tuple[str, str]:
    text = project.run("plan", *args)
    markdown = project.run("plan", "--format", "markdown", *args)
    assert text.code in (0, 3), text.all
    assert markdown.code == text.code, markdown.all
    return text.out, markdown.out


def test_a_create_shows_what_it_sends(demo: Project, sandbox: Any) -> None:
    text, markdown = _both(demo, "--only", DIGEST)
    for out in (text, markdown):
        assert (
            "subject: \"Your Acme digest, {{UserAttribute['First Name'] | default('friend')}}\""
            in out
        )
        assert 'preview text: "The best of Acme this month"' in out
        assert "sender: Acme <news@acme.example>" in out
        assert "audience: ALL USERS (is_all_user_campaign: true)" in out
        assert "schedule: AT_FIXED_TIME, start time 2030-01-01T09:00:00 UTC" in out
        assert "content (what recipients see):" in out
        assert "+ This month at Acme" in out  # the template's visible text, rendered
        assert "+ https://acme.example/preferences" in out
    assert "from 2030-01-01T09:00:00 UTC" in text.splitlines()[-1]


def test_a_batch_push_create_shows_title_body_and_deeplink_in_full(demo: Project) -> None:
    title = "Spring is here: " + "a very long title that a reviewer must read in full " * 3
    _edit(demo, PUSH, "title: Spring is here", f'title: "{title.strip()}"')
    for out in _both(demo, "--only", PUSH):
        assert f"push title: {title.strip()!r}".replace("'", '"') in out
        assert 'push body: "Discover the new collection"' in out
        assert 'deeplink (ios, android): "acme://collections/spring"' in out


def test_a_start_time_in_the_past_says_it_starts_sending_immediately(demo: Project) -> None:
    _edit(demo, DIGEST, '"2030-01-01T09:00:00"', '"2020-01-01T09:00:00"')
    _edit(demo, PUSH, '"2030-04-01T08:00:00Z"', '"2020-04-01T08:00:00Z"')
    text, markdown = _both(demo, "--only", DIGEST, "--only", PUSH)
    assert (
        "starts sending campaign 'Monthly digest' (PERIODIC) immediately "
        "(its start time 2020-01-01T09:00:00 UTC is in the past)"
    ) in text
    assert (
        "starts sending campaign 'Spring collection push' (created RUNNING) immediately "
        "(its start time 2020-04-01T08:00:00Z is in the past)"
    ) in text
    assert "immediately \\(its start time 2020\\-01\\-01T09:00:00 UTC is in the past\\)" in markdown
    assert "from 2020" not in text + markdown


def test_a_replaced_change_is_not_labelled_blocked(demo: Project) -> None:
    _edit(demo, SPRING, "campaign:\n", "lifecycle: {on_locked: replace}\ncampaign:\n")
    text, markdown = _both(demo, "--only", SPRING)
    for out in (text, markdown):
        assert "replace" in out
        assert "segmentation_details.included_filters.filters" in out
        assert "[blocked]" not in out


def test_batch_content_changes_show_the_files_content(demo: Project) -> None:
    for out in _both(demo, "--only", REACTIVATION):
        assert "remote content not readable" in out
        assert 'messages[0].subject: "We miss you"' in out
        assert 'messages[0].sender_identity_id: "4012"' in out
        assert "sha256" not in out.split("checksum")[0]
