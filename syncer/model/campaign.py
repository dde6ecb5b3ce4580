"""The typed campaign definition: one validated campaign file, ready for planning."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from syncer.model import packed
from syncer.model.base import FrozenModel

OnLocked = Literal["fail", "skip", "replace"]
Spot = tuple[int, int, str]
"""A located sentence about a file: line, column, message."""


class Lifecycle(FrozenModel):
    ignore_changes: tuple[str, ...] = ()
    """Dotted paths that are never diffed and never written."""
    on_locked: OnLocked = "fail"
    """What to do with a change the campaign's state forbids: block all (fail), apply the
    rest (skip), or retire the campaign and create a replacement (replace)."""


class CampaignDefinition(FrozenModel):
    key: str
    """Path relative to the campaigns directory, with `/` separators: the campaign's identity."""
    file: str
    """Path shown to people in messages (relative to the project)."""
    provider: str
    target: str
    id: str | None = None
    state: str | None = None
    read_only: bool = False
    lifecycle: Lifecycle = Lifecycle()
    content: packed.Packed = Field(alias="campaign")
    """The declared fields of the vendor's campaign object (explicit nulls kept), packed: built
    from `campaign=...` and read back as `.campaign` (see `syncer.packed`)."""
    digest: str
    """Digest of everything above that affects the remote (the file's desired content)."""
    name: str | None = None
    """The campaign's name as the vendor shows it (used to find duplicates before creating)."""
    line: int = 1
    """Line of the `campaign:` key, for messages about the whole campaign."""
    templates: tuple[tuple[str, str], ...] = ()
    """(name, sha256) of every `templates_dir` file its content came from (cache keys)."""
    warnings: tuple[str, ...] = ()
    """`file:line:col: warning [check]: ...` lines about its content (email checks)."""
    incomplete: tuple[Spot, ...] = ()
    """What a create from this file alone would lack (line, column, message); empty for a file
    with an `id:`."""

    @property
    def campaign(self) -> dict[str, Any]:
        """The declared fields (a fresh copy on every access)."""
        value: dict[str, Any] = packed.unpack(self.content)
        return value
