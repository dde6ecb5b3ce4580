"""`syncer init [DIR]`: a working project in one command (never overwriting a file).

Takes a directory; writes `syncer.toml` (an embedded sandbox target), `campaigns/` with one
example, `templates/`, and the `.gitignore` line for `.syncer/`. Returns the exit code.
"""

from __future__ import annotations

import os
from pathlib import Path

from syncer.cli import exitcodes
from syncer.cli.output import Output
from syncer.errors import UsageError

STARTER = Path(__file__).resolve().parent.parent / "starter"
IGNORED = ".syncer/"


def run(out: Output, directory: Path) -> int:
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: exists and is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    kept: list[str] = []
    for source in sorted(STARTER.rglob("*")):
        relative = source.relative_to(STARTER).as_posix()
        if source.is_dir() or relative == "gitignore":
            continue
        (written if _create(directory / relative, source.read_bytes()) else kept).append(relative)
    if _ignore_state(directory / ".gitignore"):
        written.append(".gitignore")
    for name in written:
        out.info(f"  wrote {name}")
    for name in kept:
        out.info(f"  kept  {name} (it exists; not overwritten)")
    where = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory} && "
    out.info(
        f"\nNext: {where}syncer plan   (then `syncer apply` creates the example campaign in the "
        "embedded sandbox; `syncer sandbox reset` puts the sandbox back)"
    )
    return exitcodes.OK


def _create(path: Path, data: bytes) -> bool:
    """Write `path` only if nothing (not even a link) is there; True if written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


def _ignore_state(gitignore: Path) -> bool:
    """Add `.syncer/` to `.gitignore` unless it is listed; True if the file changed."""
    if gitignore.is_symlink():
        raise UsageError(f"{gitignore}: is a link; add the line {IGNORED} to it yourself")
    text = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    listed = {line.strip().strip("/") for line in text.splitlines()}
    if ".syncer" in listed:
        return False
    lines = (STARTER / "gitignore").read_text(encoding="utf-8")
    separator = "" if not text or text.endswith("\n") else "\n"
    gitignore.write_text(text + separator + ("\n" if text else "") + lines, encoding="utf-8")
    return True
