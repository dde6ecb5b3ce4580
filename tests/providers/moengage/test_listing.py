"""Listing page by page with pages requested ahead: same items as one page at a time, and no
page sent once the listing is known to be over."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from syncer.errors import ApiError
from syncer.providers.moengage.listing import Listed, list_pages
from syncer.remote.client import NotSent

PAGE = 15


class Workspace:
    """A fake V1 listing behind a FIFO rate limiter (one call per `interval`)."""

    def __init__(self, size: int, *, interval: float = 0.0, latency: float = 0.0) -> None:
        self.size = size
        self.interval = interval
        self.latency = latency
        self.sent: list[int] = []
        self.fail_on: int | None = None
        self._gate = asyncio.Lock()

    async def fetch(self, page: int, proceed: Callable[[], bool]) -> list[dict[str, Any]]:
        async with self._gate:
            await asyncio.sleep(self.interval)
        if not proceed():
            raise NotSent
        self.sent.append(page)
        await asyncio.sleep(self.latency)
        if page == self.fail_on:
            raise ApiError("boom", method="POST", path="/search", status=500)
        first = (page - 1) * PAGE
        return [{"campaign_id": f"c{i}"} for i in range(first, min(first + PAGE, self.size))]


def listing(
    workspace: Workspace, taken: list[str] | None = None, until: str = "", **options: Any
) -> Listed:
    """List `workspace`, noting the ids taken; stop once `until` is taken."""
    seen = taken if taken is not None else []

    def take(items: list[dict[str, Any]]) -> bool:
        seen.extend(item["campaign_id"] for item in items)
        return until in seen

    return asyncio.run(list_pages(workspace.fetch, page_size=PAGE, take=take, **options))


@pytest.mark.parametrize("size", [0, 14, 15, 44, 45, 100])
@pytest.mark.parametrize("ahead", [1, 3, 10])
def test_every_campaign_is_listed_once_whatever_is_expected(size: int, ahead: int) -> None:
    workspace = Workspace(size)
    taken: list[str] = []
    result = listing(workspace, taken, ahead=ahead)
    assert result.complete
    assert taken == [f"c{i}" for i in range(size)]
    assert (result.pages, result.count) == (size // PAGE + 1, size)


def test_an_exact_expectation_sends_exactly_the_pages_needed() -> None:
    workspace = Workspace(44, latency=0.01)
    listing(workspace, ahead=3)
    assert sorted(workspace.sent) == [1, 2, 3]


def test_pages_beyond_a_short_one_are_not_sent_once_it_has_answered() -> None:
    # The workspace shrank to 2 pages but 40 were expected: only the pages already in flight
    # when the short page answered are spent (about latency / interval of them).
    workspace = Workspace(20, interval=0.02, latency=0.05)
    result = listing(workspace, ahead=40)
    assert result.complete and result.count == 20
    assert sorted(workspace.sent)[:2] == [1, 2]
    assert len(workspace.sent) <= 2 + 6


def test_a_budget_stops_the_listing_incomplete() -> None:
    workspace = Workspace(1000)
    result = listing(workspace, ahead=2, budget=3)
    assert not result.complete
    assert (result.pages, result.count) == (3, 45)
    assert sorted(workspace.sent) == [1, 2, 3]


def test_enough_ends_the_listing_early() -> None:
    workspace = Workspace(1000)
    result = listing(workspace, until="c29", ahead=1)
    assert not result.complete
    assert result.pages == 2
    assert workspace.sent == [1, 2]


def test_pages_in_flight_when_the_listing_ends_early_are_taken_in_order() -> None:
    workspace = Workspace(100, latency=0.05)
    taken: list[str] = []
    result = listing(workspace, taken, until="c0", ahead=3)
    assert sorted(workspace.sent) == [1, 2, 3]  # all three were sent at once
    assert taken == [f"c{i}" for i in range(45)]
    assert (result.pages, result.complete) == (3, False)


def test_a_failing_page_fails_the_listing_and_leaves_nothing_running() -> None:
    workspace = Workspace(1000, interval=0.001)
    workspace.fail_on = 2
    with pytest.raises(ApiError):
        listing(workspace, ahead=10)
    assert len(workspace.sent) < 10
