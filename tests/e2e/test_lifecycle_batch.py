"""Issue 5's proof for Batch, and across both vendors: the real CLI against the sandbox's
Batch routes, with assertions on the exact requests and on what the sandbox stores."""

from __future__ import annotations

from typing import Any

import pytest

from syncer.load.yaml import read as yamlio
from tests.support.project import Project

REACTIVATION = "orchestration_0664hyh918hr1gnzka9py5t62nrc0e1q"
WEEKLY = "orchestration_0664hz00dashb0ard0000000000000001"
UPDATE = "/2.11/campaigns/update"
CREATE = "/2.11/campaigns/create"


@pytest.fixture(autouse=True)
def matched_limits(sandbox: Any) -> None:
    """The project budgets Batch at 1 request/s x 20; the sandbox allows 5/s x 4: no 429s."""
    sandbox.set_faults({"rate_limit_scale": 4.0})


def batch_only(project: Project) -> None:
    for path in list(project.campaigns.rglob("*.yaml")):
        if not path.relative_to(project.campaigns).as_posix().startswith("batch/"):
            path.unlink()


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] == "POST" and not r["path"].endswith("/search")
    ]


def calls(sandbox: Any) -> list[tuple[str, str | None]]:
    """(path, the state the body writes) of every write (an update wraps the campaign)."""
    result = []
    for r in writes(sandbox):
        body = r["body"] or {}
        result.append((r["path"], body.get("campaign", body).get("state")))
    return result


def orchestrations(sandbox: Any) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in sandbox.campaigns()["batch"]["sandbox"]}


def test_create_then_noop_and_never_a_duplicate(demo: Project, sandbox: Any) -> None:
    batch_only(demo)
    demo.remove("batch/reactivation.yaml")
    sandbox.clear_requests()
    assert demo.run("apply", "--auto-approve").code == 0
    assert calls(sandbox) == [(CREATE, "RUNNING")]
    entry = demo.state("sandbox-batch")["campaigns"]["batch/spring-push.yaml"]
    assert entry["origin"] == "created"
    assert demo.run("plan", "--detailed-exitcode").code == 0
    (demo.root / ".syncer" / "state" / "sandbox-batch.json").unlink()
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert "already exists" in result.out
    assert writes(sandbox) == []
    assert [o["name"] for o in orchestrations(sandbox).values()].count(
        "Spring collection push"
    ) == 1


def test_draft_to_running_starts_sending_in_one_full_update(demo: Project, sandbox: Any) -> None:
    batch_only(demo)
    demo.remove("batch/spring-push.yaml")
    assert demo.run("apply", "--auto-approve").code == 0  # the first write: content unknown
    text = demo.read("batch/reactivation.yaml")
    demo.write("batch/reactivation.yaml", text.replace("state: DRAFT", "state: RUNNING"))
    plan = demo.run("plan")
    assert "this plan starts sending campaign 'Win-back — we miss you'" in plan.out
    sandbox.clear_requests()
    assert demo.run("apply", "--auto-approve").code == 0
    # Batch has no status call: the new state rides on the full-replace update, content and
    # state in one request, so the campaign starts with the content the file declares.
    [update] = writes(sandbox)
    assert update["path"] == UPDATE
    assert update["body"]["id"] == REACTIVATION
    assert update["body"]["campaign"]["state"] == "RUNNING"
    assert update["body"]["campaign"]["messages"][0]["subject"] == "We miss you"
    assert orchestrations(sandbox)[REACTIVATION]["status"] == "running"
    assert demo.run("plan", "--detailed-exitcode").code == 0


def test_a_running_batch_orphan_is_reported_never_stopped(demo: Project, sandbox: Any) -> None:
    """Retiring it would be a RUNNING -> STOPPED update, and Batch says "It is not possible to
    update a completed or running campaign if not recurrent": even asked to, nothing is sent."""
    batch_only(demo)
    demo.remove("batch/reactivation.yaml")
    assert demo.run("apply", "--auto-approve").code == 0
    created = demo.state("sandbox-batch")["campaigns"]["batch/spring-push.yaml"]["id"]
    demo.remove("batch/spring-push.yaml")
    sandbox.clear_requests()
    plan = demo.run("plan", "--retire-orphans", "--format", "json")
    [orphan] = plan.json()["campaigns"]
    assert orphan["action"] == "orphan"
    assert orphan["requests"] == []
    assert any("not retired: the campaign is RUNNING" in n for n in orphan["notes"])
    assert demo.run("apply", "--auto-approve", "--retire-orphans").code == 0
    assert calls(sandbox) == []
    assert orchestrations(sandbox)[created]["status"] == "running"


def test_import_of_both_workspaces_then_plan_shows_zero_changes(
    project: Project, sandbox: Any
) -> None:
    assert project.run("import", "--all").code == 0
    result = project.run("import", "--target", "sandbox-batch", "--all")
    assert result.code == 0, result.all
    assert sorted(p.name for p in (project.campaigns / "sandbox-batch").iterdir()) == [
        "app-update.yaml",
        "weekly-deals.yaml",
        "win-back-we-miss-you.yaml",
    ]
    weekly, _ = yamlio.load(project.read("sandbox-batch/weekly-deals.yaml"), "x")
    assert weekly is not None
    assert (weekly.data["id"], weekly.data["read_only"]) == (WEEKLY, True)
    assert "source: dashboard" in project.read("sandbox-batch/weekly-deals.yaml")
    sandbox.clear_requests()
    plan = project.run("plan", "--detailed-exitcode", "--format", "json")
    assert plan.code == 0, plan.all
    actions = [(c["target"], c["action"]) for c in plan.json()["campaigns"]]
    assert len(actions) == 10
    assert {a for _t, a in actions} == {"noop"}
    assert {t for t, _a in actions} == {"sandbox", "sandbox-batch"}
    assert project.run("apply", "--auto-approve").code == 0
    assert writes(sandbox) == []
    unmanaged = project.run("plan", "--show-unmanaged")
    assert unmanaged.out.count("every remote campaign is managed") == 2


def test_every_call_of_a_target_uses_its_pinned_api_version(project: Project, sandbox: Any) -> None:
    project.configure(batch='api_version = "2.10"')
    project.copy_examples()
    batch_only(project)
    sandbox.clear_requests()
    assert project.run("apply", "--auto-approve").code == 0
    assert calls(sandbox)
    assert {r["path"].split("/")[1] for r in sandbox.requests()} == {"2.10"}
