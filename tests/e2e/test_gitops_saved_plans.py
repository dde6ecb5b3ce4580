"""Saved plans end to end: `plan --out` then `apply PLANFILE` against the served sandbox.

What was reviewed is what runs: the exact saved requests, or nothing (exit 4 naming the change)
when the remote moved, or nothing (exit 1) when the file was edited or is for another workspace.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import httpx

from syncer.workflows.saved import checksum
from tests.support.project import Project

WELCOME = "66a1f0c2e4b0a1b2c3d4e501"
MOE = "/core-services/v1"
UTM = {"utm_source": "dashboard", "utm_medium": "email", "utm_campaign": "welcome"}


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def welcome_only(project: Project) -> None:
    """The demo with one change: the welcome campaign's subject (one PATCH)."""
    project.copy_examples()
    for key in (
        "batch/reactivation.yaml",
        "batch/spring-push.yaml",
        "newsletters/monthly-digest.yaml",
        "promotions/spring-sale.yaml",
    ):
        project.remove(key)


def remote_campaign(sandbox: Any, campaign_id: str) -> dict[str, Any]:
    found = {c["id"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}
    body: dict[str, Any] = found[campaign_id]["body"]
    return body


def dashboard_edit(sandbox: Any, http: httpx.Client, campaign_id: str, **fields: Any) -> None:
    """Someone edits email fields of the campaign in the vendor's dashboard (its API)."""
    content = copy.deepcopy(remote_campaign(sandbox, campaign_id)["campaign_content"])
    content["content"]["email"].update(fields)
    response = http.patch(
        f"{MOE}/campaigns/{campaign_id}",
        json={
            "request_id": str(uuid.uuid4()),
            "updated_by": "marketer@example.com",
            "campaign_content": content,
        },
    )
    assert response.status_code == 204, response.text


def saved(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def reseal(path: Path, data: dict[str, Any]) -> None:
    """Write a plan file as the tool would (a valid checksum) with other content."""
    data = {**data, "checksum": checksum(data)}
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_saved_plan_records_what_apply_needs_and_no_secret(project: Project) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    result = project.run("plan", "--out", str(out), env={"MOENGAGE_API_KEY": "s3cr3t-key-value"})
    assert result.code == 0, result.all
    data = saved(out)
    assert data["format_version"] == 1
    assert data["checksum"].startswith("sha256:") and data["checksum"] in result.err
    assert data["tool_version"] and data["created_at"] and data["definitions_digest"]
    assert data["targets"]["sandbox"]["workspace"] == "sandbox"
    assert data["targets"]["sandbox"]["base_url"] == project.base_url
    (welcome,) = [c for c in data["campaigns"] if c["action"] == "update"]
    # Every object the PATCH re-sends whole is covered, and the status it relies on.
    sent = set(welcome["requests"][0]["body"]) - {"updated_by"}
    assert set(welcome["relied_on"]) == sent | {"status"}
    assert welcome["remote_digest"].startswith("sha256:")
    assert "campaign_content.content.email.subject" in welcome["relied_fields"]
    assert "s3cr3t-key-value" not in out.read_text(encoding="utf-8")


def test_apply_sends_exactly_the_saved_requests(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    planned = [r for c in saved(out)["campaigns"] for r in c["requests"]]
    sandbox.clear_requests()
    result = project.run("apply", str(out))  # a saved plan needs no confirmation
    assert result.code == 0, result.all
    sent = writes(sandbox)
    assert [(r["method"], r["path"]) for r in sent] == [(r["method"], r["path"]) for r in planned]
    for request, plan_request in zip(sent, planned, strict=True):
        body = dict(request["body"])
        assert body.pop("request_id")
        assert body == plan_request["body"]


def test_a_dashboard_edit_makes_the_saved_plan_stale(
    project: Project, sandbox: Any, moengage_http: httpx.Client
) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    # The preview text is in the object the PATCH re-sends whole: applying would undo the edit.
    dashboard_edit(sandbox, moengage_http, WELCOME, preview_text="Edited in the dashboard")
    sandbox.clear_requests()
    result = project.run("apply", str(out))
    assert result.code == 4, result.all
    assert "onboarding/welcome.yaml" in result.err
    assert "campaign_content.content.email.preview_text" in result.err
    assert "Edited in the dashboard" in result.err
    assert "would overwrite it" in result.err
    assert writes(sandbox) == []
    assert remote_campaign(sandbox, WELCOME)["campaign_content"]["content"]["email"][
        "preview_text"
    ] == ("Edited in the dashboard")


def test_an_edit_to_the_field_the_plan_changes_says_both_values(
    project: Project, sandbox: Any, moengage_http: httpx.Client
) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    dashboard_edit(sandbox, moengage_http, WELCOME, subject="Hi from the dashboard")
    result = project.run("apply", str(out))
    assert result.code == 4, result.all
    assert (
        'campaign_content.content.email.subject is now "Hi from the dashboard" (it was '
        '"Welcome to Acme" when planned; the plan sets "Welcome to Acme, '
    ) in result.err


def test_an_edit_to_an_object_the_plan_does_not_send_is_kept(
    project: Project, sandbox: Any, moengage_http: httpx.Client
) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    response = moengage_http.patch(
        f"{MOE}/campaigns/{WELCOME}",
        json={
            "request_id": str(uuid.uuid4()),
            "updated_by": "marketer@example.com",
            "utm_params": UTM,
        },
    )
    assert response.status_code == 204, response.text
    result = project.run("apply", str(out))
    assert result.code == 0, result.all
    after = remote_campaign(sandbox, WELCOME)
    assert after["utm_params"] == UTM
    assert after["campaign_content"]["content"]["email"]["subject"].startswith("Welcome to Acme,")


def test_a_stale_plan_can_be_replanned_and_applied(
    project: Project, sandbox: Any, moengage_http: httpx.Client
) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    dashboard_edit(sandbox, moengage_http, WELCOME, preview_text="Kept")
    assert project.run("apply", str(out)).code == 4
    assert project.run("plan", "--out", str(out)).code == 0
    assert project.run("apply", str(out)).code == 0
    email = remote_campaign(sandbox, WELCOME)["campaign_content"]["content"]["email"]
    assert email["preview_text"] == "Kept"  # the file ignores it: the edit survives
    assert email["subject"].startswith("Welcome to Acme,")


def test_an_edited_plan_file_is_refused_before_any_call(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    data = saved(out)
    data["campaigns"][-1]["requests"] = data["campaigns"][-1]["requests"] or []
    for campaign in data["campaigns"]:
        for request in campaign["requests"]:
            request["body"]["campaign_content"]["content"]["email"]["subject"] = "Tampered"
    out.write_text(json.dumps(data, indent=4), encoding="utf-8")
    sandbox.clear_requests()
    result = project.run("apply", str(out))
    assert result.code == 1, result.all
    assert "modified after it was written" in result.err
    assert sandbox.requests() == []


def test_reformatting_a_plan_file_keeps_it_valid(project: Project) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    out.write_text(json.dumps(saved(out), indent=None, sort_keys=True), encoding="utf-8")
    assert project.run("apply", str(out)).code == 0


def test_checksum_binds_apply_to_the_reviewed_plan(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    reviewed = saved(out)["checksum"]
    sandbox.clear_requests()
    result = project.run("apply", str(out), "--checksum", "sha256:" + "0" * 64)
    assert result.code == 1, result.all
    assert f"this plan's checksum is {reviewed}" in result.err
    assert sandbox.requests() == []
    assert project.run("apply", str(out), "--checksum", reviewed).code == 0


def test_max_plan_age_refuses_an_old_plan(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    data = saved(out)
    reseal(out, {**data, "created_at": "2020-01-01T00:00:00+00:00"})
    sandbox.clear_requests()
    result = project.run("apply", str(out), "--max-plan-age", "2h")
    assert result.code == 4, result.all
    assert "2020-01-01T00:00:00+00:00" in result.err and "--max-plan-age (2h)" in result.err
    assert sandbox.requests() == []
    assert project.run("apply", str(out), "--max-plan-age", "nonsense").code == 1


def test_a_plan_for_another_workspace_is_refused(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    sandbox.clear_requests()
    result = project.run("apply", str(out), env={"MOENGAGE_WORKSPACE_ID": "other-workspace"})
    assert result.code == 1, result.all
    assert "made for moengage workspace sandbox" in result.err
    assert "other-workspace" in result.err
    assert writes(sandbox) == []


def test_selection_flags_do_not_apply_to_a_saved_plan(project: Project) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    result = project.run("apply", str(out), "--only", "onboarding/*")
    assert result.code == 1 and "applied exactly as reviewed" in result.err


def test_edited_definitions_do_not_change_the_reviewed_plan(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    text = project.read("onboarding/welcome.yaml").replace("Welcome to Acme, ", "Hello from Acme, ")
    project.write("onboarding/welcome.yaml", text)
    result = project.run("apply", str(out))
    assert result.code == 0, result.all
    assert "campaign files changed since this plan was made" in result.err
    assert "onboarding/welcome.yaml (edited)" in result.err
    email = remote_campaign(sandbox, WELCOME)["campaign_content"]["content"]["email"]
    assert email["subject"].startswith("Welcome to Acme, ")  # the reviewed value
    follow_up = project.run("plan", "--detailed-exitcode")
    assert follow_up.code == 2 and "Hello from Acme" in follow_up.out


def test_applying_the_same_plan_twice_sends_nothing_the_second_time(
    project: Project, sandbox: Any
) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    assert project.run("apply", str(out)).code == 0
    sandbox.clear_requests()
    again = project.run("apply", str(out))
    assert again.code == 0, again.all
    assert "applied by an earlier run" in again.all
    assert writes(sandbox) == []


def test_an_interrupted_saved_apply_resumes_without_repeating_calls(
    project: Project, sandbox: Any
) -> None:
    """The create lands; the PATCH's answer is lost. Re-applying the same plan repeats neither,
    and the campaigns this plan changed itself are not reported as stale."""
    project.configure(moengage="max_retries = 0")
    project.copy_examples()
    for key in ("batch/reactivation.yaml", "batch/spring-push.yaml", "promotions/spring-sale.yaml"):
        project.remove(key)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    sandbox.set_faults(
        {
            "drop_connection": {"count": 1, "route": "PATCH /*", "after_write": True},
            "rate_limit_scale": 0,  # no retries here: a 429 would be an unrelated failure
        }
    )
    sandbox.clear_requests()
    first = project.run("apply", str(out))
    assert first.code == 1, first.all
    assert "unknown" in first.out
    assert [(r["method"], r["status"]) for r in writes(sandbox)] == [
        ("POST", 201),
        ("PATCH", 204),
    ] or sorted(r["method"] for r in writes(sandbox)) == ["PATCH", "POST"]
    sandbox.set_faults({"rate_limit_scale": 0})
    sandbox.clear_requests()
    second = project.run("apply", str(out))
    assert second.code == 0, second.all
    assert writes(sandbox) == []
    assert "had landed" in second.err
    assert project.run("plan", "--detailed-exitcode").code == 0
