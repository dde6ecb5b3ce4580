"""Safe file names for campaigns written by `syncer import`.

Takes remote campaign names (any text a dashboard user typed, `../../etc/x` included) and
returns slugs that can only name a file inside the chosen directory: ASCII letters, digits and
dashes, never empty, never a dot file, never a name Windows reserves. `create_private` writes
a new file without following links and without ever replacing an existing file.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Collection, Iterable
from pathlib import Path, PurePosixPath

from syncer.config.private import private_dir
from syncer.errors import SecurityError, UsageError

MAX_SLUG = 80
_RUN = re.compile(r"[^a-z0-9]+")
# Device names that Windows refuses as file names, whatever the extension (a checkout there
# would fail on them).
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def slugify(name: str | None, fallback: str = "campaign") -> str:
    """`"Été: 20% off!"` -> `"ete-20-off"`; empty or unusable names -> `fallback`."""
    text = unicodedata.normalize("NFKD", name or "")
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = _RUN.sub("-", text).strip("-")[:MAX_SLUG].rstrip("-")
    if not slug:
        return fallback
    if slug in _RESERVED:
        return f"{slug}-campaign"
    return slug


def unique_name(slug: str, taken: Collection[str], suffix: str = ".yaml") -> str:
    """`slug.yaml`, or `slug-2.yaml`, `slug-3.yaml`... the first not in `taken` (lower-cased,
    since macOS and Windows file systems ignore case)."""
    return FreeNames(taken, suffix).take(slug)


class FreeNames:
    """`unique_name` for many names in a row, each taken once handed out: the taken names are
    lower-cased once, and each slug remembers the first number still worth trying, so that
    10,000 campaigns of one name cost O(N), not O(N^2)."""

    def __init__(self, taken: Iterable[str], suffix: str = ".yaml") -> None:
        self._taken = {t.lower() for t in taken}
        self._suffix = suffix
        self._next: dict[str, int] = {}

    def take(self, slug: str) -> str:
        """The first free name for `slug` (see `unique_name`), from now on taken."""
        candidate = f"{slug}{self._suffix}"
        # Numbers below `_next` were all taken when tried, and the taken only grow.
        number = self._next.get(slug.lower(), 2)
        while candidate.lower() in self._taken:
            candidate = f"{slug}-{number}{self._suffix}"
            number += 1
        self._next[slug.lower()] = number
        self._taken.add(candidate.lower())
        return candidate


def subdirectory(text: str) -> PurePosixPath:
    """A user-given directory below `campaigns/`: relative, without `..`, `.` or empty parts.

    Raises:
        UsageError: for anything that could point elsewhere.
    """
    path = PurePosixPath(text.replace("\\", "/"))
    if text.strip() in ("", "."):
        return PurePosixPath()
    if path.is_absolute() or any(part in ("..", ".", "") for part in path.parts):
        raise UsageError(
            f"--dir {text!r}: give a relative directory inside the campaigns directory, "
            "without '..'"
        )
    return path


def inside(root: Path, path: Path) -> bool:
    """Whether `path` (links resolved) lies under `root` (links resolved)."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def make_directory(root: Path, directory: PurePosixPath) -> Path:
    """Create `root/directory` one level at a time, refusing links (which could lead out).

    Raises:
        SecurityError: a component is a link or not a directory.
    """
    path = root
    for part in directory.parts:
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise SecurityError(f"{path} is a link or a file: refusing to write below it")
        private_dir(path)
    return path


def create_private(path: Path, text: str, root: Path) -> None:
    """Create `path` with owner-only permissions; refuse to overwrite or to follow a link.

    Raises:
        FileExistsError: the path exists (a file, a directory or a link, even a dangling one).
        SecurityError: the directory resolves outside `root`.
    """
    if not inside(root, path.parent):
        raise SecurityError(f"{path.parent} is outside {root}: refusing to write there")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            fd = -1
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        if fd != -1:
            os.close(fd)
        path.unlink(missing_ok=True)
        raise


def replace_text(path: Path, text: str) -> None:
    """Rewrite an existing file atomically, keeping its permissions (readers never see half a
    file; a crash leaves the old one)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
