"""Seeding the demo workspace (`seed_data.py`) into the sandbox database, and reseeding it.

Every workspace id and project key sees the demo data: each is seeded lazily on its first
authenticated request (and `sandbox`, the embedded client's workspace and project, eagerly when
the database is created or reset), so a user can point the tool at the sandbox with any
credentials and find the demo. Seeding happens once per workspace: later writes are kept.
"""

from __future__ import annotations

import copy
from pathlib import Path

from syncer.sandbox.clock import parse_instant
from syncer.sandbox.moengage_rules import start_instant
from syncer.sandbox.options import SANDBOX_PROJECT_KEY, SANDBOX_WORKSPACE_ID
from syncer.sandbox.records import BatchOrchestration, MoeCampaign
from syncer.sandbox.seed_data import BATCH_ORCHESTRATIONS, MOENGAGE_CAMPAIGNS, MOENGAGE_CREATED_BY
from syncer.sandbox.store import Store


def ensure_moengage(store: Store, workspace: str) -> None:
    """Seed the demo MoEngage campaigns into `workspace` unless it was seeded before."""
    with store.db.transaction():
        if store.db.is_seeded("moengage", workspace):
            return
        for campaign_id, status, via_api, created, sent, body in MOENGAGE_CAMPAIGNS:
            created_at = parse_instant(created)
            store.moe.put(
                MoeCampaign(
                    workspace=workspace,
                    id=campaign_id,
                    body=copy.deepcopy(body),
                    status=status,
                    created_via_api=via_api,
                    created_by=MOENGAGE_CREATED_BY,
                    created_at=created_at,
                    updated_by=MOENGAGE_CREATED_BY,
                    updated_at=created_at,
                    request_id=f"seed-{campaign_id}" if via_api else "",
                    start_at=start_instant(body),
                    sent_at=None if sent is None else parse_instant(sent),
                )
            )
        store.db.mark_seeded("moengage", workspace)


def ensure_batch(store: Store, project: str) -> None:
    """Seed the demo Batch orchestrations into `project` unless it was seeded before."""
    with store.db.transaction():
        if store.db.is_seeded("batch", project):
            return
        for orchestration_id, status, kind, source, created, campaign in BATCH_ORCHESTRATIONS:
            created_at = parse_instant(created)
            store.batch.put(
                BatchOrchestration(
                    project=project,
                    id=orchestration_id,
                    campaign=copy.deepcopy(campaign),
                    status=status,
                    type=kind,
                    source=source,
                    created_at=created_at,
                    updated_at=created_at,
                    start_at=parse_instant(campaign["when"]["start_time"]),
                )
            )
        store.db.mark_seeded("batch", project)


def seed_defaults(store: Store) -> None:
    ensure_moengage(store, SANDBOX_WORKSPACE_ID)
    ensure_batch(store, SANDBOX_PROJECT_KEY)


def wipe_and_seed(store: Store, *, seed: bool = True) -> None:
    """Delete everything (campaigns, request log, clock, faults, rate windows); then reseed."""
    with store.db.transaction():
        store.db.wipe()
        if seed:
            seed_defaults(store)


def reset(db_path: Path) -> None:
    """Wipe the sandbox database at `db_path` and reseed the demo workspace.

    Safe while a server runs on the same database (another process or thread): SQLite's
    locking serialises the reset with the server's requests.
    """
    store = Store(Path(db_path))
    try:
        wipe_and_seed(store)
    finally:
        store.close()
