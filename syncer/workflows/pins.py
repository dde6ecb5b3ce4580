"""PIN AFTER APPLY: the ids an apply created -> written into their campaign files.

Takes the settings and an apply's report; for every campaign the apply created (or replaced)
in a target that is not a sandbox, with `pin_ids` on, writes the new id into the campaign's
file (`load.pin`: one line added or one value rewritten, nothing else touched) and returns a
`PinnedFile` each: written, or why not. The state store already holds every id (apply records
them first), so a file that cannot be written loses nothing on this machine; the report says
so, and a fresh checkout of the repository is then blocked by name, never duplicated.
"""

from __future__ import annotations

import os

from syncer.config.settings import Settings
from syncer.load.filenames import replace_text
from syncer.load.pin import pin_id
from syncer.load.yaml import read as yamlio
from syncer.load.yaml.edit import EditError
from syncer.model.report import ApplyReport, PinnedFile


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
