"""`syncer show PLANFILE`: render a saved plan again (text, JSON or Markdown), offline.

A pipeline saves the plan, uploads it, and only then knows the artifact's URL: `show` renders
the comment from the very file that will be applied (same checksum), without reading the remote
again (a second `plan` could differ).
"""

from __future__ import annotations

from pathlib import Path

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.cli.commands.plan import plan_exit_code
from syncer.render.json import render_plan_json
from syncer.render.markdown import render_plan_markdown
from syncer.render.text import render_plan
from syncer.render.values import View
from syncer.workflows.saved import read_plan


def run(
    ctx: Context,
    planfile: Path,
    fmt: str,
    artifact_url: str | None,
    detailed: bool,
    view: View | None = None,
) -> int:
    plan = read_plan(planfile)
    if fmt == "json":
        ctx.out.document(render_plan_json(plan))
    elif fmt == "markdown":
        ctx.out.document(render_plan_markdown(plan, artifact_url=artifact_url, view=view))
    else:
        ctx.out.document(render_plan(plan, view=view))
    # Rendering is not judging: the plan's own exit code only when asked for.
    return plan_exit_code(plan, True) if detailed else exitcodes.OK
