"""Issue 7, hostile input, through the real CLI: every broken file of the corpus under
`tests/hostile/` (plus the cases git cannot hold: pipes, links, huge files, odd names) goes
through `validate` and `plan` against a served sandbox. Each must give a located
`file:line:col: message` on stderr and exit 1: never a traceback, a hang or a single request.

The tables below pin where each problem is reported, so a change of wording or position is a
deliberate one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest

from syncer.sandbox.handle import SandboxHandle
from syncer.sandbox.options import SandboxOptions
from tests.support.project import REPO, Project, Result

CORPUS = Path(__file__).parent / "hostile"
DEADLINE = 20.0

# file -> (line, column, part of the message)
CAMPAIGNS: dict[str, tuple[int, int, str]] = {
    "alias-reuse.yaml": (6, 11, "YAML anchors (&name) are not allowed"),
    "bad-date.yaml": (9, 66, "'2030-13-45' is not a valid date (month must be in 1..12)"),
    "bad-enum.yaml": (3, 3, "campaign.channel: this version manages EMAIL campaigns only"),
    "bad-ignore-path.yaml": (10, 3, "'..subject' is not a dotted path"),
    "bad-state.yaml": (2, 1, "state: 'RUNNING' is not one of ACTIVE | PAUSED | STOPPED"),
    "billion-laughs.yaml": (1, 4, "YAML anchors (&name) are not allowed"),
    "binary-png.yaml": (1, 1, "binary file (NUL bytes): not YAML text"),
    "binary-tag.yaml": (6, 11, "YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
    "bom-then-error.yaml": (4, 25, "invalid YAML: expected ',' or ']'"),
    "comment-only.yaml": (1, 1, "a campaign file is a mapping"),
    "control-character.yaml": (1, 1, "unacceptable character #x0007"),
    "custom-tag.yaml": (6, 11, "YAML tag '!include' is not allowed"),
    "deep-nesting-block.yaml": (66, 129, "nesting deeper than 64 levels"),
    "deep-nesting-flow.yaml": (2, 77, "nesting deeper than 64 levels"),
    "duplicate-key.yaml": (4, 3, "duplicate key: channel"),
    "empty-id.yaml": (2, 1, "id: must be a non-empty string"),
    "empty.yaml": (1, 1, "file is empty"),
    "huge-number.yaml": (9, 44, "is not a valid number (too many digits)"),
    "invalid-utf8.yaml": (6, 15, "not UTF-8 text"),
    "key-bool.yaml": (3, 3, "key 'true' is a boolean: keys must be strings"),
    "key-complex.yaml": (3, 5, "a key must be a string, not a mapping or a list"),
    "key-date.yaml": (3, 3, "key '2024-01-01' is a date: keys must be strings"),
    "key-null.yaml": (3, 3, "key '~' is null: keys must be strings"),
    "key-number.yaml": (3, 3, "key '1' is a number: keys must be strings"),
    "list-document.yaml": (1, 1, "a campaign file is a mapping"),
    "merge-key-nested.yaml": (6, 5, "YAML merge keys (<<) are not allowed"),
    "merge-key.yaml": (9, 1, "YAML merge keys (<<) are not allowed"),
    "missing-campaign.yaml": (1, 1, "campaign: required key is missing"),
    "multi-document.yaml": (9, 1, "but found another document"),
    "nul-byte.yaml": (1, 1, "binary file (NUL bytes)"),
    "null-document.yaml": (1, 1, "a campaign file is a mapping"),
    "provider-mismatch.yaml": (1, 1, "this file says provider: batch"),
    "python-tag.yaml": (1, 11, "python/object/apply:os.system' is not allowed"),
    "scalar-document.yaml": (1, 1, "a campaign file is a mapping"),
    "syntax-bad-indent.yaml": (4, 4, "is indented 3 space(s), deeper than line 3 (channel: holds"),
    "syntax-unclosed-flow.yaml": (3, 1, "expected ',' or '}'"),
    "tab-indent.yaml": (3, 1, "tab character: YAML indentation must use spaces"),
    "tag-directive.yaml": (3, 11, "YAML tag 'tag:evil.example,2024:moengage' is not allowed"),
    "unknown-key-nested.yaml": (6, 5, "campaign.basic_details.nmae: unknown key"),
    "unknown-key-top.yaml": (9, 1, "colour: unknown key"),
    "unknown-target.yaml": (2, 1, "unknown target 'nowhere'"),
    "utf16.yaml": (1, 1, "binary file (NUL bytes)"),
    "whitespace-only.yaml": (1, 1, "file is empty"),
    "wrong-type-campaign.yaml": (2, 1, "campaign: must be a mapping (key: value lines)"),
    "wrong-type-nested.yaml": (6, 5, "basic_details.name: must be a string"),
    "yaml-version.yaml": (1, 1, "incompatible YAML document"),
}

CONFIGS: dict[str, tuple[int, int, str]] = {
    "bad-provider.toml": (4, 1, "provider must be one of: moengage, batch"),
    "base-url-credentials.toml": (5, 1, "base_url must not carry credentials"),
    "base-url-path.toml": (5, 1, "base_url is scheme, host and port only"),
    "binary.toml": (1, 1, "not UTF-8 text"),
    "bom-then-error.toml": (5, 11, "invalid TOML"),
    "ca-bundle-missing.toml": (6, 1, "ca_bundle: no-such-bundle.pem is not a file"),
    "campaigns-dir-absolute.toml": (1, 1, "campaigns_dir: must be a relative path inside"),
    "campaigns-dir-outside.toml": (1, 1, "campaigns_dir: must be a relative path inside"),
    "credentials-in-state.toml": (7, 1, "credentials are never read from syncer.toml"),
    "deep-nesting.toml": (1, 1, "invalid TOML: nested too deeply"),
    "duplicate-key.toml": (6, 16, "invalid TOML: Cannot overwrite a value"),
    "duplicate-table.toml": (7, 11, "Cannot declare ('targets', 't') twice"),
    "empty.toml": (1, 1, "targets: required key is missing"),
    "env-name-is-a-value.toml": (6, 1, "must be the NAME of an environment variable"),
    "http-remote.toml": (6, 1, "plain http:// is allowed only for loopback addresses"),
    "huge-number.toml": (1, 1, "invalid TOML: a number is too long"),
    "invalid-utf8.toml": (1, 20, "not UTF-8 text"),
    "no-url.toml": (3, 1, "targets.t: set data_center or base_url"),
    "state-path-outside.toml": (8, 1, "state.path: must be a relative path inside"),
    "syntax.toml": (1, 18, "invalid TOML: Invalid value"),
    "target-name-traversal.toml": (1, 1, "target name '../../x'"),
    "unknown-default-target.toml": (1, 1, "default_target 'nope' is not a target"),
    "unknown-key.toml": (6, 1, "targets.t.colour: unknown key"),
    "wrong-type.toml": (1, 1, "default_target: must be a string"),
}


class Hung(BaseException):
    """Raised by the watchdog; a BaseException, so that no `except Exception` can hide it."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise Hung(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """One sandbox for the module: no test may send it anything."""
    db = tmp_path_factory.mktemp("hostile") / "sandbox.db"
    handle = SandboxHandle(SandboxOptions(db_path=db, latency_ms=0.0, rate_limit_scale=20.0))
    yield handle
    handle.close()


@pytest.fixture
def project(tmp_path: Path, served: SandboxHandle) -> Project:
    """A project with one valid campaign file, next to which each hostile file is put."""
    served.clear_requests()
    proj = Project(tmp_path / "project", served.base_url)
    proj.configure()
    shutil.copy(REPO / "campaigns" / "onboarding" / "welcome.yaml", proj.campaigns)
    shutil.copytree(REPO / "templates", proj.root / "templates")
    return proj


def run(project: Project, *args: str) -> Result:
    with deadline(DEADLINE):
        return project.run(*args)


def assert_refused(result: Result, where: str, fragment: str) -> None:
    located = [line for line in result.err.splitlines() if line.startswith(where)]
    assert result.code == 1, result.all
    assert located, f"no line starts with {where!r}:\n{result.err}"
    assert any(fragment in line for line in located), located
    assert "Traceback" not in result.all
    assert "unexpected" not in result.err, result.err


def assert_both_commands_refuse(project: Project, where: str, fragment: str) -> None:
    for command in ("validate", "plan"):
        assert_refused(run(project, command), where, fragment)


def test_the_corpus_and_the_tables_agree() -> None:
    assert sorted(p.name for p in (CORPUS / "campaigns").iterdir()) == sorted(CAMPAIGNS)
    assert sorted(p.name for p in (CORPUS / "configs").iterdir()) == sorted(CONFIGS)


@pytest.mark.parametrize("name", sorted(CAMPAIGNS))
def test_broken_campaign_file(project: Project, served: SandboxHandle, name: str) -> None:
    shutil.copy(CORPUS / "campaigns" / name, project.campaigns / name)
    line, col, fragment = CAMPAIGNS[name]
    assert_both_commands_refuse(project, f"campaigns/{name}:{line}:{col}: ", fragment)
    assert served.requests() == []


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_broken_config(project: Project, served: SandboxHandle, name: str) -> None:
    shutil.copy(CORPUS / "configs" / name, project.root / "syncer.toml")
    line, col, fragment = CONFIGS[name]
    assert_both_commands_refuse(project, f"syncer.toml:{line}:{col}: ", fragment)
    assert served.requests() == []
    assert not (project.root / ".syncer").exists()


def test_every_broken_file_is_reported_in_one_run(project: Project, served: SandboxHandle) -> None:
    for path in (CORPUS / "campaigns").iterdir():
        shutil.copy(path, project.campaigns / path.name)
    result = run(project, "plan")
    assert result.code == 1
    for name, (line, col, _) in CAMPAIGNS.items():
        assert f"campaigns/{name}:{line}:{col}: " in result.err, name
    reported = {line.split(":")[0] for line in result.err.splitlines() if ".yaml:" in line}
    assert reported == {f"campaigns/{name}" for name in CAMPAIGNS}
    assert served.requests() == []


# -- what git cannot hold: built on the spot --------------------------------------------------

GOOD = (REPO / "campaigns" / "onboarding" / "welcome.yaml").read_text(encoding="utf-8")


def _directory(campaigns: Path) -> tuple[str, str]:
    (campaigns / "x.yaml").mkdir()
    (campaigns / "x.yaml" / "inner.yaml").write_text(GOOD, encoding="utf-8")
    return "x.yaml:1:1", "is a directory, not a campaign file"


def _self_loop(campaigns: Path) -> tuple[str, str]:
    (campaigns / "loop.yaml").symlink_to("loop.yaml")
    return "loop.yaml:1:1", "Too many levels of symbolic links"


def _pair_loop(campaigns: Path) -> tuple[str, str]:
    (campaigns / "a.yaml").symlink_to("b.yaml")
    (campaigns / "b.yaml").symlink_to("a.yaml")
    return "a.yaml:1:1", "Too many levels of symbolic links"


def _directory_loop(campaigns: Path) -> tuple[str, str]:
    (campaigns / "nested").mkdir()
    (campaigns / "nested" / "up").symlink_to("..", target_is_directory=True)
    return "nested/up:1:1", "is a link to a directory: not followed"


def _outside_file(campaigns: Path) -> tuple[str, str]:
    # A valid campaign, but outside the project: a pull request could point a link at any
    # file of the CI runner (and have the error messages quote it).
    outside = campaigns.parents[1] / "outside.yaml"
    outside.write_text(GOOD.replace("66a1f0c2e4b0a1b2c3d4e501", "66a1f0c2e4b0a1b2c3d4e5ff"))
    (campaigns / "outside.yaml").symlink_to(outside)
    return "outside.yaml:1:1", "is a link to a file outside the project"


def _outside_directory(campaigns: Path) -> tuple[str, str]:
    (campaigns / "elsewhere").symlink_to(campaigns.parents[1], target_is_directory=True)
    return "elsewhere:1:1", "is a link to a directory: not followed"


def _dev_zero(campaigns: Path) -> tuple[str, str]:
    (campaigns / "zero.yaml").symlink_to("/dev/zero")
    return "zero.yaml:1:1", "is a link to a file outside the project"


def _fifo(campaigns: Path) -> tuple[str, str]:
    os.mkfifo(campaigns / "pipe.yaml")
    return "pipe.yaml:1:1", "is not a regular file (a device or a pipe)"


def _huge(campaigns: Path) -> tuple[str, str]:
    with (campaigns / "huge.yaml").open("w", encoding="utf-8") as handle:
        line = "# " + "x" * 1022 + "\n"
        for _ in range(9 * 1024):
            handle.write(line)
    return "huge.yaml:1:1", "file is larger than the limit of 8 MiB"


def _long_line(campaigns: Path) -> tuple[str, str]:
    head = "  campaign_content: {content: {email: {html_content: '"
    body = "<p>" + "a" * 2_000_000 + "</p>"
    text = GOOD.replace("  campaign_content:\n", "  old_content:\n")
    text += f"{head}{body}', bogus: 1}}}}}}\n"
    (campaigns / "long.yaml").write_text(text, encoding="utf-8")
    line = text.count("\n")
    col = len(head) + len(body) + 4
    return f"long.yaml:{line}:{col}", "unknown key"


def _newline_name(campaigns: Path) -> tuple[str, str]:
    (campaigns / "new\nline.yaml").write_text(GOOD, encoding="utf-8")
    return "new\\nline.yaml:1:1", "file name is not plain UTF-8 text"


def _undecodable_name(campaigns: Path) -> tuple[str, str]:
    name = os.fsdecode(b"caf\xe9.yaml")
    (campaigns / name).write_text(GOOD, encoding="utf-8")
    return "caf\\udce9.yaml:1:1", "file name is not plain UTF-8 text"


BUILT: dict[str, Callable[[Path], tuple[str, str]]] = {
    "directory named x.yaml": _directory,
    "link to itself": _self_loop,
    "two links to each other": _pair_loop,
    "link to a parent directory": _directory_loop,
    "link to a file outside the project": _outside_file,
    "link to a directory outside the project": _outside_directory,
    "link to /dev/zero": _dev_zero,
    "named pipe": _fifo,
    "9 MiB file": _huge,
    "2 MB line": _long_line,
    "newline in the file name": _newline_name,
    "file name that is not UTF-8": _undecodable_name,
}


@pytest.mark.parametrize("case", sorted(BUILT))
def test_hostile_file_system(project: Project, served: SandboxHandle, case: str) -> None:
    where, fragment = BUILT[case](project.campaigns)
    assert_both_commands_refuse(project, f"campaigns/{where}: ", fragment)
    assert served.requests() == []


def test_a_real_process_on_the_whole_corpus_neither_hangs_nor_crashes(
    project: Project, served: SandboxHandle
) -> None:
    """The same, end to end in a separate process (signals, stdio and exit code as a user
    gets them), with every campaign file of the corpus and the worst of the built cases."""
    for path in (CORPUS / "campaigns").iterdir():
        shutil.copy(path, project.campaigns / path.name)
    for case in ("named pipe", "link to /dev/zero", "link to itself", "9 MiB file"):
        BUILT[case](project.campaigns)
    for command in ("validate", "plan"):
        done = subprocess.run(
            [sys.executable, "-m", "syncer", *project.argv(command)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        reported = {line.split(":")[0] for line in done.stderr.splitlines() if ".yaml:" in line}
        assert len(reported) == len(CAMPAIGNS) + 4, done.stderr
    assert served.requests() == []


def test_a_link_to_another_campaign_file_cannot_duplicate_a_creation(
    project: Project, served: SandboxHandle
) -> None:
    """A link inside the project is read (it is the project's own file), but the same
    campaign name under two keys is refused before any call: it would be created twice."""
    new = (REPO / "campaigns" / "newsletters" / "monthly-digest.yaml").read_text(encoding="utf-8")
    (project.campaigns / "digest.yaml").write_text(new, encoding="utf-8")
    (project.campaigns / "digest-again.yaml").symlink_to("digest.yaml")
    result = run(project, "apply", "--auto-approve")
    assert result.code == 1, result.all
    assert (
        "campaign name 'Monthly digest' is also declared by campaigns/digest-again.yaml"
        in result.err
    )
    creations = [r for r in served.requests() if r["path"] == "/core-services/v1/campaigns"]
    assert creations == []


# -- saved plans: `show PLANFILE` and `apply PLANFILE` read a file a pipeline passes along ------


def _plan_binary(path: Path) -> str:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    return "not a plan file (not UTF-8 text)"


def _plan_fifo(path: Path) -> str:
    os.mkfifo(path)
    return "is not a regular file (a device or a pipe)"


def _plan_dev_zero(path: Path) -> str:
    path.symlink_to("/dev/zero")
    return "is not a regular file (a device or a pipe)"


def _plan_deep(path: Path) -> str:
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return "not a plan file (nested too deeply)"


def _plan_truncated(path: Path) -> str:
    path.write_text('{"format_version": 1, "campaigns": [', encoding="utf-8")
    return "not a plan file (invalid JSON)"


def _plan_directory(path: Path) -> str:
    path.mkdir()
    return "is a directory, not a file"


PLANS: dict[str, Callable[[Path], str]] = {
    "binary": _plan_binary,
    "named pipe": _plan_fifo,
    "link to /dev/zero": _plan_dev_zero,
    "deeply nested JSON": _plan_deep,
    "truncated JSON": _plan_truncated,
    "directory": _plan_directory,
}


@pytest.mark.parametrize("case", sorted(PLANS))
def test_hostile_plan_file(project: Project, served: SandboxHandle, case: str) -> None:
    path = project.root / "plan.json"
    fragment = PLANS[case](path)
    for args in (("show", str(path)), ("apply", str(path))):
        result = run(project, *args)
        assert result.code == 1, result.all
        assert fragment in result.err, result.err
        assert str(path) in result.err
        assert "Traceback" not in result.all and "unexpected" not in result.err
    assert served.requests() == []
