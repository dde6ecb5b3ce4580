"""The files of `templates_dir`, read safely and once per load.

Takes names relative to `templates_dir` (`newsletters/monthly-digest.html.j2`); returns their
text, or raises `TemplateFileError` when a name is absolute, climbs out (`..`), leads out through
a link, is not a regular UTF-8 file or does not exist. Every file read is remembered with the
sha256 of its bytes: the definition cache keys a campaign on the files its content came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from syncer.config.readfile import NotUtf8, Unreadable, read_regular, utf8

MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


class TemplateFileError(Exception):
    """A name that cannot be read from `templates_dir`; the message says why."""


@dataclass(frozen=True)
class TemplateFile:
    name: str
    """The name relative to `templates_dir`, with `/` separators."""
    display: str
    """The path shown in messages (relative to the project)."""
    text: str
    sha256: str


@dataclass
class TemplateFiles:
    """The templates directory of one project, as one load reads it."""

    root: Path
    display_root: str
    """`templates_dir` as written in syncer.toml (the prefix of every shown path)."""
    project: Path | None = None
    """The project directory: a `templates_dir` that leads out of it (a link) is refused."""
    _read: dict[str, TemplateFile] = field(default_factory=dict)

    def read(self, name: str) -> TemplateFile:
        """The file `name` (relative to the templates directory).

        Raises:
            TemplateFileError: the name is unsafe, or the file cannot be read as UTF-8 text.
        """
        clean = normalize(name)
        if clean in self._read:
            return self._read[clean]
        if self.project is not None and not _inside(self.project, self.root):
            raise TemplateFileError(
                f"{self.display_root} leads outside the project: refusing to read it"
            )
        path = self.root / clean
        display = f"{self.display_root.rstrip('/')}/{clean}"
        if not path.exists():
            if path.is_symlink():
                raise TemplateFileError(f"{display} is a broken link")
            raise TemplateFileError(f"{display} not found")
        try:
            path.resolve().relative_to(self.root.resolve())
        except ValueError:
            raise TemplateFileError(
                f"{display} is a link out of {self.display_root}: refusing to read it"
            ) from None
        try:
            raw = read_regular(path, MAX_TEMPLATE_BYTES)
            text = utf8(raw)
        except Unreadable as exc:
            raise TemplateFileError(f"{display}: {exc}") from None
        except NotUtf8 as exc:
            raise TemplateFileError(f"{display}: {exc}") from None
        read = TemplateFile(clean, display, text, hashlib.sha256(raw).hexdigest())
        self._read[clean] = read
        return read

    def sha256(self, name: str) -> str | None:
        """The current sha256 of `name`, or None when it cannot be read (a cache check)."""
        try:
            return self.read(name).sha256
        except TemplateFileError:
            return None


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def normalize(name: str) -> str:
    """A safe relative name, `/`-separated.

    Raises:
        TemplateFileError: empty, absolute, with `..`, a drive or a backslash.
    """
    if not name.strip():
        raise TemplateFileError("an empty file name")
    if "\\" in name or ":" in name or "\x00" in name:
        raise TemplateFileError(f"{name!r}: use a plain relative path with / separators")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise TemplateFileError(
            f"{name!r} is outside the templates directory (no '..', not absolute)"
        )
    return path.as_posix()
