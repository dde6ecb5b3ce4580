"""Issue 15, ids live with the files: after an apply creates a campaign in a real (not sandbox)
target, its id is written into the campaign file, in place, and the output lists the files to
commit; sandbox targets and `pin_ids = false` keep ids in the state store only; a read-only
file is reported and the state still knows the id. The real CLI against the served sandbox.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.support.project import REPO, Project

ENV = {
    "MOENGAGE_WORKSPACE_ID": "team-ws",
    "MOENGAGE_API_KEY": "team-moe-key",
    "BATCH_PROJECT_KEY": "team-project",
    "BATCH_API_KEY": "team-batch-key",
}
DIGEST = "newsletters/monthly-digest.yaml"
PUSH = "batch/spring-push.yaml"


def team(project: Project, top: str = "") -> None:
    """The sandbox targets, plus `team` (MoEngage) and `team-batch` (Batch): ordinary
    targets served by the same sandbox, in workspaces of their own."""
    project.configure(
        extra=f"""
[targets.team]
provider = "moengage"
base_url = "{project.base_url}"
updated_by = "crm-bot@example.com"
rate_limit_scale = 20.0

[targets.team.vars]
brand = "Acme"

[targets.team-batch]
provider = "batch"
base_url = "{project.base_url}"
rate_limit_scale = 20.0
experimental_push = true

[targets.team-batch.vars]
brand = "Acme"
"""
    )
    config = project.root / "syncer.toml"
    config.write_text(top + config.read_text(encoding="utf-8"), encoding="utf-8")
    project.copy_examples()
    for path in list(project.campaigns.rglob("*.yaml")):
        if path.relative_to(project.campaigns).as_posix() not in (DIGEST, PUSH):
            path.unlink()
    digest = project.read(DIGEST)
    project.write(
        DIGEST, digest.replace("provider: moengage\n", "provider: moengage\ntarget: team\n")
    )
    push = project.read(PUSH)
    project.write(PUSH, push.replace("target: sandbox-batch", "target: team-batch"))


def clone(project: Project, where: Path) -> Project:
    """A teammate's fresh clone: syncer.toml, campaigns/ and templates/, no .syncer/."""
    where.mkdir()
    shutil.copy(project.root / "syncer.toml", where / "syncer.toml")
    shutil.copytree(project.campaigns, where / "campaigns")
    if (project.root / "templates").is_dir():
        shutil.copytree(project.root / "templates", where / "templates")
    return Project(where, project.base_url)


def creations(sandbox: Any) -> list[str]:
    """The paths of every create the sandbox received."""
    return [
        r["path"]
        for r in sandbox.requests()
        if r["method"] == "POST"
        and r["path"] in ("/core-services/v1/campaigns", "/2.11/campaigns/create")
    ]


def test_apply_pins_new_ids_into_the_files_in_place_and_lists_them(
    project: Project, sandbox: Any
) -> None:
    team(project)
    before = {key: project.read(key) for key in (DIGEST, PUSH)}
    result = project.run("apply", "--auto-approve", env=ENV)
    assert result.code == 0, result.all
    ids = {
        key: project.state(t)["campaigns"][key]["id"]
        for key, t in ((DIGEST, "team"), (PUSH, "team-batch"))
    }
    for key, text in before.items():
        # One line added after the target's, every other byte as it was.
        old = text.splitlines(keepends=True)
        at = next(i for i, line in enumerate(old) if line.startswith("target:")) + 1
        assert project.read(key) == "".join([*old[:at], f"id: {ids[key]}\n", *old[at:]])
    assert "Pinned 2 new id(s) into their files; commit them" in result.out
    assert f"git add campaigns/{PUSH} campaigns/{DIGEST}" in result.out
    # The clone that the commit makes plans nothing.
    fresh = clone(project, project.root.parent / "fresh")
    plan = fresh.run("plan", "--detailed-exitcode", env=ENV)
    assert plan.code == 0, plan.all
    assert "0 to create" in plan.out


def test_pin_ids_false_and_sandbox_targets_leave_the_files_untouched(
    project: Project, sandbox: Any
) -> None:
    team(project, top="pin_ids = false\n")
    project.write(
        "sandboxed.yaml",
        project.read(DIGEST)
        .replace("target: team\n", "")
        .replace("Monthly digest", "Sandboxed digest"),
    )
    before = {p: p.read_bytes() for p in project.campaigns.rglob("*.yaml")}
    result = project.run("apply", "--auto-approve", env=ENV)
    assert result.code == 0, result.all
    assert len(creations(sandbox)) == 3
    assert {p: p.read_bytes() for p in project.campaigns.rglob("*.yaml")} == before
    assert "Pinned" not in result.out
    assert set(project.state("team")["campaigns"]) == {DIGEST}
    assert set(project.state("sandbox")["campaigns"]) == {"sandboxed.yaml"}


def test_a_read_only_file_is_reported_and_the_state_keeps_the_id(
    project: Project, sandbox: Any
) -> None:
    team(project)
    project.remove(PUSH)
    path = project.campaigns / DIGEST
    before = path.read_bytes()
    path.chmod(0o444)
    result = project.run("apply", "--auto-approve", env=ENV)
    assert result.code == 0, result.all
    assert path.read_bytes() == before
    new_id = project.state("team")["campaigns"][DIGEST]["id"]
    assert (
        f"not pinned campaigns/{DIGEST}: the file is read-only; the state store records id "
        f"{new_id} for target team" in " ".join(result.out.split())
    )
    assert project.run("plan", "--detailed-exitcode", env=ENV).code == 0


