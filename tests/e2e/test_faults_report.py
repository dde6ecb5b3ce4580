"""Issue 7, the outcome report: after every apply, every planned call is applied, failed (with
the vendor's message), not attempted or of unknown outcome, in text and in JSON, and the
campaigns that changed are read back to verify they converged. One apply, under faults, shows
all four outcomes at once; the next apply settles the unknown one and finishes the rest."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import fleet
from tests.support.project import Project

V1 = "/core-services/v1"
STATUS = f"{V1}/campaigns/status"
NAMES = ["Fine 1", "Fine 2", "Fine 3", "Refused", "Cut"]


@pytest.fixture
def faulty(project: Project, sandbox: Any) -> tuple[Project, dict[str, str]]:
    """Three plain updates. 'Refused' is paused remotely and must be updated then resumed: the
    vendor refuses the update (400), so the resume is not attempted. 'Cut' is updated, but the
    connection of every attempt is cut before the sandbox handles it: after the bounded retries
    its outcome is unknown."""
    project.configure(moengage="max_retries = 2")
    ids = fleet.create_remote(sandbox, NAMES)
    fleet.start(sandbox)
    fleet.change_status(sandbox, [ids["Refused"]], "PAUSE")
    for index, name in enumerate(NAMES[:3]):
        project.write(f"fleet/c{index}.yaml", fleet.text(name, "Autumn", ids[name]))
    project.write("fleet/refused.yaml", fleet.text("Refused", "Autumn", ids["Refused"], "ACTIVE"))
    project.write("fleet/cut.yaml", fleet.text("Cut", "Autumn", ids["Cut"]))
    sandbox.set_faults(
        {
            "error_rate": {
                f"PATCH {V1}/campaigns/{ids['Refused']}": {"rate": 1.0, "statuses": [400]}
            },
            "drop_connection": {"count": 3, "route": f"PATCH {V1}/campaigns/{ids['Cut']}"},
        }
    )
    return project, ids


def test_all_four_outcomes_in_json(faulty: Any, sandbox: Any) -> None:
    project, ids = faulty
    result = project.run("apply", "--auto-approve", "--format", "json")
    assert result.code == 1, result.all
    report = result.json()
    assert report["summary"] == {"applied": 3, "failed": 1, "not_attempted": 1, "unknown": 1}
    calls = {(c["key"], c["kind"]): c for c in report["calls"]}
    failed = calls[("fleet/refused.yaml", "update")]
    assert failed["outcome"] == "failed"
    assert failed["status"] == 400
    # The vendor's own message, and what to do next.
    assert "Something went wrong. Please contact Moengage team" in failed["message"]
    assert "fix the campaign file" in failed["message"]
    skipped = calls[("fleet/refused.yaml", "status")]
    assert skipped["outcome"] == "not_attempted"
    assert skipped["message"] == "an earlier call of this campaign failed"
    assert skipped["attempts"] == 0
    unknown = calls[("fleet/cut.yaml", "update")]
    assert unknown["outcome"] == "unknown"
    assert "may or may not have been applied" in unknown["message"]
    assert unknown["attempts"] == 3
    assert all(calls[(f"fleet/c{i}.yaml", "update")]["outcome"] == "applied" for i in range(3))
    # Read back: the three applied campaigns converged.
    verified = {v["key"]: v["converged"] for v in report["verification"]}
    assert verified == {f"fleet/c{i}.yaml": True for i in range(3)}

    sandbox.clear_faults()
    sandbox.clear_requests()
    final = project.run("apply", "--auto-approve", "--format", "json")
    assert final.code == 0, final.all
    assert any("unknown outcome" in note for note in final.json()["reconciled"])
    sent = [
        (r["method"], r["path"], (r["body"] or {}).get("action"))
        for r in sandbox.requests()
        if r["method"] == "PATCH" or r["path"] == STATUS
    ]
    # The cut update had not been handled: it is sent now, once; the refused campaign is
    # updated then resumed; the three others are left alone.
    assert sorted(sent) == sorted(
        [
            ("PATCH", f"{V1}/campaigns/{ids['Cut']}", None),
            ("PATCH", f"{V1}/campaigns/{ids['Refused']}", None),
            ("POST", STATUS, "RESUME"),
        ]
    )
    stored = fleet.moengage(sandbox)
    assert {fleet.subject(c) for c in stored.values() if c["name"] in NAMES} == {"Autumn"}
    assert stored[ids["Refused"]]["status"] != "PAUSED"
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_all_four_outcomes_in_text(faulty: Any) -> None:
    project, _ = faulty
    result = project.run("apply", "--auto-approve")
    assert result.code == 1, result.all
    out = result.out
    assert "Apply: 3 applied, 1 failed, 1 not attempted, 1 outcome unknown; " in out
    assert "verified 3/3 converged." in out
    lines = out.splitlines()
    failed = next(i for i, line in enumerate(lines) if line.startswith("  failed"))
    assert "sandbox/fleet/refused.yaml: PATCH" in lines[failed]
    assert "HTTP 400" in lines[failed + 1] and "Something went wrong" in lines[failed + 1]
    assert any(
        line.startswith("  not_attempted") and "refused.yaml: POST" in line for line in lines
    )
    assert any(
        line.startswith("  unknown") and "cut.yaml: PATCH" in line and "(3 attempts)" in line
        for line in lines
    )
    assert "Some outcomes are unknown: run apply again" in out


def test_retries_are_bounded_and_reported(project: Project, sandbox: Any) -> None:
    project.configure(moengage="max_retries = 2")
    ids = fleet.create_remote(sandbox, ["Always 503"])
    project.write("fleet/c0.yaml", fleet.text("Always 503", "Autumn", ids["Always 503"]))
    sandbox.set_faults({"error_rate": {"PATCH *": {"rate": 1.0, "statuses": [503]}}})
    result = project.run("apply", "--auto-approve", "--format", "json")
    assert result.code == 1
    [call] = result.json()["calls"]
    assert (call["outcome"], call["status"], call["attempts"]) == ("failed", 503, 3)
    assert len(result.json()["retries"]) == 2
    patches = [r for r in sandbox.requests() if r["method"] == "PATCH"]
    assert len(patches) == 3
