"""The command line: parse arguments, build the context, call a command, map errors to exit codes.

The only package that reads argv and decides the process's exit code; `root.guarded` is the one
place errors become exit codes. Exit codes: 0 ok, 1 error (bad usage included), 2 changes
pending (`plan --detailed-exitcode`), 3 blocked changes, 4 stale saved plan, 130 interrupted.
`root` holds the command group and its global options; the commands are declared by topic in
`workflow` (validate, plan, apply, show), `remote` (pull, import) and `tools` (init, schema,
sandbox, state), each running its `commands.<name>` module.
"""

from __future__ import annotations

import os
import sys

import click

# The command modules declare their commands on `app` (from `root`) as they are imported.
from syncer.cli import exitcodes, remote, tools, workflow  # noqa: F401
from syncer.cli.collector import collector_for_one_command
from syncer.cli.root import app

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Bad usage exits 1 (the brief), not click's usual 2."""
    # No third-party pydantic plugin observes the campaign files and config this process
    # validates; and looking plugins up scans every installed package's metadata when the
    # first model is defined (about 20 ms of each start). Set to "" to let them load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # No argv: the console script (or `python -m syncer`), whose process ends with the command.
    with collector_for_one_command(ending=argv is None):
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
