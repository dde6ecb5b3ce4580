"""Who the vendor records as author: config first, then the CI environment (documented order).

Order: the target's `updated_by`, the top-level `updated_by`, `SYNCER_UPDATED_BY`, GitLab's
`GITLAB_USER_EMAIL`, GitHub's `<GITHUB_ACTOR>@users.noreply.github.com`. `created_by` is the
target's `created_by`, else the same author. A saved plan keeps the author of plan time.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from syncer.config import credentials
from syncer.config import settings as config
from syncer.providers import registry
from tests.support.project import Project

CI_VARS = ("SYNCER_UPDATED_BY", "GITLAB_USER_EMAIL", "GITHUB_ACTOR")


def settings(tmp_path: Path, top: str = "", target: str = "") -> config.Settings:
    path = tmp_path / "syncer.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            {top}
            [targets.prod]
            provider = "moengage"
            data_center = "01"
            {target}
            """
        ),
        encoding="utf-8",
    )
    return config.load(path, registry.target_models())


ENV = {
    "SYNCER_UPDATED_BY": "override@example.com",
    "GITLAB_USER_EMAIL": "gitlab-user@example.com",
    "GITHUB_ACTOR": "octo",
}


@pytest.mark.parametrize(
    ("top", "target", "env", "updated", "created"),
    [
        (
            'updated_by = "top@example.com"',
            'updated_by = "t@example.com"',
            ENV,
            "t@example.com",
            "t@example.com",
        ),
        ('updated_by = "top@example.com"', "", ENV, "top@example.com", "top@example.com"),
        ("", "", ENV, "override@example.com", "override@example.com"),
        (
            "",
            "",
            {"GITLAB_USER_EMAIL": "gitlab-user@example.com", "GITHUB_ACTOR": "octo"},
            "gitlab-user@example.com",
            "gitlab-user@example.com",
        ),
        (
            "",
            "",
            {"GITHUB_ACTOR": "octo"},
            "octo@users.noreply.github.com",
            "octo@users.noreply.github.com",
        ),
        (
            "",
            'created_by = "maker@example.com"',
            {"GITHUB_ACTOR": "octo"},
            "octo@users.noreply.github.com",
            "maker@example.com",
        ),
        ("", "", {}, None, None),
        ("", "", {"SYNCER_UPDATED_BY": "  ", "GITHUB_ACTOR": ""}, None, None),
    ],
    ids=[
        "target",
        "top-level",
        "SYNCER_UPDATED_BY",
        "GitLab",
        "GitHub",
        "created_by",
        "none",
        "blank",
    ],
)
def test_author_precedence(
    tmp_path: Path,
    top: str,
    target: str,
    env: dict[str, str],
    updated: str | None,
    created: str | None,
) -> None:
    actor = credentials.actor(settings(tmp_path, top, target), "prod", env)
    assert (actor.updated_by, actor.created_by) == (updated, created)


def patches(sandbox: Any) -> list[dict[str, Any]]:
    return [r["body"] for r in sandbox.requests() if r["method"] == "PATCH"]


def welcome_change(project: Project) -> None:
    project.copy_examples()
    for key in (
        "batch/reactivation.yaml",
        "batch/spring-push.yaml",
        "newsletters/monthly-digest.yaml",
        "promotions/spring-sale.yaml",
    ):
        project.remove(key)


def test_in_ci_the_author_is_whoever_the_ci_says(project: Project, sandbox: Any) -> None:
    project.configure()
    text = (project.root / "syncer.toml").read_text(encoding="utf-8")
    (project.root / "syncer.toml").write_text(
        text.replace('updated_by = "crm-bot@example.com"\n', ""), encoding="utf-8"
    )
    welcome_change(project)
    sandbox.clear_requests()
    env = {"GITHUB_ACTOR": "merger", "SYNCER_UPDATED_BY": None, "GITLAB_USER_EMAIL": None}
    result = project.run("apply", "--auto-approve", env=env)
    assert result.code == 0, result.all
    assert [p["updated_by"] for p in patches(sandbox)] == ["merger@users.noreply.github.com"]


def test_without_any_author_the_config_is_refused_with_the_way_out(
    project: Project, sandbox: Any
) -> None:
    project.configure()
    text = (project.root / "syncer.toml").read_text(encoding="utf-8")
    (project.root / "syncer.toml").write_text(
        text.replace('updated_by = "crm-bot@example.com"\n', ""), encoding="utf-8"
    )
    welcome_change(project)
    sandbox.clear_requests()
    result = project.run("plan", env=dict.fromkeys(CI_VARS))
    assert result.code == 1, result.all  # a config error, once, not a block per campaign
    problems = [line for line in result.err.splitlines() if line.startswith("syncer.toml:")]
    assert len(problems) == 1 and "targets.sandbox: moengage records who makes" in problems[0]
    assert "SYNCER_UPDATED_BY" in problems[0]
    assert sandbox.requests() == []


def test_a_saved_plan_keeps_the_author_of_plan_time(project: Project, sandbox: Any) -> None:
    project.configure()
    text = (project.root / "syncer.toml").read_text(encoding="utf-8")
    (project.root / "syncer.toml").write_text(
        text.replace('updated_by = "crm-bot@example.com"\n', ""), encoding="utf-8"
    )
    welcome_change(project)
    out = project.root / "plan.json"
    clear = dict.fromkeys(CI_VARS)
    project.run("plan", "--out", str(out), env={**clear, "SYNCER_UPDATED_BY": "author@example.com"})
    sandbox.clear_requests()
    result = project.run("apply", str(out), env={**clear, "GITHUB_ACTOR": "merger"})
    assert result.code == 0, result.all
    assert [p["updated_by"] for p in patches(sandbox)] == ["author@example.com"]
    saved = json.loads(out.read_text())
    assert "author@example.com" in json.dumps(saved["campaigns"])
