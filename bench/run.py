"""`python -m bench.run`: the benchmark (see bench/README.md).

    python -m bench.run                 # N = 1,000 and 10,000, 1 % changed, 80 ms, limits x10
    python -m bench.run --quick         # N = 30 and small sizes: a smoke run for CI
    python -m bench.run -n 2000 -k 50 --latency-ms 40 --scale 5

Prints Markdown tables (the scenarios; cold starts against their bare baselines; the scaling
tests as ratios); writes them, with every figure as JSON, to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from bench import report, scaling, startup
from bench.scenario import Result, Settings, run_scenario

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("-n", "--campaigns", type=int, action="append", help="N (repeatable)")
    parser.add_argument("-k", "--changed", type=int, help="campaigns changed (default N/100)")
    parser.add_argument("--html-kb", type=float, default=20.0)
    parser.add_argument("--latency-ms", type=float, default=80.0)
    parser.add_argument("--scale", type=float, default=10.0, help="rate limits multiplied by")
    parser.add_argument("--naive-sample", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="N = 30, for a smoke run")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--repeat", type=int, help="runs of each cold start (default 10, 3)")
    parser.add_argument("--files", type=int, help="files of the cold validate (1000, 200)")
    parser.add_argument("--no-scenarios", action="store_true", help="only starts and scaling")
    return parser.parse_args(argv)


def scenarios(args: argparse.Namespace) -> list[Settings]:
    sizes = args.campaigns or ([30] if args.quick else [1000, 10_000])
    return [
        Settings(
            campaigns=n,
            changed=args.changed if args.changed is not None else max(1, n // 100),
            html_kb=args.html_kb,
            latency_ms=args.latency_ms,
            scale=args.scale,
            naive_sample=args.naive_sample,
        )
        for n in sizes
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    command = shlex.join(["python", "-m", "bench.run", *(sys.argv[1:] if argv is None else argv)])
    results: list[Result] = []
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    args.results.mkdir(parents=True, exist_ok=True)
    for settings in [] if args.no_scenarios else scenarios(args):
        work = args.results / f"work-{settings.campaigns}"
        results.append(run_scenario(work, settings, progress=_err))
    _err("cold starts")
    repeat = args.repeat or (3 if args.quick else 10)
    files = args.files or (200 if args.quick else 1000)
    starts = startup.run_startup(args.results / "work-startup", repeat=repeat, files=files)
    scales = scaling.run_scaling(quick=args.quick, progress=_err)
    text = "\n\n".join(
        [
            report.markdown(results, command) if results else f"Machine: {report.machine()}.",
            f"Cold starts ({repeat} runs each; median, min-max):",
            startup.markdown(starts),
            "Scaling (best of three at N and at 4N, in one process):",
            scaling.markdown(scales),
        ]
    )
    (args.results / f"{stamp}.md").write_text(text + "\n", encoding="utf-8")
    data = {
        "command": command,
        "machine": report.machine(),
        "results": [r.data() for r in results],
        "startup": [r.data() for r in starts],
        "scaling": [r.data() for r in scales],
    }
    (args.results / f"{stamp}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    print(text)
    return 0


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
