"""Directories and files the tool creates are the owner's only (0700 and 0600).

State, journals, plans, caches and the sandbox's data describe a company's campaigns; nothing
the tool creates is readable by other users of a shared machine or CI runner. Directories that
already exist are left as they are: they are the user's.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DIRECTORY = 0o700
FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` and its missing parents with owner-only permissions; return `path`."""
    missing = []
    current = path
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=DIRECTORY)
        except FileExistsError:
            continue  # made meanwhile by another run, or a file: the caller's next step says so
        directory.chmod(DIRECTORY)  # mkdir's mode is reduced by the umask, never raised
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty and owner-only if it does not exist (for files that a library,
    such as SQLite, opens itself); return `path`."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE)
    except FileExistsError:
        return path
    os.close(fd)
    return path


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
