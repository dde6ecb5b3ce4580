"""SELECT (pure): `--target`, `--only` and `--exclude` -> which campaign definitions a command
works on. Keys are matched as people type them (see `syncer.load.keys`)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from syncer.load.keys import as_pattern
from syncer.model.campaign import CampaignDefinition


def matches(key: str, pattern: str) -> bool:
    """A campaign key matches a pattern with or without its `.yaml` (fnmatch: `*` spans `/`)."""
    return fnmatch.fnmatchcase(key, pattern) or fnmatch.fnmatchcase(
        key.removesuffix(".yaml"), pattern
    )


@dataclass(frozen=True)
class Selection:
    """Which campaigns a command works on: `--target`, `--only`, `--exclude`."""

    target: str | None = None
    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def under(self, campaigns_dir: str) -> Selection:
        """The patterns as keys under `campaigns_dir` (typed with `./`, the directory itself,
        or without `.yaml`, they name the same campaigns)."""
        return replace(
            self,
            only=tuple(as_pattern(p, campaigns_dir) for p in self.only),
            exclude=tuple(as_pattern(p, campaigns_dir) for p in self.exclude),
        )

    def keeps(self, key: str) -> bool:
        if self.only and not any(matches(key, p) for p in self.only):
            return False
        return not any(matches(key, p) for p in self.exclude)

    def unmatched(self, keys: Iterable[str]) -> list[str]:
        """`--only` / `--exclude` patterns that match none of `keys` (most likely typos)."""
        known = list(keys)
        return [p for p in (*self.only, *self.exclude) if not any(matches(k, p) for k in known)]

    def apply(self, definitions: Sequence[CampaignDefinition]) -> list[CampaignDefinition]:
        return [
            d
            for d in definitions
            if (self.target is None or d.target == self.target) and self.keeps(d.key)
        ]
