"""COMPARE one Batch campaign file with what Batch shows and what was last applied (pure).

Takes the file's campaign (`Desired`), the remote campaign and the state entry; returns the field
changes (`Comparison`). Fields Batch shows are compared with it: name, labels and start time for
every campaign, and the content of push campaigns (`orchestrations/view`); a difference where the
remote also moved away from what the last apply left is drift. An email's content cannot be read
back: it is compared with the state store's record of the last apply (a digest per field), and is
"unknown" without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from syncer.model.campaign import CampaignDefinition
from syncer.model.digest import digest
from syncer.model.plan import NOT_READABLE, FieldChange
from syncer.model.state import StateEntry
from syncer.model.vendor import RemoteCampaign
from syncer.providers.batch import models, normalize

CONTENT = "(content)"
"""The path of a change to content Batch cannot show, when no finer path is known."""
LAST_APPLIED = f"{NOT_READABLE}: Batch cannot show it; it changed since the last apply"
UNREADABLE = " (not readable)"
"""Suffix of the path of a content field compared with the last apply, not with Batch: its
`before` is no remote value, so `syncer pull` must not write it (the suffixed path is no path
of the file, which pull skips)."""
NO_RECORD = f"{NOT_READABLE}: Batch cannot show it, and there is no record of a last apply"


@dataclass(frozen=True)
class Desired:
    """The file's campaign: as sent, and as compared (ignored paths left out)."""

    campaign: dict[str, Any]
    listed: dict[str, Any]
    """The fields Batch's list shows, by list key."""
    leaves: dict[str, Any]
    """The content, one entry per field (`messages[0].subject`)."""
    digest: str
    """Digest of `leaves`: what the state store records as last applied."""
    complete: bool
    ignored: tuple[str, ...] = ()

    @classmethod
    def of(cls, definition: CampaignDefinition) -> Desired:
        campaign = definition.campaign
        ignored = definition.lifecycle.ignore_changes
        listed = {
            key: value
            for key, value in normalize.listed(campaign).items()
            if not normalize.ignored(normalize.LISTED_PATHS[key], ignored)
        }
        leaves = normalize.without(normalize.leaves(normalize.content(campaign)), ignored)
        return cls(
            campaign=campaign,
            listed=listed,
            leaves=leaves,
            digest=digest(leaves),
            complete=models.is_complete(campaign),
            ignored=ignored,
        )

    def leaf_digests(self) -> dict[str, str]:
        return normalize.digests(self.leaves)


@dataclass
class Comparison:
    changes: list[FieldChange] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    """Paths Batch shows that changed outside campaign-syncer since its last apply."""
    unknown: bool = False
    """No record of a last apply and no way to read the content: it must be written once."""
    content_same: bool = False
    """The remote's content is known to equal the file's (so it can be sent back unchanged)."""
    notes: list[str] = field(default_factory=list)
    """What a reviewer should know about a difference that is not planned."""


LABELS_SHOWN = (
    "Batch shows labels {shown} where campaign-syncer last wrote {written} (the file's labels): "
    "not written again. Batch takes label codes and does not say whether it reads back codes "
    "or names; if someone changed them in Batch, change the file's labels to write them"
)


