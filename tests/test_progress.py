"""The progress bar: drawn on a terminal once a phase lasts, counting calls; silent otherwise."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from rich.console import Console

from syncer.cli.commands.context import Context
from syncer.cli.output import Output
from syncer.cli.progress import CallProgress

TOML = """
[targets.sandbox]
provider = "moengage"
sandbox = true
"""


def terminal() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=True, width=100), stream


def test_a_long_phase_shows_the_calls_made_out_of_the_total() -> None:
    console, stream = terminal()
    made = [0]

    async def work() -> None:
        async with CallProgress(console, lambda: made[0], delay=0.05).phase("Applying", 40):
            for _ in range(4):
                await asyncio.sleep(0.1)
                made[0] += 10

    asyncio.run(work())
    shown = stream.getvalue()
    assert "Applying" in shown
    assert "/40" in shown
    assert "calls" in shown


def test_a_quick_phase_shows_nothing() -> None:
    console, stream = terminal()

    async def work() -> None:
        async with CallProgress(console, lambda: 0, delay=5).phase("Reading campaigns"):
            await asyncio.sleep(0.2)

    asyncio.run(work())
    assert stream.getvalue() == ""


def test_off_draws_nothing_and_passes_errors_through() -> None:
    async def work() -> None:
        async with CallProgress.off().phase("Reading campaigns"):
            raise KeyError("x")

    with pytest.raises(KeyError):
        asyncio.run(work())


@pytest.mark.parametrize(
    ("terminal_errors", "fmt", "drawn"),
    [(True, "text", True), (True, "markdown", True), (True, "json", False), (False, "text", False)],
)
def test_the_bar_is_drawn_only_on_a_terminal_and_never_with_json(
    tmp_path: Path, terminal_errors: bool, fmt: str, drawn: bool
) -> None:
    (tmp_path / "syncer.toml").write_text(TOML, encoding="utf-8")
    out = Output(stdout=io.StringIO(), stderr=io.StringIO(), color=terminal_errors or None)
    ctx = Context(config_path=tmp_path / "syncer.toml", out=out)
    bar = ctx.progress(ctx.run(), fmt)
    assert (bar.console is not None) is drawn
