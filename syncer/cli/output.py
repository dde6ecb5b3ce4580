"""Where commands write: a thin wrapper over Rich consoles, created by the CLI and injected.

Standard output carries the requested document (plan text, JSON, Markdown, report); messages
about the run go to standard error so that `--format json > plan.json` stays clean.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from rich.console import Console


class Output:
    def __init__(
        self, *, stdout: Any = None, stderr: Any = None, color: bool | None = None
    ) -> None:
        if color is None and os.environ.get("NO_COLOR"):
            # no-color.org allows bold; a plan read in a log or a CI job reads better plain.
            color = False
        no_color = None if color is None else not color
        self.console = Console(
            file=stdout,
            highlight=False,
            soft_wrap=True,
            no_color=no_color,
            force_terminal=color,
            emoji=False,
        )
        self.errors = Console(
            file=stderr or sys.stderr,
            highlight=False,
            soft_wrap=True,
            no_color=no_color,
            force_terminal=color,
            emoji=False,
        )

    def document(self, renderable: Any) -> None:
        """The command's main output (plan, report, schema)."""
        if isinstance(renderable, str):
            self.console.out(renderable, end="", highlight=False)
        else:
            self.console.print(renderable, end="")

    def info(self, message: str) -> None:
        self.errors.print(message, markup=False)

    def warning(self, message: str) -> None:
        """A `file:line:col: warning [check]: ...` line: the run goes on."""
        self.errors.print(message, style="yellow", markup=False)

    def error(self, message: str) -> None:
        self.errors.print("Error: " + message, style="bold red", markup=False)

    def confirm(self, question: str) -> bool | None:
        """Ask for 'yes' (as in Terraform): on the terminal, or as a line piped on standard
        input (`echo yes | syncer apply`). None when no answer can come (no terminal, nothing
        piped); False for any answer but 'yes'."""
        if sys.stdin is None or sys.stdin.closed:
            return None
        if sys.stdin.isatty():
            self.errors.print(question, markup=False, end=" ")
        try:
            answer = sys.stdin.readline()
        except (EOFError, OSError, ValueError):
            return None
        if not answer:
            return None  # end of input at once: nothing was piped
        return answer.strip().lower() == "yes"
