"""Directories and files the tool creates are the owner's only (0700 and 0600).

State, journals, plans, caches and the sandbox's data describe a company's campaigns; nothing
the tool creates is readable by other users of a shared machine or CI runner. Directories that
already exist are left as they are: they are the user's.

Nothing is written or locked through a symbolic link: below the project directory, a link in
place of a directory or a file the tool writes (`.syncer`, its `state/`, `journal/`,
`ratelimit/`, a state file, a journal, a lock) is refused with a `SecurityError` naming it,
since a link could send campaign bodies to any file the user can write. Appends open with
`O_NOFOLLOW`, so a link made after the check is not followed either.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from syncer.errors import SecurityError

DIRECTORY = 0o700
FILE = 0o600
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def refuse_links(path: Path, base: Path) -> None:
    """Raise if `path`, or any directory between `base` (excluded: the project directory may
    itself be reached through a link, the user's choice) and it, is a symbolic link.

    Raises:
        SecurityError: naming the link.
    """
    try:
        parts = path.relative_to(base).parts
    except ValueError:
        parts = path.parts[-1:]  # not below base: check the path itself at least
        base = path.parent
    current = base
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise SecurityError(
                f"{current}:1:1: is a symbolic link; campaign-syncer never writes or locks "
                "through a link (it could lead to any file). Remove the link and run again: "
                "a real directory or file is created in its place"
            )


def private_dir(path: Path, base: Path | None = None) -> Path:
    """Create `path` and its missing parents with owner-only permissions; return `path`.

    `base`: the project directory; below it, no component may be a link (`refuse_links`)."""
    if base is not None:
        refuse_links(path, base)
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


def private_file(path: Path, base: Path | None = None) -> Path:
    """Create `path` empty and owner-only if it does not exist (for files that a library,
    such as SQLite or a file lock, opens itself); return `path`. A link there is refused."""
    private_dir(path.parent, base)
    refuse_links(path, path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, FILE)
    except FileExistsError:
        return path
    os.close(fd)
    return path


def append_private(path: Path, data: bytes, *, sync: bool = False) -> None:
    """Append `data` in one write (concurrent writers interleave whole records), creating
    the file owner-only; a link in its place is not followed (OSError)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | NOFOLLOW, FILE)
    try:
        os.write(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes, base: Path | None = None) -> None:
    """Write atomically with owner-only permissions (readers never see half a file). A link
    in its place (or, below `base`, in a directory on the way) is refused."""
    private_dir(path.parent, base)
    refuse_links(path, path.parent)
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
