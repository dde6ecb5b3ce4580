"""Issue 7, secrets: every command, run with known secret values in the credential variables
against a sandbox pinned to those credentials (and against a target whose key is wrong: 401),
then everything written is searched for the secrets in every form they travel in: as is,
base64, the Basic-auth token, URL- and JSON-escaped. Stdout, stderr, `--debug` logs and
tracebacks, and every file under the project (state, journal, plans, campaigns, caches)."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.project import REPO, Project, Result

WORKSPACE = "ws-acme-7781"
MOE_KEY = "moe-Key/Zx81+Qp0=secret"
PROJECT_KEY = "proj-acme-1"
BATCH_KEY = "batch-Key/Lm42+Tt9=secret"
WRONG_KEY = "wrong-Key/Hh17+Ww3=secret"
ENV = {
    "MOENGAGE_WORKSPACE_ID": WORKSPACE,
    "MOENGAGE_API_KEY": MOE_KEY,
    "BATCH_PROJECT_KEY": PROJECT_KEY,
    "BATCH_API_KEY": BATCH_KEY,
    "WRONG_API_KEY": WRONG_KEY,
}


def forms(secret: str, *accounts: str) -> dict[str, str]:
    """Every encoding a secret may travel in."""
    found = {
        "plain": secret,
        "base64": base64.b64encode(secret.encode()).decode(),
        "url": quote(secret, safe=""),
        "json": json.dumps(secret)[1:-1],
        "repr": repr(secret)[1:-1],
        "bytes repr": repr(secret.encode())[2:-1],
    }
    for account in accounts:
        found[f"basic {account}"] = base64.b64encode(f"{account}:{secret}".encode()).decode()
    return found


BROKEN_KEY = "moe-Key/Qq\n71+Zz=secret"
"""A key with a line break in it (a bad copy and paste): HTTP libraries quote such header
values in their errors and debug logs."""
NEEDLES = {
    f"{name} ({form})": value
    for name, secret in (
        ("moengage key", MOE_KEY),
        ("batch key", BATCH_KEY),
        ("wrong", WRONG_KEY),
        ("broken", BROKEN_KEY),
    )
    for form, value in forms(secret, WORKSPACE, PROJECT_KEY).items()
}


@pytest.fixture
def sandbox(sandbox_factory: Any) -> Any:
    return sandbox_factory(
        rate_limit_scale=20.0,
        moengage_workspace_id=WORKSPACE,
        moengage_api_key=MOE_KEY,
        batch_project_key=PROJECT_KEY,
        batch_api_key=BATCH_KEY,
    )


@pytest.fixture
def secured(tmp_path: Path, sandbox: Any) -> Project:
    """The demo project, its targets real (not `sandbox = true`): credentials from the env."""
    project = Project(tmp_path / "project", sandbox.base_url)
    project.copy_examples()
    (project.root / "syncer.toml").write_text(
        f"""
campaigns_dir = "campaigns"
default_target = "sandbox"

[targets.sandbox]
provider = "moengage"
base_url = "{sandbox.base_url}"
updated_by = "crm-bot@example.com"
rate_limit_scale = 20.0
max_retries = 2
[targets.sandbox.vars]
brand = "Acme"

[targets.sandbox-batch]
provider = "batch"
base_url = "{sandbox.base_url}"
rate_limit_scale = 20.0
max_retries = 2
[targets.sandbox-batch.vars]
brand = "Acme"

