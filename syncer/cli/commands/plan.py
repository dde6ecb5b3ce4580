"""`syncer plan`: read the remote, diff, print the plan (and save it with --out)."""

from __future__ import annotations

import os
from pathlib import Path

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.load.selection import Selection
from syncer.model.plan import Plan
from syncer.render.json import render_plan_json
from syncer.render.markdown import render_plan_markdown
from syncer.render.text import render_plan
from syncer.render.values import View
from syncer.workflows import aio
from syncer.workflows.ci import ci_notice
from syncer.workflows.pipeline import make_plan
from syncer.workflows.saved import seal, write_plan
from syncer.workflows.tampering import signing_key


def plan_exit_code(plan: Plan, detailed: bool) -> int:
    codes = []
    if plan.has_blocked:
        codes.append(exitcodes.BLOCKED)
    if detailed and plan.has_changes:
        codes.append(exitcodes.CHANGES)
    return exitcodes.combine(*codes)


def run(
    ctx: Context,
    selection: Selection,
    fmt: str,
    out_file: Path | None,
    detailed: bool,
    show_unchanged: bool,
    artifact_url: str | None = None,
    *,
    retire_orphans: bool = False,
    show_unmanaged: bool = False,
    view: View | None = None,
) -> int:
    definitions = ctx.definitions(creating=selection)  # bad input stops here: nothing is sent

    async def go() -> Plan:
        run = ctx.run()
        try:
            async with ctx.progress(run, fmt).phase("Reading campaigns"):
                return await make_plan(
                    run,
                    definitions,
                    selection,
                    retire_orphans=retire_orphans,
                    show_unmanaged=show_unmanaged,
                )
        finally:
            await run.connections.aclose()

    plan = seal(aio.run(go()), signing_key())
    notice = ci_notice(ctx.settings, plan.targets, os.environ)
    if notice:
        ctx.out.info(f"Note: {notice}")
    if fmt == "json":
        ctx.out.document(render_plan_json(plan))
    elif fmt == "markdown":
        ctx.out.document(render_plan_markdown(plan, artifact_url=artifact_url, view=view))
    else:
        ctx.out.document(render_plan(plan, show_noop=show_unchanged, view=view))
    if out_file is not None:
        write_plan(out_file, plan)
        ctx.out.info(
            f"Saved the plan to {out_file} (checksum {plan.checksum}): apply exactly it with "
            f"`syncer apply {out_file}`"
        )
    return plan_exit_code(plan, detailed)
