"""The sandbox's two append-only tables: rate-limit events and the request log."""

from __future__ import annotations

import json
from typing import Any

from syncer.sandbox.store.db import Database

_LOG_KEYS = ("seq", "time", "method", "path", "query", "body", "status", "vendor", "note")


class RateEvents:
    """Timestamps of counted requests, per scope (e.g. `moengage:<workspace>:create`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def window_counts(self, scope: str, sinces: list[float]) -> list[tuple[int, float | None]]:
        """For each `since`: how many events of `scope` are newer, and the oldest of them."""
        if not sinces:
            return []
        parts = ", ".join("SUM(at > ?), MIN(CASE WHEN at > ? THEN at END)" for _ in sinces)
        params = [value for since in sinces for value in (since, since)]
        row = self._db.rows(
            f"SELECT {parts} FROM rate_events WHERE scope = ? AND at > ?",
            (*params, scope, min(sinces)),
        )[0]
        return [(int(row[2 * i] or 0), row[2 * i + 1]) for i in range(len(sinces))]

    def add(self, scope: str, at: float) -> None:
        self._db.run("INSERT INTO rate_events VALUES (?, ?)", (scope, at))

    def prune(self, before: float) -> None:
        self._db.run("DELETE FROM rate_events WHERE at < ?", (before,))

    def drop_after(self, at: float) -> None:
        self._db.run("DELETE FROM rate_events WHERE at > ?", (at,))


class RequestLog:
    """Every vendor request the sandbox received. Never holds headers, hence no credential."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def append(self, entry: dict[str, Any]) -> int:
        body = entry.get("body")
        return self._db.insert(
            "INSERT INTO requests (at, method, path, query, body, status, vendor, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry["time"],
                entry["method"],
                entry["path"],
                entry["query"],
                None if body is None else json.dumps(body),
                entry["status"],
                entry["vendor"],
                entry["note"],
            ),
        )

    def entries(self, since: int | None = None) -> list[dict[str, Any]]:
        rows = self._db.rows(
            f"SELECT {', '.join(('seq', 'at', *_LOG_KEYS[2:]))} FROM requests "
            "WHERE seq > ? ORDER BY seq",
            (since or 0,),
        )
        entries = [dict(zip(_LOG_KEYS, row, strict=True)) for row in rows]
        for entry in entries:
            entry["body"] = None if entry["body"] is None else json.loads(entry["body"])
        return entries

    def clear(self) -> None:
        self._db.run("DELETE FROM requests")