[targets.wrong]
provider = "moengage"
base_url = "{sandbox.base_url}"
api_key_env = "WRONG_API_KEY"
rate_limit_scale = 20.0
[targets.wrong.vars]
brand = "Acme"
""",
        encoding="utf-8",
    )
    return project


class Transcript:
    """Everything the commands printed."""

    def __init__(self, project: Project, env: dict[str, str] = ENV) -> None:
        self.project = project
        self.env = env
        self.outputs: list[tuple[str, str]] = []

    def run(self, *args: str) -> Result:
        result = self.project.run(*args, env=self.env)
        self.outputs.append((" ".join(args), result.all))
        return result

    def spawn(self, *args: str) -> subprocess.CompletedProcess[str]:
        """In a real process: `--debug` tracebacks are printed by the interpreter itself."""
        done = subprocess.run(
            [sys.executable, "-m", "syncer", *self.project.argv(*args)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **self.env, "NO_COLOR": "1"},
            cwd=self.project.root,
            check=False,
        )
        self.outputs.append((" ".join(args), done.stdout + done.stderr))
        return done


def leaks(text: str) -> list[str]:
    return [label for label, needle in NEEDLES.items() if needle in text]


def written_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def test_no_command_writes_a_secret_anywhere(secured: Project, sandbox: Any) -> None:
    project = secured
    t = Transcript(project)
    plans = project.root / "plans"
    assert t.run("validate").code == 0
    assert t.run("plan").code == 3
    assert t.run("plan", "--format", "json").code == 3
    assert t.run("plan", "--format", "markdown").code == 3
    assert t.run("plan", "--out", str(plans / "plan.json")).code == 3
    assert t.spawn("--debug", "plan").returncode == 3
    for fmt in ("text", "json", "markdown"):
        assert t.run("show", str(plans / "plan.json"), "--format", fmt).code == 0
    assert t.run("apply", str(plans / "plan.json")).code == 3
    assert t.run("pull").code == 0
    assert t.run("import").code == 0
    assert t.run("import", "--target", "sandbox-batch").code == 0
    assert t.run("schema").code == 0
    assert t.run("state", "list").code == 0
    assert t.run("state", "unlock").code == 0
    # Failures: transient ones retried, then given up on, with --debug tracing every call.
    sandbox.set_faults({"error_rate": {"*": {"rate": 1.0, "statuses": [500, 503]}}})
    project.write(
        "onboarding/welcome.yaml",
        project.read("onboarding/welcome.yaml").replace("Welcome to Acme", "Welcome aboard"),
    )
    assert t.spawn("--debug", "apply", "--auto-approve").returncode == 1
    assert t.run("apply", "--auto-approve", "--format", "json").code == 1
    sandbox.clear_faults()
    assert t.run("--debug", "apply", "--auto-approve").code in (0, 3)
    # A key the vendor refuses (401), plain and with --debug.
    new = REPO / "campaigns" / "newsletters" / "monthly-digest.yaml"
    project.write(
        "wrong/digest.yaml",
        new.read_text().replace("provider: moengage\n", "provider: moengage\ntarget: wrong\n"),
    )
    assert t.run("plan", "--target", "wrong").code == 1
    assert t.spawn("--debug", "plan", "--target", "wrong").returncode == 1
    assert t.spawn("--debug", "apply", "--auto-approve", "--target", "wrong").returncode == 1
    assert t.run("sandbox", "reset", "--db", str(project.root / ".syncer" / "copy.db")).code == 0

    assert any("401" in text for _, text in t.outputs), "the wrong key was never refused"
    for command, text in t.outputs:
        assert leaks(text) == [], f"`syncer {command}` printed {leaks(text)}"
    files = list(written_files(project.root))
    assert any(".syncer" in p.parts and "journal" in p.parts for p in files) or any(
        p.name.endswith(".json") and "state" in p.parts for p in files
    )
    for path in files:
        found = leaks(path.read_bytes().decode("utf-8", "replace"))
        assert found == [], f"{path.relative_to(project.root)} holds {found}"


def test_files_the_tool_writes_are_private_and_inside_the_project(
    secured: Project, sandbox: Any
) -> None:
    """State, journal, locks, caches, plan files, imported campaigns, the sandbox's data:
    owner-only (0600 files, 0700 directories), and nothing outside the project."""
    project = secured
    outside_before = set(project.root.parent.iterdir())
    t = Transcript(project)
    t.run("plan", "--out", str(project.root / "plans" / "plan.json"))
    t.run("apply", "--auto-approve")
    t.run("import", "--dir", "adopted/moengage")
    t.run("sandbox", "reset", "--db", str(project.root / ".syncer" / "copy.db"))
    assert set(project.root.parent.iterdir()) == outside_before
    mine = [project.root / ".syncer", project.root / "plans", project.campaigns / "adopted"]
    for top in mine:
        assert top.is_dir(), top
        for path in [top, *top.rglob("*")]:
            mode = stat.S_IMODE(path.lstat().st_mode)
            expected = 0o700 if path.is_dir() else 0o600
            assert mode == expected, f"{path.relative_to(project.root)}: {oct(mode)}"


@pytest.mark.parametrize(
    ("variable", "target"),
    [("BATCH_API_KEY", "sandbox-batch"), ("MOENGAGE_API_KEY", "sandbox")],
)
def test_a_key_that_cannot_be_sent_is_refused_unseen(
    secured: Project, sandbox: Any, variable: str, target: str
) -> None:
    """Batch sends its key as is (`Bearer ...`): before this check, h11 refused the header and
    the --debug log quoted it; MoEngage's went out base64-encoded, as a wrong key."""
    t = Transcript(secured, {**ENV, variable: BROKEN_KEY})
    plain = t.run("plan", "--target", target)
    debug = t.spawn("--debug", "apply", "--auto-approve", "--target", target)
    assert plain.code == debug.returncode == 1
    assert f"{variable} (target {target!r}) cannot be sent in an HTTP header" in plain.err
    for command, text in t.outputs:
        assert leaks(text) == [], f"`syncer {command}` printed {leaks(text)}"
    assert sandbox.requests() == []
