"""Which of several V1 search rows is the one to trust (pure): the newest creation of a name,
the newest revision of a campaign.

Takes search rows (campaign objects as V1 returns them); returns the row to use, or None when
the rows do not say which it is. V1 documents neither the order of a search's answer nor how
its `name` filter matches ("Filter by campaign name"), so nothing here relies on either: names
are compared exactly and rows are ordered by their own timestamps. In a workspace with campaign
versioning (V5 notes: `campaign_id` is "the canonical id across versions", `version_number`
counts them), one campaign may come back as several rows sharing its `campaign_id`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

# V1 times: "2024-07-04 08:00:54.847000" (UTC, no offset); the ISO "T" form is read too.
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z|[+-]00:?00)?$")

VERSIONED = (
    "this MoEngage workspace returns several revisions of campaign {id} (campaign versioning) "
    "and they do not say which is the newest (no version_number, no distinct updated_at): "
    "campaign-syncer will not guess which one is live. Turn versioning off for the workspace, "
    "or manage this campaign in the dashboard"
)


def instant(value: Any) -> dt.datetime | None:
    """A V1 timestamp as a UTC instant (microseconds kept, for ordering), or None."""
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if match is None:
        return None
    day, clock, fraction, _zone = match.groups()
    micros = int((fraction or ".0")[1:].ljust(6, "0"))
    parsed = dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=dt.UTC)
    return parsed.replace(microsecond=micros)


def newest_created(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The most recently created row; None when there is no row, or when several rows exist
    and one of them has no readable `created_at` (the order is then unknown)."""
    if len(rows) <= 1:
        return rows[0] if rows else None
    stamped = [(instant(row.get("created_at")), row) for row in rows]
    if any(when is None for when, _ in stamped):
        return None
    return max(stamped, key=lambda pair: pair[0] or dt.datetime.min)[1]


def newest_revision(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Of rows sharing one `campaign_id`, the newest revision; None when they do not say.

    By `version_number` when every row has one (V5's revision counter), else by `updated_at`
    when every row has a distinct one. Anything else is ambiguous.
    """
    if len(rows) <= 1:
        return rows[0] if rows else None
    versions = [row.get("version_number") for row in rows]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in versions):
        numbers = [int(v) for v in versions if isinstance(v, int)]
        if len(set(numbers)) == len(numbers):
            return rows[numbers.index(max(numbers))]
        return None
    updated = [instant(row.get("updated_at")) for row in rows]
    known = [u for u in updated if u is not None]
    if len(known) != len(rows) or len(set(known)) != len(known):
        return None
    return rows[updated.index(max(known))]
