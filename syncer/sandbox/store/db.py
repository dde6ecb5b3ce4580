"""The SQLite connection of the sandbox: schema, transactions, settings and seed markers.

One connection guarded by a re-entrant lock: uvicorn serves from one process and the embedded
server runs in one thread. WAL mode lets `syncer sandbox reset` in another process write while a
server runs.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from syncer.config.private import private_file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS moe_campaigns (
    workspace TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL,
    created_via_api INTEGER NOT NULL, created_by TEXT NOT NULL, created_at REAL NOT NULL,
    updated_by TEXT NOT NULL, updated_at REAL NOT NULL, request_id TEXT NOT NULL,
    start_at REAL, sent_at REAL, name TEXT NOT NULL, channel TEXT NOT NULL,
    delivery_type TEXT NOT NULL, tags TEXT NOT NULL, PRIMARY KEY (workspace, id));
CREATE INDEX IF NOT EXISTS moe_order ON moe_campaigns (workspace, created_at, id);
CREATE INDEX IF NOT EXISTS moe_due ON moe_campaigns (status, start_at);
CREATE INDEX IF NOT EXISTS moe_listing ON moe_campaigns
    (workspace, created_at, id, channel, status, name, delivery_type, created_by);
CREATE TABLE IF NOT EXISTS moe_request_ids (
    workspace TEXT NOT NULL, request_id TEXT NOT NULL, used_at REAL NOT NULL,
    PRIMARY KEY (workspace, request_id));
CREATE TABLE IF NOT EXISTS batch_orchestrations (
    project TEXT NOT NULL, id TEXT NOT NULL, campaign TEXT NOT NULL, status TEXT NOT NULL,
    type TEXT NOT NULL, source TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    start_at REAL, PRIMARY KEY (project, id));
CREATE INDEX IF NOT EXISTS batch_order ON batch_orchestrations (project, created_at, id);
CREATE INDEX IF NOT EXISTS batch_due ON batch_orchestrations (status, start_at);
CREATE TABLE IF NOT EXISTS rate_events (scope TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS rate_scope ON rate_events (scope, at);
CREATE INDEX IF NOT EXISTS rate_at ON rate_events (at);
CREATE TABLE IF NOT EXISTS requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, method TEXT NOT NULL,
    path TEXT NOT NULL, query TEXT NOT NULL, body TEXT, status INTEGER, vendor TEXT NOT NULL,
    note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seeded (
    vendor TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (vendor, key));
"""
_DATA_TABLES = (
    "moe_campaigns",
    "moe_request_ids",
    "batch_orchestrations",
    "rate_events",
    "requests",
    "settings",
    "seeded",
)


class Database:
    """The connection. Wrap every multi-statement operation in `transaction()`."""

    def __init__(self, path: Path) -> None:
        self.is_new = not path.exists() or path.stat().st_size == 0
        # Owner-only before SQLite opens it (its -wal and -shm files take the same mode).
        private_file(path)
        self._lock = threading.RLock()
        self._depth = 0
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Every request commits a few small transactions; in WAL mode NORMAL skips the fsync
        # per commit and still never corrupts the database (a power cut may lose the last
        # commits, which a local emulator can afford).
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Another process (`syncer sandbox reset`) may briefly hold the write lock.
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing block; nested uses join the outer transaction."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("COMMIT")

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Execute one statement; returns the number of rows it changed."""
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def insert(self, sql: str, params: tuple[Any, ...]) -> int:
        """Execute one INSERT; returns the new rowid."""
        with self._lock:
            return int(self._db.execute(sql, params).lastrowid or 0)

    def wipe(self) -> None:
        with self.transaction():
            for table in _DATA_TABLES:
                self.run(f"DELETE FROM {table}")

    # settings hold the clock and the fault knobs as JSON values
    def get_setting(self, key: str) -> Any:
        found = self.rows("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(found[0][0]) if found else None

    def set_setting(self, key: str, value: Any) -> None:
        if value is None:
            self.run("DELETE FROM settings WHERE key = ?", (key,))
        else:
            self.run("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))

    def is_seeded(self, vendor: str, key: str) -> bool:
        found = self.rows("SELECT 1 FROM seeded WHERE vendor = ? AND key = ?", (vendor, key))
        return bool(found)

    def mark_seeded(self, vendor: str, key: str) -> None:
        self.run("INSERT OR IGNORE INTO seeded VALUES (?, ?)", (vendor, key))


def marks(count: int) -> str:
    """`?, ?, ?` for `count` bound parameters."""
    return ", ".join("?" * count)
