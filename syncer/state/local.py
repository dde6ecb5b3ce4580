"""The state store: per target and campaign key, the remote id and what was last applied.

Takes and returns `TargetState` values; backends only move bytes. The local backend keeps one
JSON file per target under `.syncer/state/` (atomic replace, private permissions) and a lock
file against concurrent runs; `state_s3.py` keeps the same documents in an S3-compatible bucket
for CI runners that start empty. The apply journal is stored by the same backend.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import filelock

from syncer.config.private import (
    append_private,
    private_dir,
    private_file,
    refuse_links,
    write_private,
)
from syncer.errors import LockHeldError, StateError
from syncer.model.state import TargetState, parse_state
from syncer.remote.answer import within_depth


class LocalBackend:
    """State under a local directory (default `.syncer/`)."""

    def __init__(self, root: Path, lock_timeout: float = 0, base: Path | None = None) -> None:
        """`base`: the project directory; between it and every file written, no link is
        followed (`syncer.config.private.refuse_links`). Defaults to `root`'s parent."""
        self.root = root
        self.base = root.parent if base is None else base
        self.lock_timeout = lock_timeout
        self.description = f"local ({root})"

    def _state_file(self, target: str) -> Path:
        return self.root / "state" / f"{target}.json"

    def _journal_file(self, target: str) -> Path:
        return self.root / "journal" / f"{target}.jsonl"

    def load(self, target: str) -> TargetState:
        path = self._state_file(target)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return TargetState(target=target)
        except OSError as exc:
            raise StateError(f"cannot read {path}: {exc.strerror}") from None
        return parse_state(raw, target, str(path))

    def save(self, state: TargetState) -> None:
        data = state.model_dump_json(indent=2, exclude_defaults=False).encode()
        try:
            write_private(self._state_file(state.target), data + b"\n", self.base)
        except OSError as exc:
            raise StateError(f"cannot write the state file: {exc.strerror}") from None

    @contextlib.contextmanager
    def lock(self, target: str, holder: str) -> Iterator[None]:
        lock_path = self.root / "state" / f"{target}.lock"
        holder_path = lock_path.with_suffix(".holder")
        # filelock opens (and truncates) the lock file following links: refused first, then
        # created here without following one. The journal is checked too: apply locks first.
        try:
            private_file(lock_path, self.base)
        except OSError as exc:
            raise StateError(f"{lock_path}:1:1: cannot create the lock: {exc.strerror}") from None
        refuse_links(holder_path, self.base)
        refuse_links(self._journal_file(target), self.base)
        lock = filelock.FileLock(str(lock_path), mode=0o600)
        try:
            lock.acquire(timeout=self.lock_timeout)
        except IsADirectoryError:
            raise StateError(
                f"{lock_path}:1:1: is a directory, not a lock file: remove it and run again"
            ) from None
        except filelock.Timeout:
            who = _read_text(holder_path) or "another run"
            raise LockHeldError(
                f"the state of target {target!r} is locked by {who}; wait for it to finish "
                f"(or, if that run is dead, run `syncer state unlock --target {target}`)"
            ) from None
        try:
            write_private(holder_path, holder.encode(), self.base)
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                holder_path.unlink()
            lock.release()

    def lock_holder(self, target: str) -> str | None:
        return _read_text(self.root / "state" / f"{target}.holder") or None

    def unlock(self, target: str) -> bool:
        # An OS-level lock (flock) dies with its process, so only the holder note can be stale.
        holder = self.root / "state" / f"{target}.holder"
        if holder.exists():
            holder.unlink()
            return True
        return False

    def journal_append(self, target: str, record: dict[str, Any]) -> None:
        path = self._journal_file(target)
        private_dir(path.parent, self.base)
        line = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
        try:
            append_private(path, line.encode(), sync=True)
        except OSError as exc:
            raise StateError(f"{path}:1:1: cannot write the journal: {exc.strerror}") from None

    def journal_read(self, target: str) -> list[dict[str, Any]]:
        """The journal's records, in order. A line cut short by a crash is skipped (the call it
        announced stays "unknown", and `replay` skips records it cannot use); a file that cannot
        be read, or a line that is not UTF-8 or too deep to parse, is damage, located.

        Raises:
            StateError: `PATH:LINE:COL: the journal is damaged (...)`, with the way out.
        """
        path = self._journal_file(target)
        refuse_links(path, self.base)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise damaged(path, 1, 1, f"cannot be read: {exc.strerror}") from None
        records = []
        for number, line in enumerate(raw.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise damaged(path, number, exc.start + 1, "not UTF-8 text") from None
            try:
                records.append(json.loads(text))
            except json.JSONDecodeError:
                continue  # a line cut short by a crash: the call it announced is "unknown"
            except RecursionError:
                raise damaged(path, number, 1, "a line nested too deeply to read") from None
            if not within_depth(records[-1]):
                raise damaged(path, number, 1, "a line nested too deeply to use")
        return records

    def journal_clear(self, target: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._journal_file(target).unlink()


RECOVERY = (
    "to recover, move the file aside (keep it for a post-mortem) and run `syncer plan`: the "
    "remote is read again and names are looked up before any creation, so nothing is sent "
    "twice; only calls of the interrupted apply whose outcome was unknown are not reported"
)


def damaged(path: Path, line: int, column: int, why: str) -> StateError:
    return StateError(f"{path}:{line}:{column}: the apply journal is damaged ({why}); {RECOVERY}")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
