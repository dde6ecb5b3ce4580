"""The command line: parse arguments, build the context, call a command, map errors to exit codes.

The only package that reads argv and decides the process's exit code; `root.guarded` is the one
place errors become exit codes. Exit codes: 0 ok, 1 error (bad usage included), 2 changes
pending (`plan --detailed-exitcode`), 3 blocked changes, 4 stale saved plan, 130 interrupted.
`root` holds the command group and its global options; the commands are declared by topic in
`workflow` (validate, plan, apply, show), `remote` (pull, import) and `tools` (init, schema,
sandbox, state), each running its `commands.<name>` module.
"""

from __future__ import annotations

import importlib
import os
import sys
import types

import click

# The command modules declare their commands on `app` (from `root`) as they are imported.
from syncer.cli import exitcodes, remote, tools, workflow  # noqa: F401
from syncer.cli.root import app

__all__ = ["app", "main"]


_PLUGINS_OFF = ("__all__", "1", "true")
"""The values of PYDANTIC_DISABLE_PLUGINS for which pydantic's `get_plugins()` returns none."""
_LOADER = "pydantic.plugin._loader"


def _no_plugin_loader() -> None:
    """With every plugin off, pydantic still imports its plugin loader when the first model is
    built, only to be told there are none; and the loader imports `importlib.metadata` (with
    zipfile, csv, ...: about 9 ms of each start). Stand in for it with its answer, none; any
    other name is handed to the real loader (a pydantic that asks for more still works).
    Pinned by tests/test_startup.py."""
    if _LOADER in sys.modules:
        return
    loader = types.ModuleType(_LOADER, "pydantic's plugin loader, with every plugin off")

    def real(name: str) -> object:
        if name.startswith("__"):  # the import system's questions (`__path__`: a package?)
            raise AttributeError(name)
        if sys.modules.get(_LOADER) is loader:
            del sys.modules[_LOADER]
        return getattr(importlib.import_module(_LOADER), name)

    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    loader.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[_LOADER] = loader


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Bad usage exits 1 (the brief), not click's usual 2."""
    # No third-party pydantic plugin observes the campaign files and config this process
    # validates; and looking plugins up scans every installed package's metadata when the
    # first model is defined (about 20 ms of each start). Set to "" to let them load.
    # (`_no_plugin_loader`: not even the loader is imported then.)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in _PLUGINS_OFF:
        _no_plugin_loader()
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
