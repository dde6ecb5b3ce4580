"""APPLY FLOW: lock -> settle -> stale check -> plan -> confirm -> apply (Ctrl-C aware) -> verify.

Takes a `Run`, what the person asked for (`ApplyRequest`: a saved plan or a selection to plan
now) and an `ApplyUI` for everything that involves them (notes, the plan shown before the
question, the question, progress, the first Ctrl-C); returns an `ApplyOutcome`: the plan and,
when it ran, the apply report. Printing, formats and exit codes stay with the command.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
import signal
import socket
from collections.abc import Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Literal, Protocol

from syncer.load.selection import Selection
from syncer.model.campaign import CampaignDefinition
from syncer.model.plan import Plan
from syncer.model.report import ApplyReport
from syncer.model.state import utcnow
from syncer.workflows.ci import ci_notice
from syncer.workflows.pins import pin_created
from syncer.workflows.pipeline import (
    Run,
    apply_plan,
    make_plan,
    plan_targets,
    save_learnt,
    settle,
    verify,
)
from syncer.workflows.saved import (
    check_stale,
    check_targets,
    notes_before_apply,
    unchanged_definitions,
)


class ApplyUI(Protocol):
    """What the apply flow asks of the person running it (the CLI implements it)."""

    def note(self, text: str) -> None:
        """A line worth reading: what settling found, what a saved plan already did."""
        ...

    def planned(self, plan: Plan) -> None:
        """The plan about to be applied (shown before the question, and when nothing is due)."""
        ...

    def confirm(self, plan: Plan) -> bool:
        """Whether to apply `plan` (asked only when the request is not approved already)."""
        ...

    def stopping(self) -> None:
        """The first Ctrl-C arrived: calls in flight finish, the rest are not attempted."""
        ...

    def phase(self, name: str, total: int | None = None) -> AbstractAsyncContextManager[None]:
        """A stretch of vendor calls (`total`: how many are expected), for a progress bar."""
        ...


@dataclass(frozen=True)
class ApplyRequest:
    """What to apply: a reviewed saved plan, or the selection to plan now."""

    definitions: Sequence[CampaignDefinition]
    saved: Plan | None = None
    selection: Selection = field(default_factory=Selection)
    approved: bool = False
    """`--auto-approve`. A saved plan is approved when it was reviewed (as with `terraform
    apply PLANFILE`): it is never asked about."""
    verify: bool = True
    """Read the changed campaigns back afterwards."""
    retire_orphans: bool = False


@dataclass(frozen=True)
class ApplyOutcome:
    """How the flow ended: `nothing` to apply, `cancelled` at the question, or `applied`."""

    status: Literal["nothing", "cancelled", "applied"]
    plan: Plan
    report: ApplyReport
    """The outcome of every call (empty unless applied); `reconciled` holds what settling
    an earlier interrupted run found."""


def holder() -> str:
    """Who holds the state lock, for the message another run sees."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    where = os.environ.get("GITHUB_RUN_ID") or os.environ.get("CI_JOB_ID")
    ci = f", CI job {where}" if where else ""
    return f"{user}@{socket.gethostname()} (pid {os.getpid()}{ci}, since {utcnow().isoformat()})"


def planned_calls(plan: Plan) -> int:
    """The calls applying `plan` sends when all goes well (the progress bar's total)."""
    return sum(len(c.to_send) for c in plan.campaigns)


async def run_apply(run: Run, request: ApplyRequest, ui: ApplyUI) -> ApplyOutcome:
    """The whole apply flow, every target of it locked throughout; the run's connections are
    closed at the end, whatever happens."""
    saved = request.saved
    if saved is not None:
        targets = sorted(saved.targets)
    else:
        selection = request.selection.under(run.settings.campaigns_dir)
        targets = plan_targets(run.settings, run.backend, request.definitions, selection)
    try:
        with contextlib.ExitStack() as locks:
            who = holder()
            for target in targets:
                locks.enter_context(run.backend.lock(target, who))
            return await _locked(run, request, targets, ui)
    finally:
        await run.connections.aclose()


async def _locked(run: Run, request: ApplyRequest, targets: list[str], ui: ApplyUI) -> ApplyOutcome:
    saved = request.saved
    if saved is not None:
        check_targets(run, saved, targets)
    settled = tuple(await settle(run, targets))
    for note in settled:
        ui.note(f"settled: {note}")
    plan, definitions = await _plan(run, request, ui)
    save_learnt(run)
    notice = ci_notice(run.settings, plan.targets, os.environ)
    if notice:
        ui.note(f"Note: {notice}")
    ui.planned(plan)
    if not plan.has_changes:
        return ApplyOutcome("nothing", plan, ApplyReport(reconciled=settled))
    if not (request.approved or saved is not None) and not ui.confirm(plan):
        return ApplyOutcome("cancelled", plan, ApplyReport(reconciled=settled))
    with _stop_on_interrupt(ui) as stop:
        async with ui.phase("Applying", total=planned_calls(plan)):
            report = await apply_plan(run, plan, stop, resume=saved is not None)
    # Before the read-back: the ids reach the files even if verifying fails.
    report = report.model_copy(update={"pinned": pin_created(run.settings, report)})
    if request.verify and not report.interrupted:
        async with ui.phase("Reading back"):
            verification = await verify(
                run, definitions, plan, report, planned_only=saved is not None
            )
        report = report.model_copy(update={"verification": tuple(verification)})
    return ApplyOutcome("applied", plan, report.model_copy(update={"reconciled": settled}))


async def _plan(
    run: Run, request: ApplyRequest, ui: ApplyUI
) -> tuple[Plan, Sequence[CampaignDefinition]]:
    """The plan to apply, and the definitions its result can be checked against."""
    saved = request.saved
    if saved is None:
        async with ui.phase("Reading campaigns"):
            plan = await make_plan(
                run,
                request.definitions,
                request.selection,
                retire_orphans=request.retire_orphans,
            )
        return plan, request.definitions
    async with ui.phase("Reading campaigns"):
        stale = await check_stale(run, saved)
    for note in stale:
        ui.note(note)
    for note in notes_before_apply(saved, request.definitions):
        ui.note(f"Note: {note}")
    # Only files still as planned can be checked against the remote afterwards.
    return saved, unchanged_definitions(saved, request.definitions)


@contextlib.contextmanager
def _stop_on_interrupt(ui: ApplyUI) -> Iterator[asyncio.Event]:
    """An event the first Ctrl-C sets (apply then sends nothing more); the second one raises
    `KeyboardInterrupt` as usual."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def interrupt() -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        ui.stopping()
        stop.set()

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, interrupt)
    try:
        yield stop
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
