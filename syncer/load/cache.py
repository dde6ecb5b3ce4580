"""A cache of validated campaign files, keyed by their content: YAML is parsed once per change.

Takes a file's bytes; returns what loading it gave last time (everything but its path), or None.
Parsing and validating a 20 KB campaign file costs about 10 ms of CPU (ruamel's pure-Python
round-trip parser), so 10,000 files cost minutes on every command; from the cache, about 0.1 ms
each (issue 8). Entries live in `<state path>/cache/definitions.sqlite`, keyed by the sha256
of the file's bytes, of the settings that loading depends on (targets, their providers and
vars, `default_target`) and of the tool's own code, so an edit of either is a miss. An entry
holds one definition per target the file goes to. Only files that loaded without a problem
are cached: problems are always found (and located) afresh. A cache that cannot be opened or
written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pydantic

import syncer
from syncer.config.private import private_file
from syncer.config.settings import Settings
from syncer.errors import SecurityError
from syncer.model.campaign import CampaignDefinition, Lifecycle

log = logging.getLogger("syncer.cache")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS definitions (
    hash TEXT PRIMARY KEY, meta TEXT NOT NULL, content BLOB NOT NULL, used INTEGER NOT NULL);
"""
_DAY = 86_400
KEEP_DAYS = 30
"""Entries unused for this long are dropped (other branches' files stay warm meanwhile)."""


@cache
def code_stamp() -> str:
    """Changes whenever the tool's code (or its parsing and validation libraries) changes."""
    package = Path(syncer.__file__).parent
    parts = [syncer.__version__, pydantic.VERSION]
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        parts.append(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def settings_stamp(settings: Settings) -> str:
    """What a file's loading depends on besides its bytes and path (and the template files it
    reads, which each entry lists: `Hit.templates`)."""
    targets = {
        name: {"provider": target.provider, "vars": target.vars}
        for name, target in settings.targets.items()
    }
    context = {
        "default_target": settings.default_target,
        "targets": targets,
        "templates_dir": settings.templates_dir,
        "checks": settings.checks,
    }
    return json.dumps(context, sort_keys=True)


@dataclass(frozen=True)
class Hit:
    meta: list[dict[str, Any]]
    """One entry per target the file goes to (`size`: the length of its packed body)."""
    content: bytes
    """The packed bodies, one after the other."""

    @property
    def templates(self) -> dict[str, str]:
        """The template files (name -> sha256) the entry's content came from."""
        return {name: sha for meta in self.meta for name, sha in meta.get("templates", ())}

    def definitions(self, key: str, file: str) -> list[CampaignDefinition]:
        found = []
        position = 0
        for meta in self.meta:
            body = self.content[position : position + meta["size"]]
            position += meta["size"]
            lifecycle = meta["lifecycle"]
            found.append(
                CampaignDefinition(
                    key=key,
                    file=file,
                    provider=meta["provider"],
                    target=meta["target"],
                    id=meta["id"],
                    state=meta["state"],
                    read_only=meta["read_only"],
                    lifecycle=Lifecycle(
                        ignore_changes=tuple(lifecycle["ignore_changes"]),
                        on_locked=lifecycle["on_locked"],
                    ),
                    campaign=body,
                    digest=meta["digest"],
                    name=meta["name"],
                    line=meta["line"],
                    templates=tuple((name, sha) for name, sha in meta.get("templates", ())),
                    warnings=tuple(meta.get("warnings", ())),
                    incomplete=tuple(tuple(spot) for spot in meta.get("incomplete", ())),
                )
            )
        return found


def _meta(definition: CampaignDefinition) -> dict[str, Any]:
    return {
        "provider": definition.provider,
        "target": definition.target,
        "id": definition.id,
        "state": definition.state,
        "read_only": definition.read_only,
        "lifecycle": {
            "ignore_changes": list(definition.lifecycle.ignore_changes),
            "on_locked": definition.lifecycle.on_locked,
        },
        "digest": definition.digest,
        "name": definition.name,
        "line": definition.line,
        "size": len(definition.content),
        "templates": [list(pair) for pair in definition.templates],
        "warnings": list(definition.warnings),
        "incomplete": [list(spot) for spot in definition.incomplete],
    }


class DefinitionCache:
    """One load's use of the cache: look-ups as files are read, writes batched at `close`."""

    def __init__(self, db: sqlite3.Connection | None, stamp: str) -> None:
        self._db = db
        self._stamp = stamp.encode()
        self._today = int(time.time() // _DAY)
        self._new: list[tuple[str, str, bytes, int]] = []
        self._touched: list[tuple[int, str]] = []

    @classmethod
    def open(cls, settings: Settings) -> DefinitionCache:
        stamp = code_stamp() + "\n" + settings_stamp(settings) + "\n"
        path = settings.root / settings.state.path / "cache" / "definitions.sqlite"
        try:
            # Like the state it sits next to: owner-only, never through a link (a cache behind
            # one is simply not used; the state's own check then names the link).
            private_file(path, settings.root)
            db = sqlite3.connect(path, timeout=2.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error, SecurityError) as exc:
            log.debug("definition cache not used: %s", exc)
            return cls(None, stamp)
        return cls(db, stamp)

    def _key(self, raw: bytes) -> str:
        return hashlib.sha256(self._stamp + raw).hexdigest()

    def get(self, raw: bytes) -> Hit | None:
        return self.get_many([raw])[0]

    def get_many(self, raws: list[bytes]) -> list[Hit | None]:
        """What the cache holds for each of these files' bytes, in order: one query for them
        all (a query per file was a tenth of a warm load of 10,000)."""
        if self._db is None or not raws:
            return [None] * len(raws)
        keys = [self._key(raw) for raw in raws]
        marks = ",".join("?" * len(keys))
        try:
            rows = self._db.execute(
                f"SELECT hash, meta, content, used FROM definitions WHERE hash IN ({marks})", keys
            ).fetchall()
        except sqlite3.Error as exc:
            self._disable(exc)
            return [None] * len(raws)
        found = {key: (meta, content, used) for key, meta, content, used in rows}
        hits: list[Hit | None] = []
        for key in keys:
            row = found.get(key)
            if row is None:
                hits.append(None)
                continue
            meta, content, used = row
            if used != self._today:
                self._touched.append((self._today, key))
            hits.append(Hit(json.loads(meta), bytes(content)))
        return hits

    def put(self, raw: bytes, definitions: list[CampaignDefinition]) -> None:
        """What loading the file `raw` gave: one definition per target it goes to."""
        if self._db is not None:
            meta = json.dumps([_meta(d) for d in definitions])
            content = b"".join(d.content for d in definitions)
            self._new.append((self._key(raw), meta, content, self._today))

    def close(self) -> None:
        """Write what this load learnt and drop stale entries; never fails the command."""
        db, self._db = self._db, None
        if db is None:
            return
        try:
            with contextlib.closing(db):
                if self._new or self._touched:
                    db.execute("BEGIN IMMEDIATE")
                    db.executemany(
                        "INSERT OR REPLACE INTO definitions VALUES (?, ?, ?, ?)", self._new
                    )
                    db.executemany("UPDATE definitions SET used = ? WHERE hash = ?", self._touched)
                    db.execute("DELETE FROM definitions WHERE used < ?", (self._today - KEEP_DAYS,))
                    db.execute("COMMIT")
        except sqlite3.Error as exc:
            log.debug("definition cache not written: %s", exc)

    def _disable(self, exc: sqlite3.Error) -> None:
        log.debug("definition cache not used: %s", exc)
        if self._db is not None:
            self._db.close()
        self._db = None
