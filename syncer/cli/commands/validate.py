"""`syncer validate`: offline check of the config and every campaign file."""

from __future__ import annotations

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context


def run(ctx: Context) -> int:
    ctx.offline = True
    definitions = ctx.definitions(creating=True, every_warning=True)
    targets = sorted({d.target for d in definitions})
    files = len({d.key for d in definitions})
    # A file with targets: is one campaign per target: both counts, when they differ.
    campaigns = f", {len(definitions)} campaigns" if len(definitions) != files else ""
    warnings = len({w for d in definitions for w in d.warnings})
    ctx.out.info(
        f"{files} campaign file(s) valid{campaigns}"
        + (f" (targets: {', '.join(targets)})" if targets else "")
        + (f"; {warnings} warning(s) about their content" if warnings else "")
    )
    return exitcodes.OK
