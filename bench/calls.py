"""Calls as the sandbox saw them: read from its request log (the SQLite file it serves from).

Takes the sandbox database and a log position; returns the vendor calls made since then, by
kind, with the time of the first and the last. Bodies are not read: a run of 10,000 PATCHes of
20 KB each would otherwise mean 200 MB of JSON.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from syncer.sandbox.store import Store

_PATCH = re.compile(r"^/core-services/v1/campaigns/[^/]+$")


@dataclass(frozen=True)
class CallLog:
    kinds: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    """Calls the sandbox refused with 429 (the client's limiter should prevent every one)."""
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    @property
    def span(self) -> float:
        """Seconds from the first logged call to the last (both logged when answered)."""
        if self.first is None or self.last is None:
            return 0.0
        return (self.last - self.first).total_seconds()


def kind_of(method: str, path: str) -> str:
    if path.startswith("/core-services/v1/"):
        if method == "POST" and path.endswith("/campaigns/search"):
            return "search"
        if method == "POST" and path.endswith("/campaigns/status"):
            return "status"
        if method == "POST" and path.endswith("/campaigns"):
            return "create"
        if method == "PATCH" and _PATCH.match(path):
            return "update"
    return f"{method} {path}"


def position(db: Path) -> int:
    """The sequence number of the last logged request (0 when the log is empty)."""
    store = Store(db)
    try:
        rows = store.db.rows("SELECT COALESCE(MAX(seq), 0) FROM requests")
    finally:
        store.close()
    return int(rows[0][0])


def since(db: Path, seq: int) -> CallLog:
    store = Store(db)
    try:
        rows = store.db.rows(
            "SELECT at, method, path, status FROM requests WHERE seq > ? ORDER BY seq", (seq,)
        )
    finally:
        store.close()
    kinds: Counter[str] = Counter()
    rejected = 0
    times = []
    for at, method, path, status in rows:
        kinds[kind_of(method, path)] += 1
        rejected += status == 429
        times.append(dt.datetime.fromisoformat(str(at).replace("Z", "+00:00")))
    return CallLog(
        kinds=kinds,
        rejected=rejected,
        first=min(times) if times else None,
        last=max(times) if times else None,
    )
