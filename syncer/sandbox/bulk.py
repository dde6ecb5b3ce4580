"""Bulk seeding: many MoEngage campaigns written straight into a sandbox database.

For benchmarks and tests that need workspaces of thousands of campaigns: through the vendor
routes that would take days (MoEngage allows 100 successful creations a day). Takes the
database path, a workspace and campaign bodies in request shape; stores them as if created
through the API (so they can be updated), one second apart, and returns their ids. Safe while
a server runs on the same database (SQLite serialises the writes).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from syncer.sandbox.clock import parse_instant
from syncer.sandbox.moengage_rules import start_instant
from syncer.sandbox.records import MoeCampaign
from syncer.sandbox.store import Store

CREATED_BY = "bulk-seed@example.com"
FIRST_CREATED = "2024-01-01T00:00:00"


def bulk_id(prefix: str, index: int) -> str:
    """A 24-hex-digit id (like the vendor's) that sorts with `index`: `prefix` then the index."""
    if len(prefix) >= 24 or any(c not in "0123456789abcdef" for c in prefix):
        raise ValueError("prefix must be fewer than 24 lower-case hex digits")
    return f"{prefix}{index:0{24 - len(prefix)}x}"


def put_moengage(
    db_path: Path,
    workspace: str,
    bodies: Iterable[dict[str, Any]],
    *,
    prefix: str = "b0",
    status: str = "ACTIVE",
    created_by: str = CREATED_BY,
    skip_demo: bool = False,
) -> list[str]:
    """Store every body as a campaign of `workspace`; returns the new ids, in order.

    Args:
        bodies: create bodies without `request_id` and `created_by` (channel, delivery type
            and the configuration objects), e.g. a file's `campaign:` block.
        prefix: hex digits that start every id (ids are `bulk_id(prefix, i)`).
        skip_demo: mark the workspace as seeded, so the demo campaigns are never added to it.
    """
    store = Store(Path(db_path))
    ids: list[str] = []
    try:
        start = parse_instant(FIRST_CREATED)
        with store.db.transaction():
            if skip_demo:
                store.db.mark_seeded("moengage", workspace)
            for index, body in enumerate(bodies):
                campaign_id = bulk_id(prefix, index)
                created = start + index
                store.moe.put(
                    MoeCampaign(
                        workspace=workspace,
                        id=campaign_id,
                        body=body,
                        status=status,
                        created_via_api=True,
                        created_by=created_by,
                        created_at=created,
                        updated_by=created_by,
                        updated_at=created,
                        request_id=f"bulk-{campaign_id}",
                        start_at=start_instant(body),
                    )
                )
                ids.append(campaign_id)
    finally:
        store.close()
    return ids


def clear_rate_windows(db_path: Path) -> None:
    """Forget every counted request, as if the sandbox had been idle for a day."""
    store = Store(Path(db_path))
    try:
        with store.db.transaction():
            store.rates.prune(float("inf"))
    finally:
        store.close()
