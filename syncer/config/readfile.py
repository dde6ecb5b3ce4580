"""Reading a file a person (or a pull request) put in the project, defensively.

Takes a path and a size limit; returns the bytes of a regular file, or raises `Unreadable`
with a message for the user (and `utf8` turns the bytes into text, or says where they stop
being UTF-8). The file is opened without blocking and checked once open, and at
most `limit` bytes are read: a name that leads to a FIFO, a device (`/dev/zero`) or a huge file
must neither hang nor fill memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class Unreadable(Exception):
    """The file cannot be used; the message says why, for a `file:line:col` problem."""

    def __init__(self, message: str, *, directory: bool = False) -> None:
        super().__init__(message)
        self.directory = directory


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (links followed), at most `limit` of them.

    Raises:
        Unreadable: not a regular file, larger than `limit`, or an OS error.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise Unreadable("is a directory, not a file", directory=True) from None
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise Unreadable("is a directory, not a file", directory=True)
        if not stat.S_ISREG(mode):
            raise Unreadable("is not a regular file (a device or a pipe)")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise Unreadable(f"file is larger than the limit of {_size(limit)}")
    return b"".join(chunks)


class NotUtf8(Exception):
    """Bytes that are not UTF-8 text: where the first bad byte is (1-based)."""

    def __init__(self, line: int, col: int) -> None:
        super().__init__(f"not UTF-8 text at line {line}, column {col}")
        self.line = line
        self.col = col


def utf8(raw: bytes) -> str:
    """The text of UTF-8 bytes (a BOM is accepted).

    Raises:
        NotUtf8: with the line and column (in characters) of the first byte that is not.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8-sig", "replace")) + 1
        raise NotUtf8(line, col) from None


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
