"""Cold starts: the CLI's own start and a cold `validate`, each against its bare baseline.

Takes the number of repeats (and, for loading, the number of files); returns `Startup` ratios:
`syncer --version` against `python -c pass`, `validate` of the repository's example campaigns
against `python -c "import pydantic"`, and a cold `validate` of N benchmark campaign files
(no `.syncer/cache`, as a CI checkout starts) against libyaml's bare parse of the same files.
Each command runs `repeat` times in a child process; the median is kept, and the spread
(min-max) is reported with it. Ratios, not times, are what to compare on a shared machine.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import workload
from bench.measure import child_env

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timing:
    median: float
    low: float
    high: float

    @staticmethod
    def of(seconds: Sequence[float]) -> Timing:
        return Timing(statistics.median(seconds), min(seconds), max(seconds))


@dataclass(frozen=True)
class Startup:
    name: str
    target: float | None
    """The most the ratio may be (the issue's target); None for a reference row."""
    measured: Timing
    baseline: Timing
    baseline_name: str

    @property
    def ratio(self) -> float:
        return self.measured.median / max(self.baseline.median, 1e-9)

    def data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ratio": self.ratio,
            "target": self.target,
            "measured": vars(self.measured),
            "baseline": vars(self.baseline),
            "baseline_name": self.baseline_name,
        }


def _timed(
    command: list[str],
    cwd: Path,
    repeat: int,
    before: Callable[[], None],
    extra: dict[str, str] | None = None,
) -> Timing:
    env = child_env({"PYTHONPATH": str(REPO), **(extra or {})})
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)  # warm-up
    seconds = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr!r}")
    return Timing.of(seconds)


def _nothing() -> None:
    pass


def _project(work: Path, files: int) -> Path:
    """A project of `files` benchmark campaigns (20 KB of HTML each) for a sandbox target."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "campaigns").mkdir(parents=True)
    (work / "syncer.toml").write_text(
        textwrap.dedent(
            """
            campaigns_dir = "campaigns"
            default_target = "bench"

            [targets.bench]
            provider = "moengage"
            sandbox = true
            updated_by = "crm-bot@example.com"
            """
        ),
        encoding="utf-8",
    )
    ids = [f"{i:024x}" for i in range(files)]
    workload.write_campaigns(work / "campaigns", ids, 20 * 1024, set())
    return work


def _bare_parse(work: Path) -> list[str]:
    # The floor of reading YAML: libyaml parsing and building every file's values, in one
    # process like the CLI (its interpreter start included), nothing else.
    code = (
        "import pathlib, yaml\n"
        f"for p in sorted(pathlib.Path({str(work / 'campaigns')!r}).rglob('*.yaml')):\n"
        "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
    )
    return [sys.executable, "-c", code]


# What no `validate` can go below with this stack: the libraries it needs imported, one model
# defined and used. Reported next to the target, as the floor the target is compared with.
_LIBRARIES = (
    "import click, yaml, jinja2, rich.console, pydantic\n"
    "class M(pydantic.BaseModel):\n"
    "    x: int\n"
    "M(x=1)\n"
)


def run_startup(work: Path, repeat: int = 10, files: int = 1000) -> list[Startup]:
    python = sys.executable
    syncer = [python, "-m", "syncer"]
    results = []
    bare = _timed([python, "-c", "pass"], REPO, repeat, _nothing)
    version = _timed([*syncer, "--version"], REPO, repeat, _nothing)
    results.append(Startup("`syncer --version`", 8, version, bare, "`python -c pass`"))
    examples = work / "examples"
    shutil.rmtree(examples, ignore_errors=True)
    shutil.copytree(REPO / "campaigns", examples / "campaigns")
    shutil.copy(REPO / "syncer.toml", examples / "syncer.toml")
    templates = REPO / "templates"
    if templates.is_dir():
        shutil.copytree(templates, examples / "templates")
    cache = examples / ".syncer" / "cache"

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    pydantic = _timed([python, "-c", "import pydantic"], REPO, repeat, _nothing)
    count = len(list((examples / "campaigns").rglob("*.yaml")))
    validate = _timed([*syncer, "validate"], examples, repeat, cold)
    name = f"`validate` of the {count} example files (cold)"
    results.append(Startup(name, 3, validate, pydantic, '`python -c "import pydantic"`'))
    libraries = _timed([python, "-c", _LIBRARIES], REPO, repeat, _nothing)
    name = "its libraries alone (click, PyYAML, Jinja2, rich, pydantic and one model)"
    results.append(Startup(name, None, libraries, pydantic, '`python -c "import pydantic"`'))
    project = _project(work / "files", files)
    project_cache = project / ".syncer" / "cache"
    loads = max(3, repeat // 3)
    parse = _timed(_bare_parse(project), project, loads, _nothing)
    validate_files = _timed(
        [*syncer, "validate"],
        project,
        loads,
        lambda: shutil.rmtree(project_cache, ignore_errors=True),
    )
    name = f"cold `validate` of {files:,} files"
    results.append(Startup(name, 4, validate_files, parse, "libyaml's bare parse of them"))
    # The same in one process: what each file costs, where the load is not spread over cores.
    one = _timed(
        [*syncer, "validate"],
        project,
        loads,
        lambda: shutil.rmtree(project_cache, ignore_errors=True),
        {"SYNCER_LOAD_WORKERS": "1"},
    )
    name = f"the same in one process (`SYNCER_LOAD_WORKERS=1`, {os.cpu_count()} CPUs here)"
    results.append(Startup(name, 4, one, parse, "libyaml's bare parse of them"))
    return results


def markdown(results: list[Startup]) -> str:
    lines = [
        "| what | median (min-max) | against | median (min-max) | ratio | target |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for r in results:
        m, b = r.measured, r.baseline
        lines.append(
            f"| {r.name} | {m.median:.2f} s ({m.low:.2f}-{m.high:.2f}) | {r.baseline_name} "
            f"| {b.median:.2f} s ({b.low:.2f}-{b.high:.2f}) | {r.ratio:.1f}× | {target(r.target)} |"
        )
    return "\n".join(lines)


def target(value: float | None) -> str:
    return "(reference)" if value is None else f"≤ {value:g}×"
