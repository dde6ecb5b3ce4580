"""Issue 7, retries, end to end against the sandbox's fault knobs: transient failures of calls
that are safe to repeat are retried (bounded, jittered, reported); a create is never repeated
blindly; a status change is never repeated at all. After each scenario the request log and the
stored campaigns show exactly the planned effects: nothing lost, nothing duplicated."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest

from tests.support import fleet
from tests.support.project import Project

V1 = "/core-services/v1"
CREATE = f"{V1}/campaigns"
STATUS = f"{V1}/campaigns/status"
BATCH_CREATE = "/2.11/campaigns/create"


def moengage_writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] == "PATCH" or r["path"] in (CREATE, STATUS)
    ]


def content(body: dict[str, Any]) -> dict[str, Any]:
    """A request body without its per-call id."""
    return {k: v for k, v in body.items() if k != "request_id"}


def assert_each_effect_once(log: list[dict[str, Any]]) -> None:
    """No write is sent again once it landed: per PATCH target, per created name, per status
    action and campaign. Attempts the sandbox refused before handling them (injected 5xx, 429,
    connections cut before the write) changed nothing and may be repeated."""
    landed: set[tuple[str, str]] = set()
    for request in log:
        body = request["body"] or {}
        if request["method"] == "PATCH":
            what = ("PATCH", request["path"])
        elif request["path"] == CREATE:
            what = ("create", body["basic_details"]["name"])
        else:
            what = (body["action"], ",".join(body["campaign_ids"]))
        assert what not in landed, f"sent again after it landed: {what}"
        handled = (
            request["status"] in (200, 201, 204)
            or request["note"] in ("dropped_after_write",)
            or request["note"].startswith("delayed")
        )
        if handled:
            landed.add(what)


def converge(project: Project, runs: int = 3) -> None:
    for _ in range(runs):
        if project.run("apply", "--auto-approve").code == 0:
            break
    again = project.run("plan", "--detailed-exitcode")
    assert again.code == 0, again.all


@pytest.mark.slow
def test_one_in_five_calls_fails_with_500_or_503(project: Project, sandbox: Any) -> None:
    """30 updates, 10 pauses (update then status change) and 10 creations under 20 % random
    server errors on every route, reads included."""
    project.configure(moengage="max_creates_per_run = 10\nmax_retries = 6")
    names = [f"Flaky {i:02d}" for i in range(50)]
    ids = fleet.create_remote(sandbox, names[:40])
    fleet.start(sandbox)
    fleet.write_fleet(project, names, "Autumn", ids)
    for index, name in enumerate(names[30:40], start=30):
        project.write(f"fleet/c{index:03d}.yaml", fleet.text(name, "Autumn", ids[name], "PAUSED"))
    sandbox.set_faults({"error_rate": {"*": {"rate": 0.2, "statuses": [500, 503]}}, "seed": 7})
    first = project.run("apply", "--auto-approve", "--format", "json")
    assert first.code in (0, 1), first.all
    report = first.json()
    faults = [r for r in sandbox.requests() if r["note"].startswith("fault:")]
    assert faults, "no fault was injected"
    assert report["retries"], "nothing was retried"
    # Retries were bounded, and a status change was never retried: its 5xx is its outcome.
    attempts = Counter(
        (r["method"], r["path"], r["body"].get("action") if r["body"] else None)
        for r in sandbox.requests()
        if r["method"] != "GET"
    )
    assert max(n for (m, p, _), n in attempts.items() if m == "PATCH") <= 7
    for call in report["calls"]:
        if call["kind"] == "status" and call["outcome"] == "failed":
            assert call["status"] in (500, 503)
            assert "Something went wrong" in call["message"]
    sandbox.clear_faults()
    converge(project)
    log = moengage_writes(sandbox)
    assert_each_effect_once(log)
    stored = {c["name"]: c for c in fleet.moengage(sandbox).values() if c["name"] in names}
    assert sorted(stored) == names
    assert {fleet.subject(c) for c in stored.values()} == {"Autumn"}
    assert {stored[n]["status"] for n in names[30:40]} == {"PAUSED"}
    # A PATCH retried after a server error carries the same content, with a fresh request_id.
    by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for request in log:
        if request["method"] == "PATCH":
            by_path[request["path"]].append(request)
    retried = [tries for tries in by_path.values() if len(tries) > 1]
    assert retried, "no PATCH was retried"
    for tries in retried:
        assert len({repr(content(a["body"])) for a in tries}) == 1
        assert len({a["body"]["request_id"] for a in tries}) == len(tries)


def test_a_create_is_retried_with_the_same_request_id(project: Project, sandbox: Any) -> None:
    fleet.write_fleet(project, ["Retried create"], "Autumn")
    sandbox.set_faults({"drop_connection": {"count": 2, "route": f"POST {CREATE}"}})
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    creates = [r for r in sandbox.requests() if r["path"] == CREATE]
    assert [r["note"] or r["status"] for r in creates] == ["dropped", "dropped", 201]
    assert len({r["body"]["request_id"] for r in creates}) == 1
    assert "(3 attempts)" in result.out
    assert "1 planned call(s) sent again after transient failures; 2 retries" in result.out


@pytest.mark.parametrize(
    "fault",
    [
        {"delay_after_write": {"count": 1, "route": f"POST {CREATE}", "seconds": 3}},
        {"drop_connection": {"count": 1, "route": f"POST {CREATE}", "after_write": True}},
    ],
    ids=["answer later than the timeout", "connection cut after the write"],
)
def test_a_create_whose_answer_was_lost_is_not_duplicated(
    project: Project, sandbox: Any, fault: dict[str, Any]
) -> None:
    project.configure(moengage="timeout = 1.0")
    fleet.write_fleet(project, ["Lost answer"], "Autumn")
    sandbox.set_faults(fault)
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    creates = [r for r in sandbox.requests() if r["path"] == CREATE]
    # The retry carries the same request_id; the vendor refuses it as a repeat, and the tool
    # finds what the first attempt made.
    assert [r["status"] for r in creates] == [201, 400]
    assert creates[0]["body"]["request_id"] == creates[1]["body"]["request_id"]
    stored = [c for c in fleet.moengage(sandbox).values() if c["name"] == "Lost answer"]
    assert len(stored) == 1
    assert project.state()["campaigns"]["fleet/c000.yaml"]["id"] == stored[0]["id"]
    assert "landed on an earlier attempt" in result.out
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_lost_create_is_found_by_its_exact_name_whatever_the_search_order(
    sandbox_factory: Any, project: Project
) -> None:
    """V1 documents neither how search matches a name nor its order. Against a sandbox whose
    search matches any name containing the one asked, newest first, the retried create (400:
    its request_id was used) is still found: exactly its name, not the older look-alike."""
    loose = sandbox_factory(rate_limit_scale=20.0, moengage_name_search="loose")
    project.base_url = loose.base_url
    project.configure(moengage="timeout = 1.0")
    older = fleet.create_remote(loose, ["Lost answer, the old one"])
    fleet.write_fleet(project, ["Lost answer"], "Autumn")
    drop = {"count": 1, "route": f"POST {CREATE}", "after_write": True}
    loose.set_faults({"drop_connection": drop})
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    creates = [r for r in loose.requests() if r["path"] == CREATE]
    assert [r["status"] for r in creates] == [201, 400]
    searches = [r for r in loose.requests() if r["path"] == f"{V1}/campaigns/search"]
    assert {"name": "Lost answer"} in [r["body"]["campaign_fields"] for r in searches]
    made = [c for c in fleet.moengage(loose).values() if c["name"] == "Lost answer"]
    assert len(made) == 1
    recorded = project.state()["campaigns"]["fleet/c000.yaml"]["id"]
    assert recorded == made[0]["id"] != older["Lost answer, the old one"]


def test_a_batch_create_whose_answer_was_lost_is_looked_up_not_resent(
    demo: Project, sandbox: Any
) -> None:
    for path in list(demo.campaigns.rglob("*.yaml")):
        if path.relative_to(demo.campaigns).as_posix() != "batch/spring-push.yaml":
            path.unlink()
    sandbox.set_faults(
        {
            "rate_limit_scale": 4.0,
            "drop_connection": {"count": 1, "route": f"POST {BATCH_CREATE}", "after_write": True},
        }
    )
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    paths = [r["path"] for r in sandbox.requests()]
    assert paths.count(BATCH_CREATE) == 1
    # After the lost answer: the project's campaigns are listed again before anything else.
    after = paths[paths.index(BATCH_CREATE) + 1 :]
    assert after and after[0] == "/2.11/orchestrations/list"
    named = [
        o for o in sandbox.campaigns()["batch"]["sandbox"] if o["name"] == "Spring collection push"
    ]
    assert len(named) == 1
    assert (
        demo.state("sandbox-batch")["campaigns"]["batch/spring-push.yaml"]["id"] == (named[0]["id"])
    )
    assert demo.run("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize("after_write", [True, False], ids=["landed", "not landed"])
def test_a_status_change_is_never_repeated_blindly(
    project: Project, sandbox: Any, after_write: bool
) -> None:
    ids = fleet.create_remote(sandbox, ["Pause me"])
    fleet.start(sandbox)
    project.write("fleet/c000.yaml", fleet.text("Pause me", "Hello", ids["Pause me"], "PAUSED"))
    sandbox.set_faults(
        {"drop_connection": {"count": 1, "route": f"POST {STATUS}", "after_write": after_write}}
    )
    first = project.run("apply", "--auto-approve", "--format", "json")
    assert first.code == 1, first.all
    [call] = first.json()["calls"]
    assert (call["kind"], call["outcome"]) == ("status", "unknown")
    assert len([r for r in sandbox.requests() if r["path"] == STATUS]) == 1
    assert (project.root / ".syncer" / "journal" / "sandbox.jsonl").exists()

    sandbox.clear_requests()
    second = project.run("apply", "--auto-approve")
    assert second.code == 0, second.all
    assert "had an unknown outcome; the campaign was read again" in second.err
    resent = [r for r in sandbox.requests() if r["path"] == STATUS]
    assert len(resent) == (0 if after_write else 1)
    assert fleet.moengage(sandbox)[ids["Pause me"]]["status"] == "PAUSED"


def test_a_versioned_workspace_is_read_at_its_newest_revision(
    sandbox_factory: Any, project: Project
) -> None:
    """With campaign versioning (a workspace opt-in), search answers every revision of a
    campaign, oldest first, sharing its campaign_id. After an update, the next plan reads the
    newest revision (by version_number) and finds nothing to do, by id and by listing alike."""
    versioned = sandbox_factory(rate_limit_scale=20.0, moengage_versioning=True)
    project.base_url = versioned.base_url
    project.configure()
    ids = fleet.create_remote(versioned, ["Versioned"])
    fleet.write_fleet(project, ["Versioned"], "Autumn", ids)
    assert project.run("apply", "--auto-approve").code == 0
    versioned.clear_requests()
    again = project.run("plan", "--detailed-exitcode")
    assert again.code == 0, again.all
    [search] = [r for r in versioned.requests() if r["path"] == f"{V1}/campaigns/search"]
    assert search["body"]["campaign_fields"] == {"id": ids["Versioned"]}
    assert search["body"]["limit"] == 15  # not 1: the first row is the oldest revision
    listed = project.run("plan", "--detailed-exitcode", "--show-unmanaged")
    assert listed.code == 0, listed.all
