"""Issue 5, adoption: `syncer pull` rewrites only the values that differ remotely, keeping
every other byte of the file; pull then plan = zero changes."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from syncer.sandbox.seed_data import MOENGAGE_CAMPAIGNS
from tests.support.project import Project

WELCOME = "66a1f0c2e4b0a1b2c3d4e501"
SPRING = "66a1f0c2e4b0a1b2c3d4e502"


def moengage_only(project: Project) -> None:
    for key in ("batch/reactivation.yaml", "batch/spring-push.yaml"):
        project.remove(key)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def test_pull_keeps_comments_byte_for_byte_outside_the_changed_value(
    demo: Project, sandbox: Any
) -> None:
    moengage_only(demo)
    before = demo.read("onboarding/welcome.yaml")
    sandbox.clear_requests()
    result = demo.run("pull", "onboarding/welcome.yaml")
    assert result.code == 0, result.all
    after = demo.read("onboarding/welcome.yaml")
    assert changed_lines(before, after) == [
        "-        subject: \"Welcome to Acme, {{UserAttribute['First Name']}}!\"",
        '+        subject: "Welcome to Acme"',
    ]
    assert "pulled campaign.campaign_content.content.email.subject" in result.err
    assert writes(sandbox) == []
    plan = demo.run("plan", "--only", "onboarding/welcome.yaml", "--detailed-exitcode")
    assert plan.code == 0, plan.all


def test_pull_of_a_locked_change_brings_the_remote_audience_back(demo: Project) -> None:
    moengage_only(demo)
    before = demo.read("promotions/spring-sale.yaml")
    result = demo.run("pull", "promotions/*")
    assert result.code == 0, result.all
    after = demo.read("promotions/spring-sale.yaml")
    # The comment block above, and every key before and after the list, are untouched.
    head = before.split("          value:")[0]
    assert after.startswith(head)
    assert "          value: [FR, BE]\n          case_sensitive: false\n" in after
    assert "CH" not in after and "seg-loyal-customers" not in after
    assert demo.run("plan", "--only", "promotions/*", "--detailed-exitcode").code == 0


def test_pull_follows_a_state_changed_in_the_dashboard(
    demo: Project, moengage_http: httpx.Client
) -> None:
    moengage_only(demo)
    demo.write(
        "onboarding/welcome.yaml",
        demo.read("onboarding/welcome.yaml").replace(
            "lifecycle:", "state: ACTIVE  # live\nlifecycle:"
        ),
    )
    response = moengage_http.post(
        "/core-services/v1/campaigns/status",
        json={"request_id": "r1", "action": "PAUSE", "campaign_ids": [WELCOME]},
    )
    assert response.status_code == 200, response.text
    result = demo.run("pull", "onboarding/welcome")
    assert result.code == 0, result.all
    assert "state: PAUSED  # live\n" in demo.read("onboarding/welcome.yaml")
    assert demo.run("plan", "--only", "onboarding/*", "--detailed-exitcode").code == 0


def test_pull_dry_run_shows_a_diff_and_changes_nothing(demo: Project) -> None:
    moengage_only(demo)
    before = {p: p.read_bytes() for p in demo.campaigns.rglob("*.yaml")}
    result = demo.run("pull", "--dry-run")
    assert result.code == 0, result.all
    assert '+        subject: "Welcome to Acme"' in result.out
    assert "would rewrite 2 of 4 file(s)" in result.err
    assert {p: p.read_bytes() for p in demo.campaigns.rglob("*.yaml")} == before


def test_pull_leaves_files_without_a_remote_campaign_alone(demo: Project) -> None:
    moengage_only(demo)
    result = demo.run("pull", "newsletters/monthly-digest.yaml")
    assert result.code == 0, result.all
    assert "nothing to pull (it is not created yet)" in result.err
    assert demo.run("pull", "no/such/*").code == 1


@pytest.mark.parametrize("campaign_id", sorted(c[0] for c in MOENGAGE_CAMPAIGNS))
def test_import_edit_pull_gives_back_the_imported_file_byte_for_byte(
    project: Project, campaign_id: str
) -> None:
    """The invariant on every fixture: pull restores the remote values in place, so a file
    edited after import returns to exactly what import wrote, and plans no change."""
    assert project.run("import", "--id", campaign_id, "--writable").code == 0
    [path] = list(project.campaigns.rglob("*.yaml"))
    imported = path.read_text()
    edited = _edit_values(imported)
    assert edited != imported
    path.write_text(edited)
    result = project.run("pull")
    assert result.code == 0, result.all
    assert path.read_text() == imported
    assert project.run("plan", "--detailed-exitcode").code == 0


def _edit_values(text: str) -> str:
    """Change the name, the subject and the tags' first element, as a person would."""
    text = re.sub(r"(\n    name: )(.*)", r"\1Renamed by hand", text, count=1)
    text = re.sub(r"(\n        subject: )(.*)", r"\1A new subject", text, count=1)
    return re.sub(r"(\n    tags: \[)([^,\]]*)", r"\1edited", text, count=1)


def test_pull_keeps_crlf_line_endings_and_permissions(demo: Project) -> None:
    moengage_only(demo)
    path: Path = demo.campaigns / "onboarding" / "welcome.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    path.chmod(0o640)
    assert demo.run("pull", "onboarding/welcome.yaml").code == 0
    data = path.read_bytes()
    assert b'subject: "Welcome to Acme"\r\n' in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert path.stat().st_mode & 0o777 == 0o640


def test_pull_brings_the_fields_batch_shows_and_keeps_the_rest(
    demo: Project, sandbox: Any, batch_http: httpx.Client
) -> None:
    """Batch lists name, labels and start time, never an email's content: those three are
    pulled; the message stays as the file says (Batch cannot show it back)."""
    sandbox.set_faults({"rate_limit_scale": 4.0})  # no 429 waits (see test_batch_core)
    only_reactivation = [p for p in demo.campaigns.rglob("*.yaml") if p.name != "reactivation.yaml"]
    for path in only_reactivation:
        path.unlink()
    assert demo.run("apply", "--auto-approve").code == 0
    campaign = {
        "name": "Win-back (v2)",
        "state": "DRAFT",
        "when": {"start_time": "2030-03-02T10:00:00Z", "local_time": True},
        "targeting": {"languages": ["fr"]},
        "labels": ["reactivation", "q1"],
        "messages": [
            {
                "channel_type": "email",
                "subject": "Edited in the dashboard",
                "sender_identity_id": "4012",
                "reply_to": {"email_address": "support@acme.example"},
                "html": "<p>x</p>",
            }
        ],
    }
    response = batch_http.post(
        "/2.11/campaigns/update",
        json={"id": "orchestration_0664hyh918hr1gnzka9py5t62nrc0e1q", "campaign": campaign},
    )
    assert response.status_code == 200, response.text
    before = demo.read("batch/reactivation.yaml")
    result = demo.run("pull", "batch/*")
    assert result.code == 0, result.all
    assert sorted(changed_lines(before, demo.read("batch/reactivation.yaml"))) == [
        '+    start_time: "2030-03-02T10:00:00Z"',
        "+  labels: [q1, reactivation]",
        "+  name: Win-back (v2)",
        '-    start_time: "2030-03-01T10:00:00Z"',
        "-  labels: [reactivation]",
        "-  name: Win-back — we miss you",
    ]
    assert demo.run("plan", "--detailed-exitcode").code == 0
