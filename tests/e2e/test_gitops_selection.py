"""Selection (`--target`, `--only`, `--exclude`) and exit codes, end to end.

Exit codes: 0 ok, 1 error, 2 changes pending (`--detailed-exitcode`), 3 blocked, 4 stale saved
plan; when several hold, the first of 1, 4, 3, 2 wins.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest

from tests.support.project import Project

WELCOME = "66a1f0c2e4b0a1b2c3d4e501"
MOE = "/core-services/v1"
STAGING = """
[targets.staging]
provider = "moengage"
sandbox = true
base_url = "{url}"
workspace_id_env = "STAGING_WORKSPACE_ID"
updated_by = "crm-bot@example.com"
"""

NEW_CAMPAIGN = """
provider: moengage
target: staging
campaign:
  channel: EMAIL
  campaign_delivery_type: ONE_TIME
  basic_details:
    name: Staging welcome
    content_type: TRANSACTIONAL
    user_attribute_identifier: MOE_EMAIL_ID
  connector: {connector_type: SENDGRID, connector_name: default}
  campaign_content:
    content:
      email:
        subject: Hi
        sender_name: Acme
        from_address: a@acme.example
        reply_to_address: a@acme.example
        html_content: "<p>Hi</p>"
  segmentation_details: {is_all_user_campaign: true}
  scheduling_details: {delivery_type: AT_FIXED_TIME, start_time: "2030-01-01T09:00:00"}
