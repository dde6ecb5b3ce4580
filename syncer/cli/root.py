"""The root command: global options, running one command, mapping its outcome to an exit code.

`app` is the click group the command modules (`workflow`, `remote`, `tools`) declare their
commands on; `run` builds a command's `Context` from the global options and exits with the code
`guarded` maps its outcome to (the one place that does it).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from syncer import __version__
from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.cli.output import Output
from syncer.errors import ApiError, ProblemsError, SyncerError
from syncer.remote.redact import RedactingFilter


@dataclass
class Options:
    """The options given before the command name, kept on the root click context (`obj`) for
    the command that runs: one run's values, never shared through a module."""

    config: Path = Path("syncer.toml")
    debug: bool = False
    color: bool | None = None


def _options() -> Options:
    return click.get_current_context().find_root().ensure_object(Options)


def _no_color(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        _options().color = False
    return value


def common(func: Any) -> Any:
    """The options accepted before or after the command name (`syncer --no-color plan`,
    `syncer plan --no-color`)."""
    return click.option(
        "--no-color",
        is_flag=True,
        expose_value=False,
        callback=_no_color,
        is_eager=True,
        help="Plain output (NO_COLOR is honoured too).",
    )(func)


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
    options = _options()
    options.config = config
    options.debug = debug
    if os.environ.get("NO_COLOR"):
        options.color = False


def _context(options: Options) -> Context:
    ctx = Context(config_path=options.config, out=Output(color=options.color))
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter(ctx.redactor))
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if options.debug else logging.WARNING)
    return ctx


def run(command: Callable[[Context], int]) -> None:
    """Run a command in a fresh context and exit with the code `guarded` maps its outcome to."""
    options = _options()
    ctx = _context(options)
    code = guarded(ctx, command, debug=options.debug)
    sys.exit(code)


def guarded(ctx: Context, command: Callable[[Context], int], *, debug: bool = False) -> int:
    """Run a command and map every outcome to an exit code: the one place that does it."""
    try:
        return command(ctx)
    except ProblemsError as exc:
        for problem in exc.problems:
            ctx.out.errors.print(str(problem), markup=False, highlight=False)
        ctx.out.error(f"{len(exc.problems)} {exc.kind} problem(s); nothing was sent")
        return exitcodes.ERROR
    except ApiError as exc:
        _trace(ctx, debug)
        ctx.out.error(ctx.redactor(exc.describe()))
        return exc.exit_code
    except SyncerError as exc:
        _trace(ctx, debug)
        ctx.out.error(ctx.redactor(str(exc)))
        return exc.exit_code
    except KeyboardInterrupt:
        ctx.out.error("interrupted")
        return exitcodes.INTERRUPTED
    except Exception as exc:
        _trace(ctx, debug)
        ctx.out.error(
            f"unexpected {type(exc).__name__}: {ctx.redactor(str(exc))}. This is a bug in "
            "campaign-syncer: please report it with the output of --debug"
        )
        return exitcodes.ERROR


def _trace(ctx: Context, debug: bool) -> None:
    """With --debug, the traceback of the error being handled, secrets scrubbed. (Re-raising
    would let the interpreter print it unscrubbed: exception texts can quote header values.)"""
    if debug:
        sys.stderr.write(ctx.redactor(traceback.format_exc()))
