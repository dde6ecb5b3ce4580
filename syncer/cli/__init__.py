"""The command line: parse arguments, build the context, call a command, map errors to exit codes.

The only package that reads argv and decides the process's exit code; `guarded` is the one place
errors become exit codes. Exit codes: 0 ok, 1 error (bad usage included), 2 changes pending
(`plan --detailed-exitcode`), 3 blocked changes, 4 stale saved plan, 130 interrupted. The
commands are declared by topic in the submodules: `workflow` (validate, plan, apply, show),
`remote` (pull, import) and `tools` (schema, sandbox, state).
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

from syncer import __version__
from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.cli.output import Output
from syncer.errors import ApiError, ProblemsError, SyncerError
from syncer.remote.redact import RedactingFilter


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


def run(command: Callable[[Context], int]) -> None:
    """Run a command in a fresh context and exit with the code `guarded` maps its outcome to."""
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


# The command modules declare their commands on `app` and use `common` and `run` from here:
# imported last, once those exist.
from syncer.cli import remote, tools, workflow  # noqa: E402, F401