"""


def moengage_demo(project: Project) -> None:
    """The demo: one update (welcome), one create (digest), one blocked (spring sale)."""
    project.copy_examples()
    for key in ("batch/reactivation.yaml", "batch/spring-push.yaml"):
        project.remove(key)


def keys(result: Any) -> list[str]:
    return [c["key"] for c in result.json()["campaigns"]]


def writes(sandbox: Any) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in sandbox.requests()
        if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def edit_in_dashboard(sandbox: Any, http: httpx.Client) -> None:
    found = {c["id"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}
    content = copy.deepcopy(found[WELCOME]["body"]["campaign_content"])
    content["content"]["email"]["preview_text"] = "Changed in the dashboard"
    body = {"request_id": str(uuid.uuid4()), "updated_by": "m@example.com"}
    response = http.patch(f"{MOE}/campaigns/{WELCOME}", json={**body, "campaign_content": content})
    assert response.status_code == 204, response.text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--only", "onboarding/welcome.yaml"), ["onboarding/welcome.yaml"]),
        (("--only", "onboarding/welcome"), ["onboarding/welcome.yaml"]),
        (("--only", "onboarding/*"), ["onboarding/welcome.yaml"]),
        (
            ("--only", "*/welcome*", "--only", "promotions/*"),
            [
                "onboarding/welcome.yaml",
                "promotions/spring-sale.yaml",
            ],
        ),
        (
            ("--exclude", "promotions/*", "--exclude", "newsletters/monthly-digest"),
            [
                "onboarding/welcome.yaml",
                "transactional/password-reset.yaml",
            ],
        ),
        (
            ("--only", "*", "--exclude", "*/spring-*"),
            [
                "newsletters/monthly-digest.yaml",
                "onboarding/welcome.yaml",
                "transactional/password-reset.yaml",
            ],
        ),
    ],
)
def test_only_and_exclude_select_by_key_or_glob(
    project: Project, args: tuple[str, ...], expected: list[str]
) -> None:
    moengage_demo(project)
    result = project.run("plan", "--format", "json", *args)
    assert result.code in (0, 3), result.all
    assert keys(result) == expected


def test_a_pattern_that_matches_nothing_is_an_error_before_any_call(
    project: Project, sandbox: Any
) -> None:
    moengage_demo(project)
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve", "--exclude", "promotion/*")
    assert result.code == 1, result.all
    assert "'promotion/*' match no campaign file" in result.err
    assert sandbox.requests() == []


def test_apply_with_only_writes_only_the_selected_campaign(project: Project, sandbox: Any) -> None:
    moengage_demo(project)
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve", "--only", "onboarding/*")
    assert result.code == 0, result.all
    assert writes(sandbox) == [("PATCH", f"{MOE}/campaigns/{WELCOME}")]


def test_target_restricts_to_that_targets_campaigns(project: Project, sandbox: Any) -> None:
    project.configure(STAGING.format(url=project.base_url))
    moengage_demo(project)
    project.write("staging/welcome.yaml", NEW_CAMPAIGN)
    env = {"STAGING_WORKSPACE_ID": "staging-ws"}
    both = project.run("plan", "--format", "json", env=env)
    assert {c["target"] for c in both.json()["campaigns"]} == {"sandbox", "staging"}
    staging = project.run("plan", "--format", "json", "--target", "staging", env=env)
    assert staging.code == 0, staging.all
    assert [(c["target"], c["key"], c["action"]) for c in staging.json()["campaigns"]] == [
        ("staging", "staging/welcome.yaml", "create")
    ]
    assert set(staging.json()["targets"]) == {"staging"}
    assert staging.json()["targets"]["staging"]["workspace"] == "staging-ws"
    unknown = project.run("plan", "--target", "prod")
    assert unknown.code == 1 and "unknown target 'prod'" in unknown.err


def test_detailed_exitcode_0_without_changes_2_with_changes(project: Project) -> None:
    moengage_demo(project)
    only_welcome = ("--only", "onboarding/*", "--only", "transactional/*")
    assert project.run("plan", *only_welcome).code == 0  # changes, but no flag
    assert project.run("plan", "--detailed-exitcode", *only_welcome).code == 2
    assert project.run("apply", "--auto-approve", *only_welcome).code == 0
    assert project.run("plan", "--detailed-exitcode", *only_welcome).code == 0


def test_blocked_3_wins_over_changes_2(project: Project) -> None:
    moengage_demo(project)
    assert project.run("plan").code == 3
    assert project.run("plan", "--detailed-exitcode").code == 3


def test_error_1_wins_over_blocked_and_changes(project: Project, sandbox: Any) -> None:
    moengage_demo(project)
    sandbox.set_faults({"error_rate": {"POST /*/search": {"rate": 1.0, "statuses": [401]}}})
    result = project.run("plan", "--detailed-exitcode")
    assert result.code == 1, result.all
    assert "HTTP 401" in result.err


def test_stale_4_wins_over_blocked_3(
    project: Project, sandbox: Any, moengage_http: httpx.Client
) -> None:
    moengage_demo(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 3  # spring sale is blocked
    edit_in_dashboard(sandbox, moengage_http)
    sandbox.clear_requests()
    result = project.run("apply", str(out))
    assert result.code == 4, result.all
    assert writes(sandbox) == []


def test_error_1_wins_over_stale_4(
    project: Project, sandbox: Any, moengage_http: httpx.Client
) -> None:
    moengage_demo(project)
    out = project.root / "plan.json"
    project.run("plan", "--out", str(out))
    edit_in_dashboard(sandbox, moengage_http)
    sandbox.set_faults({"error_rate": {"POST /*/search": {"rate": 1.0, "statuses": [401]}}})
    sandbox.clear_requests()
    result = project.run("apply", str(out))
    assert result.code == 1, result.all  # the campaigns cannot even be read back
    assert writes(sandbox) == []


def test_a_saved_plan_with_blocked_campaigns_applies_the_rest_and_exits_3(
    project: Project, sandbox: Any
) -> None:
    moengage_demo(project)
    out = project.root / "plan.json"
    project.run("plan", "--out", str(out))
    sandbox.clear_requests()
    result = project.run("apply", str(out))
    assert result.code == 3, result.all
    assert sorted(writes(sandbox)) == [
        ("PATCH", f"{MOE}/campaigns/{WELCOME}"),
        ("POST", f"{MOE}/campaigns"),
    ]
