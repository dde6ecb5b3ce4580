"""Where commands write: a thin wrapper over Rich consoles, created by the CLI and injected.

Standard output carries the requested document (plan text, JSON, Markdown, report); messages
about the run go to standard error so that `--format json > plan.json` stays clean.

Rich is imported only when it is needed: for a terminal, for colour, for a renderable. A
plain message written where rich would add no colour (a pipe, a file, a CI log) is written
directly, as the same bytes rich writes for it there (`tests/test_output_plain.py`): `validate`
in CI then loads none of rich (about 20 ms of each start).
"""

from __future__ import annotations

import builtins
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

# What rich's `Text` strips from a string (`rich.control.STRIP_CONTROL_CODES`): bell,
# backspace, vertical tab, form feed, carriage return.
_STRIPPED = dict.fromkeys((7, 8, 11, 12, 13))
TAB_SIZE = 8
"""Rich's default `Console.tab_size`: a tab goes to the next multiple of 8 columns."""


def plain_text(text: str, end: str) -> str | None:
    """What rich writes for `text` (markup, emoji and highlighting off, soft wrap) then `end`
    on a stream that is not a terminal; None where only rich can say (a tab after a character
    whose width in cells is not one: rich measures it with its own tables)."""
    text = text.translate(_STRIPPED)
    if "\t" in text:
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if "\t" in line:
                rest = line.replace("\t", "")
                if not (rest.isascii() and rest.isprintable()):
                    return None
                lines[i] = line.expandtabs(TAB_SIZE)
        text = "\n".join(lines)
    return text + end


def is_plain(file: Any, force_terminal: bool | None) -> bool:
    """Whether rich would write to `file` as to a non-terminal, without colour: rich's own
    `Console.is_terminal` test (an explicit choice, IDLE, TTY_COMPATIBLE, FORCE_COLOR, then
    `isatty`). A notebook is never plain: rich displays there."""
    if "get_ipython" in vars(builtins):
        return False
    if force_terminal is not None:
        return not force_terminal
    module = getattr(sys.stdin, "__module__", None)
    if isinstance(module, str) and module.startswith("idlelib"):
        return True
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "0"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color == ""
    isatty = getattr(file, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:  # a closed file (rich: "we aren't in a terminal anymore")
        return True


def _write(file: Any, text: str) -> None:
    """Write and flush, as rich's `Console` does after each print."""
    file = getattr(file, "rich_proxied_file", file)
    if file is None:
        return
    try:
        file.write(text)
    except UnicodeEncodeError as error:
        error.reason = (
            f"{error.reason}\n*** You may need to add PYTHONIOENCODING=utf-8 to your "
            "environment ***"
        )
        raise
    file.flush()


def _console(file: Any, color: bool | None) -> Console:
    from rich.console import Console

    return Console(
        file=file,
        highlight=False,
        soft_wrap=True,
        no_color=None if color is None else not color,
        force_terminal=color,
        emoji=False,
    )


class Output:
    def __init__(
        self, *, stdout: Any = None, stderr: Any = None, color: bool | None = None
    ) -> None:
        if color is None and os.environ.get("NO_COLOR"):
            # no-color.org allows bold; a plan read in a log or a CI job reads better plain.
            color = False
        self._color = color
        self._stdout = stdout  # None: whatever sys.stdout is when written to (as rich does)
        self._stderr = stderr or sys.stderr
        # Decided once, as rich decides its colour system when a Console is made.
        self._plain_out = is_plain(stdout or sys.stdout, color)
        self._plain_err = is_plain(self._stderr, color)
        self._console: Console | None = None
        self._errors: Console | None = None

    @property
    def console(self) -> Console:
        """Standard output's rich console (made, and rich imported, on first use)."""
        if self._console is None:
            self._console = _console(self._stdout, self._color)
        return self._console

    @property
    def errors(self) -> Console:
        """Standard error's rich console (made, and rich imported, on first use)."""
        if self._errors is None:
            self._errors = _console(self._stderr, self._color)
        return self._errors

    def document(self, renderable: Any) -> None:
        """The command's main output (plan, report, schema)."""
        if isinstance(renderable, str):
            text = plain_text(renderable, "") if self._plain_out else None
            if text is not None:
                _write(self._stdout or sys.stdout, text)
            else:
                self.console.out(renderable, end="", highlight=False)
        else:
            self.console.print(renderable, end="")

    def _say(self, message: str, style: str | None = None, end: str = "\n") -> None:
        """A message on standard error, in `style` where rich colours it."""
        text = plain_text(message, end) if self._plain_err else None
        if text is not None:
            _write(self._stderr, text)
        else:
            self.errors.print(message, style=style, markup=False, end=end)

    def info(self, message: str) -> None:
        self._say(message)

    def warning(self, message: str) -> None:
        """A `file:line:col: warning [check]: ...` line: the run goes on."""
        self._say(message, style="yellow")

    def error(self, message: str) -> None:
        self._say("Error: " + message, style="bold red")

    def confirm(self, question: str) -> bool | None:
        """Ask for 'yes' (as in Terraform): on the terminal, or as a line piped on standard
        input (`echo yes | syncer apply`). None when no answer can come (no terminal, nothing
        piped); False for any answer but 'yes'."""
        if sys.stdin is None or sys.stdin.closed:
            return None
        if sys.stdin.isatty():
            self._say(question, end=" ")
        try:
            answer = sys.stdin.readline()
        except (EOFError, OSError, ValueError):
            return None
        if not answer:
            return None  # end of input at once: nothing was piped
        return answer.strip().lower() == "yes"
