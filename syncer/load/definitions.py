"""LOAD + VALIDATE: `campaigns/**/*.yaml` -> typed `CampaignDefinition`s.

Every file is read, parsed (`yamlio`) and validated (the envelope here, the `campaign:` block by
its provider's models). Problems in all files are collected and raised together as one
`DefinitionError` of `file:line:col: message` lines; nothing remote is touched.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from syncer.config.settings import Settings
from syncer.errors import DefinitionError, Problem
from syncer.load import targets
from syncer.load.cache import DefinitionCache, Hit
from syncer.load.content.step import Content
from syncer.load.effective import effective_definition, name_targets
from syncer.load.filenames import inside
from syncer.load.locate import at, located
from syncer.load.names import duplicate_names
from syncer.load.parallel import load_all
from syncer.load.yaml import read as yamlio
from syncer.model.base import StrictModel
from syncer.model.campaign import CampaignDefinition
from syncer.model.vendor import ProviderLookup


class _File(StrictModel):
    """The file's keys; each target's effective values are checked by `_Effective`."""

    provider: Literal["moengage", "batch"]
    target: str | None = None
    targets: Any = None
    id: Any = None
    overrides: Any = None
    state: Any = None
    read_only: Any = None
    lifecycle: Any = None
    campaign: Any


def discover(root: Path, display_root: Path) -> tuple[list[Path], list[Problem]]:
    """Every `*.yaml` file below `root`, sorted; anything that cannot be a campaign file of
    this project is a problem: directories named `*.yaml`, `.yml` files, unreadable
    directories, names that are not plain UTF-8 text, links to directories (never followed:
    they could loop or show a file twice) and links leading out of the project (`display_root`).
    """
    files: list[Path] = []
    problems: list[Problem] = []

    def problem(path: Path, message: str) -> None:
        problems.append(Problem(_display(path, display_root), 1, 1, message))

    if not root.is_dir():
        return [], [Problem(_display(root, display_root), 1, 1, "campaigns directory not found")]
    if not inside(display_root, root):
        problem(root, "the campaigns directory leads outside the project: refusing to read it")
        return [], problems

    def unreadable(error: OSError) -> None:
        problem(Path(error.filename or root), f"cannot read directory: {error.strerror}")

    for base, dirnames, entries in _walk(str(root), unreadable):
        here = Path(base)
        for name in list(dirnames):
            path = here / name
            if name.endswith((".yaml", ".yml")):
                problem(path, "is a directory, not a campaign file")
                dirnames.remove(name)
            elif path.is_symlink():
                problem(path, "is a link to a directory: not followed (move the files here)")
                dirnames.remove(name)
        dirnames.sort()
        for name, link in sorted(entries):
            if not name.lower().endswith((".yaml", ".yml")):
                continue
            path = here / name
            if not _plain_name(name):
                shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(path))
                problem(Path(shown), "file name is not plain UTF-8 text: rename the file")
            elif not name.endswith(".yaml"):
                suffix = name[name.rindex(".") :]
                problem(path, f"campaign files must end in .yaml (rename this {suffix} file)")
            elif link and path.exists() and not inside(display_root, path):
                problem(path, "is a link to a file outside the project: refusing to read it")
            else:
                files.append(path)
    # Sorted as paths sort (component by component), compared as strings: sorting 10,000
    # `Path`s cost more than listing them.
    return sorted(files, key=lambda path: str(path).split(os.sep)), problems  # noqa: PTH206


Walked = tuple[str, list[str], list[tuple[str, bool]]]


def _walk(top: str, onerror: Callable[[OSError], None]) -> Iterator[Walked]:
    """`os.walk(top, followlinks=False)` top-down, with each file's name paired with whether
    it is a link, from the directory entry itself (no `lstat` per file)."""
    pending = [top]
    while pending:
        base = pending.pop()
        dirnames: list[str] = []
        entries: list[tuple[str, bool]] = []
        try:
            with os.scandir(base) as listing:
                for entry in listing:
                    try:
                        is_dir = entry.is_dir()  # as os.walk: a link to a directory is one
                    except OSError:
                        is_dir = False
                    if is_dir:
                        dirnames.append(entry.name)
                    else:
                        entries.append((entry.name, entry.is_symlink()))
        except OSError as error:
            onerror(error)
            continue
        yield base, dirnames, entries
        for name in reversed(dirnames):  # what the caller kept, first one walked first
            path = os.path.join(base, name)  # noqa: PTH118 (strings, as os.walk)
            if not os.path.islink(path):  # noqa: PTH114
                pending.append(path)


def _plain_name(name: str) -> bool:
    """UTF-8 without control characters: the name becomes a key in state, plans and output."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the name (surrogate escapes)
        return False
    return name.isprintable()


