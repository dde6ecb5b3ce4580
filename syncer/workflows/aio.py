"""Running a command's coroutine to completion: `run(coro)` returns what it returns.

Python 3.11's `asyncio.run` restores the SIGINT handler on exit, and `signal.signal` tries to
turn the old handler (which holds the main task) into an enum; that failure formats the task's
repr, result included. For a plan of 10,000 campaigns that repr cost a third of a second of
CPU at the end of every `syncer plan`. The result is therefore handed back outside the task.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coro)`, without the main task holding the result when it ends."""
    box: list[T] = []

    async def main() -> None:
        box.append(await coro)

    asyncio.run(main())
    return box[0]
