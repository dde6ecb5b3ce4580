"""A damaged journal (a byte that is not UTF-8, a line nested 100,000 deep, a directory in its
place) or a lock that is a directory never ends in "This is a bug": `apply` names the file and
the place, sends nothing, and the documented way out (move the file aside) works.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_gitops_saved_plans import welcome_only, writes
from tests.support.project import Project

GOOD = b'{"t":"begin","run":"r1","time":"2026-01-01T00:00:00+00:00","plan":"p"}\n'


def journal(project: Project) -> Path:
    return project.root / ".syncer" / "journal" / "sandbox.jsonl"


DAMAGE = {
    "not UTF-8": (GOOD + b'{"t":"call","key":"caf\xe9"}\n', "sandbox.jsonl:2:23: ", "not UTF-8"),
    "deep": (GOOD + b"[" * 100_000 + b"]" * 100_000 + b"\n", "sandbox.jsonl:2:1: ", "too deep"),
    "deep enough": (GOOD + b"[" * 900 + b"]" * 900 + b"\n", "sandbox.jsonl:2:1: ", "too deep"),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_a_damaged_journal_is_named_with_its_line_and_the_way_out(
    project: Project, sandbox: Any, case: str
) -> None:
    welcome_only(project)
    content, where, why = DAMAGE[case]
    journal(project).parent.mkdir(parents=True)
    journal(project).write_bytes(content)
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve")
    assert result.code == 1, result.all
    assert where in result.err and "the apply journal is damaged" in result.err
    assert why.split()[-1] in result.err
    assert "move the file aside" in result.err
    assert "This is a bug" not in result.all and "Traceback" not in result.all
    assert writes(sandbox) == []
    # The documented way out: move it aside, then plan and apply again.
    journal(project).rename(journal(project).with_suffix(".damaged"))
    again = project.run("apply", "--auto-approve")
    assert again.code == 0, again.all


def test_a_directory_in_place_of_the_journal_is_named(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    journal(project).mkdir(parents=True)
    result = project.run("apply", "--auto-approve")
    assert result.code == 1, result.all
    assert f"{journal(project)}:1:1: the apply journal is damaged (cannot be read" in result.err
    assert "This is a bug" not in result.all
    shutil.rmtree(journal(project))
    assert project.run("apply", "--auto-approve").code == 0


def test_a_directory_in_place_of_the_lock_is_named(project: Project, sandbox: Any) -> None:
    welcome_only(project)
    lock = project.root / ".syncer" / "state" / "sandbox.lock"
    lock.mkdir(parents=True)
    result = project.run("apply", "--auto-approve")
    assert result.code == 1, result.all
    assert f"{lock}:1:1: is a directory, not a lock file" in result.err
    assert "This is a bug" not in result.all
