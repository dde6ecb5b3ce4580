"""Remote campaigns into files, and targets side by side: `pull`, `import` and `compare`
(declarations only).

Takes the command line's options; hands them to `syncer.commands.pull` and
`syncer.commands.import_` through `run`.
"""

from __future__ import annotations

import click

from syncer.cli.root import app, common, run


@app.command()
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@click.option("--target", "-t", default=None, help="Only the campaigns of this target.")
@click.option("--dry-run", is_flag=True, help="Show the rewrites as a diff; change no file.")
@click.option(
    "--save-remote",
    is_flag=True,
    help="For content that comes from a template file: write the remote text next to the "
    "template (NAME.remote.html) instead of only saying that it differs.",
)
@common
def pull(keys: tuple[str, ...], target: str | None, dry_run: bool, save_remote: bool) -> None:
    """Bring remote values into existing campaign files (all, or the KEYs given; globs allowed).

    Only declared fields are rewritten, in place: comments, key order and formatting are kept.
    """
    from syncer.cli.commands import pull as command

    run(lambda ctx: command.run(ctx, keys, target, dry_run, save_remote))


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
    "--all",
    "everything",
    is_flag=True,
    help="Also campaigns that no longer send (archived, sent, stopped, completed); by default "
    "only live ones are imported.",
)
@click.option(
    "--writable",
    is_flag=True,
    help="Import campaigns whose writability the vendor's API cannot confirm "
    "(MoEngage: not known to be API-created) without read_only: true.",
)
@click.option(
    "--split-content",
    is_flag=True,
    help="Write each email's HTML into its own file below templates_dir (DIR/NAME.html) and "
    "reference it from the campaign file as {file: ...}.",
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
    everything: bool,
    writable: bool,
    split_content: bool,
) -> None:
    """Write campaign files for remote campaigns that nothing manages yet, and record their ids."""
    from syncer.cli.commands import import_ as command
    from syncer.load.adopt import Filters

    options = command.ImportOptions(
        target=target,
        filters=Filters(
            names=names, statuses=statuses, kinds=kinds, ids=ids, everything=everything
        ),
        directory=directory,
        dry_run=dry_run,
        writable=writable,
        split_content=split_content,
    )
    run(lambda ctx: command.run(ctx, options))


@app.command()
@click.argument("left", metavar="LEFT")
@click.argument("right", metavar="RIGHT")
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@click.option(
    "--offline",
    is_flag=True,
    help="Compare the effective definitions only: no credentials, no network.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when the targets differ.")
@click.option("--show-same", is_flag=True, help="List the campaigns that do not differ too.")
@common
def compare(
    left: str,
    right: str,
    keys: tuple[str, ...],
    offline: bool,
    fmt: str,
    detailed_exitcode: bool,
    show_same: bool,
) -> None:
    """Show how two targets differ: each campaign's effective definition (a file's values for
    that target, overrides and vars applied) and what the two workspaces hold now (all
    campaigns, or the KEYs given; globs allowed). Writes nothing."""
    from syncer.cli.commands import compare as command

    run(
        lambda ctx: command.run(
            ctx,
            left,
            right,
            keys,
            offline=offline,
            fmt=fmt,
            detailed=detailed_exitcode,
            show_same=show_same,
        )
    )