def test_sandbox_reset_clears_the_sandbox_targets_state(project: Project, sandbox: Any) -> None:
    team(project)
    project.write(
        "sandboxed.yaml",
        project.read(DIGEST)
        .replace("target: team\n", "")
        .replace("Monthly digest", "Sandboxed digest"),
    )
    assert project.run("apply", "--auto-approve", env=ENV).code == 0
    assert project.state("sandbox")["campaigns"]
    db = project.root / ".syncer" / "other-sandbox.db"
    result = project.run("sandbox", "reset", "--db", str(db))
    assert result.code == 0, result.all
    assert "State cleared for sandbox target(s) sandbox, sandbox-batch" in result.all
    assert project.state("sandbox")["campaigns"] == {}
    assert set(project.state("team")["campaigns"]) == {DIGEST}


def test_a_pinned_id_that_does_not_exist_is_an_error_at_the_id(
    project: Project, sandbox: Any
) -> None:
    team(project)
    project.remove(PUSH)
    typo = "66a1f0c2e4b0a1b2c3d4e5ff"
    project.write(
        DIGEST, project.read(DIGEST).replace("target: team\n", f"target: team\nid: {typo}\n")
    )
    for command in (("plan",), ("apply", "--auto-approve")):
        result = project.run(*command, env=ENV)
        assert result.code == 1, result.all
        assert (
            f"campaigns/{DIGEST}:4:1: id: {typo} is not a campaign of target 'team' (moengage)"
            in result.err
        ), result.err
    assert creations(sandbox) == []
    assert project.state("team")["campaigns"] == {}


def test_ci_with_local_state_says_once_what_the_runner_loses(
    project: Project, sandbox: Any
) -> None:
    team(project)
    for command in (("plan",), ("apply", "--auto-approve")):
        result = project.run(*command, env={**ENV, "CI": "true"})
        assert result.code == 0, result.all
        notes = [line for line in result.err.splitlines() if "CI with a local state store" in line]
        assert len(notes) == 1, result.err
        flat = " ".join(result.err.split())
        assert "the ids of campaigns this run creates, unless the pinned campaign files" in flat
        assert "batch's last-applied digests" in flat
        assert '`[state] backend = "s3"`' in flat
    quiet = project.run("plan", env={**ENV, "CI": "false"})
    assert "CI with a local state store" not in quiet.all


def test_the_quickstart_replays_after_sandbox_reset(tmp_path: Path) -> None:
    """The repository's own project (embedded sandbox targets): apply, reset, and the first
    plan again, from another working directory (the reset finds the project's data)."""
    root = tmp_path / "clone"
    root.mkdir()
    shutil.copy(REPO / "syncer.toml", root / "syncer.toml")
    shutil.copytree(REPO / "campaigns", root / "campaigns")
    shutil.copytree(REPO / "templates", root / "templates")
    project = Project(root, base_url="(embedded)")
    before = {p: p.read_bytes() for p in project.campaigns.rglob("*.yaml")}
    first = project.run("plan")
    assert project.run("apply", "--auto-approve").code == 3
    assert {p: p.read_bytes() for p in project.campaigns.rglob("*.yaml")} == before
    reset = project.run("sandbox", "reset")
    assert reset.code == 0, reset.all
    assert f"({root / '.syncer' / 'sandbox.db'})" in reset.err
    replay = project.run("plan")
    assert replay.code == first.code == 3
    assert replay.out == first.out


def test_a_replacement_moves_the_pin_to_the_new_campaign(project: Project, sandbox: Any) -> None:
    """`on_locked: replace` in a real target: the file that pinned the old campaign pins its
    replacement after the apply (the old id stays in the state store's history)."""
    project.configure(
        extra=f"""
[targets.team]
provider = "moengage"
base_url = "{project.base_url}"
updated_by = "crm-bot@example.com"
rate_limit_scale = 20.0

[targets.team.vars]
brand = "Acme"
"""
    )
    project.copy_examples()
    key = "promotions/spring-sale.yaml"
    for path in list(project.campaigns.rglob("*.yaml")):
        if path.relative_to(project.campaigns).as_posix() != key:
            path.unlink()
    old = "66a1f0c2e4b0a1b2c3d4e502"  # the seeded Spring sale, in every workspace
    text = (
        project.read(key)
        .replace("provider: moengage\n", "provider: moengage\ntarget: team\n")
        .replace("campaign:\n", "lifecycle:\n  on_locked: replace\ncampaign:\n", 1)
    )
    project.write(key, text)
    result = project.run("apply", "--auto-approve", env=ENV)
    assert result.code == 0, result.all
    entry = project.state("team")["campaigns"][key]
    assert [h["id"] for h in entry["history"]] == [old]
    assert project.read(key) == text.replace(f"id: {old}\n", f"id: {entry['id']}\n")
    again = project.run("plan", "--detailed-exitcode", env=ENV)
    assert again.code == 0, again.all
    assert "which was replaced by" not in again.out