def _display(path: Path, display_root: Path) -> str:
    return _relative(path, display_root) or path.as_posix()


def relative_key(path: Path, root: Path) -> str:
    """A file's key: its path below the campaigns directory `root`, `/`-separated."""
    key = _relative(path, root)
    return key if key is not None else path.relative_to(root).as_posix()


def _relative(path: Path, root: Path) -> str | None:
    """`path` below `root` as a `/`-separated string, or None. Compared as strings: pathlib's
    `relative_to` cost a fifth of loading 10,000 files from the cache."""
    text, prefix = str(path), str(root)
    if not prefix.endswith(os.sep):
        prefix += os.sep
    if not text.startswith(prefix) or len(text) == len(prefix):
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return None
    rest = text[len(prefix) :]
    return rest if os.sep == "/" else rest.replace(os.sep, "/")


def load_definitions(settings: Settings, providers: ProviderLookup) -> list[CampaignDefinition]:
    """Load and validate every campaign file; `providers` names each vendor's adapter (the
    registry, handed in so that loading knows no vendor by name).

    Raises:
        DefinitionError: all problems in all files, located.
    """
    root = settings.campaigns_path
    files, problems = discover(root, settings.root)
    definitions: list[CampaignDefinition] = []
    cache = DefinitionCache.open(settings)
    content = Content(settings)
    try:
        for start in range(0, len(files), CHUNK):
            chunk = files[start : start + CHUNK]
            found, more = _load_chunk(chunk, root, settings, cache, providers, content)
            definitions.extend(found)
            problems.extend(more)
    finally:
        cache.close()
    problems.extend(_duplicate_ids(definitions))
    problems.extend(duplicate_names(definitions))
    if problems:
        raise DefinitionError(problems)
    return definitions


CHUNK = 2000
"""Files read and held at once: the bytes of the files a cold load parses wait in memory
until their turn (and their workers'), so a load of 10,000 holds a fifth of them at most."""


def _load_chunk(
    files: list[Path],
    root: Path,
    settings: Settings,
    cache: DefinitionCache,
    providers: ProviderLookup,
    content: Content,
) -> tuple[list[CampaignDefinition], list[Problem]]:
    """Some files, in order: from the cache where it has them, else parsed and checked (in
    several processes when there are many, `load_all`), and then cached."""
    looked = _look_up(files, settings, cache, content)
    misses = [(path, look.raw) for path, look in zip(files, looked, strict=True) if look.miss]

    def load(miss: tuple[Path, bytes]) -> tuple[list[CampaignDefinition], list[Problem]]:
        path, raw = miss
        return load_file(path, root, settings, providers, raw=raw, content=content)

    loaded = iter(load_all(load, misses))
    definitions: list[CampaignDefinition] = []
    problems: list[Problem] = []
    for path, look in zip(files, looked, strict=True):
        found, more = next(loaded) if look.miss else (look.definitions(path, root), [])
        if look.miss and found:
            cache.put(look.key, found)
        problems.extend(look.problems + more)
        definitions.extend(found)
    return definitions, problems


@dataclasses.dataclass(frozen=True)
class _Looked:
    """One file as read and looked up in the definition cache (its bytes kept for a miss)."""

    raw: bytes = b""
    key: str = ""
    """The cache key of `raw`."""
    hit: Hit | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)
    display: str = ""

    @property
    def miss(self) -> bool:
        """Read, and not in the cache: to be parsed and checked."""
        return self.hit is None and not self.problems

    def definitions(self, path: Path, root: Path) -> list[CampaignDefinition]:
        if self.hit is None:
            return []
        return self.hit.definitions(relative_key(path, root), self.display)


LOOK_UP = 250
"""Files looked up in the cache with one query (within SQLite's oldest limit of 999)."""


