"""The root command: global options, running one command, mapping its outcome to an exit code.

`app` is the click group the command modules (`workflow`, `remote`, `tools`) declare their
commands on; `run` builds a command's `Context` from the global options (accepted before or
after the command name) and exits with the code `guarded` maps its outcome to (the one place
that does it).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from syncer import __version__
from syncer.cli import exitcodes
from syncer.errors import ApiError, ProblemsError, SyncerError

if TYPE_CHECKING:
    # Imported when a command runs (`_context`): `syncer --version` and `--help` load none of
    # the steps, rich or the vendor models.
    from syncer.cli.commands.context import Context


@dataclass
class Globals:
    """The options every command accepts, before or after its name (`syncer --debug plan`,
    `syncer plan --debug`). One per invocation: kept on click's root context, not in a module."""

    config: Path = Path("syncer.toml")
    debug: bool = False
    color: bool | None = None


def current() -> Globals:
    """This invocation's global options (defaults outside a command line)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return Globals()
    root = ctx.find_root()
    if not isinstance(root.obj, Globals):
        root.obj = Globals()
    return root.obj


def _set_config(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        current().config = value


def _set_debug(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        current().debug = True


def _no_color(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        current().color = False


def _global_options(*, top: bool) -> list[Callable[[Any], Any]]:
    """The global options, for the group (`top`, with the shown default) or for a command."""
    return [
        click.option(
            "--config",
            "-c",
            type=click.Path(path_type=Path),
            default=Path("syncer.toml") if top else None,
            show_default=top,
            expose_value=False,
            callback=_set_config,
            is_eager=True,
            help="Path to syncer.toml.",
        ),
        click.option(
            "--debug",
            is_flag=True,
            expose_value=False,
            callback=_set_debug,
            help="Log every call (secrets redacted) and show tracebacks.",
        ),
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
    """Accept the global options after the command's name too."""
    for option in reversed(_global_options(top=False)):
        func = option(func)
    return func


def _group(func: Any) -> Any:
    for option in reversed(_global_options(top=True)):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@_group
@click.version_option(__version__, prog_name="campaign-syncer")
def app() -> None:
    """Email and push campaigns as code: plan and apply MoEngage and Batch campaigns from YAML."""
    if os.environ.get("NO_COLOR"):
        current().color = False


def _context() -> Context:
    from syncer.cli.commands.context import Context
    from syncer.cli.output import Output
    from syncer.remote.redact import RedactingFilter

    options = current()
    ctx = Context(config_path=options.config, out=Output(color=options.color))
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter(ctx.redactor))
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if options.debug else logging.WARNING)
    # What a run has to say as it happens (retries of an unreachable host, long rate-limit
    # waits): plain lines on standard error, secrets scrubbed.
    said = logging.StreamHandler(sys.stderr)
    said.addFilter(RedactingFilter(ctx.redactor))
    said.setFormatter(logging.Formatter("%(message)s"))
    notice = logging.getLogger("syncer.notice")
    notice.handlers[:] = [said]
    notice.propagate = False
    notice.setLevel(logging.INFO)
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
            ctx.out.info(str(problem))
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
    if current().debug:
        sys.stderr.write(ctx.redactor(traceback.format_exc()))
