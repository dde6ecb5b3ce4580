"""Listing a workspace page by page, without waiting for each page before asking for the next.

Takes a `fetch(page, proceed)` coroutine and how many pages are expected; returns the items of
every page up to the first short one. V1 search ends a listing on a short page (there is no
total count), which would make a listing one round trip per page. When the workspace's size is
known, its pages are requested at once and the rate limiter sends them in order, as fast as it
allows; a page whose turn comes after the listing turned out to be over is never sent
(`proceed` says no), so a stale size costs at most the pages already in flight. Past the
expected pages, the listing goes on one page at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from syncer.http import NotSent

Item = dict[str, Any]
Fetch = Callable[[int, Callable[[], bool]], Awaitable[list[Item]]]


@dataclass
class Listed:
    items: list[Item] = field(default_factory=list)
    complete: bool = False
    """A short page was reached: `items` is the whole listing."""
    pages: int = 0
    """Pages read in order (calls spent on pages never used are not counted here)."""


async def list_pages(
    fetch: Fetch,
    *,
    page_size: int,
    ahead: int,
    budget: int | None = None,
    enough: Callable[[list[Item]], bool] | None = None,
) -> Listed:
    """Read pages 1, 2, ... until a short page, `budget` pages, or `enough(page_items)`.

    Args:
        ahead: pages requested before the first answer (the expected size of the listing).
        budget: most pages to read; the result is then incomplete.
        enough: called with each page's items, in order; True ends the listing early.
    """
    last = budget if budget is not None else None
    stop_after: list[int | None] = [last]  # pages after this one are not needed
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

    first = min(ahead, last) if last is not None else ahead
    tasks = {page: asyncio.create_task(one(page)) for page in range(1, max(first, 1) + 1)}
    result = Listed()
    try:
        page = 1
        while needed(page):
            if page not in tasks:
                tasks[page] = asyncio.create_task(one(page))
            items = await tasks.pop(page)
            if items is None or _take(result, items, page_size):
                break
            if enough is not None and enough(items):
                break
            page += 1
    finally:
        stop_after[0] = 0
        for number, task in tasks.items():
            if number not in sent:
                task.cancel()
        done = await asyncio.gather(*tasks.values(), return_exceptions=True)
    # Pages in flight when the listing stopped early are paid for: use them, in order.
    leftovers = dict(zip(tasks, done, strict=True))
    while not result.complete:
        following = leftovers.get(result.pages + 1)
        if not isinstance(following, list):
            break
        _take(result, following, page_size)
    return result


def _take(result: Listed, items: list[Item], page_size: int) -> bool:
    """Add the next page; True when it was the last one."""
    result.items.extend(items)
    result.pages += 1
    result.complete = len(items) < page_size
    return result.complete
