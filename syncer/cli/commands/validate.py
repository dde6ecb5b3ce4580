"""`syncer validate`: offline check of the config and every campaign file."""

from __future__ import annotations

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context


def run(ctx: Context) -> int:
    ctx.offline = True
    definitions = ctx.definitions(creating=True)
    targets = sorted({d.target for d in definitions})
    ctx.out.info(
        f"{len(definitions)} campaign file(s) valid"
        + (f" (targets: {', '.join(targets)})" if targets else "")
    )
    return exitcodes.OK
