"""A saved plan whose checksum was recomputed after an edit (anyone can: it is a plain sha256)
sends nothing that campaign-syncer would not plan itself: no other host, method, route or
campaign id. With SYNCER_PLAN_SIGNING_KEY set, only plans signed with that key are applied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from syncer.workflows.saved import checksum
from tests.e2e.test_gitops_saved_plans import saved, welcome_only, writes
from tests.support.hostile import json_answer
from tests.support.project import Project

OTHER = "66a1f0c2e4b0a1b2c3d4e502"


def reseal(path: Path, data: dict[str, Any]) -> None:
    data = {k: v for k, v in data.items() if k != "signature"}
    path.write_text(json.dumps({**data, "checksum": checksum(data)}), encoding="utf-8")


def planned(project: Project) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """A saved plan of the welcome PATCH, its data and that one request (to edit)."""
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 0
    data = saved(out)
    (welcome,) = [c for c in data["campaigns"] if c["action"] == "update"]
    return out, data, welcome["requests"][0]


def test_an_absolute_url_in_a_resealed_plan_sends_nothing_anywhere(
    project: Project, sandbox: Any, hostile_vendor: Any
) -> None:
    elsewhere = hostile_vendor(lambda call: json_answer({}))
    out, data, request = planned(project)
    request["path"] = f"{elsewhere.url}/x"
    reseal(out, data)
    sandbox.clear_requests()
    result = project.run("apply", str(out), env={"MOENGAGE_API_KEY": "s3cr3t-key-value"})
    assert result.code == 1, result.all
    assert "the plan was tampered with" in result.err
    assert "onboarding/welcome.yaml: call 1 (PATCH" in result.err
    assert "Traceback" not in result.all
    assert elsewhere.calls == []
    assert sandbox.requests() == []


def test_another_method_or_route_is_refused(project: Project, sandbox: Any) -> None:
    out, data, request = planned(project)
    request["method"] = "DELETE"
    reseal(out, data)
    result = project.run("apply", str(out))
    assert result.code == 1, result.all
    assert "is not a moengage call campaign-syncer plans" in result.err
    request["method"], request["path"] = "PATCH", "/core-services/v1/campaigns/search"
    reseal(out, data)
    sandbox.clear_requests()
    result = project.run("apply", str(out))
    assert result.code == 1 and "tampered" in result.err, result.all
    assert sandbox.requests() == []


def test_a_call_to_another_campaign_id_is_refused(project: Project, sandbox: Any) -> None:
    out, data, request = planned(project)
    request["path"] = f"/core-services/v1/campaigns/{OTHER}"
    reseal(out, data)
    sandbox.clear_requests()
    result = project.run("apply", str(out))
    assert result.code == 1, result.all
    assert f"writes to campaign {OTHER}, not to this item's (66a1f0c2e4b0a1b2c3d4e501)" in (
        result.err
    )
    assert sandbox.requests() == []


def test_a_batch_update_of_another_campaign_is_refused(project: Project, sandbox: Any) -> None:
    project.copy_examples()
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 3  # one demo campaign is blocked
    data = saved(out)
    (win_back,) = [c for c in data["campaigns"] if c["key"] == "batch/reactivation.yaml"]
    assert win_back["requests"][0]["path"] == "/2.11/campaigns/update"
    win_back["requests"][0]["body"]["id"] = "someone-elses-campaign"
    reseal(out, data)
    sandbox.clear_requests()
    result = project.run("apply", str(out))
    assert result.code == 1, result.all
    assert "writes to campaign someone-elses-campaign" in result.err
    assert writes(sandbox) == []


def test_the_tools_own_plans_pass_the_route_check(project: Project) -> None:
    project.copy_examples()
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out)).code == 3  # one demo campaign is blocked
    kinds = {(r["method"], r["kind"]) for c in saved(out)["campaigns"] for r in c["requests"]}
    assert {("POST", "create"), ("PATCH", "update"), ("POST", "update")} <= kinds
    result = project.run("apply", str(out))
    assert result.code == 3, result.all
    assert "0 failed" in result.out


KEY = {"SYNCER_PLAN_SIGNING_KEY": "ci-secret-signing-key"}


def test_a_signed_plan_applies_only_with_its_key(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    made = project.run("plan", "--out", str(out), env=KEY)
    assert made.code == 0, made.all
    data = saved(out)
    assert data["signature"].startswith("hmac-sha256:")
    assert "ci-secret-signing-key" not in out.read_text(encoding="utf-8")
    sandbox.clear_requests()
    wrong = project.run("apply", str(out), env={"SYNCER_PLAN_SIGNING_KEY": "another-key"})
    assert wrong.code == 1 and "signature does not match" in wrong.err, wrong.all
    reseal(out, {**data, "created_at": data["created_at"]})  # resealed: the signature is gone
    unsigned = project.run("apply", str(out), env=KEY)
    assert unsigned.code == 1 and "the plan is not signed" in unsigned.err, unsigned.all
    assert sandbox.requests() == []
    out.write_text(json.dumps(data), encoding="utf-8")
    assert project.run("apply", str(out), env=KEY).code == 0


def test_a_signed_plan_without_the_key_says_it_was_not_checked(project: Project) -> None:
    welcome_only(project)
    out = project.root / "plan.json"
    assert project.run("plan", "--out", str(out), env=KEY).code == 0
    result = project.run("apply", str(out), env={"SYNCER_PLAN_SIGNING_KEY": None})
    assert result.code == 0, result.all
    assert "signature not checked" in result.err
