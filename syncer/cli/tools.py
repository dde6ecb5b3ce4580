"""Tools around the sync: `schema`, `sandbox serve|reset` and `state list|forget|unlock`.

Declarations only: takes the command line's options and hands them to `syncer.commands.schema`,
`syncer.commands.sandbox` and `syncer.commands.state` through `run`.
"""

from __future__ import annotations

from pathlib import Path

import click

from syncer.cli.root import app, common, run


@app.command()
@common
def schema() -> None:
    """Print the JSON Schema of campaign files (for editor completion)."""
    from syncer.cli.commands import schema as command

    run(command.run)


@app.command()
@click.argument("directory", type=click.Path(path_type=Path), default=Path(), required=False)
@common
def init(directory: Path) -> None:
    """Start a project in DIRECTORY (default: here): syncer.toml, campaigns/, templates/."""
    from syncer.cli.commands import init as command

    run(lambda ctx: command.run(ctx.out, directory))


@app.group()
def sandbox() -> None:
    """Run the local emulator of the vendor APIs."""


@sandbox.command("serve")
@click.option("--port", "-p", type=int, default=8080, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path(".syncer/sandbox.db"),
    show_default=True,
    help="SQLite file of the sandbox's data.",
)
@click.option("--latency-ms", type=float, default=0.0, help="Added to every vendor call.")
@click.option(
    "--rate-limit-scale",
    type=float,
    default=1.0,
    help="Multiply the vendors' rate limits (0: off).",
)
@common
def sandbox_serve(
    port: int, host: str, db: Path, latency_ms: float, rate_limit_scale: float
) -> None:
    """Serve the emulated MoEngage and Batch APIs over HTTP."""
    from syncer.cli.commands import sandbox as command

    run(lambda ctx: command.serve(ctx.out, host, port, db, latency_ms, rate_limit_scale))


@sandbox.command("reset")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=None,
    help="SQLite file of the sandbox's data [default: the embedded sandbox's, under the "
    "project's state path; .syncer/sandbox.db without a syncer.toml].",
)
@common
def sandbox_reset(db: Path | None) -> None:
    """Wipe the sandbox's data and reseed the demo workspace."""
    from syncer.cli.commands import sandbox as command

    run(lambda ctx: command.reset(ctx, db))


@app.group()
def state() -> None:
    """Inspect and repair the state store."""


@state.command("list")
@click.option("--target", "-t", default=None)
@common
def state_list(target: str | None) -> None:
    """List the campaigns the state store maps to remote ids."""
    from syncer.cli.commands import state as command

    run(lambda ctx: command.list_entries(ctx, target))


@state.command("show")
@click.argument("key")
@click.option("--target", "-t", default=None)
@common
def state_show(key: str, target: str | None) -> None:
    """Show everything the state store holds for one campaign (JSON, per target)."""
    from syncer.cli.commands import state as command

    run(lambda ctx: command.show(ctx, key, target))


@state.command("forget")
@click.argument("key")
@click.option("--target", "-t", default=None)
@common
def state_forget(key: str, target: str | None) -> None:
    """Drop one campaign's state entry (the remote campaign is not touched)."""
    from syncer.cli.commands import state as command

    run(lambda ctx: command.forget(ctx, key, target))


@state.command("unlock")
@click.option("--target", "-t", default=None)
@common
def state_unlock(target: str | None) -> None:
    """Remove a state lock left behind by a run that died."""
    from syncer.cli.commands import state as command

    run(lambda ctx: command.unlock(ctx, target))
