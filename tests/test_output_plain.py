"""Output without rich: where rich would add no colour, a message is written directly, as the
very bytes rich writes for it; on a terminal, with colour or for a renderable, rich writes.

The reference is a rich `Console` configured as `Output` configured its consoles before it
made them lazily; every case is compared with what it writes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from syncer.cli.output import Output, plain_text

MEASURED = {"wide\t日本\tx", "escape \x1b[0m\tthen a tab"}
"""A tab after a character that is not one cell wide: only rich measures it."""
TRICKY = [
    "plain",
    "",
    "campaigns/a.yaml:3:5: warning [unsubscribe]: no unsubscribe link",
    "bell\x07 back\x08space vtab\x0b feed\x0c return\rover",
    "windows\r\nline ends\r\n",
    "\tlead\tmid\t\ttrail\t",
    "1234567\tx 12345678\tx",
    "multi\n\tline\n\n",
    "\n",
    "wide 日本語 text, emoji 🎉, combining é, zero width \u200b\u200d",
    *sorted(MEASURED),
    "x" * 500,
    "word " * 200,
    "[bold]not markup[/bold] [red]x[/] :smile: :thumbs_up:",
    "\x1b[31mraw escape\x1b[0m",
    "nul\x00 and del\x7f",
    "http://example.com/a?b=1 123 True None 'quoted'",  # what a highlighter would colour
]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def reference(file: io.StringIO, color: bool | None) -> Console:
    """A console as `Output` made them (output.py before rich was imported lazily)."""
    return Console(
        file=file,
        highlight=False,
        soft_wrap=True,
        no_color=None if color is None else not color,
        force_terminal=color,
        emoji=False,
    )


def written(
    stream: type[io.StringIO], color: bool | None, act: Callable[[Output], None]
) -> tuple[str, str, Output]:
    out, err = stream(), stream()
    output = Output(stdout=out, stderr=err, color=color)
    act(output)
    return out.getvalue(), err.getvalue(), output


def expected(
    stream: type[io.StringIO], color: bool | None, method: str, text: str
) -> tuple[str, str]:
    out, err = stream(), stream()
    if color is None and os.environ.get("NO_COLOR"):
        color = False
    console, errors = reference(out, color), reference(err, color)
    if method == "document":
        console.out(text, end="", highlight=False)
    elif method == "info":
        errors.print(text, markup=False)
    elif method == "warning":
        errors.print(text, style="yellow", markup=False)
    else:
        errors.print("Error: " + text, style="bold red", markup=False)
    return out.getvalue(), err.getvalue()


METHODS = ["document", "info", "warning", "error"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text", TRICKY)
def test_a_message_to_a_pipe_is_rich_s_bytes_without_rich(method: str, text: str) -> None:
    out, err, output = written(io.StringIO, None, lambda o: getattr(o, method)(text))
    assert (out, err) == expected(io.StringIO, None, method, text)
    assert ((output._console, output._errors) == (None, None)) is (text not in MEASURED)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text", [*TRICKY[:8], "x" * 500, "[bold]b[/bold] :smile:"])
@pytest.mark.parametrize(
    ("stream", "color", "env", "plain"),
    [
        (io.StringIO, None, {"COLUMNS": "20"}, True),  # a long line is not wrapped
        (io.StringIO, False, {"FORCE_COLOR": "1"}, True),  # --no-color wins
        (io.StringIO, None, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True),
        (io.StringIO, None, {"FORCE_COLOR": ""}, True),
        (io.StringIO, None, {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, True),
        (Tty, False, {}, True),
        (Tty, None, {"TTY_COMPATIBLE": "0"}, True),
        (Tty, None, {"NO_COLOR": "1"}, True),
        (Tty, None, {"TERM": "xterm-256color"}, False),  # a terminal: rich, in colour
        (io.StringIO, None, {"FORCE_COLOR": "1", "TERM": "xterm"}, False),
        (io.StringIO, None, {"TTY_COMPATIBLE": "1", "TERM": "xterm"}, False),
        (io.StringIO, True, {"TERM": "xterm"}, False),
    ],
)
def test_where_rich_colours_rich_writes_and_elsewhere_the_bytes_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    text: str,
    stream: type[io.StringIO],
    color: bool | None,
    env: dict[str, str],
    plain: bool,
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out, err, output = written(stream, color, lambda o: getattr(o, method)(text))
    assert (out, err) == expected(stream, color, method, text)
    assert ((output._console, output._errors) == (None, None)) is plain


def test_colour_on_a_terminal_is_still_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, err, _ = written(io.StringIO, True, lambda o: o.error("boom"))
    assert err == "\x1b[1;31mError: boom\x1b[0m\n"


def test_a_renderable_goes_through_rich() -> None:
    out, _, output = written(io.StringIO, None, lambda o: o.document(Text("a\tb", style="red")))
    assert out == "a       b"
    assert output._console is not None


def test_no_stream_given_writes_to_the_standard_streams_of_the_moment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = Output()
    output.document("doc\r\n")
    output.info("note\x07")
    assert capsys.readouterr() == ("doc\n", "note\n")


@given(
    st.text(
        alphabet=st.sampled_from(
            [*"ab \t\n\r\x07\x08\x0b\x0c\x1b[]/:", "é", "日", "\u0301", "🎉", "\x00"]
        )
    ),
    st.sampled_from(["\n", "", " "]),
)
def test_plain_text_is_what_rich_writes_to_a_pipe(text: str, end: str) -> None:
    stream = io.StringIO()
    reference(stream, None).print(text, markup=False, end=end)
    mine = plain_text(text, end)
    assert mine is None or mine == stream.getvalue()
    if "\t" not in text:
        assert mine is not None
