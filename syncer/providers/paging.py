"""PAGING: the pages of one listing or search, as they come -> an error when paging has no end.

Takes each page's item keys (ids, or what tells items apart), in order; raises an `ApiError`
naming the call when the vendor repeats a page (every item of a full page was already listed:
its paging loops) or when the listing passes `MAX_PAGES` (a vendor that returns full pages
forever). Both vendors' listings and MoEngage's name searches pass their pages through one
`PageGuard`.

Assumption (docs silent): ids repeated across pages are tolerated as long as a page brings at
least one new id — offset paging shifts when a campaign is created or deleted during the
listing, which is not a fault.
"""

from __future__ import annotations

from collections.abc import Iterable

from syncer.errors import ApiError

MAX_PAGES = 5_000
"""Most pages one listing may take: 75,000 MoEngage campaigns (15 a page), 500,000 Batch
orchestrations (100 a page), far beyond any real workspace; at MoEngage's 6,000 calls an
hour, more would take over an hour anyway."""


class PageGuard:
    """The pages of one listing (`method`, `path`: the call, for the error)."""

    def __init__(self, method: str, path: str, max_pages: int | None = None) -> None:
        self.method, self.path = method, path
        self.max_pages = MAX_PAGES if max_pages is None else max_pages
        self.pages = 0
        self._seen: set[str] = set()

    def page(self, ids: Iterable[str], *, full: bool) -> None:
        """One more page, with its items' ids; `full`: it had as many items as asked for.

        Raises:
            ApiError: the page repeats earlier ones, or the listing is longer than allowed.
        """
        self.pages += 1
        fresh = set(ids) - self._seen
        if full and not fresh and self.pages > 1:
            raise self._error(
                f"the vendor's paging repeats itself: page {self.pages} holds only campaigns "
                "earlier pages listed (it would never end)"
            )
        self._seen |= fresh
        if self.pages >= self.max_pages and full:
            raise self._error(
                f"the listing did not end after {self.max_pages:,} pages "
                f"({len(self._seen):,} campaigns): the vendor keeps answering full pages"
            )

    def _error(self, message: str) -> ApiError:
        return ApiError(
            message,
            method=self.method,
            path=self.path,
            advice="check base_url; if it is right, the vendor's API is faulty: run again "
            "later (nothing was written)",
        )
