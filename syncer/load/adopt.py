"""ADOPT (pure): unmanaged remote campaigns -> links to existing files, or new files, for
`syncer import`.

Takes a target's remote snapshot, the ids that files and the state store already manage, and
the user's filters; returns the campaigns that an existing file describes by name (`links`:
that file gets the id, no second file), and per campaign to adopt a safe file key and the
file's text (or why it cannot be imported). Writing the files and recording the ids is the
command's job.
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from pydantic import ValidationError

from syncer.load.filenames import FreeNames, slugify
from syncer.load.vars import escape
from syncer.load.yaml import write as yamlwrite
from syncer.model.campaign import CampaignDefinition
from syncer.model.state import TargetState
from syncer.model.vendor import Provider, RemoteCampaign, RemoteSnapshot


@dataclass(frozen=True)
class Filters:
    """Which unmanaged campaigns to import (every filter given must match)."""

    names: tuple[str, ...] = ()
    """Globs on the campaign's name, case-insensitive (`'Spring*'`)."""
    statuses: tuple[str, ...] = ()
    """Remote statuses, case-insensitive (`ACTIVE`, `running`...)."""
    kinds: tuple[str, ...] = ()
    """Delivery types (MoEngage `ONE_TIME`...; Batch `campaign`, `recurring`...)."""
    ids: tuple[str, ...] = ()
    everything: bool = False
    """`--all`: also campaigns that no longer send (archived, sent, stopped, completed)."""
    finished: frozenset[str] = frozenset()
    """The vendor's statuses of campaigns that no longer send (upper case)."""

    @property
    def explicit(self) -> bool:
        """Finished campaigns were asked for: `--all`, or a status or id named outright."""
        return bool(self.everything or self.statuses or self.ids)

    def keeps(self, remote: RemoteCampaign) -> bool:
        name = (remote.name or "").lower()
        # Live campaigns by default: what a team manages; an explicit --status or --id is an
        # explicit choice and is honoured as asked.
        if not self.explicit and (remote.state or "").upper() in self.finished:
            return False
        if self.names and not any(fnmatch.fnmatchcase(name, g.lower()) for g in self.names):
            return False
        if self.statuses and (remote.state or "").upper() not in {s.upper() for s in self.statuses}:
            return False
        if self.kinds and (remote.kind or "").upper() not in {k.upper() for k in self.kinds}:
            return False
        return not self.ids or remote.id in self.ids


def managed_ids(definitions: Iterable[CampaignDefinition], state: TargetState) -> dict[str, str]:
    """Remote id -> the key that manages it: ids pinned by files, mapped by the state store,
    or retired by a replace (still this tool's campaigns, never adopted again)."""
    managed: dict[str, str] = {}
    for key, entry in state.campaigns.items():
        managed[entry.id] = key
        for old in entry.history:
            managed.setdefault(old.id, key)
    for definition in definitions:
        if definition.id:
            managed[definition.id] = definition.key
    return managed


def unmanaged(
    snapshot: RemoteSnapshot, managed: Collection[str], filters: Filters = Filters()
) -> list[RemoteCampaign]:
    """Remote campaigns nothing manages that the filters keep, by name then id."""
    found = [r for r in snapshot.by_id.values() if r.id not in managed and filters.keeps(r)]
    return sorted(found, key=lambda r: ((r.name or "").lower(), r.id))


@dataclass(frozen=True)
class Adoption:
    """One campaign to import: where its file goes and what it says."""

    remote: RemoteCampaign
    key: str = ""
    """The file's path relative to the campaigns directory (`sandbox/spring-sale.yaml`)."""
    text: str = ""
    read_only: str | None = None
    """Why the file says `read_only: true`, if it does."""
    problem: str | None = None
    """Why this campaign cannot be imported (then there is no file)."""
    content: tuple[tuple[str, str], ...] = ()
    """With `--split-content`: (name below templates_dir, text) of each file the campaign
    file references as `{file: name}` (its emails' HTML)."""


def adopt(
    remotes: Sequence[RemoteCampaign],
    provider: Provider,
    target: str,
    directory: PurePosixPath,
    taken: Collection[str],
    *,
    writable: bool = False,
    when: str = "",
    templates: Collection[str] | None = None,
) -> list[Adoption]:
    """A file per remote campaign, named after the campaign inside `directory`.

    Args:
        taken: keys already in use (files on disk and state entries, relative to the
            campaigns directory); new names never collide with them, case-insensitively.
        writable: import campaigns whose writability the vendor cannot confirm as writable.
        when: the import time, for the file's header comment.
        templates: to split each email's HTML into its own file below `templates_dir`
            (`<directory>/<name>.html`), the names already taken there; None keeps it inline.
    """
    names = FreeNames(PurePosixPath(k).name for k in taken if PurePosixPath(k).parent == directory)
    result = []
    for remote in remotes:
        try:
            body = provider.to_definition(remote)
        except (ValueError, KeyError, TypeError) as exc:
            result.append(Adoption(remote, problem=f"cannot describe it as a file: {exc}"))
            continue
        reason = remote.read_only or (None if writable else remote.write_unverified)
        data = _file_data(provider.name, target, remote.id, reason, body)
        problem = _problem(provider, data)
        if problem is not None:
            result.append(Adoption(remote, problem=problem))
            continue
        name = names.take(slugify(remote.name))
        content: tuple[tuple[str, str], ...] = ()
        if templates is not None:
            # Split first: the HTML files hold the remote text itself (no ${var.NAME} there).
            stem = PurePosixPath(name).stem
            data["campaign"], content = split_content(
                data["campaign"], provider, directory, stem, templates
            )
            templates = {*templates, *(n for n, _ in content)}
        # A remote `${` is text: written `$${`, the file loads back as the remote campaign.
        written = {**data, "campaign": escape(data["campaign"])}
        text = yamlwrite.dump_document(
            written, _header(remote, target, provider.name, when, reason)
        )
        key = (directory / name).as_posix()
        result.append(Adoption(remote, key=key, text=text, read_only=reason, content=content))
    return result


