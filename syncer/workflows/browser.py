"""The browser edge of `syncer preview`: find a Chromium or Chrome, and screenshot local HTML
files with it, headless.

Takes an HTML file, a PNG path and a width; writes a PNG of that width. Nothing is ever
downloaded: the browser is one already installed (on PATH, or `--browser`). Each run gets a
fresh profile directory and the switches that keep it off the network (no background
networking, component updates or sync); the documents themselves forbid any fetch by their
Content-Security-Policy (see `render.preview`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from syncer.errors import BrowserError

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
"""Looked up on PATH in this order."""
HEIGHT = 1200
"""Screenshot height (px): the top of an email, where a reader decides."""
TIMEOUT = 90.0
"""Seconds one screenshot may take (a cold start on a busy CI runner is slow)."""
SWITCHES = (
    "--headless",
    "--no-sandbox",  # CI containers run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)


def find(explicit: str | None = None) -> str | None:
    """The browser to use: `explicit` (a path or a name on PATH, which must work), else the
    first of NAMES on PATH, else None."""
    if explicit:
        found = shutil.which(explicit) or (explicit if os.access(explicit, os.X_OK) else None)
        if found is None or not Path(found).is_file():
            raise BrowserError(f"--browser {explicit}: no such executable")
        return found
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


async def screenshot(browser: str, page: Path, png: Path, width: int) -> None:
    """Render `page` at `width` px wide and write it to `png`."""
    with tempfile.TemporaryDirectory(prefix="syncer-browser-") as profile:
        args = [
            browser,
            *SWITCHES,
            f"--user-data-dir={profile}",
            f"--window-size={width},{HEIGHT}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ]
        process = await asyncio.create_subprocess_exec(
            *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        try:
            _, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise BrowserError(f"{browser} took over {TIMEOUT:.0f} s to render {page}") from None
    if process.returncode != 0 or not png.is_file():
        # Chromium logs D-Bus complaints on every headless start: they explain nothing.
        lines = err.decode(errors="replace").strip().splitlines()
        tail = [line for line in lines if "dbus" not in line.lower()][-3:]
        raise BrowserError(
            f"{browser} could not screenshot {page} (exit {process.returncode}): "
            + (" / ".join(tail) or "no output")
        )


async def screenshots(
    browser: str, jobs: Sequence[tuple[Path, Path, int]], parallel: int = 2
) -> None:
    """Take every (page, png, width) screenshot, `parallel` browsers at a time."""
    gate = asyncio.Semaphore(parallel)

    async def one(page: Path, png: Path, width: int) -> None:
        async with gate:
            await screenshot(browser, page, png, width)

    await asyncio.gather(*(one(*job) for job in jobs))
