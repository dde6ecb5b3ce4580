"""`python -m bench.spread RESULTS.json...`: several runs of `bench.run` -> one table with the
spread, as the README's performance section shows them.

Takes the JSON files `bench.run` wrote (one per run); prints Markdown: per scenario step the
median and the min-max over the runs of every figure, then the cold starts' and the scaling
tests' ratios the same way.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.startup import target


def _spread(values: Sequence[float], fmt: str = "{:.2f}", unit: str = "") -> str:
    mid = statistics.median(values)
    if len(values) == 1:
        return f"{fmt.format(mid)}{unit}"
    return f"{fmt.format(mid)}{unit} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def _each(runs: list[dict[str, Any]], pick: Callable[[dict[str, Any]], float]) -> list[float]:
    return [pick(run) for run in runs]


def scenarios(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| N | step | calls (fewest possible) | floor s | network s | network/floor | wall s "
        "| wall/floor | peak RSS MB | CPU s |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    first = runs[0]["results"]
    for index, result in enumerate(first):
        n = result["settings"]["campaigns"]
        for s, step in enumerate(result["steps"]):

            def each(key: str, i: int = index, j: int = s) -> list[float]:
                return [float(run["results"][i]["steps"][j][key]) for run in runs]

            calls = " + ".join(f"{v} {k}" for k, v in sorted(step["calls"].items()))
            fewest = " + ".join(str(v) for v in step["minimum"].values())
            floor = step["floor"]
            io, wall = each("io"), each("wall")
            lines.append(
                f"| {n:,} | {step['name']} | {calls} ({fewest}) | {floor:.2f} "
                f"| {_spread(io)} | {_spread([v / floor for v in io], unit='×')} "
                f"| {_spread(wall)} | {_spread([v / floor for v in wall], unit='×')} "
                f"| {_spread(each('peak_rss_mb'), '{:.0f}')} | {_spread(each('cpu'))} |"
            )
    return lines


def loading(runs: list[dict[str, Any]]) -> list[str]:
    lines = []
    for index, result in enumerate(runs[0]["results"]):
        n = result["settings"]["campaigns"]
        cold = [run["results"][index]["load_cold_cpu"] / n * 1000 for run in runs]
        warm = [run["results"][index]["load_warm_cpu"] / n * 1000 for run in runs]
        steady = [
            (
                next(s for s in run["results"][index]["steps"] if s["name"] == "plan, next run")[
                    "cpu"
                ]
                - run["results"][index]["load_warm_cpu"]
            )
            / n
            * 1000
            for run in runs
        ]
        lines.append(
            f"- N={n:,}: `validate` costs {_spread(cold)} ms of CPU per file with an empty cache "
            f"and {_spread(warm)} ms from the cache (process start included); planning an "
            f"unchanged campaign (reading, diffing, rendering) {_spread(steady)} ms more."
        )
    return lines


def startup(runs: list[dict[str, Any]]) -> list[str]:
    lines = ["| what | against | ratio | target |", "|---|---|---:|---:|"]
    for index, row in enumerate(runs[0].get("startup", [])):
        ratios = [run["startup"][index]["ratio"] for run in runs]
        against = row.get("baseline_name") or _against(row["name"])
        lines.append(
            f"| {row['name']} | {against} | {_spread(ratios, '{:.1f}', '×')} "
            f"| {target(row['target'])} |"
        )
    return lines


def _against(name: str) -> str:
    if "version" in name:
        return "`python -c pass`"
    if "example" in name:
        return '`python -c "import pydantic"`'
    return "libyaml's bare parse of the same files"


def scaling(runs: list[dict[str, Any]]) -> list[str]:
    lines = ["| path | N | ratio at 4N (linear = 4) |", "|---|---:|---:|"]
    for index, row in enumerate(runs[0].get("scaling", [])):
        ratios = [run["scaling"][index]["ratio"] for run in runs]
        lines.append(f"| {row['name']} | {row['n']:,} | {_spread(ratios, '{:.1f}', '×')} |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    parts = [
        f"{len(runs)} run(s) of `{runs[0]['command']}` on {runs[0]['machine']}; "
        "median (min-max over the runs).",
        "\n".join(scenarios(runs)) if runs[0]["results"] else "",
        "\n".join(loading(runs)),
        "\n".join(startup(runs)),
        "\n".join(scaling(runs)),
    ]
    print("\n\n".join(p for p in parts if p))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
