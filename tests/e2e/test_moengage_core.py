"""Issue 2's proof, end to end: the real CLI against the sandbox served on 127.0.0.1, with
assertions on the exact requests the sandbox received."""

from __future__ import annotations

from typing import Any

from tests.support.project import Project

WELCOME = "66a1f0c2e4b0a1b2c3d4e501"
SPRING = "66a1f0c2e4b0a1b2c3d4e502"
RESET = "66a1f0c2e4b0a1b2c3d4e503"


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def moengage_only(project: Project) -> None:
    for key in ("batch/reactivation.yaml", "batch/spring-push.yaml"):
        project.remove(key)


def test_unchanged_campaign_costs_no_write(demo: Project, sandbox: Any) -> None:
    moengage_only(demo)
    demo.remove("newsletters/monthly-digest.yaml")
    demo.remove("onboarding/welcome.yaml")
    demo.remove("promotions/spring-sale.yaml")
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert "Nothing to apply" in result.err
    assert writes(sandbox) == []


def test_one_nested_change_is_one_patch_with_the_complete_object(
    demo: Project, sandbox: Any
) -> None:
    moengage_only(demo)
    demo.remove("newsletters/monthly-digest.yaml")
    demo.remove("promotions/spring-sale.yaml")
    before = {c["id"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}[WELCOME]
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    sent = writes(sandbox)
    assert [(r["method"], r["path"]) for r in sent] == [
        ("PATCH", f"/core-services/v1/campaigns/{WELCOME}")
    ]
    body = sent[0]["body"]
    assert set(body) == {"request_id", "updated_by", "campaign_content"}
    email = body["campaign_content"]["content"]["email"]
    assert email["subject"] == "Welcome to Acme, {{UserAttribute['First Name']}}!"
    # The sibling the file does not declare (and ignores) keeps its remote value.
    old_email = before["body"]["campaign_content"]["content"]["email"]
    assert email["preview_text"] == old_email["preview_text"]
    assert demo.run("plan", "--detailed-exitcode").code == 0


def test_segmentation_change_on_active_campaign_is_blocked(demo: Project, sandbox: Any) -> None:
    moengage_only(demo)
    for key in ("newsletters/monthly-digest.yaml", "onboarding/welcome.yaml"):
        demo.remove(key)
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert "segmentation_details" in result.out
    assert "ACTIVE" in result.out
    assert "on_locked: replace" in result.out
    assert writes(sandbox) == []
