"""`syncer compare LEFT RIGHT [KEY...]`: how two targets differ, in their effective definitions
and in what their workspaces hold now (offline: the definitions only)."""

from __future__ import annotations

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.load.selection import Selection
from syncer.plan.compare import Comparison, compare
from syncer.render.compare import render_comparison_json, render_comparison_text
from syncer.workflows import aio
from syncer.workflows.compare import check_targets, compare_targets


def run(
    ctx: Context,
    left: str,
    right: str,
    keys: tuple[str, ...],
    *,
    offline: bool,
    fmt: str,
    detailed: bool,
    show_same: bool,
) -> int:
    check_targets(ctx.settings, left, right)
    definitions = ctx.definitions()  # bad input stops here: no connection is opened
    selection = Selection(only=keys)

    async def go() -> Comparison:
        run = ctx.run()
        try:
            return await compare_targets(run, definitions, left, right, selection, offline=offline)
        finally:
            await run.connections.aclose()

    # Offline: no state backend, no session, no credentials.
    comparison = compare(left, right, selection.apply(definitions)) if offline else aio.run(go())
    if fmt == "json":
        ctx.out.document(render_comparison_json(comparison))
    else:
        ctx.out.document(render_comparison_text(comparison, show_same=show_same))
    return exitcodes.CHANGES if detailed and comparison.differs else exitcodes.OK