def _look_up(
    files: list[Path], settings: Settings, cache: DefinitionCache, content: Content
) -> list[_Looked]:
    """Each file read and looked up in the cache, in order; a hit's bytes are dropped. A file
    whose stat says it is as it was when last read is looked up without being read."""
    looked: list[_Looked] = []
    for start in range(0, len(files), LOOK_UP):
        batch = files[start : start + LOOK_UP]
        known = cache.unchanged(batch)
        hits = cache.by_keys([key for key, _ in known])
        seen = time.time_ns()
        for path, (_, stat), hit in zip(batch, known, hits, strict=True):
            display = _display(path, settings.root)
            if hit is not None and content.fresh(hit.templates):
                looked.append(_Looked(hit=hit, display=display))
                continue
            raw, problems = yamlio.read_bytes(path, display)
            if raw is None:
                looked.append(_Looked(problems=problems, display=display))
                continue
            key = cache.key(raw)
            cache.remember(path, stat, key, seen)
            looked.append(_Looked(raw, key, display=display))
        # What was read: looked up by its bytes' keys, all at once.
        read = [i for i in range(start, len(looked)) if looked[i].key]
        for i, hit in zip(read, cache.by_keys([looked[i].key for i in read]), strict=True):
            if hit is not None and content.fresh(hit.templates):
                looked[i] = _Looked(hit=hit, display=looked[i].display)  # bytes not needed
    return looked


def load_file(
    path: Path,
    root: Path,
    settings: Settings,
    providers: ProviderLookup,
    *,
    raw: bytes | None = None,
    content: Content | None = None,
) -> tuple[list[CampaignDefinition], list[Problem]]:
    """One campaign file (its bytes `raw`, when already read) -> one definition per target it
    goes to, or the problems that prevent them (never both). `content`: the load's templates
    (made here when not given)."""
    display = _display(path, settings.root)
    document, problems = _parse(path, display, raw)
    if document is None:
        return [], problems
    data = document.data
    try:
        _File.model_validate(data)
    except ValidationError as exc:
        return [], located(exc.errors(), (), document.tree, display, schema=_file_schema())
    names, found = targets.target_names(data, settings)
    ids, more = targets.pinned_ids(data, names)
    found += more + targets.check_overrides(data, names)
    if found:
        return [], [at(document.tree, loc, display, message) for loc, message in found]
    key = relative_key(path, root)
    provider = providers(data["provider"])
    content = content or Content(settings)
    definitions: list[CampaignDefinition] = []
    named: list[tuple[Problem, str]] = []
    for name in names:
        view, var_problems = targets.view(data, name, ids, settings)
        located_vars = [at(document.tree, loc, display, m) for loc, m in var_problems]
        # A value whose var is unknown is reported once, for the var, not again as invalid.
        unknown = {loc for loc, _ in var_problems}
        definition, invalid = effective_definition(
            view, key, display, document, provider, unknown, content
        )
        named.extend((problem, name) for problem in located_vars + invalid)
        if definition is not None and not located_vars:
            definitions.append(definition)
    if named:
        return [], name_targets(named, multi="targets" in data)
    return definitions, []


def _parse(
    path: Path, display: str, raw: bytes | None
) -> tuple[yamlio.Document | None, list[Problem]]:
    if raw is None:
        text, problems = yamlio.read_text(path, display)
    else:
        text, problems = yamlio.decode(raw, display)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [
            Problem(display, 1, 1, "file is empty: a campaign file needs provider: and campaign:")
        ]
    document, problems = yamlio.load(text, display)
    if document is None:
        return None, problems
    if not isinstance(document.data, dict):
        return None, [
            Problem(display, 1, 1, "a campaign file is a mapping (provider:, campaign:, ...)")
        ]
    return document, []


@functools.cache
def _file_schema() -> dict[str, Any]:
    return _File.model_json_schema()


def _duplicate_ids(definitions: list[CampaignDefinition]) -> list[Problem]:
    seen: dict[tuple[str, str], CampaignDefinition] = {}
    problems = []
    for definition in definitions:
        if definition.id is None:
            continue
        slot = (definition.target, definition.id)
        if slot in seen:
            first = seen[slot]
            problems.append(
                Problem(
                    definition.file,
                    1,
                    1,
                    f"id {definition.id} is also pinned by {first.file}: one campaign, one file",
                )
            )
        else:
            seen[slot] = definition
    return problems
