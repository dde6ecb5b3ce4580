"""SQLite persistence of the sandbox: every SQL statement of the emulator lives in this package.

`Store(path)` opens (and creates) the database and exposes one object per table group:
`moe` (MoEngage campaigns and create request_ids), `batch` (Batch orchestrations), `rates`
(rate-limit events), `log` (the request log), plus settings (clock, faults) and seed markers on
the `db` itself.
"""

from __future__ import annotations

from pathlib import Path

from syncer.sandbox.store.campaigns import BatchOrchestrations, MoeCampaigns, MoeQuery
from syncer.sandbox.store.db import Database
from syncer.sandbox.store.events import RateEvents, RequestLog

__all__ = ["MoeQuery", "Store"]


class Store:
    def __init__(self, path: Path) -> None:
        self.db = Database(path)
        self.moe = MoeCampaigns(self.db)
        self.batch = BatchOrchestrations(self.db)
        self.rates = RateEvents(self.db)
        self.log = RequestLog(self.db)

    @property
    def is_new(self) -> bool:
        return self.db.is_new

    def close(self) -> None:
        self.db.close()
