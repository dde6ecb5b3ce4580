"""A cache of validated campaign files, keyed by their content: YAML is parsed once per change.

Takes a file's bytes (or its path and stat); returns what loading it gave last time
(everything but its path), or None. Parsing and validating a 20 KB campaign file costs about
2 ms of CPU, so 10,000 files cost tens of seconds on every command; from the cache, about
0.1 ms each. Entries live in `<state path>/cache/definitions.sqlite`, keyed by the sha256 of
the file's bytes, of the settings that loading depends on (targets, their providers and vars,
`default_target`, `[checks]`) and of the tool's own code, so an edit of either is a miss. An
entry holds one definition per target the file goes to. Only files that loaded without a
problem are cached: problems are always found (and located) afresh. A second table remembers,
per file, its stat when it was read and the key of its bytes (`DefinitionCache.unchanged`), so
that an unchanged file is not even read. A cache that cannot be opened or written is simply
not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import stat
import time
from dataclasses import dataclass
from functools import cache, lru_cache
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
CREATE TABLE IF NOT EXISTS files (
    file TEXT PRIMARY KEY, stat TEXT NOT NULL, hash TEXT NOT NULL, seen INTEGER NOT NULL,
    used INTEGER NOT NULL);
"""
SETTLED_NS = 10 * 10**9
"""A file changed this close to when it was last read may have changed again within the same
tick of the file system's clock (or of a file server's, which may run behind): such a file
is read again, whatever its stat says (git's "racily clean" entries)."""
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
                    lifecycle=_lifecycle(
                        tuple(lifecycle["ignore_changes"]), lifecycle["on_locked"]
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


@lru_cache(maxsize=256)
def _lifecycle(ignore_changes: tuple[str, ...], on_locked: str) -> Lifecycle:
    """One (frozen) value per distinct lifecycle: most files share the default one."""
    return Lifecycle(ignore_changes=ignore_changes, on_locked=on_locked)


def _stat(path: Path) -> str | None:
    """A regular file's identity and times, as the cache compares them (links followed, as the
    file is read)."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


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
        self._files: list[tuple[str, str, str, int, int]] = []
        self._files_touched: list[tuple[int, str]] = []

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

    def key(self, raw: bytes) -> str:
        """The key of a file's bytes (with the code and settings they were loaded with)."""
        return hashlib.sha256(self._stamp + raw).hexdigest()

    def by_keys(self, keys: list[str | None]) -> list[Hit | None]:
        """What the cache holds under each of these keys (None: nothing to look up), in
        order: one query for them all (a query per file was a tenth of a warm load)."""
        wanted = list({key for key in keys if key is not None})
        if self._db is None or not wanted:
            return [None] * len(keys)
        marks = ",".join("?" * len(wanted))
        try:
            rows = self._db.execute(
                f"SELECT hash, meta, content, used FROM definitions WHERE hash IN ({marks})",
                wanted,
            ).fetchall()
        except sqlite3.Error as exc:
            self._disable(exc)
            return [None] * len(keys)
        found = {key: (meta, content, used) for key, meta, content, used in rows}
        hits: list[Hit | None] = []
        for key in keys:
            row = found.get(key) if key is not None else None
            if key is None or row is None:
                hits.append(None)
                continue
            meta, content, used = row
            if used != self._today:
                self._touched.append((self._today, key))
            hits.append(Hit(json.loads(meta), bytes(content)))
        return hits

    def unchanged(self, paths: list[Path]) -> list[tuple[str | None, str | None]]:
        """For each file: the key of the bytes it had when last read, if it has not changed
        since (same device, inode, size, change and modification times, settled: see
        `SETTLED_NS`), and its stat now (None: not a regular file, or not readable).

        Reading and hashing the bytes was a third of a warm load of 10,000 files; a stat is
        what git trusts its index with. An edit changes a file's change time, which no tool
        can set back."""
        stats = [_stat(path) for path in paths]
        if self._db is None or not paths:
            return [(None, now) for now in stats]
        names = [self._file(path) for path in paths]
        marks = ",".join("?" * len(names))
        try:
            rows = self._db.execute(
                f"SELECT file, stat, hash, seen, used FROM files WHERE file IN ({marks})", names
            ).fetchall()
        except sqlite3.Error as exc:
            self._disable(exc)
            return [(None, now) for now in stats]
        known = {name: (then, key, seen, used) for name, then, key, seen, used in rows}
        found: list[tuple[str | None, str | None]] = []
        for name, now in zip(names, stats, strict=True):
            entry = known.get(name)
            key = None
            if now is not None and entry is not None and entry[0] == now:
                changed = max(int(part) for part in now.split(":")[3:])
                if changed < entry[2] - SETTLED_NS:
                    key = entry[1]
                    if entry[3] != self._today:
                        self._files_touched.append((self._today, name))
            found.append((key, now))
        return found

    def remember(self, path: Path, stat: str | None, key: str, seen: int) -> None:
        """The file at `path`, with stat `stat` (taken before it was read, at `seen`), had
        the bytes of key `key`."""
        if self._db is not None and stat is not None:
            self._files.append((self._file(path), stat, key, seen, self._today))

    def _file(self, path: Path) -> str:
        return hashlib.sha256(self._stamp + b"\0" + os.fsencode(path)).hexdigest()

    def put(self, key: str, definitions: list[CampaignDefinition]) -> None:
        """What loading the file of key `key` gave: one definition per target it goes to."""
        if self._db is not None:
            meta = json.dumps([_meta(d) for d in definitions])
            content = b"".join(d.content for d in definitions)
            self._new.append((key, meta, content, self._today))

    def close(self) -> None:
        """Write what this load learnt and drop stale entries; never fails the command."""
        db, self._db = self._db, None
        if db is None:
            return
        try:
            with contextlib.closing(db):
                if self._new or self._touched or self._files or self._files_touched:
                    db.execute("BEGIN IMMEDIATE")
                    db.executemany(
                        "INSERT OR REPLACE INTO definitions VALUES (?, ?, ?, ?)", self._new
                    )
                    db.executemany("UPDATE definitions SET used = ? WHERE hash = ?", self._touched)
                    files = self._files
                    db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", files)
                    touched = self._files_touched
                    db.executemany("UPDATE files SET used = ? WHERE file = ?", touched)
                    old = self._today - KEEP_DAYS
                    db.execute("DELETE FROM definitions WHERE used < ?", (old,))
                    db.execute("DELETE FROM files WHERE used < ?", (old,))
                    db.execute("COMMIT")
        except sqlite3.Error as exc:
            log.debug("definition cache not written: %s", exc)

    def _disable(self, exc: sqlite3.Error) -> None:
        log.debug("definition cache not used: %s", exc)
        if self._db is not None:
            self._db.close()
        self._db = None
