"""Start fast: the command line loads a step only when a command runs it.

`syncer --version` (and `--help`) load no step, no vendor model, no rich; `validate` loads
neither the HTTP client, nor the sandbox, nor boto3, nor a planner (a schema validator it
needs: a file that would create its campaign is checked against the vendor's schema), nor
rich when its output is not a terminal (CI). Checked in a fresh interpreter, as a user's
shell starts one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.project import REPO

PROBE = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
from syncer.cli import main
main(sys.argv[1:])
"""


def loaded(args: list[str], cwd: Path, *, no_color: bool = True) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1" if no_color else ""}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    modules: set[str] = set(json.loads(done.stderr.strip().splitlines()[-1]))
    return modules


def under(modules: set[str], *packages: str) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in packages or m.startswith(packages))


def test_version_loads_no_step_no_vendor_model_and_no_rich(tmp_path: Path) -> None:
    modules = loaded(["--version"], tmp_path)
    assert under(modules, "pydantic", "rich", "httpx", "jsonschema", "boto3", "ruamel") == []
    assert under(modules, "syncer.providers", "syncer.sandbox", "syncer.workflows") == []


def examples(project: Path) -> Path:
    """The repository's example campaigns, templates and config, copied into `project`."""
    shutil.copytree(REPO / "campaigns", project / "campaigns")
    shutil.copy(REPO / "syncer.toml", project / "syncer.toml")
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", project / "templates")
    return project


def test_validate_loads_no_http_client_and_no_sandbox(tmp_path: Path) -> None:
    modules = loaded(["validate"], examples(tmp_path))
    assert "syncer.providers.moengage.models" in modules  # it did validate
    assert under(modules, "httpx", "boto3", "uvicorn", "starlette") == []
    assert under(modules, "syncer.sandbox", "syncer.remote.client", "syncer.apply") == []
    # Nor what planning needs: the planners, and the vendor's published JSON Schema validator
    # is the Rust one (the pure-Python jsonschema cost more than 0.1 s to import).
    planners = ("syncer.providers.moengage.planner", "syncer.providers.batch.planner")
    assert under(modules, *planners) == []
    # Nor the rest of planning: a creation's planner (its requirements only), the plan and
    # state models, the routes of saved plans, the reading of remote bodies, the schema's
    # description; nor difflib (the closest key, for an unknown one).
    planning = (
        "syncer.providers.moengage.creation",
        "syncer.providers.moengage.routes",
        "syncer.providers.moengage.describe",
        "syncer.providers.batch.routes",
        "syncer.providers.batch.normalize",
        "syncer.providers.planning",
        "syncer.plan.staleness",
        "syncer.model.plan",
        "syncer.model.state",
    )
    assert "syncer.providers.moengage.requirements" in modules  # a file without an id
    assert under(modules, *planning, "difflib") == []
    assert {m.split(".")[0] for m in modules} & {"jsonschema", "referencing", "attrs"} == set()


def test_validate_in_ci_loads_no_rich(tmp_path: Path) -> None:
    # Standard error is a pipe here, as in CI: messages are written without rich, whether or
    # not NO_COLOR is set.
    modules = loaded(["validate"], examples(tmp_path), no_color=False)
    assert under(modules, "rich") == []


def test_plan_and_apply_load_no_yaml_writer() -> None:
    # ruamel.yaml (round-trip edits: `pull`, `import`, pinning a created id) costs about 50 ms
    # to import; a plan edits no file, and apply imports it only to pin an id.
    code = "import sys, syncer.cli.commands.plan, syncer.cli.commands.apply\n"
    code += "print(sorted(sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "ruamel" not in done.stdout


def test_a_command_runs_the_collector_rarely_and_restores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A command keeps most of what it builds to its end: the cycle collector scanning that heap
    # at Python's default pace cost a tenth of a 10,000-campaign plan. Callers that run
    # commands in-process get their own settings back.
    import gc

    from syncer import cli
    from syncer.cli import collector

    seen: list[tuple[int, int, int]] = []
    before = gc.get_threshold()
    real = cli.app.main

    def main(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(cli.app, "main", main)
    with pytest.raises(SystemExit) as exit:
        cli.main(["--version"])
    assert exit.value.code == 0
    assert seen == [(collector.COLLECT_AFTER, 30, 30)]
    assert gc.get_threshold() == before


def test_the_console_script_leaves_its_heap_to_the_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The process ends with the command: Python's last collection would scan the whole heap
    # once more. Frozen, it is skipped; an in-process caller (argv given) is left as it was.
    import gc

    from syncer import cli

    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(sys, "argv", ["syncer", "--version"])
    with pytest.raises(SystemExit):
        cli.main()
    assert frozen == [True]
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert frozen == [True]


def test_the_sandbox_server_keeps_pythons_own_collector_pace(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A server runs for hours: a command's rare, long collections would bunch its answers.
    import gc

    from syncer.cli import collector
    from syncer.cli.commands import sandbox
    from syncer.cli.output import Output
    from syncer.sandbox import server

    seen: list[tuple[int, int, int]] = []
    monkeypatch.setattr(server, "serve", lambda options: seen.append(gc.get_threshold()))
    before = gc.get_threshold()
    try:
        with collector.collector_for_one_command():
            sandbox.serve(Output(), "127.0.0.1", 0, tmp_path / "db.sqlite", 0.0, 1.0)
    finally:
        gc.set_threshold(*before)
    assert seen == [collector.DEFAULT]
