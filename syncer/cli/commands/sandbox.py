"""`syncer sandbox serve | reset`: run the local emulator of the vendor APIs.

`reset` reseeds the data and clears the state store of every `sandbox = true` target of the
project's syncer.toml (when there is one): the ids it held named campaigns that no longer
exist, and the quickstart replays from the start.
"""

from __future__ import annotations

from pathlib import Path

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.cli.output import Output
from syncer.model.state import TargetState
from syncer.workflows.apply import holder


def serve(
    out: Output, host: str, port: int, db: Path, latency_ms: float, rate_limit_scale: float
) -> int:
    from syncer.cli.collector import serving
    from syncer.sandbox.options import SandboxOptions
    from syncer.sandbox.server import serve as serve_forever

    serving()
    out.info(f"Sandbox listening on http://{host}:{port} (data: {db}); Ctrl-C stops it.")
    out.info(f'Point a target at it with base_url = "http://{host}:{port}".')
    serve_forever(
        SandboxOptions(
            host=host,
            port=port,
            db_path=db,
            latency_ms=latency_ms,
            rate_limit_scale=rate_limit_scale,
        )
    )
    return exitcodes.OK


def reset(ctx: Context, db: Path | None) -> int:
    from syncer.sandbox.seed import reset as reseed

    # An invalid syncer.toml stops here, before any data is lost; none at all is fine (the
    # sandbox serves other projects too).
    configured = ctx.config_path.exists()
    targets = (
        sorted(name for name, t in ctx.settings.targets.items() if t.sandbox) if configured else []
    )
    if db is None:
        # The data the embedded sandbox uses, wherever the command runs from.
        db = (
            ctx.settings.root / ctx.settings.state.path / "sandbox.db"
            if configured
            else Path(".syncer/sandbox.db")
        )
    reseed(db)
    ctx.out.info(f"Sandbox data reseeded with the demo workspace ({db}).")
    for target in targets:
        with ctx.backend.lock(target, holder()):
            ctx.backend.save(TargetState(target=target))
            ctx.backend.journal_clear(target)
    if targets:
        ctx.out.info(
            f"State cleared for sandbox target(s) {', '.join(targets)} "
            f"({ctx.backend.description}): their ids named the old data."
        )
    return exitcodes.OK
