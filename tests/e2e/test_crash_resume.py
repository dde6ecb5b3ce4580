"""Issue 7, journal and resume, end to end in real processes: an apply of 200 campaigns
(170 updates of campaigns created beforehand, 30 creations) killed with SIGKILL or stopped with
Ctrl-C in the middle, then applied again.

What must hold, from the sandbox's request log and stored state:
- every campaign converges (a final `plan --detailed-exitcode` exits 0);
- no campaign is created twice: one successful create per new name, ever;
- no update is sent again once it landed. A PATCH whose outcome was unknown (killed in flight)
  is settled by reading the campaign; it is sent again only if it had not landed.
Requests refused before they were handled (a 429 or an injected 5xx) may be repeated: they
changed nothing.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import fleet
from tests.support.project import Project

SIZE = 200
V1 = "/core-services/v1"


@dataclass(frozen=True)
class Fleet:
    project: Project
    names: list[str]
    updates: int

    @property
    def created(self) -> list[str]:
        return self.names[self.updates :]


def make_fleet(project: Project, sandbox: Any, creations: int, scale: float) -> Fleet:
    """200 campaign files: the first pinned to campaigns that exist (their subject changes),
    the last `creations` new. Both sides pace by the vendors' limits times `scale`."""
    project.configure(moengage=f"max_creates_per_run = {max(creations, 1)}", scale=scale)
    names = [f"Fleet {i:03d}" for i in range(SIZE)]
    updates = SIZE - creations
    ids = fleet.create_remote(sandbox, names[:updates])
    fleet.write_fleet(project, names, "Autumn", ids)
    # Latency keeps calls in flight at any moment, so that a signal lands mid-call.
    sandbox.set_faults({"latency_ms": 50, "rate_limit_scale": scale})
    return Fleet(project, names, updates)


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r
        for r in sandbox.requests()
        if r["method"] == "PATCH" or (r["method"] == "POST" and r["path"] == f"{V1}/campaigns")
    ]


def wait_for_writes(sandbox: Any, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(writes(sandbox)) >= count:
            return
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the apply ended early ({process.returncode}): {out}\n{err}")
        time.sleep(0.01)
    raise AssertionError(f"fewer than {count} writes after 60 s")


def journal_records(path: Path) -> list[dict[str, Any]]:
    """The journal's records (a last line cut short by the kill is skipped, as replay does)."""
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def quiet(sandbox: Any) -> None:
    """Wait until the sandbox has handled the requests a dead process left in flight."""
    seen = -1
    while (count := len(sandbox.requests())) != seen:
        seen = count
        time.sleep(0.3)


def assert_exactly_the_planned_effects(made: Fleet, sandbox: Any) -> None:
    log = writes(sandbox)
    # No update after one landed (204), per campaign.
    landed: set[str] = set()
    for request in log:
        if request["method"] != "PATCH":
            continue
        assert request["path"] not in landed, f"sent again after it landed: {request['path']}"
        if request["status"] == 204:
            landed.add(request["path"])
    assert len(landed) == made.updates
    # One successful creation per new name, ever.
    created = Counter(
        r["body"]["basic_details"]["name"]
        for r in log
        if r["method"] == "POST" and r["status"] == 201
    )
    assert sorted(created) == made.created
    assert set(created.values()) <= {1}
    stored = [c for c in fleet.moengage(sandbox).values() if c["name"] in made.names]
    assert sorted(c["name"] for c in stored) == made.names
    assert {fleet.subject(c) for c in stored} == {"Autumn"}
    # Every creation is recorded (the next plan must never create it again); a pinned file
    # needs no entry, but one that exists names the pinned campaign.
    state = {key: entry["id"] for key, entry in made.project.state()["campaigns"].items()}
    by_name = {c["name"]: c["id"] for c in stored}
    expected = {f"fleet/c{i:03d}.yaml": by_name[name] for i, name in enumerate(made.names)}
    assert {key: expected[key] for key in state} == state
    assert all(f"fleet/c{i:03d}.yaml" in state for i in range(made.updates, SIZE))
    again = made.project.run("plan", "--detailed-exitcode")
    assert again.code == 0, again.all


@pytest.mark.slow
def test_kill_9_in_the_middle_then_apply_again(project: Project, sandbox: Any) -> None:
    """170 updates and 30 creations: creations are what a lost answer could duplicate."""
    made = make_fleet(project, sandbox, creations=30, scale=20.0)
    names = made.names
    process = project.spawn("apply", "--auto-approve")
    wait_for_writes(sandbox, 80, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    quiet(sandbox)
    first = len(writes(sandbox))
    assert first < SIZE, "the apply finished before it was killed"
    journal = project.root / ".syncer" / "journal" / "sandbox.jsonl"
    # Nothing reached the vendor without being announced in the journal first.
    announced = {r["key"] for r in journal_records(journal) if r["t"] == "call"}
    key_of = {name: f"fleet/c{i:03d}.yaml" for i, name in enumerate(names)}
    ids = {c["id"]: c["name"] for c in fleet.moengage(sandbox).values()}
    for request in writes(sandbox):
        if request["body"] is None:
            continue  # cut off mid-body by the kill: unreadable, so it changed nothing
        if request["method"] == "PATCH":
            name = ids[request["path"].rsplit("/", 1)[-1]]
        else:
            name = request["body"]["basic_details"]["name"]
        assert key_of[name] in announced, f"{name}: sent but not in the journal"

    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert "settled: sandbox: settled 1 interrupted apply run(s)" in result.err
    assert not journal.exists()
    assert_exactly_the_planned_effects(made, sandbox)


@pytest.mark.slow
def test_ctrl_c_finishes_the_calls_in_flight_reports_and_exits_130(
    project: Project, sandbox: Any
) -> None:
    """200 updates paced at 40 a second: at Ctrl-C, most are still waiting for their turn."""
    made = make_fleet(project, sandbox, creations=0, scale=4.0)
    process = project.spawn("apply", "--auto-approve", "--format", "json")
    wait_for_writes(sandbox, 60, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Stopping: calls in flight finish" in err
    report = json.loads(out)
    assert report["interrupted"] is True
    summary = report["summary"]
    assert sum(summary.values()) == SIZE
    assert summary["failed"] == summary["unknown"] == 0
    assert summary["not_attempted"] > 0, "Ctrl-C stopped nothing"
    # What the report says was applied is exactly what the sandbox handled, and nothing that
    # was "not attempted" left the machine.
    handled = [(r["method"], r["path"]) for r in writes(sandbox) if r["status"] in (201, 204)]
    applied = [c for c in report["calls"] if c["outcome"] == "applied"]
    assert Counter((c["method"], c["path"]) for c in applied) == Counter(handled)
    for call in report["calls"]:
        if call["outcome"] == "not_attempted":
            assert call["message"] == "interrupted"
    # Nothing was in doubt, so the journal is closed and the state saved.
    assert not (project.root / ".syncer" / "journal" / "sandbox.jsonl").exists()
    assert len(project.state()["campaigns"]) == SIZE

    before = len(writes(sandbox))
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    # The next apply sends exactly what was not attempted.
    landed = {r["path"] for r in writes(sandbox)[before:] if r["status"] == 204}
    assert landed == {c["path"] for c in report["calls"] if c["outcome"] == "not_attempted"}
    assert_exactly_the_planned_effects(made, sandbox)
