"""Listing a workspace page by page, without waiting for each page before asking for the next.

Takes a `fetch(page, proceed)` coroutine, how many pages are expected and a `take(items)`
callback; hands it every page up to the first short one, in order, as each arrives. V1 search
ends a listing on a short page (there is no total count), which would make a listing one round
trip per page. When the workspace's size is known, its pages are requested at once and the rate
limiter sends them in order, as fast as it allows; a page whose turn comes after the listing
turned out to be over is never sent (`proceed` says no), so a stale size costs at most the pages
already in flight. Past the expected pages, the listing goes on one page at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from syncer.remote.client import NotSent

Item = Any  # one entry of a page, as `fetch` returns it
Fetch = Callable[[int, Callable[[], bool]], Awaitable[list[Item]]]


@dataclass
class Listed:
    count: int = 0
    """Items taken."""
    complete: bool = False
    """A short page was reached: every item was taken."""
    pages: int = 0
    """Pages taken, in order (calls spent on pages never used are not counted here)."""


async def list_pages(
    fetch: Fetch,
    *,
    page_size: int,
    ahead: int,
    take: Callable[[list[Item]], bool],
    budget: int | None = None,
) -> Listed:
    """Read pages 1, 2, ... until a short page, `budget` pages, or `take` says it has enough.

    Args:
        ahead: pages requested before the first answer (the expected size of the listing).
        take: called with each page's items, in order, as soon as they can be (so that the
            caller can keep them compactly); True ends the listing early.
        budget: most pages to read; the result is then incomplete.
    """
    stop_after: list[int | None] = [budget]  # pages after this one are not needed
    sent: set[int] = set()

    def needed(page: int) -> bool:
        limit = stop_after[0]
        return limit is None or page <= limit

    async def one(page: int) -> list[Item] | None:
        def proceed() -> bool:
            if not needed(page):
                return False
            sent.add(page)
            return True

        try:
            return await fetch(page, proceed)
        except NotSent:
            return None

    first = min(ahead, budget) if budget is not None else ahead
    tasks = {page: asyncio.create_task(one(page)) for page in range(1, max(first, 1) + 1)}
    result = Listed()
    try:
        page = 1
        while needed(page):
            if page not in tasks:
                tasks[page] = asyncio.create_task(one(page))
            items = await tasks.pop(page)
            if items is None:
                break
            enough = take(items)
            if _counted(result, items, page_size) or enough:
                break
            page += 1
    finally:
        stop_after[0] = 0
        for number, task in tasks.items():
            if number not in sent:
                task.cancel()
        done = await asyncio.gather(*tasks.values(), return_exceptions=True)
    # Pages in flight when the listing stopped early are paid for: take them, in order.
    leftovers = dict(zip(tasks, done, strict=True))
    while not result.complete:
        following = leftovers.pop(result.pages + 1, None)
        if not isinstance(following, list):
            break
        take(following)
        _counted(result, following, page_size)
    return result


def _counted(result: Listed, items: list[Item], page_size: int) -> bool:
    """Count a page taken; True when it was the last one."""
    result.count += len(items)
    result.pages += 1
    result.complete = len(items) < page_size
    return result.complete
