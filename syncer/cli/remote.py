"""Remote campaigns into files: `pull` and `import` (declarations only).

Takes the command line's options; hands them to `syncer.commands.pull` and
`syncer.commands.import_` through `run`.
"""

from __future__ import annotations

import click

from syncer.cli import app, common, run


@app.command()
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@click.option("--target", "-t", default=None, help="Only the campaigns of this target.")
@click.option("--dry-run", is_flag=True, help="Show the rewrites as a diff; change no file.")
@common
def pull(keys: tuple[str, ...], target: str | None, dry_run: bool) -> None:
    """Bring remote values into existing campaign files (all, or the KEYs given; globs allowed).

    Only declared fields are rewritten, in place: comments, key order and formatting are kept.
    """
    from syncer.cli.commands import pull as command

    run(lambda ctx: command.run(ctx, keys, target, dry_run))


@app.command("import")
@click.option(
    "--target", "-t", default=None, help="Target to import from (default: default_target)."
)
@click.option(
    "--name",
    "names",
    multiple=True,
    metavar="GLOB",
    help="Only campaigns whose name matches (case-insensitive glob; repeatable).",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="STATUS",
    help="Only campaigns in this remote status (ACTIVE, SCHEDULED, running...; repeatable).",
)
@click.option(
    "--delivery-type",
    "kinds",
    multiple=True,
    metavar="TYPE",
    help="Only this delivery type (ONE_TIME, PERIODIC, EVENT_TRIGGERED; Batch: "
    "campaign, recurring, trigger; repeatable).",
)
@click.option(
    "--id", "ids", multiple=True, metavar="ID", help="Only these campaign ids (repeatable)."
)
@click.option(
    "--dir",
    "directory",
    default=None,
    metavar="DIR",
    help="Directory below the campaigns directory for the new files (default: the target's name).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="List the unmanaged campaigns that would be imported; write nothing.",
)
@click.option(
    "--writable",
    is_flag=True,
    help="Import campaigns whose writability the vendor's API cannot confirm "
    "(MoEngage: not known to be API-created) without read_only: true.",
)
@common
def import_(
    target: str | None,
    names: tuple[str, ...],
    statuses: tuple[str, ...],
    kinds: tuple[str, ...],
    ids: tuple[str, ...],
    directory: str | None,
    dry_run: bool,
    writable: bool,
) -> None:
    """Write campaign files for remote campaigns that nothing manages yet, and record their ids."""
    from syncer.cli.commands import import_ as command
    from syncer.load.adopt import Filters

    options = command.ImportOptions(
        target=target,
        filters=Filters(names=names, statuses=statuses, kinds=kinds, ids=ids),
        directory=directory,
        dry_run=dry_run,
        writable=writable,
    )
    run(lambda ctx: command.run(ctx, options))
