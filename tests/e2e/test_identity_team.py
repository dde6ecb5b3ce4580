"""Issue 15's proof, the teammate sequence: a campaign created from one checkout, then a
teammate's fresh clone without `.syncer/` follows the tool's own advice (the command the
blocked plan offers first), then plans and applies. Never a second campaign, on both vendors;
once the id is pinned a fresh clone plans nothing; duplicate names are refused offline.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_identity_pins import DIGEST, ENV, PUSH, clone, creations, team
from tests.support.project import Project

VENDORS = [
    pytest.param("team", DIGEST, "Monthly digest", id="moengage"),
    pytest.param("team-batch", PUSH, "Spring collection push", id="batch"),
]


def named(sandbox: Any, name: str) -> list[str]:
    """Ids of the remote campaigns (both vendors, every workspace) called `name`."""
    found = sandbox.campaigns()
    return [
        c["id"]
        for vendor in found.values()
        for campaigns in vendor.values()
        for c in campaigns
        if c["name"] == name
    ]


def only(project: Project, key: str) -> None:
    for path in list(project.campaigns.rglob("*.yaml")):
        if path.relative_to(project.campaigns).as_posix() != key:
            path.unlink()


@pytest.mark.parametrize(("target", "key", "name"), VENDORS)
def test_a_teammate_following_the_advice_never_creates_a_second_campaign(
    project: Project, sandbox: Any, target: str, key: str, name: str
) -> None:
    team(project)
    only(project, key)
    # The teammate cloned before the pinned id was committed (or pin_ids is off).
    mate = clone(project, project.root.parent / "teammate")
    first = project.run("apply", "--auto-approve", env=ENV)
    assert first.code == 0, first.all
    [made] = named(sandbox, name)
    assert f"id: {made}" in project.read(key)

    blocked = mate.run("plan", env=ENV)
    assert blocked.code == 3, blocked.all
    flat = " ".join(blocked.out.split())
    assert f"a campaign named {name!r} already exists in target {target!r} (id {made})" in flat
    advice = re.search(r"link them: `(syncer [^`]+)`", flat)
    assert advice is not None, flat
    assert advice.group(1) == f"syncer import --target {target}"

    sandbox.clear_requests()
    linked = mate.run(*advice.group(1).split()[1:], env=ENV)
    assert linked.code == 0, linked.all
    assert f"= campaigns/{key}" in linked.out and "its id is pinned in the file" in linked.out
    # The workspace's other campaigns get files of their own; this one none.
    holders = [
        p.relative_to(mate.campaigns).as_posix()
        for p in mate.campaigns.rglob("*.yaml")
        if made in p.read_text(encoding="utf-8") or name in p.read_text(encoding="utf-8")
    ]
    assert holders == [key]
    assert f"id: {made}" in mate.read(key)

    assert mate.run("plan", env=ENV).code == 0
    again = mate.run("apply", "--auto-approve", env=ENV)
    assert again.code == 0, again.all
    assert creations(sandbox) == []
    assert named(sandbox, name) == [made]

    # The pinned file, committed: a fresh clone reads the campaign by its id.
    fresh = clone(mate, mate.root.parent / "fresh")
    plan = fresh.run("plan", "--detailed-exitcode", env=ENV)
    assert plan.code == 0, plan.all


@pytest.mark.parametrize(("target", "key", "name"), VENDORS)
def test_a_second_file_for_one_campaign_is_refused_offline(
    project: Project, sandbox: Any, target: str, key: str, name: str
) -> None:
    team(project)
    only(project, key)
    project.write(f"copies/{key}", project.read(key))
    sandbox.clear_requests()
    for command in (("validate",), ("plan",), ("apply", "--auto-approve")):
        result = project.run(*command, env=ENV)
        assert result.code == 1, result.all
        [problem] = [line for line in result.err.splitlines() if "campaign name" in line]
        first, second = sorted([f"campaigns/{key}", f"campaigns/copies/{key}"])
        assert problem.startswith(f"{second}:")
        assert (
            f"campaign name {name!r} is also declared by {first} for target {target!r}" in problem
        )
    assert sandbox.requests() == []
