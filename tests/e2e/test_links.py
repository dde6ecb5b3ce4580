"""Nothing is written or locked through a link: `.syncer`, its `state/`, `ratelimit/` and
`journal/`, the journal file and the lock. Each, made a link to somewhere outside, stops
`apply` before any call with the link named, and leaves the place it points to untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_gitops_saved_plans import welcome_only
from tests.support.project import Project

LINKS = {
    ".syncer": "dir",
    ".syncer/state": "dir",
    ".syncer/ratelimit": "dir",
    ".syncer/journal": "dir",
    ".syncer/journal/sandbox.jsonl": "file",
    ".syncer/state/sandbox.lock": "file",
}


@pytest.mark.parametrize("link", sorted(LINKS))
def test_a_link_in_place_of_what_the_tool_writes_is_refused(
    project: Project, sandbox: Any, tmp_path: Path, link: str
) -> None:
    welcome_only(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    path = project.root / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(elsewhere if LINKS[link] == "dir" else victim)
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve")
    assert result.code == 1, result.all
    assert f"{path}:1:1: is a symbolic link" in result.err
    assert "Traceback" not in result.all and "This is a bug" not in result.all
    assert sorted(p.name for p in elsewhere.iterdir()) == ["victim.txt"]
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert [r for r in sandbox.requests() if r["method"] != "GET"] == []


def test_plan_refuses_a_linked_rate_limit_log_directory(
    project: Project, sandbox: Any, tmp_path: Path
) -> None:
    welcome_only(project)
    (tmp_path / "elsewhere").mkdir()
    (project.root / ".syncer").mkdir()
    (project.root / ".syncer" / "ratelimit").symlink_to(tmp_path / "elsewhere")
    sandbox.clear_requests()
    result = project.run("plan")
    assert result.code == 1, result.all
    assert "ratelimit:1:1: is a symbolic link" in result.err
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert sandbox.requests() == []


def test_a_project_reached_through_a_link_still_works(sandbox: Any, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)
    project = Project(tmp_path / "linked", sandbox.base_url)
    project.configure()
    welcome_only(project)
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert (real / ".syncer" / "state" / "sandbox.json").is_file()