def compare(
    want: Desired, remote: RemoteCampaign, record: StateEntry | None, now: dt.datetime
) -> Comparison:
    """The changes that turn `remote` into the file's campaign (state changes excepted)."""
    found = Comparison()
    observed = record.observed if record is not None and record.observed else {}
    body = remote.body  # one copy: reading `body` may unpack it each time
    seen = normalize.listed_remote(body)
    for key, wanted in want.listed.items():
        if normalize.same_listed(key, wanted, seen[key], now):
            continue
        if key == "labels" and _labels_as_written(wanted, seen[key], observed):
            # Labels go out as codes; the docs do not say what comes back (codes or names,
            # batch-cep-api-from-docs.md 6 and 10.5). Writing them again would change nothing
            # Batch shows, on every plan: a perpetual diff. As many labels as were written,
            # shown otherwise, are taken as the same labels (codes and names are one to one);
            # a different number is a real change (drift), planned and pulled as such.
            written = ", ".join(normalize.labels(wanted))
            shown = ", ".join(seen[key]) or "none"
            found.notes.append(LABELS_SHOWN.format(shown=f"[{shown}]", written=f"[{written}]"))
            continue
        path = normalize.LISTED_PATHS[key]
        found.changes.append(FieldChange(path=path, before=seen[key], after=wanted))
        if key in observed and not normalize.same_listed(key, observed[key], seen[key], now):
            found.drift.append(path)
    if not want.complete:
        return found  # content declared `unknown`: nothing to compare it with
    recorded = observed.get("content")
    recorded = recorded if isinstance(recorded, dict) else None
    viewed = normalize.viewed_content(body) if remote.content_readable else None
    if viewed is not None:
        theirs = normalize.without(normalize.leaves(viewed), want.ignored)
        changes = _leaf_changes(want.leaves, theirs)
        found.changes += changes
        if recorded is not None:
            found.drift += [
                c.path
                for c in changes
                if recorded.get(c.path)
                != (normalize.short_digest(theirs[c.path]) if c.path in theirs else None)
            ]
        found.content_same = not changes
        return found
    applied = record.applied_digest if record is not None else None
    if applied is None:
        found.unknown = True
        found.changes.append(FieldChange(path=CONTENT, before=NO_RECORD, after=want.leaves))
    elif applied != want.digest:
        found.changes += _changed_since(want, recorded)
    else:
        found.content_same = True
    return found


def _labels_as_written(wanted: Any, shown: Any, observed: dict[str, Any]) -> bool:
    """The file's labels are the ones campaign-syncer last wrote (its record says so), and
    Batch shows as many: the same labels, read back in another form."""
    mine = normalize.labels(wanted)
    return (
        "labels" in observed
        and normalize.labels(observed["labels"]) == mine
        and len(normalize.labels(shown)) == len(mine)
    )


_ABSENT = object()


def _leaf_changes(wanted: dict[str, Any], theirs: dict[str, Any]) -> list[FieldChange]:
    changes = []
    for path in sorted(set(wanted) | set(theirs)):
        after, before = wanted.get(path, _ABSENT), theirs.get(path, _ABSENT)
        if after != before:
            changes.append(
                FieldChange(
                    path=path,
                    before=None if before is _ABSENT else before,
                    after=None if after is _ABSENT else after,
                )
            )
    return changes


def _changed_since(want: Desired, recorded: dict[str, Any] | None) -> list[FieldChange]:
    """Content changed in the file since the last apply: which fields, if the record says."""
    mine = want.leaf_digests()
    if recorded:
        changes = [
            FieldChange(
                path=path + UNREADABLE,
                before=LAST_APPLIED if path in recorded else None,
                after=want.leaves.get(path),
            )
            for path in sorted(set(mine) | set(recorded))
            if mine.get(path) != recorded.get(path)
        ]
        if changes:
            return changes
    # The digest of the last apply says only that something changed: the file's content is
    # shown whole (a digest means nothing to a reviewer).
    before = f"{NOT_READABLE}: Batch cannot show it; the file differs from the last apply"
    return [FieldChange(path=CONTENT, before=before, after=want.leaves)]


def as_remote(
    want: Desired, remote: RemoteCampaign, found: Comparison, now: dt.datetime
) -> dict[str, Any] | None:
    """The campaign as Batch has it now, when that is known; else None.

    Known when the content equals the file's (read back, or unchanged since the last apply):
    then it is the file's content with the name, labels and start time Batch shows. Used to
    change only the state of a campaign whose other changes are locked (stop, retire).
    """
    if not found.content_same:
        return None
    body = remote.body
    campaign = dict(want.campaign)
    if isinstance(body.get("name"), str):
        campaign["name"] = body["name"]
    labels = body.get("labels")
    if isinstance(labels, list) and labels:
        campaign["labels"] = list(labels)
    else:
        campaign.pop("labels", None)
    when = dict(campaign["when"])
    shown = body.get("start_time")
    if isinstance(shown, str) and not normalize.same_start(when["start_time"], shown, now):
        when["start_time"] = shown
        campaign["when"] = when
    return campaign