def split_content(
    campaign: dict[str, Any],
    provider: Provider,
    directory: PurePosixPath,
    stem: str,
    taken: Collection[str],
) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
    """`campaign` with the HTML of each email replaced by `{file: NAME}`, and the files:
    plain `.html` (never `.j2`: the vendor's HTML is not a build-time template)."""
    result = copy.deepcopy(campaign)
    files: list[tuple[str, str]] = []
    names = {n.lower() for n in taken}
    for email in provider.emails(campaign):
        if email.html is None:
            continue
        *parents, last = email.html
        holder: Any = result
        for part in parents:
            holder = holder[part]
        number = 1
        while True:
            suffix = "" if number == 1 else f"-{number}"
            name = (directory / f"{stem}{suffix}.html").as_posix()
            if name.lower() not in names:
                break
            number += 1
        names.add(name.lower())
        files.append((name, holder[last]))
        holder[last] = {"file": name}
    return result, tuple(files)


@dataclass(frozen=True)
class Link:
    """An unmanaged remote campaign that an existing file describes (by name): the file gets
    its id, no new file is written."""

    remote: RemoteCampaign
    definition: CampaignDefinition | None = None
    """The file it links to (None: it cannot be linked, see `problem`)."""
    problem: str | None = None


def links(
    remotes: Sequence[RemoteCampaign],
    definitions: Iterable[CampaignDefinition],
    state: TargetState,
) -> tuple[list[Link], list[RemoteCampaign]]:
    """Split unmanaged campaigns into links to existing files and campaigns to adopt.

    A file links when it has no id for the target (neither `id:` nor a state entry) and
    declares the remote campaign's name: writing a second file for that campaign would have
    it planned twice, and the first file would create a duplicate. When several remote
    campaigns carry that name, nothing is linked or written for them: only a person can say
    which one the file means.
    """
    waiting: dict[str, CampaignDefinition] = {}
    for definition in definitions:
        if definition.id is None and definition.key not in state.campaigns and definition.name:
            waiting.setdefault(definition.name, definition)
    named: dict[str, list[RemoteCampaign]] = {}
    for remote in remotes:
        if remote.name in waiting:
            named.setdefault(remote.name, []).append(remote)
    found: list[Link] = []
    for name, candidates in sorted(named.items()):
        definition = waiting[name]
        if len(candidates) == 1:
            found.append(Link(candidates[0], definition))
            continue
        ids = ", ".join(r.id for r in candidates)
        for remote in candidates:
            found.append(
                Link(
                    remote,
                    problem=f"{len(candidates)} remote campaigns are named {name!r} ({ids}) "
                    f"and {definition.file} declares that name: pin the `id:` of the one it "
                    "describes in it yourself (then import the others)",
                )
            )
    linked = {link.remote.id for link in found}
    return found, [r for r in remotes if r.id not in linked]


def _file_data(
    provider: str, target: str, campaign_id: str, read_only: str | None, body: dict[str, Any]
) -> dict[str, Any]:
    data: dict[str, Any] = {"provider": provider, "target": target, "id": campaign_id}
    if read_only:
        data["read_only"] = True
    if body.get("state") is not None:
        data["state"] = body["state"]
    data["campaign"] = body.get("campaign", {})
    return data


def _problem(provider: Provider, data: dict[str, Any]) -> str | None:
    """Why `data` would not be a valid campaign file (so the file is never written)."""
    if data.get("state") is not None and data["state"] not in provider.states:
        return f"state {data['state']!r} is not one of {', '.join(provider.states)}"
    try:
        provider.validate_campaign(data["campaign"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return (
            f"the remote campaign does not fit the file format ({exc.error_count()} "
            f"problem(s), first: campaign.{where}: {first['msg']})"
        )
    return None


def _header(
    remote: RemoteCampaign, target: str, provider: str, when: str, read_only: str | None
) -> str:
    lines = [
        f"{remote.name!r}: imported by `syncer import` from target {target} ({provider})"
        + (f" on {when}." if when else "."),
        "Edit the campaign here from now on; `syncer plan` shows what an apply would change.",
    ]
    if read_only:
        lines.append(f"Read-only: {read_only}.")
        if read_only == remote.write_unverified and not remote.read_only:
            lines.append(
                "If the API may update it, delete the `read_only: true` line to manage it."
            )
    return "\n".join(lines)
