"""One benchmark scenario: N campaigns (K of them changed) planned and applied by the real CLI.

Takes the scenario's settings; builds a project and a sandbox database under a work directory,
serves the sandbox, runs `validate` (cold and warm definition cache), `plan`, `apply` and `plan`
again through the CLI in child processes, then the naive baseline, and returns every figure.
"""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import calls, floor, workload
from bench.measure import Measured, run_cli
from bench.naive import naive
from bench.served import Served
from syncer.providers.moengage.client import RATE_LIMITS
from syncer.remote.client import connections
from syncer.remote.ratelimit import RateLimiter
from syncer.sandbox.bulk import clear_rate_windows, put_moengage


@dataclass(frozen=True)
class Settings:
    campaigns: int
    changed: int
    html_kb: float = 20.0
    latency_ms: float = 80.0
    scale: float = 10.0
    naive_sample: int = 1000
    """The naive baseline runs on at most this many campaigns (its time is then scaled by
    the floors' ratio): at the vendor's limits it takes hours for thousands."""


@dataclass(frozen=True)
class Step:
    name: str
    command: str
    code: int
    calls: dict[str, int]
    rejected: int
    minimum: dict[str, int]
    wall: float
    io: float
    """Seconds from the first call's arrival to the last call's answer (plus one latency)."""
    floor: float
    cpu: float
    peak_rss_mb: float


@dataclass(frozen=True)
class Baseline:
    campaigns: int
    calls: int
    wall: float
    estimated_wall: float
    """The wall time for all N campaigns (measured when the sample is all of them)."""
    floor: float


@dataclass
class Result:
    settings: Settings
    load_cold_cpu: float = 0.0
    load_warm_cpu: float = 0.0
    steps: list[Step] = field(default_factory=list)
    baseline: Baseline | None = None

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    def data(self) -> dict[str, Any]:
        return asdict(self)


def write_project(root: Path, base_url: str, settings: Settings, ids: list[str]) -> Path:
    config = root / "syncer.toml"
    config.write_text(
        textwrap.dedent(
            f"""
            campaigns_dir = "campaigns"
            default_target = "bench"

            [targets.bench]
            provider = "moengage"
            sandbox = true
            base_url = "{base_url}"
            updated_by = "crm-bot@example.com"
            rate_limit_scale = {settings.scale}
            timeout = 120
            """
        ),
        encoding="utf-8",
    )
    return config


def prepare(work: Path, settings: Settings) -> tuple[Path, list[str]]:
    """A fresh sandbox database and project; returns the database and the campaign ids."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "project" / "campaigns").mkdir(parents=True)
    db = work / "sandbox.db"
    html = int(settings.html_kb * 1024)
    bodies = workload.remote_bodies(settings.campaigns, html)
    ids = put_moengage(db, "sandbox", bodies, skip_demo=True)
    changed = workload.changed(settings.campaigns, settings.changed)
    workload.write_campaigns(work / "project" / "campaigns", ids, html, changed)
    return db, ids


def run_scenario(work: Path, settings: Settings, progress: Any = print) -> Result:
    db, ids = prepare(work, settings)
    project = work / "project"
    latency = settings.latency_ms / 1000
    pool = connections(RateLimiter(RATE_LIMITS, settings.scale))
    result = Result(settings)
    n = settings.campaigns
    with Served(
        db,
        latency_ms=settings.latency_ms,
        rate_limit_scale=settings.scale,
        log=work / "sandbox.log",
    ) as sandbox:
        config = write_project(project, sandbox.base_url, settings, ids)

        def measured(name: str, *args: str, steps: tuple[str, ...] = ("read",)) -> Step:
            # Each step starts as after a pause: the vendor's windows (the sandbox's) and the
            # client's record of the calls earlier runs made (which it would otherwise wait
            # out, as it must against a real vendor) are both empty.
            clear_rate_windows(db)
            shutil.rmtree(project / ".syncer" / "ratelimit", ignore_errors=True)
            start = calls.position(db)
            progress(f"  N={n}: {name} (syncer {' '.join(args)})")
            run = run_cli(config, *args)
            if run.code not in (0, 2):
                raise RuntimeError(f"syncer {' '.join(args)} exited {run.code}:\n{run.err}")
            log = calls.since(db, start)
            return _step(name, run, log, steps, settings, latency, pool)

        cache = project / ".syncer" / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        result.load_cold_cpu = measured("validate (cold cache)", "validate").cpu
        result.load_warm_cpu = measured("validate (warm cache)", "validate").cpu
        result.steps.append(measured("plan, first run", "plan", "--detailed-exitcode"))
        apply_steps = ("read", "write", "read back")
        result.steps.append(measured("apply", "apply", "--auto-approve", steps=apply_steps))
        result.steps.append(measured("plan, next run", "plan", "--detailed-exitcode"))
        clear_rate_windows(db)
        sample = ids[: max(1, min(settings.naive_sample, n))]
        progress(f"  N={n}: naive baseline on {len(sample)} campaign(s)")
        done = naive(sandbox.base_url, sample, int(settings.html_kb * 1024), settings.scale)
    limits = dict(RATE_LIMITS)
    full = floor.floor(
        {"search": n, "update": n},
        limits,
        scale=settings.scale,
        latency=latency,
        concurrency=pool,
        phases=2,
    )
    part = floor.floor(
        {"search": len(sample), "update": len(sample)},
        limits,
        scale=settings.scale,
        latency=latency,
        concurrency=pool,
        phases=2,
    )
    estimated = done.wall if len(sample) == n else done.wall * full / part
    result.baseline = Baseline(len(sample), done.calls, done.wall, estimated, full)
    return result


def _step(
    name: str,
    run: Measured,
    log: calls.CallLog,
    steps: tuple[str, ...],
    settings: Settings,
    latency: float,
    pool: int,
) -> Step:
    kinds = dict(log.kinds)
    minimum = floor.fewest_calls(
        steps,
        managed=settings.campaigns,
        changed=settings.changed,
        workspace=settings.campaigns,
    )
    # The floor of the fewest calls: extra calls are the tool's fault, not the vendor's.
    fewest = {
        "search": minimum["read"] + minimum.get("read back", 0),
        "update": minimum.get("write", 0),
    }
    at_best = floor.floor(
        fewest,
        dict(RATE_LIMITS),
        scale=settings.scale,
        latency=latency,
        concurrency=pool,
        phases=len(steps),
    )
    return Step(
        name=name,
        command=" ".join(run.args),
        code=run.code,
        calls=kinds,
        rejected=log.rejected,
        minimum=minimum,
        wall=run.wall,
        io=log.span + latency if log.total else 0.0,
        floor=at_best,
        cpu=run.cpu,
        peak_rss_mb=run.peak_rss_mb,
    )
