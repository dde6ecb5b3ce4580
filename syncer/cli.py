"""The command line: parse arguments, build the context, call a command, map errors to exit codes.

The only module that reads argv and decides the process's exit code. Exit codes: 0 ok, 1 error
(bad usage included), 2 changes pending (`plan --detailed-exitcode`), 3 blocked changes,
4 stale saved plan, 130 interrupted.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from syncer import __version__, exitcodes
from syncer.commands.context import Context
from syncer.errors import ApiError, ProblemsError, SyncerError
from syncer.output import Output
from syncer.pipeline import Selection
from syncer.redact import RedactingFilter


class _Globals:
    config: Path = Path("syncer.toml")
    debug: bool = False
    color: bool | None = None


GLOBALS = _Globals()


def _no_color(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        GLOBALS.color = False
    return value


# Accepted before or after the command name (`syncer --no-color plan`, `syncer plan --no-color`).
_COMMON: list[Callable[[Any], Any]] = [
    click.option(
        "--no-color",
        is_flag=True,
        expose_value=False,
        callback=_no_color,
        is_eager=True,
        help="Plain output (NO_COLOR is honoured too).",
    ),
]


def common(func: Any) -> Any:
    for option in reversed(_COMMON):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "-c",
    type=click.Path(path_type=Path),
    default=Path("syncer.toml"),
    show_default=True,
    help="Path to syncer.toml.",
)
@click.option(
    "--debug", is_flag=True, help="Log every call (secrets redacted) and show tracebacks."
)
@common
@click.version_option(__version__, prog_name="campaign-syncer")
def app(config: Path, debug: bool) -> None:
    """Email and push campaigns as code: plan and apply MoEngage and Batch campaigns from YAML."""
    GLOBALS.config = config
    GLOBALS.debug = debug
    if os.environ.get("NO_COLOR"):
        GLOBALS.color = False


def _context() -> Context:
    ctx = Context(config_path=GLOBALS.config, out=Output(color=GLOBALS.color))
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter(ctx.redactor))
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if GLOBALS.debug else logging.WARNING)
    return ctx


def _run(command: Callable[[Context], int]) -> None:
    ctx = _context()
    code = guarded(ctx, command)
    sys.exit(code)


def guarded(ctx: Context, command: Callable[[Context], int]) -> int:
    """Run a command and map every outcome to an exit code: the one place that does it."""
    try:
        return command(ctx)
    except ProblemsError as exc:
        for problem in exc.problems:
            ctx.out.errors.print(str(problem), markup=False, highlight=False)
        ctx.out.error(f"{len(exc.problems)} {exc.kind} problem(s); nothing was sent")
        return exitcodes.ERROR
    except ApiError as exc:
        _trace(ctx)
        ctx.out.error(ctx.redactor(exc.describe()))
        return exc.exit_code
    except SyncerError as exc:
        _trace(ctx)
        ctx.out.error(ctx.redactor(str(exc)))
        return exc.exit_code
    except KeyboardInterrupt:
        ctx.out.error("interrupted")
        return exitcodes.INTERRUPTED
    except Exception as exc:
        _trace(ctx)
        ctx.out.error(
            f"unexpected {type(exc).__name__}: {ctx.redactor(str(exc))}. This is a bug in "
            "campaign-syncer: please report it with the output of --debug"
        )
        return exitcodes.ERROR


def _trace(ctx: Context) -> None:
    """With --debug, the traceback of the error being handled, secrets scrubbed. (Re-raising
    would let the interpreter print it unscrubbed: exception texts can quote header values.)"""
    if GLOBALS.debug:
        sys.stderr.write(ctx.redactor(traceback.format_exc()))


def _selection(target: str | None, only: tuple[str, ...], exclude: tuple[str, ...]) -> Selection:
    return Selection(target=target, only=only, exclude=exclude)


def _selection_options(func: Any) -> Any:
    func = click.option(
        "--exclude",
        multiple=True,
        metavar="KEY",
        help="Skip these campaign keys (globs allowed; repeatable).",
    )(func)
    func = click.option(
        "--only",
        multiple=True,
        metavar="KEY",
        help="Only these campaign keys (globs allowed; repeatable).",
    )(func)
    return click.option("--target", "-t", default=None, help="Only the campaigns of this target.")(
        func
    )


@app.command()
@common
def validate() -> None:
    """Check syncer.toml and every campaign file, offline (no credentials, no network)."""
    from syncer.commands import validate as command

    _run(command.run)


@app.command()
@_selection_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Save the plan (JSON) for `syncer apply PLANFILE`.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes to apply.")
@click.option("--show-unchanged", is_flag=True, help="List unchanged campaigns one by one.")
@click.option(
    "--artifact-url", default=None, help="Where the full plan is (linked from truncated Markdown)."
)
@click.option(
    "--retire-orphans",
    is_flag=True,
    help="Also stop or pause the remote campaigns of orphans (state entries whose file is "
    "gone), where the vendor allows, before forgetting them. Without it they are only forgotten.",
)
@click.option(
    "--show-unmanaged",
    is_flag=True,
    help="List the remote campaigns that nothing manages (reads the whole workspace).",
)
@common
def plan(
    target: str | None,
    only: tuple[str, ...],
    exclude: tuple[str, ...],
    out: Path | None,
    fmt: str,
    detailed_exitcode: bool,
    show_unchanged: bool,
    artifact_url: str | None,
    retire_orphans: bool,
    show_unmanaged: bool,
) -> None:
    """Read the remote campaigns, diff them with the files, and print the plan."""
    from syncer.commands import plan as command

    _run(
        lambda ctx: command.run(
            ctx,
            _selection(target, only, exclude),
            fmt,
            out,
            detailed_exitcode,
            show_unchanged,
            artifact_url,
            retire_orphans=retire_orphans,
            show_unmanaged=show_unmanaged,
        )
    )


@app.command()
@click.argument("planfile", required=False, type=click.Path(path_type=Path))
@_selection_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Format of the outcome report.",
)
@click.option("--no-verify", is_flag=True, help="Skip reading changed campaigns back afterwards.")
@click.option(
    "--max-plan-age",
    default=None,
    metavar="AGE",
    help="Refuse a saved plan older than this (30m, 2h, 1d).",
)
@click.option(
    "--checksum",
    default=None,
    metavar="SHA256",
    help="Refuse a saved plan whose checksum is not this one (the one that was reviewed).",
)
@click.option(
    "--retire-orphans",
    is_flag=True,
    help="Also stop or pause the remote campaigns of orphans (state entries whose file is "
    "gone), where the vendor allows, before forgetting them. Without it they are only forgotten.",
)
@common
def apply(
    planfile: Path | None,
    target: str | None,
    only: tuple[str, ...],
    exclude: tuple[str, ...],
    auto_approve: bool,
    fmt: str,
    no_verify: bool,
    max_plan_age: str | None,
    checksum: str | None,
    retire_orphans: bool,
) -> None:
    """Apply the plan (or exactly a saved PLANFILE) and report every call's outcome.

    A saved PLANFILE is applied without a question (it was reviewed), after checking that it is
    unmodified, made for these workspaces, and that nothing it relied on changed remotely.
    """
    from syncer.commands import apply as command
    from syncer.saved import parse_age

    def go(ctx: Context) -> int:
        age = parse_age(max_plan_age) if max_plan_age else None
        return command.run(
            ctx,
            planfile,
            _selection(target, only, exclude),
            auto_approve,
            fmt,
            not no_verify,
            age,
            checksum,
            retire_orphans=retire_orphans,
        )

    _run(go)


@app.command()
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@click.option("--target", "-t", default=None, help="Only the campaigns of this target.")
@click.option("--dry-run", is_flag=True, help="Show the rewrites as a diff; change no file.")
@common
def pull(keys: tuple[str, ...], target: str | None, dry_run: bool) -> None:
    """Bring remote values into existing campaign files (all, or the KEYs given; globs allowed).

    Only declared fields are rewritten, in place: comments, key order and formatting are kept.
    """
    from syncer.commands import pull as command

    _run(lambda ctx: command.run(ctx, keys, target, dry_run))


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
    from syncer.adopt import Filters
    from syncer.commands import import_ as command

    options = command.ImportOptions(
        target=target,
        filters=Filters(names=names, statuses=statuses, kinds=kinds, ids=ids),
        directory=directory,
        dry_run=dry_run,
        writable=writable,
    )
    _run(lambda ctx: command.run(ctx, options))


@app.command()
@click.argument("planfile", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--artifact-url", default=None, help="Where the full plan is (linked from truncated Markdown)."
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes.")
@common
def show(planfile: Path, fmt: str, artifact_url: str | None, detailed_exitcode: bool) -> None:
    """Print a saved plan again (offline), e.g. as the Markdown of a pull-request comment."""
    from syncer.commands import show as command

    _run(lambda ctx: command.run(ctx, planfile, fmt, artifact_url, detailed_exitcode))


@app.command()
@common
def schema() -> None:
    """Print the JSON Schema of campaign files (for editor completion)."""
    from syncer.commands import schema as command

    _run(command.run)


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
    from syncer.commands import sandbox as command

    _run(lambda ctx: command.serve(ctx.out, host, port, db, latency_ms, rate_limit_scale))


@sandbox.command("reset")
@click.option(
    "--db", type=click.Path(path_type=Path), default=Path(".syncer/sandbox.db"), show_default=True
)
@common
def sandbox_reset(db: Path) -> None:
    """Wipe the sandbox's data and reseed the demo workspace."""
    from syncer.commands import sandbox as command

    _run(lambda ctx: command.reset(ctx.out, db))


@app.group()
def state() -> None:
    """Inspect and repair the state store."""


@state.command("list")
@click.option("--target", "-t", default=None)
@common
def state_list(target: str | None) -> None:
    """List the campaigns the state store maps to remote ids."""
    from syncer.commands import state as command

    _run(lambda ctx: command.list_entries(ctx, target))


@state.command("forget")
@click.argument("key")
@click.option("--target", "-t", default=None)
@common
def state_forget(key: str, target: str | None) -> None:
    """Drop one campaign's state entry (the remote campaign is not touched)."""
    from syncer.commands import state as command

    _run(lambda ctx: command.forget(ctx, key, target))


@state.command("unlock")
@click.option("--target", "-t", default=None)
@common
def state_unlock(target: str | None) -> None:
    """Remove a state lock left behind by a run that died."""
    from syncer.commands import state as command

    _run(lambda ctx: command.unlock(ctx, target))


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Bad usage exits 1 (the brief), not click's usual 2."""
    try:
        app.main(args=argv, prog_name="syncer", standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        sys.exit(exitcodes.ERROR)
    except click.Abort:
        sys.stderr.write("Aborted.\n")
        sys.exit(exitcodes.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exitcodes.ERROR)
    sys.exit(exitcodes.OK)
