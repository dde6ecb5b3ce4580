"""`syncer apply [PLANFILE]`: check the options and a saved plan, run the apply flow
(`syncer.workflows.apply`) with the terminal as its `ApplyUI`, print the report, pick the exit
code."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.cli.progress import CallProgress
from syncer.errors import UsageError
from syncer.load.selection import Selection
from syncer.model.plan import Plan
from syncer.model.report import ApplyReport
from syncer.providers import registry
from syncer.render.report import render_report, render_report_json
from syncer.render.text import render_plan
from syncer.workflows import aio
from syncer.workflows.apply import ApplyOutcome, ApplyRequest, run_apply
from syncer.workflows.saved import check_age, read_plan
from syncer.workflows.tampering import check_routes, check_signature, signing_key


def exit_code(plan: Plan, report: ApplyReport) -> int:
    codes = []
    if report.interrupted:
        codes.append(exitcodes.INTERRUPTED)
    if not report.ok:
        codes.append(exitcodes.ERROR)
    if plan.has_blocked:
        codes.append(exitcodes.BLOCKED)
    return exitcodes.combine(*codes)


def run(
    ctx: Context,
    planfile: Path | None,
    selection: Selection,
    auto_approve: bool,
    fmt: str,
    check: bool,
    max_age: dt.timedelta | None,
    expect: str | None = None,
    *,
    retire_orphans: bool = False,
) -> int:
    if expect is not None and planfile is None:
        raise UsageError("--checksum goes with a saved plan: syncer apply PLANFILE --checksum ...")
    saved = read_plan(planfile, expect) if planfile is not None else None
    if saved is not None and (selection.only or selection.exclude or selection.target):
        raise UsageError(
            "a saved plan is applied exactly as reviewed: drop --target/--only/--exclude"
        )
    if saved is not None and retire_orphans:
        raise UsageError(
            "a saved plan is applied exactly as reviewed: --retire-orphans goes with "
            "`syncer plan --retire-orphans --out FILE`"
        )
    if saved is not None and planfile is not None:
        # Before the lock, a connection or a call: a forged plan sends nothing at all.
        signed = check_signature(planfile, saved, signing_key())
        if signed:
            ctx.out.info(f"Note: {signed}")
        check_routes(planfile, saved, ctx.settings, registry.get)
        check_age(saved, max_age)
    request = ApplyRequest(
        definitions=ctx.definitions(creating=selection),  # bad input stops here: nothing is sent
        saved=saved,
        selection=selection,
        approved=auto_approve,
        verify=check,
        retire_orphans=retire_orphans,
    )
    run = ctx.run()
    outcome = aio.run(run_apply(run, request, _Terminal(ctx, ctx.progress(run, fmt), fmt)))
    return _report(ctx, outcome, fmt)


class _Terminal:
    """The apply flow's `ApplyUI` on the command line: notes and questions on standard error,
    the plan where `--format` wants it, a progress bar on a terminal."""

    def __init__(self, ctx: Context, progress: CallProgress, fmt: str) -> None:
        self.ctx, self.progress, self.fmt = ctx, progress, fmt

    def note(self, text: str) -> None:
        self.ctx.out.info(text)

    def planned(self, plan: Plan) -> None:
        shown = render_plan(plan)
        if self.fmt == "json":  # standard output carries the report alone
            self.ctx.out.errors.print(shown, end="")
        else:
            self.ctx.out.document(shown)

    def confirm(self, plan: Plan) -> bool:
        answer = self.ctx.out.confirm("Apply these changes? Only 'yes' is accepted:")
        if answer is None:
            raise UsageError(
                "apply needs a confirmation: answer 'yes' in a terminal, pipe it "
                "(`echo yes | syncer apply`), or pass --auto-approve"
            )
        return answer

    def stopping(self) -> None:
        self.ctx.out.info(
            "Stopping: calls in flight finish, the rest are not attempted (Ctrl-C again to force)."
        )

    def phase(self, name: str, total: int | None = None) -> AbstractAsyncContextManager[None]:
        return self.progress.phase(name, total=total)


def _report(ctx: Context, outcome: ApplyOutcome, fmt: str) -> int:
    plan, report = outcome.plan, outcome.report
    if outcome.status == "cancelled":
        # As in Terraform: a declined apply is not a success a pipeline may continue on.
        ctx.out.error("apply cancelled: the answer was not 'yes'; nothing was sent")
        return exitcodes.ERROR
    if outcome.status == "nothing":
        ctx.out.info("Nothing to apply.")
        if fmt == "json":
            ctx.out.document(render_report_json(report))
        return exitcodes.BLOCKED if plan.has_blocked else exitcodes.OK
    ctx.out.document(render_report_json(report) if fmt == "json" else render_report(report))
    return exit_code(plan, report)
