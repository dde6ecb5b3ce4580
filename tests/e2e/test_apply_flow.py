"""The apply flow (`workflows.apply.run_apply`) against the sandbox on 127.0.0.1, driven through
its `ApplyUI`: it asks before sending anything, and a "no" sends nothing; the CLI refuses to
ask where nobody can answer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from syncer.config import settings as config
from syncer.load.definitions import load_definitions
from syncer.model.plan import Plan
from syncer.providers import registry
from syncer.state.local import LocalBackend
from syncer.workflows.apply import ApplyOutcome, ApplyRequest, run_apply
from syncer.workflows.connect import Connections
from syncer.workflows.pipeline import Run
from tests.support.project import Project


class Answering:
    """An `ApplyUI` that answers the question with `yes` and records what it was shown."""

    def __init__(self, yes: bool) -> None:
        self.yes = yes
        self.events: list[str] = []

    def note(self, text: str) -> None:
        self.events.append(f"note: {text}")

    def planned(self, plan: Plan) -> None:
        self.events.append(f"planned: {sum(c.executes for c in plan.campaigns)} to apply")

    def confirm(self, plan: Plan) -> bool:
        self.events.append("asked")
        return self.yes

    def stopping(self) -> None:
        self.events.append("stopping")

    @contextlib.asynccontextmanager
    async def phase(self, name: str, total: int | None = None) -> AsyncIterator[None]:
        self.events.append(f"phase: {name}")
        yield


def writes(sandbox: Any) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in sandbox.requests()
        if r["method"] in ("PATCH", "PUT") or (r["method"] == "POST" and "search" not in r["path"])
    ]


def apply_with(project: Project, ui: Answering) -> ApplyOutcome:
    settings = config.load(project.root / "syncer.toml", registry.target_models())
    request = ApplyRequest(definitions=load_definitions(settings, registry.get))
    run = Run(
        settings=settings,
        backend=LocalBackend(project.root / ".syncer"),
        connections=Connections(settings),
    )
    return asyncio.run(run_apply(run, request, ui))


def test_a_no_at_the_question_sends_nothing_and_a_yes_applies(demo: Project, sandbox: Any) -> None:
    sandbox.clear_requests()
    declined = Answering(yes=False)
    outcome = apply_with(demo, declined)
    assert outcome.status == "cancelled"
    assert outcome.report.calls == ()
    assert writes(sandbox) == []
    assert declined.events[-1] == "asked"
    assert declined.events[-2].startswith("planned: ")
    accepted = Answering(yes=True)
    outcome = apply_with(demo, accepted)
    assert outcome.status == "applied"
    assert outcome.report.ok
    sent = [(c.method, c.path) for c in outcome.report.calls if c.outcome == "applied"]
    assert sent and sorted(writes(sandbox)) == sorted(sent)
    assert accepted.events.index("asked") < accepted.events.index("phase: Applying")
    again = apply_with(demo, Answering(yes=False))
    assert again.status == "nothing"


def test_the_cli_will_not_ask_where_nobody_can_answer(demo: Project, sandbox: Any) -> None:
    sandbox.clear_requests()
    result = demo.run("apply")
    assert result.code == 1, result.all
    assert "apply needs a confirmation" in result.err
    assert writes(sandbox) == []
