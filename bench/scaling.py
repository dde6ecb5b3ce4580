"""The scaling tests: each path that was super-linear, timed at N and at 4N in this process.

Returns one `Scaling` per path: the sizes, the best of three times at each, and their ratio
(linear = 4; a quadratic path gives 16). Ratios, not times, are what to compare between runs
on a shared machine.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from syncer.load.filenames import FreeNames, slugify
from syncer.model.plan import (
    CampaignPlan,
    FieldChange,
    Plan,
    PlannedRequest,
    TargetIdentity,
    summarize,
)
from syncer.model.state import StateEntry, TargetState
from syncer.plan.diff import diff_declared
from syncer.render.markdown import render_plan_markdown
from syncer.render.values import text_diff
from syncer.render.visible import html_diff
from syncer.state.journal import replay


@dataclass(frozen=True)
class Scaling:
    name: str
    where: str
    unit: str
    n: int
    seconds: tuple[float, float]

    @property
    def ratio(self) -> float:
        return self.seconds[1] / max(self.seconds[0], 1e-9)

    def data(self) -> dict[str, Any]:
        return {"name": self.name, "n": self.n, "seconds": self.seconds, "ratio": self.ratio}


def email_html(kb: int, changed: float = 0.0, seed: int = 1) -> str:
    """An email's HTML table: many repeated lines (`<tr>`, `</td>`), which make difflib's
    matcher quadratic; `changed` of the text lines edited."""
    rnd = random.Random(seed)
    lines: list[str] = []
    row = 0
    while sum(map(len, lines)) + len(lines) < kb * 1024:
        text = f'    <a href="https://acme.example/{row}"><img src="https://img.example/{row}.png">'
        text += f"</a> Offer {row}"
        if rnd.random() < changed:
            text += " (revised)"
        lines += ["<tr>", "  <td>", text, "  </td>", "</tr>", ""]
        row += 1
    return "\n".join(lines)


def _field_diff(kb: int) -> Callable[[], object]:
    before, after = email_html(kb), email_html(kb, changed=0.1)
    return lambda: diff_declared({"html": after}, {"html": before})


def _line_diff(kb: int) -> Callable[[], object]:
    before, after = email_html(kb), email_html(kb, changed=0.1)
    return lambda: text_diff(before, after)


def _links(count: int) -> Callable[[], object]:
    def page(extra: str) -> str:
        return "".join(
            f'<p><a href="https://acme.example/{i}{extra if i % 10 == 0 else ""}">'
            f'<img src="https://img.example/{i}.png"></a></p>'
            for i in range(count)
        )

    before, after = page(""), page("?utm=x")
    return lambda: html_diff(before, after)


def _markdown(count: int) -> Callable[[], object]:
    identity = TargetIdentity(provider="moengage", base_url="https://api.example", workspace="W")
    request = PlannedRequest(method="PATCH", path="/campaigns/x", kind="update")
    campaigns = tuple(
        CampaignPlan(
            key=f"c{i // 1000:03d}/campaign-{i:05d}.yaml",
            provider="moengage",
            target="prod",
            id=f"id{i}",
            action="update",
            changes=(FieldChange(path="subject", before=f"Hi {i}", after=f"Hello {i}"),),
            requests=(request,),
        )
        for i in range(count)
    )
    plan = Plan(
        campaigns=campaigns,
        summary=summarize(campaigns),
        targets={"prod": identity},
        checksum="sha256:" + "ab" * 32,
        tool_version="0",
    )
    return lambda: render_plan_markdown(plan)


def _names(count: int) -> Callable[[], object]:
    # Half the campaigns share one name (collisions), the others have their own.
    names = [("Weekly digest" if i % 2 else f"Offer {i}") for i in range(count)]
    taken = [f"offer-{i}.yaml" for i in range(0, count, 3)]

    def run() -> object:
        free = FreeNames(taken)
        return [free.take(slugify(name)) for name in names]

    return run


def _state(count: int) -> Callable[[], object]:
    entry = StateEntry(id="x", origin="created", applied_at="2030-01-01T00:00:00+00:00")
    state = TargetState(target="prod", campaigns={f"k{i}": entry for i in range(count)})
    changed = {"id": "y", "origin": "created", "applied_at": "2030-01-01T00:00:00+00:00"}
    records = [{"run": "r", "t": "begin", "plan": "p"}] + [
        {"run": "r", "t": "campaign", "key": f"k{i}", "entry": changed} for i in range(count)
    ]
    return lambda: replay(records, state)


CASES: list[tuple[str, str, str, Callable[[int], Callable[[], object]], int, int]] = [
    # name, module, unit, setup, N (full), N (quick)
    ("field diff of an HTML body", "plan/diff.py", "KB", _field_diff, 128, 32),
    ("line diff of an HTML body", "render/values.py", "KB", _line_diff, 128, 32),
    ("links and images compared", "render/visible.py", "links", _links, 2000, 500),
    ("Markdown of K changed campaigns", "render/markdown.py", "campaigns", _markdown, 2000, 250),
    ("import file names", "load/filenames.py", "campaigns", _names, 20000, 4000),
    ("state updated per campaign", "state/journal.py", "campaigns", _state, 20000, 4000),
]


def _best(setup: Callable[[int], Callable[[], object]], n: int) -> float:
    run = setup(n)
    best = float("inf")
    for _ in range(3):
        # Without the cyclic collector, as timeit does: its passes grow with everything the
        # process holds, which would blur the path's own scaling.
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def run_scaling(
    quick: bool = False, progress: Callable[[str], None] | None = None
) -> list[Scaling]:
    results = []
    for name, where, unit, setup, full_n, quick_n in CASES:
        n = quick_n if quick else full_n
        if progress:
            progress(f"scaling: {name} at {n} and {4 * n} {unit}")
        seconds = (_best(setup, n), _best(setup, 4 * n))
        results.append(Scaling(name, where, unit, n, seconds))
    return results


def markdown(results: list[Scaling]) -> str:
    lines = [
        "| path | module | N | time at N | time at 4N | ratio (linear = 4) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | `{r.where}` | {r.n:,} {r.unit} | {r.seconds[0] * 1000:.1f} ms "
            f"| {r.seconds[1] * 1000:.1f} ms | {r.ratio:.1f}× |"
        )
    return "\n".join(lines)
