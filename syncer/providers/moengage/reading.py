"""How to read a MoEngage workspace with the fewest calls (pure): one search per campaign, or
the workspace's email campaigns page by page; and what a session has already read.

V1 search has no get-by-id and no total count (vendor notes, section 3): a campaign costs one
search by id and a name one search by name, while a listing costs one call per 15 campaigns
and ends on the first short page, so a workspace of S campaigns takes `S // 15 + 1` pages (or
`ceil(S / 15)` when only ids are wanted: the listing ends once all are seen). Which is cheaper
depends on S, remembered from the last listing (`TargetState.workspace_size`). When it is
unknown, the ids we manage give a lower bound, and the listing gets a budget: once it has cost
as much as the searches would have, it stops and the rest is searched for, so a wrong guess
costs at most twice the cheaper way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from syncer.model.vendor import RemoteCampaign, RemoteSnapshot

PAGE = 15  # V1 search: limit is 1..15


def listing_pages(size: int) -> int:
    """Calls to list `size` campaigns: full pages, then the short (possibly empty) last one."""
    return size // PAGE + 1


@dataclass(frozen=True)
class ReadChoice:
    """How one read goes."""

    listing: bool
    """List the workspace (else search for each id and name)."""
    ahead: int = 0
    """Pages to request at once, before the first answer: as many as the workspace is
    expected to have (requests beyond it return short pages and are wasted)."""
    budget: int | None = None
    """Most pages the listing may cost before giving up on it (None: list to the end)."""


def choose(ids: int, names: int, size_hint: int | None, *, list_all: bool = False) -> ReadChoice:
    """The cheaper way to read `ids` campaigns and look up `names` names.

    Args:
        size_hint: campaigns seen when the workspace was last listed (None: never listed).
        list_all: the caller needs the whole workspace.
    """
    estimate = size_hint if size_hint is not None else ids
    if list_all:
        return ReadChoice(listing=True, ahead=listing_pages(estimate))
    # Ids alone end the listing once all are seen: the short last page is not needed.
    pages = listing_pages(estimate) if names else max(1, math.ceil(estimate / PAGE))
    searches = ids + names
    if pages >= searches:
        return ReadChoice(listing=False)
    return ReadChoice(listing=True, ahead=pages, budget=searches)


@dataclass
class Seen:
    """What a session has read, so that one run never reads a campaign twice.

    A write makes what it touched unknown again (the next read, e.g. apply's check
    afterwards, reads exactly those campaigns again).
    """

    by_id: dict[str, RemoteCampaign | None] = field(default_factory=dict)
    """Campaigns read by id or listed; None: searched for and absent."""
    by_name: dict[str, list[RemoteCampaign]] = field(default_factory=dict)
    """Complete answers of searches by name."""
    listed: bool = False
    """The last listing reached its end and nothing was written since: every email campaign
    of the workspace is in `by_id`."""

    def add(self, campaign: RemoteCampaign) -> None:
        self.by_id[campaign.id] = campaign

    def unknown_ids(self, ids: Sequence[str]) -> list[str]:
        return sorted({i for i in ids if i not in self.by_id})

    def unknown_names(self, names: Sequence[str]) -> list[str]:
        if self.listed:
            return []
        return sorted({n for n in names if n not in self.by_name})

    def forget(self, ids: Sequence[str] = (), names: Sequence[str | None] = ()) -> None:
        """After a write to these campaigns (or a creation with these names)."""
        gone = set(ids)
        for campaign_id in gone:
            self.by_id.pop(campaign_id, None)
        for name, found in list(self.by_name.items()):
            if name in names or any(c.id in gone for c in found):
                del self.by_name[name]
        self.listed = False

    def snapshot(self, workspace_size: int | None) -> RemoteSnapshot:
        snapshot = RemoteSnapshot(listed_all=self.listed, workspace_size=workspace_size)
        for campaign in self.by_id.values():
            if campaign is not None:
                snapshot.add(campaign)
        for found in self.by_name.values():
            for campaign in found:
                snapshot.add(campaign)
        return snapshot
