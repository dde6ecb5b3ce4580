"""The benchmark's report: a Markdown table per scenario, and the figures as JSON."""

from __future__ import annotations

import contextlib
import os
import platform
from collections.abc import Sequence
from pathlib import Path

from bench.scenario import Result, Step


def _calls(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"


def _minimum(step: Step) -> str:
    return ", ".join(f"{n} {what}" for what, n in step.minimum.items())


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}x" if floor > 0 else "-"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs, {system}, Python {platform.python_version()}"


def table(results: Sequence[Result]) -> str:
    lines = [
        "| N | K | step | calls | fewest possible | floor s | network s | network/floor "
        "| wall s | wall/floor | peak RSS MB | CPU s | CPU ms/campaign |",
        "|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        n, k = result.settings.campaigns, result.settings.changed
        for step in result.steps:
            lines.append(
                f"| {n:,} | {k:,} | {step.name} | {_calls(step.calls)}"
                + (f" ({step.rejected} refused: 429)" if step.rejected else "")
                + f" | {_minimum(step)} | {step.floor:.2f} | {step.io:.2f} "
                f"| {_ratio(step.io, step.floor)} | {step.wall:.2f} "
                f"| {_ratio(step.wall, step.floor)} | {step.peak_rss_mb:.0f} | {step.cpu:.2f} "
                f"| {step.cpu / n * 1000:.2f} |"
            )
    return "\n".join(lines)


def summary(results: Sequence[Result]) -> str:
    lines = []
    for result in results:
        s = result.settings
        n = s.campaigns
        steady = result.step("plan, next run")
        planning = steady.cpu - result.load_warm_cpu
        cold, warm = result.load_cold_cpu / n * 1000, result.load_warm_cpu / n * 1000
        lines.append(
            f"- N={n:,} ({s.html_kb:g} KB of HTML each, {s.latency_ms:g} ms latency, rate "
            f"limits x{s.scale:g}): loading and validating the files costs {cold:.2f} ms CPU "
            f"per campaign the first time, {warm:.2f} ms from the cache (process start "
            f"included); planning an unchanged campaign (reading, diffing, rendering) "
            f"{planning / n * 1000:.2f} ms CPU more."
        )
        base = result.baseline
        if base is not None:
            how = (
                "measured"
                if base.campaigns == n
                else f"measured on {base.campaigns:,} campaigns, scaled by the floors' ratio"
            )
            apply = result.step("apply")
            lines.append(
                f"- N={n:,}: the naive baseline (read each campaign, write each campaign: "
                f"{2 * n:,} calls) cannot take less than {base.floor:.1f} s and took "
                f"{base.estimated_wall:.1f} s ({how}); apply took {apply.wall:.1f} s: "
                f"{base.floor / apply.wall:.0f}x less than the baseline's floor, "
                f"{base.estimated_wall / apply.wall:.0f}x less than its time."
            )
    return "\n".join(lines)


def markdown(results: Sequence[Result], command: str) -> str:
    return "\n\n".join(
        [
            f"Machine: {machine()}. Command: `{command}`.",
            table(results),
            summary(results),
            "network: first call's arrival at the sandbox to the last call's answer. "
            "wall: the whole command (process start, loading, planning, rendering).",
        ]
    )
