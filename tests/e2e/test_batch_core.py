"""Issue 4's proof, end to end: the real CLI against the sandbox's Batch routes on 127.0.0.1,
with assertions on the exact requests the sandbox received and on what it finally stores."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.project import Project, example_html

REACTIVATION = "orchestration_0664hyh918hr1gnzka9py5t62nrc0e1q"
APP_UPDATE = "orchestration_0664hz00push00000000000000000000002"
UPDATE = "/2.11/campaigns/update"
CREATE = "/2.11/campaigns/create"
STATE_FILE = ".syncer/state/sandbox-batch.json"

REACTIVATION_CAMPAIGN: dict[str, Any] = {
    "name": "Win-back — we miss you",
    "when": {"start_time": "2030-03-01T10:00:00Z", "local_time": True},
    "targeting": {"languages": ["fr", "en"], "query": {"last_visit_days": {"$gt": 30}}},
    "labels": ["reactivation"],
    "messages": [
        {
            "channel_type": "email",
            "subject": "We miss you",
            "sender_identity_id": "4012",
            "reply_to": {"email_address": "support@acme.example"},
            "html": example_html("batch/reactivation.mjml.j2", "sandbox-batch"),
        }
    ],
}


# The project's Batch target budgets 1 request/s x rate_limit_scale 20; the sandbox allows
# 5 requests/s x its own scale. Matching the two keeps these tests free of 429s (and of their
# 5-second waits), which `test_batch_rate_limit.py` covers on purpose.
MATCHED_LIMITS = {"rate_limit_scale": 4.0}


@pytest.fixture(autouse=True)
def matched_limits(sandbox: Any) -> None:
    sandbox.set_faults(MATCHED_LIMITS)


def batch_only(project: Project, *, push: bool = True) -> None:
    """Keep the example Batch files only (and optionally drop the new push campaign)."""
    for path in list(project.campaigns.rglob("*.yaml")):
        key = path.relative_to(project.campaigns).as_posix()
        if not key.startswith("batch/") or (not push and key == "batch/spring-push.yaml"):
            path.unlink()


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["method"] == "POST"]


def calls(sandbox: Any) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in writes(sandbox)]


def stored(sandbox: Any) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in sandbox.campaigns()["batch"]["sandbox"]}


def edit(project: Project, key: str, old: str, new: str) -> None:
    text = project.read(key)
    assert old in text, (old, text)
    project.write(key, text.replace(old, new, 1))


def test_first_apply_writes_unknown_content_once_and_creates_once(
    demo: Project, sandbox: Any
) -> None:
    batch_only(demo)
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert "note: remote content unknown" in result.out
    assert "this plan starts sending campaign 'Spring collection push'" in result.out
    assert calls(sandbox) == [("POST", CREATE), ("POST", UPDATE)] or calls(sandbox) == [
        ("POST", UPDATE),
        ("POST", CREATE),
    ]
    update = next(r for r in writes(sandbox) if r["path"] == UPDATE)
    assert update["body"] == {
        "id": REACTIVATION,
        "campaign": {"name": REACTIVATION_CAMPAIGN["name"], "state": "DRAFT"}
        | {k: v for k, v in REACTIVATION_CAMPAIGN.items() if k != "name"},
    }
    spring = [o for o in stored(sandbox).values() if o["name"] == "Spring collection push"]
    assert len(spring) == 1 and spring[0]["status"] == "running"
    assert (
        demo.state("sandbox-batch")["campaigns"]["batch/spring-push.yaml"]["id"] == spring[0]["id"]
    )
    # The seed's subject ("We miss you!") was replaced by the file's.
    subject = stored(sandbox)[REACTIVATION]["campaign"]["messages"][0]["subject"]
    assert subject == "We miss you"


def test_unchanged_since_last_apply_costs_no_write(demo: Project, sandbox: Any) -> None:
    batch_only(demo)
    assert demo.run("apply", "--auto-approve").code == 0
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert "Nothing to apply" in result.err
    assert writes(sandbox) == []
    assert demo.run("plan", "--detailed-exitcode").code == 0


def test_one_changed_field_is_exactly_one_update_with_the_complete_campaign(
    demo: Project, sandbox: Any
) -> None:
    batch_only(demo, push=False)
    assert demo.run("apply", "--auto-approve").code == 0
    edit(demo, "batch/reactivation.yaml", "subject: We miss you", "subject: We really miss you")
    plan = demo.run("plan")
    assert "~ messages[0].subject" in plan.out
    assert "(remote content not readable: Batch cannot show it; it changed since" in plan.out
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert calls(sandbox) == [("POST", UPDATE)]
    campaign = writes(sandbox)[0]["body"]["campaign"]
    expected = {k: v for k, v in REACTIVATION_CAMPAIGN.items() if k != "name"}
    expected["messages"] = [
        {**REACTIVATION_CAMPAIGN["messages"][0], "subject": "We really miss you"}
    ]
    assert campaign == {"name": REACTIVATION_CAMPAIGN["name"], "state": "DRAFT"} | expected
    after = stored(sandbox)[REACTIVATION]
    assert after["status"] == "draft"
    assert after["campaign"]["messages"][0]["subject"] == "We really miss you"
    assert demo.run("plan", "--detailed-exitcode").code == 0


APP_UPDATE_FILE = """
    provider: batch
    target: sandbox-batch
    id: orchestration_0664hz00push00000000000000000000002
    state: RUNNING
    campaign:
      name: App update
      when: {start_time: "2030-06-01T09:00:00Z", local_time: false}
      targeting: {regions: [FR, BE]}
      messages:
        - channel_type: push
          platform_type: [ios, android]
          title: Update available
          body: "BODY"
          deeplink: acme://update
