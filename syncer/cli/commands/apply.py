"""`syncer apply [PLANFILE]`: plan (or load a saved plan), confirm, apply, verify, report."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import getpass
import os
import signal
import socket
from pathlib import Path

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.errors import UsageError
from syncer.model.campaign import CampaignDefinition
from syncer.model.plan import Plan
from syncer.model.report import ApplyReport
from syncer.model.state import utcnow
from syncer.providers import registry
from syncer.render.report import render_report, render_report_json
from syncer.render.text import render_plan
from syncer.workflows import aio
from syncer.workflows.ci import ci_notice
from syncer.workflows.pins import pin_created
from syncer.workflows.pipeline import (
    Run,
    Selection,
    apply_plan,
    make_plan,
    plan_targets,
    save_learnt,
    settle,
    verify,
)
from syncer.workflows.saved import (
    check_age,
    check_stale,
    check_targets,
    notes_before_apply,
    read_plan,
    unchanged_definitions,
)
from syncer.workflows.tampering import check_routes, check_signature, signing_key


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
    definitions = ctx.definitions()  # bad input stops here: no connection is opened
    return aio.run(
        _apply(ctx, saved, selection, auto_approve, fmt, check, definitions, retire_orphans)
    )


async def _apply(
    ctx: Context,
    saved: Plan | None,
    selection: Selection,
    auto_approve: bool,
    fmt: str,
    check: bool,
    definitions: list[CampaignDefinition],
    retire_orphans: bool = False,
) -> int:
    run = ctx.run()
    targets = (
        sorted(saved.targets)
        if saved is not None
        else plan_targets(run.settings, run.backend, definitions, selection)
    )
    try:
        with contextlib.ExitStack() as locks:
            who = holder()
            for target in targets:
                locks.enter_context(run.backend.lock(target, who))
            return await _locked(
                ctx,
                run,
                saved,
                selection,
                auto_approve,
                fmt,
                check,
                definitions,
                targets,
                retire_orphans,
            )
    finally:
        await run.connections.aclose()


async def _locked(
    ctx: Context,
    run: Run,
    saved: Plan | None,
    selection: Selection,
    auto_approve: bool,
    fmt: str,
    check: bool,
    definitions: list[CampaignDefinition],
    targets: list[str],
    retire_orphans: bool = False,
) -> int:
    if saved is not None:
        check_targets(run, saved, targets)
    notes = await settle(run, targets)
    for note in notes:
        ctx.out.info(f"settled: {note}")
    progress = ctx.progress(run, fmt)
    if saved is not None:
        async with progress.phase("Reading campaigns"):
            stale = await check_stale(run, saved)
        for note in stale:
            ctx.out.info(note)
        for note in notes_before_apply(saved, definitions):
            ctx.out.info(f"Note: {note}")
        # Only files still as planned can be checked against the remote afterwards.
        definitions = unchanged_definitions(saved, definitions)
        plan = saved
    else:
        async with progress.phase("Reading campaigns"):
            plan = await make_plan(run, definitions, selection, retire_orphans=retire_orphans)
    save_learnt(run)
    notice = ci_notice(run.settings, plan.targets, os.environ)
    if notice:
        ctx.out.info(f"Note: {notice}")
    shown = render_plan(plan)
    if fmt == "json":
        ctx.out.errors.print(shown, end="")
    else:
        ctx.out.document(shown)
    if not plan.has_changes:
        ctx.out.info("Nothing to apply.")
        if fmt == "json":
            ctx.out.document(render_report_json(ApplyReport(reconciled=tuple(notes))))
        return exitcodes.BLOCKED if plan.has_blocked else exitcodes.OK
    # A saved plan was approved when it was reviewed (as with `terraform apply PLANFILE`).
    if not auto_approve and saved is None:
        if not ctx.out.interactive:
            raise UsageError(
                "apply needs a confirmation: run it in a terminal, or pass --auto-approve"
            )
        if not ctx.out.confirm("Apply these changes? Only 'yes' is accepted:"):
            ctx.out.info("Apply cancelled; nothing was sent.")
            return exitcodes.OK
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def interrupt() -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        ctx.out.info(
            "Stopping: calls in flight finish, the rest are not attempted (Ctrl-C again to force)."
        )
        stop.set()

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, interrupt)
    try:
        async with progress.phase("Applying", total=planned_calls(plan)):
            report = await apply_plan(run, plan, stop, resume=saved is not None)
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
    # Before the read-back: the ids reach the files even if verifying fails.
    report = report.model_copy(update={"pinned": pin_created(run.settings, report)})
    if check and not report.interrupted:
        async with progress.phase("Reading back"):
            verification = await verify(
                run, definitions, plan, report, planned_only=saved is not None
            )
        report = report.model_copy(update={"verification": tuple(verification)})
    report = report.model_copy(update={"reconciled": tuple(notes)})
    if fmt == "json":
        ctx.out.document(render_report_json(report))
    else:
        ctx.out.document(render_report(report))
    return exit_code(plan, report)
