"""The README's first command, as a new user runs it: the repository's own syncer.toml (embedded
sandbox targets, no credentials) and example campaigns: plan, apply, plan again. Among them,
one file goes to two environments, `sandbox-staging` and `sandbox-prod`: two workspaces of the
one embedded sandbox."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.support.project import REPO, Project


def test_quickstart_plan_apply_plan_against_the_embedded_sandbox(tmp_path: Path) -> None:
    root = tmp_path / "clone"
    root.mkdir()
    shutil.copy(REPO / "syncer.toml", root / "syncer.toml")
    shutil.copytree(REPO / "campaigns", root / "campaigns")
    shutil.copytree(REPO / "templates", root / "templates")  # layouts, partials, MJML
    project = Project(root, base_url="(embedded)")

    first = project.run("plan")
    assert first.code == 3, first.all  # one change is blocked on purpose
    assert "warning [" not in first.err  # the example's emails pass every check
    assert "embedded sandbox" in first.out
    summary = [line for line in first.out.splitlines() if line.startswith("Plan:")]
    assert summary == [
        "Plan: 4 to create, 2 to update, 0 state changes, 0 to replace, 1 blocked, "
        "0 to forget, 1 unchanged."
    ]
    assert "this plan starts sending campaign 'Monthly digest'" in first.out

    applied = project.run("apply", "--auto-approve")
    assert applied.code == 3, applied.all
    assert "6 applied, 0 failed, 0 not attempted, 0 outcome unknown" in applied.out
    assert "verified 6/6 converged" in applied.out

    second = project.run("plan")
    assert second.code == 3, second.all
    assert "Plan: 0 to create, 0 to update, 0 state changes, 0 to replace, 1 blocked" in second.out
    assert "promotions/spring-sale.yaml" in second.out

    # One file, a campaign in each environment's workspace, each with its own vars.
    with sqlite3.connect(root / ".syncer" / "sandbox.db") as conn:
        rows = conn.execute(
            "select workspace, name, body from moe_campaigns where name like 'Weekly tips%'"
        ).fetchall()
    made = {workspace: (name, json.loads(body)) for workspace, name, body in rows}
    assert sorted(made) == ["prod", "staging"]
    assert made["staging"][0] == "Weekly tips (staging)"
    assert made["prod"][0] == "Weekly tips (prod)"
    prod_email = made["prod"][1]["campaign_content"]["content"]["email"]
    assert prod_email["from_address"] == "news@acme.example"
    assert "preview_text" not in prod_email  # prod's override clears it
    compared = project.run("compare", "sandbox-staging", "sandbox-prod")
    assert compared.code == 0, compared.all
    assert "environments/weekly-tips.yaml" in compared.out

    # Everything the tool wrote stays under the project, privately.
    db = root / ".syncer" / "sandbox.db"
    assert db.exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
    for path in (root / ".syncer" / "state").iterdir():
        assert path.stat().st_mode & 0o077 == 0, path