"""


def test_running_one_shot_campaign_change_is_blocked_with_the_reason(
    project: Project, sandbox: Any
) -> None:
    project.write("batch/app-update.yaml", APP_UPDATE_FILE.replace("BODY", "Version 6!"))
    sandbox.clear_requests()
    plan = project.run("plan")
    assert plan.code == 3, plan.all
    assert "! blocked batch/app-update.yaml" in plan.out
    assert "~ messages[0].body [blocked]" in plan.out
    assert "RUNNING Batch campaigns cannot change any field" in plan.out
    assert "if not recurrent" in plan.out
    assert "Way out: stop it in Batch's dashboard" in plan.out
    result = project.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert writes(sandbox) == []
    assert stored(sandbox)[APP_UPDATE]["campaign"]["messages"][0]["body"] == (
        "Version 5 is here: faster and lighter"
    )


def test_a_running_push_campaign_matching_its_file_is_unchanged_without_any_record(
    project: Project, sandbox: Any
) -> None:
    # Push content is read back (orchestrations/view): no "remote content unknown" write.
    body = "Version 5 is here: faster and lighter"
    project.write("batch/app-update.yaml", APP_UPDATE_FILE.replace("BODY", body))
    sandbox.clear_requests()
    result = project.run("plan", "--detailed-exitcode")
    assert result.code == 0, result.all
    views = [r for r in sandbox.requests() if r["path"].endswith("/orchestrations/view")]
    assert [r["query"] for r in views] and len(views) == 1


def test_draft_to_running_is_planned_and_applied_as_a_state_change(
    demo: Project, sandbox: Any
) -> None:
    batch_only(demo, push=False)
    assert demo.run("apply", "--auto-approve").code == 0
    edit(demo, "batch/reactivation.yaml", "state: DRAFT", "state: RUNNING")
    plan = demo.run("plan")
    assert plan.code == 0, plan.all
    assert "~ state change batch/reactivation.yaml" in plan.out
    assert (
        "this plan starts sending campaign 'Win-back — we miss you' (start: DRAFT -> RUNNING)"
        in (plan.out)
    )
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert calls(sandbox) == [("POST", UPDATE)]
    assert writes(sandbox)[0]["body"]["campaign"]["state"] == "RUNNING"
    assert stored(sandbox)[REACTIVATION]["status"] == "running"
    assert demo.run("plan", "--detailed-exitcode").code == 0


def test_without_the_state_file_known_campaigns_are_written_once_and_nothing_is_created_twice(
    demo: Project, sandbox: Any
) -> None:
    batch_only(demo)
    assert demo.run("apply", "--auto-approve").code == 0
    before = stored(sandbox)
    (demo.root / STATE_FILE).unlink()
    plan = demo.run("plan", "--format", "json")
    assert plan.code == 3, plan.all
    by_key = {c["key"]: c for c in plan.json()["campaigns"]}
    reactivation = by_key["batch/reactivation.yaml"]
    assert reactivation["action"] == "update"
    assert any(n.startswith("remote content unknown") for n in reactivation["notes"])
    assert [(r["method"], r["path"]) for r in reactivation["requests"]] == [("POST", UPDATE)]
    spring = by_key["batch/spring-push.yaml"]
    assert spring["action"] == "blocked"
    assert "already exists" in spring["reasons"][0] and "syncer import" in spring["reasons"][0]
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert calls(sandbox) == [("POST", UPDATE)]
    after = stored(sandbox)
    assert after.keys() == before.keys()
    assert sum(1 for o in after.values() if o["name"] == "Spring collection push") == 1


def test_validation_errors_point_at_the_yaml(project: Project, sandbox: Any) -> None:
    project.write(
        "batch/bad.yaml",
        """
        provider: batch
        target: sandbox-batch
        campaign:
          name: Bad
          state: RUNNING
          when: {start_time: "2030-01-01T10:00:00"}
          messages:
            - channel_type: email
              subject: Hi
              sender_identity_id: 4012
              reply_to: {email_address: a@acme.example}
              html: <p>Hi</p>
        """,
    )
    sandbox.clear_requests()
    result = project.run("validate")
    assert result.code == 1, result.all
    lines = set(re.findall(r"campaigns/batch/bad\.yaml:\d+:\d+: [^\n]+", result.all))
    assert "campaigns/batch/bad.yaml:5:3: campaign.state: the lifecycle state is not part of " in (
        "\n".join(lines)
    )
    assert any(
        line.startswith("campaigns/batch/bad.yaml:10:7: campaign.messages[0].sender_identity_id:")
        and line.endswith("quote it")
        for line in lines
    ), lines
    assert any("campaign.targeting: targeting is required" in line and "`targeting: {}`" in line
               for line in lines), lines  # fmt: skip
    assert any(line.startswith("campaigns/batch/bad.yaml:6:") and "when.start_time" in line
               for line in lines), lines  # fmt: skip
    assert sandbox.requests() == []


def test_import_then_plan_shows_zero_changes(project: Project, sandbox: Any) -> None:
    result = project.run("import", "--target", "sandbox-batch")
    assert result.code == 0, result.all
    files = sorted(p.name for p in project.campaigns.rglob("*.yaml"))
    assert files == ["app-update.yaml", "weekly-deals.yaml", "win-back-we-miss-you.yaml"]
    sandbox.clear_requests()
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.code == 0, plan.all
    assert writes(sandbox) == []


def test_drift_is_shown_and_pull_brings_it_into_the_file(
    demo: Project, sandbox: Any, batch_http: Any
) -> None:
    batch_only(demo, push=False)
    assert demo.run("apply", "--auto-approve").code == 0
    renamed = {"name": "Win-back (edited in Batch)", "state": "DRAFT"} | {
        k: v for k, v in REACTIVATION_CAMPAIGN.items() if k != "name"
    }
    response = batch_http.post(UPDATE, json={"id": REACTIVATION, "campaign": renamed})
    assert response.status_code == 200, response.text
    plan = demo.run("plan")
    assert "changed outside campaign-syncer since the last apply (drift): name" in plan.out
    pulled = demo.run("pull")
    assert pulled.code == 0, pulled.all
    assert "name: Win-back (edited in Batch)" in demo.read("batch/reactivation.yaml")
    sandbox.clear_requests()
    assert demo.run("plan", "--detailed-exitcode").code == 0
    assert writes(sandbox) == []


def test_pull_never_writes_content_batch_cannot_show(demo: Project, sandbox: Any) -> None:
    batch_only(demo, push=False)
    assert demo.run("apply", "--auto-approve").code == 0
    edit(demo, "batch/reactivation.yaml", "subject: We miss you", "subject: Changed locally")
    demo.run("pull")
    assert "subject: Changed locally" in demo.read("batch/reactivation.yaml")


def test_stopping_a_running_one_shot_is_refused_at_plan_time(
    project: Project, sandbox: Any
) -> None:
    """Batch: "It is not possible to update a completed or running campaign if not recurrent",
    and no page documents RUNNING -> STOPPED: `state: STOPPED` is refused before any call, with
    the ways out Batch does document."""
    app = APP_UPDATE_FILE.replace("BODY", "Version 5 is here: faster and lighter")
    project.write("batch/app-update.yaml", app.replace("state: RUNNING", "state: STOPPED"))
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert writes(sandbox) == []
    out = " ".join(result.out.split())
    assert "state: STOPPED cannot be reached from RUNNING" in out
    assert "stop it in Batch's dashboard" in out and "campaigns/delete" in out
    assert stored(sandbox)[APP_UPDATE]["status"] == "running"


def test_the_way_out_stop_in_the_dashboard_then_change_then_resume(
    project: Project, sandbox: Any
) -> None:
    original = "Version 5 is here: faster and lighter"
    app = APP_UPDATE_FILE.replace("BODY", original)
    sandbox.dashboard_stop_batch(APP_UPDATE)
    edited = app.replace(original, "Version 6").replace("state: RUNNING", "state: STOPPED")
    project.write("batch/app-update.yaml", edited)
    sandbox.clear_requests()
    assert project.run("apply", "--auto-approve").code == 0
    [update] = writes(sandbox)
    assert update["body"]["campaign"]["state"] == "STOPPED"
    project.write("batch/app-update.yaml", app.replace(original, "Version 6"))
    plan = project.run("plan")
    assert "this plan starts sending campaign 'App update' (resume: STOPPED -> RUNNING)" in plan.out
    assert project.run("apply", "--auto-approve").code == 0
    after = stored(sandbox)[APP_UPDATE]
    assert after["status"] == "running"
    assert after["campaign"]["messages"][0]["body"] == "Version 6"
    assert project.run("plan", "--detailed-exitcode").code == 0
