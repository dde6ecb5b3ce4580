"""The pipeline examples, the pre-commit hook and the campaign-file schema are real and current.

Every `syncer ...` command written in `examples/gitops/` parses with the real CLI (a renamed
flag breaks this test, not a user's pipeline); the comment marker and checksum the workflows
look for are the ones the Markdown renderer writes; the GitLab helper talks to a fake GitLab
on 127.0.0.1; every example campaign validates against `syncer schema`, and a typo does not.
"""

from __future__ import annotations

import copy
import http.server
import json
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import click
import jsonschema_rs
import pytest
from ruamel.yaml import YAML

from syncer.cli.root import app
from syncer.render.markdown import MARKER
from tests.support.project import REPO, Project

GITOPS = REPO / "examples" / "gitops"
WORKFLOWS = sorted((GITOPS / "github" / "workflows").glob("*.yml"))
GITLAB = GITOPS / "gitlab" / ".gitlab-ci.yml"


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def scripts(node: Any) -> Iterator[str]:
    """Every shell script in a workflow or a GitLab CI file."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script", "before_script") and isinstance(value, str | list):
                yield from [value] if isinstance(value, str) else value
            else:
                yield from scripts(value)
    elif isinstance(node, list):
        for item in node:
            yield from scripts(item)


def syncer_commands(script: str) -> Iterator[list[str]]:
    text = script.replace("\\\n", " ")
    text = re.sub(r"\$\{\{[^}]*\}\}", "VALUE", text)
    for line in re.split(r"[\n;]|&&|\|\|", text):
        line = line.strip()
        if line.startswith("syncer "):
            words = shlex.split(line.split(">")[0])
            yield [w.replace("$", "") for w in words[1:]]


def all_commands() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for path in [*WORKFLOWS, GITLAB]:
        for script in scripts(load_yaml(path)):
            found.extend((path.name, argv) for argv in syncer_commands(script))
    hooks = load_yaml(REPO / ".pre-commit-hooks.yaml")
    found.extend((".pre-commit-hooks.yaml", hook["entry"].split()[1:]) for hook in hooks)
    return found


def parse(argv: list[str]) -> None:
    """Parse (not run) a command line with the real CLI; raises click.UsageError if wrong."""
    ctx = app.make_context("syncer", [argv[0]])
    command = app.get_command(ctx, argv[0])
    assert command is not None, argv
    sub = command.make_context(argv[0], list(argv[1:]), parent=ctx)
    if isinstance(command, click.Group) and len(argv) > 1:
        leaf = command.get_command(sub, argv[1])
        assert leaf is not None, argv
        leaf.make_context(argv[1], list(argv[2:]), parent=sub)


def test_the_examples_run_the_commands_a_pipeline_needs() -> None:
    commands = {" ".join(argv[:1]) for _file, argv in all_commands()}
    assert {"validate", "plan", "show", "apply"} <= commands
    assert len(WORKFLOWS) == 4


@pytest.mark.parametrize(
    ("file", "argv"), all_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_every_syncer_command_in_the_examples_parses(file: str, argv: list[str]) -> None:
    parse(argv)


def test_a_wrong_flag_would_be_caught() -> None:
    with pytest.raises(click.UsageError):
        parse(["apply", "plan.json", "--max-age", "1d"])


def test_github_plan_workflow_posts_one_comment_found_by_the_renderers_marker() -> None:
    plan = (GITOPS / "github" / "workflows" / "campaign-syncer-plan.yml").read_text()
    assert json.dumps(MARKER) in plan  # the JS string literal of the marker
    assert "updateComment" in plan and "createComment" in plan
    data = load_yaml(GITOPS / "github" / "workflows" / "campaign-syncer-plan.yml")
    assert "pull_request" in (data.get(True) or data["on"])


def test_github_apply_is_serialised_and_bound_to_the_reviewed_checksum() -> None:
    data = load_yaml(GITOPS / "github" / "workflows" / "campaign-syncer-apply.yml")
    assert data["concurrency"] == {"group": "campaign-syncer-apply", "cancel-in-progress": False}
    text = (GITOPS / "github" / "workflows" / "campaign-syncer-apply-target.yml").read_text()
    assert "--checksum" in text and "--max-plan-age" in text
    assert re.search(r"<!-- checksum: \(sha256:\[0-9a-f\]\{64\}\) -->", text)


TAG = "<!-- campaign-syncer-target: {} -->"


def test_github_plans_every_target_and_promotes_staging_then_prod() -> None:
    workflows = GITOPS / "github" / "workflows"
    plan = load_yaml(workflows / "campaign-syncer-plan.yml")["jobs"]["plan"]
    targets = plan["strategy"]["matrix"]["target"]
    assert targets == ["staging", "prod"]
    steps = {step.get("name", ""): step for step in plan["steps"]}
    assert (
        '--target "${{ matrix.target }}" --out plan.json'
        in steps["Plan this target (its own saved plan, its own checksum)"]["run"]
    )
    uploaded = next(s for s in plan["steps"] if "upload-artifact" in s.get("uses", ""))
    assert uploaded["with"]["name"] == "campaign-syncer-plan-${{ matrix.target }}"
    plan_text = (workflows / "campaign-syncer-plan.yml").read_text()
    assert TAG.format("%s") in plan_text and TAG.format("${{ matrix.target }}") in plan_text

    jobs = load_yaml(workflows / "campaign-syncer-apply.yml")["jobs"]
    assert list(jobs) == ["staging", "prod"]
    assert jobs["prod"]["needs"] == "staging"
    assert [jobs[t]["with"]["target"] for t in jobs] == targets
    assert jobs["prod"]["with"]["environment"] == "campaigns-production"
    called = load_yaml(workflows / "campaign-syncer-apply-target.yml")
    assert called["jobs"]["apply"]["environment"] == "${{ inputs.environment }}"
    text = (workflows / "campaign-syncer-apply-target.yml").read_text()
    # Each target downloads its own plan and reads the checksum of its own comment.
    assert '--name "campaign-syncer-plan-$TARGET"' in text
    assert TAG.format("${process.env.TARGET}") in text


def test_gitlab_plans_every_target_and_promotes_staging_then_prod() -> None:
    data = load_yaml(GITLAB)
    assert data["plan"]["parallel"]["matrix"] == [{"TARGET": ["staging", "prod"]}]
    assert any('--target "$TARGET"' in line for line in data["plan"]["script"])
    assert data["apply:staging"]["variables"] == {"TARGET": "staging"}
    assert data["apply:prod"]["variables"] == {"TARGET": "prod"}
    assert data["apply:prod"]["needs"] == ["apply:staging"]
    assert data["apply:prod"]["environment"]["name"] == "campaigns-production"
    stages = data["stages"]
    assert stages.index(data["apply:staging"]["stage"]) < stages.index(data["apply:prod"]["stage"])


def test_drift_check_is_scheduled_and_fails_on_drift() -> None:
    data = load_yaml(GITOPS / "github" / "workflows" / "campaign-syncer-drift.yml")
    on = data.get(True) or data["on"]
    assert "schedule" in on and "workflow_dispatch" in on
    text = (GITOPS / "github" / "workflows" / "campaign-syncer-drift.yml").read_text()
    assert "--detailed-exitcode" in text and "exit 1" in text


def test_gitlab_apply_is_serialised_by_a_resource_group() -> None:
    data = load_yaml(GITLAB)
    assert data[".apply"]["resource_group"] == "campaign-syncer-apply"
    assert any(
        rule["if"].startswith('$CI_PIPELINE_SOURCE == "schedule"')
        for rule in data["drift"]["rules"]
    )


def test_the_checksum_comment_the_pipelines_read_is_what_markdown_writes(project: Project) -> None:
    project.copy_examples()
    for key in ("batch/reactivation.yaml", "batch/spring-push.yaml"):
        project.remove(key)
    out = project.root / "plan.json"
    project.run("plan", "--out", str(out))
    shown = project.run("show", str(out), "--format", "markdown")
    assert shown.code == 0, shown.all
    checksum = json.loads(out.read_text())["checksum"]
    assert shown.out.startswith(MARKER)
    found = re.search(r"<!-- checksum: (sha256:[0-9a-f]{64}) -->", shown.out)
    assert found and found.group(1) == checksum
    assert project.run("show", str(out), "--detailed-exitcode").code == 3


# --- the pre-commit hook ---------------------------------------------------------------


def test_pre_commit_hook_runs_syncer_validate(project: Project) -> None:
    (hook,) = load_yaml(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "syncer-validate" and hook["pass_filenames"] is False
    assert re.match(hook["files"], "campaigns/onboarding/welcome.yaml")
    assert re.match(hook["files"], "syncer.toml")
    project.copy_examples()
    args = hook["entry"].split()[1:]
    assert project.run(*args).code == 0
    project.write("onboarding/typo.yaml", "provider: moengage\ncampaing: {}\n")
    failed = project.run(*args)
    assert failed.code == 1 and "onboarding/typo.yaml:" in failed.err


# --- the schema ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "syncer", "schema"], capture_output=True, text=True, check=True
    )
    data: dict[str, Any] = json.loads(result.stdout)
    jsonschema_rs.meta.validate(data)
    return data


EXAMPLES = sorted((REPO / "campaigns").rglob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_example_campaign_validates_against_the_schema(
    schema: dict[str, Any], path: Path
) -> None:
    jsonschema_rs.validate(schema, load_yaml(path))


@pytest.mark.parametrize(
    "typo",
    [
        lambda doc: doc.__setitem__("campain", doc.pop("campaign")),
        lambda doc: doc["campaign"]["basic_details"].__setitem__("nmae", "x"),
        lambda doc: doc.__setitem__("state", "RUNNING"),
        lambda doc: doc.setdefault("lifecycle", {}).__setitem__("on_locked", "ignore"),
    ],
    ids=["top-level key", "nested key", "bad enum", "bad lifecycle"],
)
def test_a_typo_fails_the_schema(schema: dict[str, Any], typo: Any) -> None:
    doc = load_yaml(REPO / "campaigns" / "onboarding" / "welcome.yaml")
    typo(doc)
    with pytest.raises(jsonschema_rs.ValidationError):
        jsonschema_rs.validate(schema, doc)


def test_a_modeline_keeps_a_campaign_file_valid(project: Project) -> None:
    project.copy_examples()
    path = project.campaigns / "onboarding" / "welcome.yaml"
    path.write_text(
        "# yaml-language-server: $schema=../../campaign.schema.json\n" + path.read_text(),
        encoding="utf-8",
    )
    assert project.run("validate").code == 0


# --- the GitLab helper against a fake GitLab -------------------------------------------


class FakeGitLab(http.server.BaseHTTPRequestHandler):
    notes: ClassVar[list[dict[str, Any]]] = []
    plan = b'{"format_version": 1}'
    head = "abc123"

    def log_message(self, *_args: Any) -> None:
        pass

    def _reply(self, data: Any, raw: bool = False) -> None:
        body = data if raw else json.dumps(data).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        assert self.headers["PRIVATE-TOKEN"] == "glpat-test"
        if self.path == "/api/v4/user":
            self._reply(BOT)
            return
        path = self.path.split("?")[0].removeprefix("/api/v4/projects/7")
        routes: dict[str, Any] = {
            "/repository/commits/merge123/merge_requests": [
                {"iid": 5, "sha": self.head, "state": "merged"}
            ],
            "/merge_requests/5/pipelines": [
                {"id": 90, "sha": "older", "status": "success"},
                {"id": 91, "sha": self.head, "status": "success"},
            ],
            "/pipelines/91/jobs": [
                {"id": 300, "name": "validate"},
                {"id": 301, "name": "plan"},
                {"id": 302, "name": "plan: [staging]"},
                {"id": 303, "name": "plan: [prod]"},
            ],
            "/merge_requests/5/notes": self.notes,
        }
        if path == "/jobs/301/artifacts/plan.json":
            self._reply(self.plan, raw=True)
        elif path in ("/jobs/302/artifacts/plan.json", "/jobs/303/artifacts/plan.json"):
            self._reply(path.split("/")[2].encode(), raw=True)
        else:
            self._reply(routes[path])

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        note = {"id": 77, "author": BOT, **json.loads(self.rfile.read(length))}
        self.notes.append(note)
        self._reply(note)

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"])
        number = int(self.path.rsplit("/", 1)[1])
        (note,) = [n for n in self.notes if n["id"] == number]
        note.update(json.loads(self.rfile.read(length)))
        self._reply(note)


BOT = {"id": 42, "username": "project_7_bot"}


@pytest.fixture
def gitlab() -> Iterator[dict[str, str]]:
    FakeGitLab.notes = [{"id": 1, "body": "LGTM"}]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {
        "CI_API_V4_URL": f"http://127.0.0.1:{server.server_address[1]}/api/v4",
        "CI_PROJECT_ID": "7",
        "CI_MERGE_REQUEST_IID": "5",
        "CI_COMMIT_SHA": "merge123",
        "GITLAB_TOKEN": "glpat-test",
        "PATH": "/usr/bin:/bin",
    }
    server.shutdown()
    server.server_close()


def helper(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = GITOPS / "gitlab" / "gitlab-syncer.py"
    return subprocess.run(
        [sys.executable, str(script), *args], env=env, cwd=cwd, capture_output=True, text=True
    )


def test_gitlab_helper_posts_then_updates_one_note_and_fetches_the_reviewed_plan(
    gitlab: dict[str, str], tmp_path: Path
) -> None:
    checksum = "sha256:" + "c" * 64
    first = tmp_path / "first.md"
    first.write_text(f"{MARKER}\n<!-- checksum: {'sha256:' + 'a' * 64} -->\nplan 1\n")
    second = tmp_path / "second.md"
    second.write_text(f"{MARKER}\n<!-- checksum: {checksum} -->\nplan 2\n")
    assert helper(gitlab, "comment", str(first), cwd=tmp_path).returncode == 0
    assert helper(gitlab, "comment", str(second), cwd=tmp_path).returncode == 0
    assert [n["body"] for n in FakeGitLab.notes].count(second.read_text()) == 1
    assert len(FakeGitLab.notes) == 2
    fetched = helper(gitlab, "fetch-plan", "reviewed", cwd=tmp_path)
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.strip() == checksum
    assert (tmp_path / "reviewed" / "plan.json").read_bytes() == FakeGitLab.plan


def test_gitlab_helper_keeps_one_note_and_one_plan_per_target(
    gitlab: dict[str, str], tmp_path: Path
) -> None:
    sums = {"staging": "sha256:" + "5" * 64, "prod": "sha256:" + "9" * 64}
    for target, checksum in sums.items():
        note = tmp_path / f"{target}.md"
        note.write_text(f"{MARKER}\n<!-- checksum: {checksum} -->\n\n{TAG.format(target)}\n")
        assert helper(gitlab, "comment", str(note), target, cwd=tmp_path).returncode == 0
    assert len(FakeGitLab.notes) == 3  # LGTM, then one per target
    for target, job in (("prod", "303"), ("staging", "302")):
        fetched = helper(gitlab, "fetch-plan", target, target, cwd=tmp_path)
        assert fetched.returncode == 0, fetched.stderr
        assert fetched.stdout.strip() == sums[target]
        assert (tmp_path / target / "plan.json").read_bytes() == job.encode()


MULTI_TARGET = {
    "provider": "moengage",
    "targets": ["staging", "prod"],
    "id": {"prod": "77b2a1d3f5c6b7a8c9d0e1f2"},
    "overrides": {"prod": {"state": "PAUSED", "campaign": {"basic_details": {"name": "W"}}}},
    "campaign": {"channel": "EMAIL", "basic_details": {"name": "W (${var.env_label})"}},
}


def test_the_schema_knows_multi_target_files(schema: dict[str, Any]) -> None:
    jsonschema_rs.validate(schema, MULTI_TARGET)


@pytest.mark.parametrize(
    "typo",
    [
        lambda doc: doc.__setitem__("target", "prod"),
        lambda doc: doc["overrides"]["prod"].__setitem__("provider", "batch"),
        lambda doc: doc["overrides"]["prod"].__setitem__("state", "RUNNING"),
        lambda doc: doc["id"].__setitem__("staging", 12),
    ],
    ids=["target and targets", "override of provider", "bad override state", "id not a string"],
)
def test_the_schema_refuses_multi_target_mistakes(schema: dict[str, Any], typo: Any) -> None:
    doc = copy.deepcopy(MULTI_TARGET)
    typo(doc)
    with pytest.raises(jsonschema_rs.ValidationError):
        jsonschema_rs.validate(schema, doc)


def _step_script(workflow: str, step: str) -> str:
    """The github-script `script:` of one step of a GitHub workflow example."""
    data = load_yaml(GITOPS / "github" / "workflows" / workflow)
    for job in data["jobs"].values():
        for found in job.get("steps", []):
            if found.get("name") == step:
                script: str = found["with"]["script"]
                return script
    raise AssertionError(f"no step {step!r} in {workflow}")


def _run_script(script: str, comments: list[dict[str, Any]], target: str) -> dict[str, Any]:
    """Run a github-script snippet in node with a fake `github`, `context` and `core`."""
    fakes = """
        const failed = [];
        const github = {
          paginate: async () => comments,
          rest: { issues: { listComments: () => null } },
        };
        const context = { repo: { owner: "o", repo: "r" }, payload: {
          pull_request: { number: 5 } } };
        const core = { setFailed: (m) => failed.push(m) };
    """.replace("\n        ", "\n")
    body = script.replace("${{ matrix.target }}", target)
    harness = (
        f"const comments = {json.dumps(comments)};\n{fakes}\n"
        f"process.env.TARGET = {json.dumps(target)};\n"
        f"(async () => {{ {body} }})()"
        ".then((result) => console.log(JSON.stringify({ result, failed })));"
    )
    done = subprocess.run(["node", "-e", harness], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the workflow's script")
def test_github_apply_trusts_only_the_bots_own_plan_comment() -> None:
    script = _step_script(
        "campaign-syncer-apply-target.yml",
        "Checksum shown in the pull request's plan comment for this target",
    )
    forged, real = "sha256:" + "f" * 64, "sha256:" + "b" * 64

    def comment(checksum: str, login: str, kind: str) -> dict[str, Any]:
        body = f"{MARKER}\n<!-- checksum: {checksum} -->\n{TAG.format('prod')}\n"
        return {"body": body, "user": {"login": login, "type": kind}}

    mallory = comment(forged, "mallory", "User")
    other_app = comment(forged, "some-app[bot]", "Bot")
    bot = comment(real, "github-actions[bot]", "Bot")
    assert _run_script(script, [mallory, other_app, bot], "prod")["result"] == real
    alone = _run_script(script, [mallory, other_app], "prod")
    assert alone["result"] == "" and alone["failed"]


def test_gitlab_helper_trusts_only_its_own_plan_note(
    gitlab: dict[str, str], tmp_path: Path
) -> None:
    forged, real = "sha256:" + "f" * 64, "sha256:" + "b" * 64
    FakeGitLab.notes.append(
        {"id": 9, "author": {"id": 7, "username": "mallory"}, "body": f"{MARKER}\n"
         f"<!-- checksum: {forged} -->\n"}
    )
    note = tmp_path / "plan.md"
    note.write_text(f"{MARKER}\n<!-- checksum: {real} -->\nplan\n")
    assert helper(gitlab, "comment", str(note), cwd=tmp_path).returncode == 0
    assert FakeGitLab.notes[1]["body"].count(forged) == 1  # the forged note is left as it is
    fetched = helper(gitlab, "fetch-plan", "reviewed", cwd=tmp_path)
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.strip() == real
