"""A progress bar of a command's vendor calls: Rich, on standard error, on a terminal only.

Reading or writing a large workspace takes minutes at the vendors' rate limits (issue 8). The
bar counts calls as they are made (out of a total when one is known) and appears only when a
phase lasts more than a moment. The CLI turns it off for `--format json` and whenever standard
error is not a terminal; it never writes to standard output, and it leaves no trace behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

DELAY = 0.5
"""Seconds a phase runs before the bar shows (a quick plan shows nothing)."""
TICK = 0.1


class CallProgress:
    """Progress of the calls counted by `calls()`, drawn on `console` (None: off)."""

    def __init__(
        self, console: Console | None, calls: Callable[[], int], *, delay: float = DELAY
    ) -> None:
        self.console = console
        self.calls = calls
        self.delay = delay

    @classmethod
    def off(cls) -> CallProgress:
        return cls(None, lambda: 0)

    @contextlib.asynccontextmanager
    async def phase(self, description: str, total: int | None = None) -> AsyncIterator[None]:
        """Show the calls made inside the block (`total`: how many are expected)."""
        if self.console is None:
            yield
            return
        base = self.calls()
        bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("calls"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        task = bar.add_task(description, total=total)
        shown = False

        async def tick() -> None:
            nonlocal shown
            started = time.monotonic()
            while True:
                await asyncio.sleep(TICK)
                bar.update(task, completed=self.calls() - base)
                if not shown and time.monotonic() - started >= self.delay:
                    bar.start()
                    shown = True

        ticker = asyncio.create_task(tick())
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            if shown:
                bar.stop()
