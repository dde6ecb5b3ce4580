"""PINS: the ids campaign files pin, checked against the remote, and written after an apply.

`unknown_pins` takes the definitions and the targets as read; it returns, at the `id:` of each
file, the pinned ids that no campaign of the target has (a person typed them: an input error,
exit 1, not a blocked plan). `pin_created` takes the settings and an apply's report; for every
campaign the apply created (or replaced) in a target that is not a sandbox, with `pin_ids` on,
it writes the new id into the campaign's file (`load.pin`: one line added or one value
rewritten, nothing else touched) and returns a `PinnedFile` each: written, or why not. The
state store already holds every id (apply records them first), so a file that cannot be
written loses nothing on this machine; the report says so, and a fresh checkout of the
repository is then blocked by name, never duplicated.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from syncer.config.settings import Settings
from syncer.errors import Problem
from syncer.load.filenames import replace_text
from syncer.load.yaml import read as yamlio
from syncer.model.campaign import CampaignDefinition
from syncer.model.report import ApplyReport, PinnedFile
from syncer.plan.builder import TargetContext
from syncer.plan.early import resolve_id


def pins_ids(settings: Settings, target: str) -> bool:
    """Whether ids of `target` go into the files: `pin_ids` on, and not a sandbox (its data
    is reseeded by `syncer sandbox reset`; its ids live in the state store only)."""
    config = settings.targets.get(target)
    return settings.pin_ids and config is not None and not config.sandbox


def created_ids(report: ApplyReport) -> dict[tuple[str, str], str]:
    """(target, key) -> the id the apply created for it (a replacement's, when replaced)."""
    made: dict[tuple[str, str], str] = {}
    for call in report.calls:
        if call.kind == "create" and call.outcome == "applied" and call.new_id:
            made[(call.target, call.key)] = call.new_id
    return made


def pin_created(settings: Settings, report: ApplyReport) -> tuple[PinnedFile, ...]:
    """Write each id the apply created into its file (where the target pins ids)."""
    return tuple(
        pin_file(settings, target, key, campaign_id)
        for (target, key), campaign_id in sorted(created_ids(report).items())
        if pins_ids(settings, target)
    )


def pin_file(settings: Settings, target: str, key: str, campaign_id: str) -> PinnedFile:
    """Pin `campaign_id` as `target`'s id in the campaign file `key` (relative to the
    campaigns directory); never raises for a file that cannot be written."""
    # Imported here: the round-trip editor brings ruamel.yaml, which a plan never needs.
    from syncer.load.pin import pin_id
    from syncer.load.yaml.edit import EditError

    path = settings.campaigns_path / key
    shown = f"{settings.campaigns_dir}/{key}"

    def failed(why: str) -> PinnedFile:
        return PinnedFile(file=shown, target=target, id=campaign_id, written=False, problem=why)

    if not path.is_file():
        return failed("the file is gone")
    # No write bit counts even for a user who could write anyway (root in a container): the
    # checkout was made read-only on purpose.
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        return failed("the file is read-only")
    text, problems = yamlio.read_text(path, shown)
    if text is None:
        return failed("; ".join(p.message for p in problems))
    try:
        new = pin_id(text, target, campaign_id)
        if new != text:
            replace_text(path, new)
    except EditError as exc:
        return failed(f"cannot edit it: {exc}")
    except OSError as exc:
        return failed(f"cannot write it: {exc.strerror or exc}")
    return PinnedFile(file=shown, target=target, id=campaign_id, written=True)


def unknown_pins(
    settings: Settings,
    definitions: Iterable[CampaignDefinition],
    contexts: Mapping[str, TargetContext],
) -> list[Problem]:
    """A problem at the `id:` of every file whose pinned id the target does not have.

    A pin the state store knows was replaced is not the file's to answer for (the plan uses
    the replacement and says to update `id:`); an id only the state store holds that is gone
    stays a blocked plan (the tool recorded it, nobody typed it).
    """
    problems = []
    for definition in definitions:
        ctx = contexts.get(definition.target)
        if ctx is None or definition.id is None:
            continue
        campaign_id, source, _ = resolve_id(definition, ctx.state.campaigns.get(definition.key))
        if source != "file" or campaign_id in ctx.snapshot.by_id:
            continue
        line, col = _located_id(settings, definition)
        problems.append(
            Problem(
                definition.file,
                line,
                col,
                f"id: {definition.id} is not a campaign of target {definition.target!r} "
                f"({ctx.provider.name}): check the id and the target (a typo, another "
                "workspace, or a campaign deleted since); remove `id:` to create the campaign "
                "anew (its name is looked up first, so nothing is duplicated)",
            )
        )
    return problems


def _located_id(settings: Settings, definition: CampaignDefinition) -> tuple[int, int]:
    from syncer.load.pin import id_location  # as in `pin_file`

    text, _ = yamlio.read_text(settings.root / definition.file, definition.file)
    if text is None:
        return definition.line, 1
    return id_location(text, definition.target, definition.file)
