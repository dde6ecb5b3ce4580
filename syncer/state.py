"""The state store: per target and campaign key, the remote id and what was last applied.

Takes and returns `TargetState` values; backends only move bytes. The local backend keeps one
JSON file per target under `.syncer/state/` (atomic replace, private permissions) and a lock
file against concurrent runs; `state_s3.py` keeps the same documents in an S3-compatible bucket
for CI runners that start empty. The apply journal is stored by the same backend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, Protocol

import filelock
from pydantic import Field, ValidationError

from syncer.errors import LockHeldError, StateError
from syncer.model import FrozenModel
from syncer.private import private_dir

Origin = Literal["created", "adopted", "pinned"]


class HistoryItem(FrozenModel):
    """A campaign this key used to point to (retired by a replace)."""

    id: str
    retired_at: str
    reason: str = ""


class StateEntry(FrozenModel):
    id: str
    origin: Origin = "pinned"
    """created: made by this tool; adopted: imported; pinned: an `id:` in the file."""
    applied_digest: str | None = None
    """Digest of the desired campaign last applied (what Batch cannot show back)."""
    observed: dict[str, Any] | None = None
    """Remote fields seen after the last apply (name, labels, status, start time...)."""
    applied_at: str | None = None
    read_only: str | None = None
    """Set when the vendor refused writes to this campaign: the reason."""
    history: tuple[HistoryItem, ...] = ()


Call = tuple[str, int]
"""A planned call: (campaign key, index in the campaign's requests)."""
KEPT_PLANS = 20


class PlanProgress(FrozenModel):
    """How far the applies of one saved plan got in one target (so a re-run resumes it)."""

    applied: tuple[Call, ...] = ()
    unknown: tuple[Call, ...] = ()
    """Calls sent whose answer was lost: they may or may not have landed."""
    updated_at: str = ""


class TargetState(FrozenModel):
    version: Literal[1] = 1
    target: str
    campaigns: dict[str, StateEntry] = Field(default_factory=dict)
    creations: tuple[str, ...] = ()
    """UTC times of creations in the last 24 hours (vendor daily creation quotas)."""
    workspace_size: int | None = None
    """Campaigns seen when the workspace was last listed (chooses the cheapest way to read)."""
    plans: dict[str, PlanProgress] = Field(default_factory=dict)
    """Per plan digest, the calls of that plan already applied (the last 20 plans)."""

    def with_entry(self, key: str, entry: StateEntry | None) -> TargetState:
        campaigns = dict(self.campaigns)
        if entry is None:
            campaigns.pop(key, None)
        else:
            campaigns[key] = entry
        return self.model_copy(update={"campaigns": campaigns})

    def with_progress(
        self, plan: str, applied: Iterable[Call] = (), unknown: Iterable[Call] = ()
    ) -> TargetState:
        """Add calls of plan `plan` that landed (or whose outcome is unknown)."""
        old = self.plans.get(plan, PlanProgress())
        done = set(old.applied) | set(applied)
        maybe = (set(old.unknown) | set(unknown)) - done
        if done == set(old.applied) and maybe == set(old.unknown) and plan in self.plans:
            return self
        progress = PlanProgress(
            applied=tuple(sorted(done)),
            unknown=tuple(sorted(maybe)),
            updated_at=utcnow().isoformat(),
        )
        recent = sorted(
            ((k, v) for k, v in self.plans.items() if k != plan), key=lambda kv: kv[1].updated_at
        )[-(KEPT_PLANS - 1) :]
        return self.model_copy(update={"plans": {**dict(recent), plan: progress}})

    def creations_in_last_day(self, now: dt.datetime) -> int:
        since = now - dt.timedelta(days=1)
        return sum(1 for t in self.creations if dt.datetime.fromisoformat(t) > since)

    def with_creation(self, now: dt.datetime) -> TargetState:
        since = now - dt.timedelta(days=1)
        recent = [t for t in self.creations if dt.datetime.fromisoformat(t) > since]
        return self.model_copy(update={"creations": (*recent, now.isoformat())})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class StateBackend(Protocol):
    """Storage for state documents and journals, with a per-target lock."""

    description: str

    def load(self, target: str) -> TargetState: ...

    def save(self, state: TargetState) -> None: ...

    def lock(self, target: str, holder: str) -> contextlib.AbstractContextManager[None]: ...

    def unlock(self, target: str) -> bool:
        """Remove a lock left by a dead run; True if one was removed."""
        ...

    def lock_holder(self, target: str) -> str | None:
        """Who holds the lock and since when, if anyone is known to."""
        ...

    def journal_append(self, target: str, record: dict[str, Any]) -> None: ...

    def journal_read(self, target: str) -> list[dict[str, Any]]: ...

    def journal_clear(self, target: str) -> None: ...


def parse_state(raw: bytes, target: str, where: str) -> TargetState:
    if not raw.strip():
        return TargetState(target=target)
    try:
        return TargetState.model_validate_json(raw)
    except ValidationError as exc:
        raise StateError(
            f"{where} is not a valid state file ({exc.error_count()} problems); "
            "restore it from a backup or delete it (the next plan will treat campaigns "
            "without an `id:` as new and look their names up before creating anything)"
        ) from None


def write_private(path: Path, data: bytes) -> None:
    """Write atomically with owner-only permissions (readers never see half a file)."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(0o600)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class LocalBackend:
    """State under a local directory (default `.syncer/`)."""

    def __init__(self, root: Path, lock_timeout: float = 0) -> None:
        self.root = root
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
            write_private(self._state_file(state.target), data + b"\n")
        except OSError as exc:
            raise StateError(f"cannot write the state file: {exc.strerror}") from None

    @contextlib.contextmanager
    def lock(self, target: str, holder: str) -> Iterator[None]:
        lock_path = self.root / "state" / f"{target}.lock"
        private_dir(lock_path.parent)
        holder_path = lock_path.with_suffix(".holder")
        lock = filelock.FileLock(str(lock_path), mode=0o600)
        try:
            lock.acquire(timeout=self.lock_timeout)
        except filelock.Timeout:
            who = _read_text(holder_path) or "another run"
            raise LockHeldError(
                f"the state of target {target!r} is locked by {who}; wait for it to finish "
                f"(or, if that run is dead, run `syncer state unlock --target {target}`)"
            ) from None
        try:
            write_private(holder_path, holder.encode())
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
        private_dir(path.parent)
        line = json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def journal_read(self, target: str) -> list[dict[str, Any]]:
        path = self._journal_file(target)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a crash: the call it announced is "unknown"
        return records

    def journal_clear(self, target: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._journal_file(target).unlink()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
