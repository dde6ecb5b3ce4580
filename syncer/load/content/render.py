"""Build-time rendering: a `.j2` file -> text, a `.mjml` file -> HTML.

Takes a template name, the target's `var` and name; returns the final text and every template
file it read, or raises `RenderError` located in the template a person wrote. Jinja2 runs
sandboxed, with undefined names as errors and with the build-time delimiters `[[ ]]`,
`[% %]`, `[# #]`, so that the vendors' own `{{ }}` and `{% %}` pass through byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.sandbox
import mjml

from syncer.load.content.files import TemplateFile, TemplateFileError, TemplateFiles


@dataclass(frozen=True)
class Rendered:
    text: str
    files: tuple[TemplateFile, ...]
    """The file named, then every file it included, imported or extended, in order."""
    direct: bool
    """True when `text` is the named file's text itself (no `.j2`, no `.mjml`)."""


class RenderError(Exception):
    """A template that cannot be rendered: where (the template's display path and line) and why."""

    def __init__(self, message: str, display: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.display = display
        self.line = line
        self.col = col


class _Loader(jinja2.BaseLoader):
    """Templates come from `templates_dir` only, through `TemplateFiles` (no `..`, no links
    out); names are relative to `templates_dir`, as in Jinja's own file loader."""

    def __init__(self, files: TemplateFiles) -> None:
        self.files = files

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            read = self.files.read(template)
        except TemplateFileError as exc:
            raise jinja2.TemplateNotFound(template, str(exc)) from None
        return read.text, read.display, lambda: True


MAX_PRODUCT = 1_000_000
MAX_POWER = 1_000


class _Environment(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Remembers the templates each render asks for: compiled templates are cached for the
    whole load (fifty campaigns share one layout), so the loader alone would not see them."""

    asked: list[str] | None = None
    # A template in a pull request must not exhaust the machine that plans it: the sandbox
    # already bounds `range`; products and powers are bounded here.
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        sizes = [len(v) for v in (left, right) if isinstance(v, str | list | tuple)]
        counts = [v for v in (left, right) if isinstance(v, int)]
        if operator == "**" and any(abs(c) > MAX_POWER for c in counts[1:] or counts):
            raise jinja2.exceptions.SecurityError(f"powers above {MAX_POWER} are not allowed")
        if operator == "*" and sizes and counts and max(sizes) * max(counts) > MAX_PRODUCT:
            raise jinja2.exceptions.SecurityError(
                f"repeating a text or list beyond {MAX_PRODUCT:,} items is not allowed"
            )
        return super().call_binop(context, operator, left, right)

    def get_template(self, name: Any, *args: Any, **kwargs: Any) -> jinja2.Template:
        if self.asked is not None and isinstance(name, str):
            self.asked.append(name)
        return super().get_template(name, *args, **kwargs)


class Renderer:
    """One load's renderer: compiled templates are shared by every campaign and target."""

    def __init__(self, files: TemplateFiles) -> None:
        self.files = files
        self.env = _Environment(
            loader=_Loader(files),
            undefined=jinja2.StrictUndefined,
            block_start_string="[%",
            block_end_string="%]",
            variable_start_string="[[",
            variable_end_string="]]",
            comment_start_string="[#",
            comment_end_string="#]",
            line_statement_prefix=None,
            line_comment_prefix=None,
            autoescape=False,
            keep_trailing_newline=True,
            auto_reload=False,
        )

    def render(self, name: str, variables: dict[str, Any], target: str) -> Rendered:
        """The final text of the template file `name`.

        Raises:
            TemplateFileError: `name` itself cannot be read.
            RenderError: rendering or compiling failed, located in the file at fault.
        """
        first = self.files.read(name)
        stem = first.name
        text = first.text
        files = [first]
        if stem.endswith(".j2"):
            text, more = self._jinja(first, variables, target)
            files.extend(f for f in more if f.name not in {g.name for g in files})
            stem = stem.removesuffix(".j2")
        if stem.endswith(".mjml"):
            text = self._mjml(text, first, files)
        return Rendered(
            text=text, files=tuple(files), direct=len(files) == 1 and text is first.text
        )

    def _jinja(
        self, first: TemplateFile, variables: dict[str, Any], target: str
    ) -> tuple[str, list[TemplateFile]]:
        asked: list[str] = []
        self.env.asked = asked
        try:
            template = self.env.get_template(first.name)
            text = template.render(var=variables, target=target)
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(
                f"template syntax: {exc.message}", exc.filename or first.display, exc.lineno or 1
            ) from None
        except jinja2.TemplateNotFound as exc:
            display, line = _innermost(exc.__traceback__, first.display)
            raise RenderError(exc.message or f"{exc.name} not found", display, line) from None
        except jinja2.UndefinedError as exc:
            display, line = _innermost(exc.__traceback__, first.display)
            known = ", ".join(sorted(variables)) or "none"
            message = (
                f"undefined: {_undefined(exc.message or '')}; var holds "
                f"[targets.{target}.vars]: {known}"
            )
            raise RenderError(
                message, display, line, _column(self.files, display, line, exc)
            ) from None
        except jinja2.TemplateError as exc:
            display, line = _innermost(exc.__traceback__, first.display)
            raise RenderError(f"template error: {exc.message or exc}", display, line) from None
        except RecursionError:
            raise RenderError(
                "templates include or extend each other without end", first.display
            ) from None
        finally:
            self.env.asked = None
        return text, [self.files.read(n) for n in dict.fromkeys(asked) if n != first.name]

    def _mjml(self, text: str, first: TemplateFile, files: list[TemplateFile]) -> str:
        """MJML -> HTML with MRML (the Rust port; no Node). `<mj-include path>` reads from
        `templates_dir` like everything else; MRML's errors carry no line."""

        def include(path: str) -> str:
            read = self.files.read(path)
            if read.name not in {f.name for f in files}:
                files.append(read)
            return read.text

        try:
            html: str = mjml.mjml2html(text, include_loader=include)
        except (ValueError, RuntimeError, TemplateFileError) as exc:
            raise RenderError(f"MJML: {exc}", first.display) from None
        return html


def _frames(tb: TracebackType | None) -> Iterator[tuple[str, int]]:
    while tb is not None:
        yield tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next


def _innermost(tb: TracebackType | None, default: str) -> tuple[str, int]:
    """The template (display path) and line where an error arose: Jinja rewrites tracebacks so
    that each template frame carries the template's file name and line."""
    found = (default, 1)
    for filename, line in _frames(tb):
        if not filename.endswith(".py") and not filename.startswith("<"):
            found = (filename, line)
    return found


_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def _undefined(message: str) -> str:
    match = _NAME.search(message)
    if match and match.group(1):
        return f"{match.group(1)} is not defined (templates see var and target)"
    if match and match.group(2):
        return f"{match.group(2)} is not defined ({message})"
    return message  # pragma: no cover - Jinja names the missing name in both forms


def _column(files: TemplateFiles, display: str, line: int, exc: Exception) -> int:
    """Where the undefined name sits on its line (Jinja reports lines only)."""
    match = _NAME.search(str(exc))
    name = match and (match.group(1) or match.group(2))
    prefix = files.display_root.rstrip("/") + "/"
    if not name or not display.startswith(prefix):
        return 1
    try:
        lines = files.read(display.removeprefix(prefix)).text.splitlines()
    except TemplateFileError:
        return 1
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    at = re.search(rf"\b{re.escape(name)}\b", text)
    return at.start() + 1 if at else 1
