"""Running the real CLI in a child process and measuring it: wall time, CPU time, peak RSS.

`run_cli(project, args)` starts `python -m syncer --config ... ARGS` and collects the child's
own resource usage with `os.wait4`, so the figures are the CLI's (not the benchmark's, and not
the sandbox's, which runs in another process).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    args: tuple[str, ...]
    code: int
    wall: float
    """Seconds from start to exit."""
    cpu: float
    """User plus system CPU seconds of the CLI process."""
    peak_rss_mb: float
    out: str
    err: str


PYC = str(Path(__file__).resolve().parent / "results" / "pycache")


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a measured child: as an installed package runs, with its bytecode
    cached (kept out of the tree), even where PYTHONDONTWRITEBYTECODE is set (compiling
    every module on each start cost about 0.9 s of every command)."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": PYC, **(extra or {})}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_cli(
    config: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 3600
) -> Measured:
    command = [sys.executable, "-m", "syncer", "--config", str(config), *args]
    full_env = child_env(env)
    out_path = config.parent / ".bench-out"
    err_path = config.parent / ".bench-err"
    started = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(command, cwd=config.parent, env=full_env, stdout=out, stderr=err)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        args=tuple(args),
        code=process.returncode,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        # Linux reports ru_maxrss in KiB.
        peak_rss_mb=usage.ru_maxrss / 1024,
        out=out_path.read_text(encoding="utf-8", errors="replace"),
        err=err_path.read_text(encoding="utf-8", errors="replace"),
    )
