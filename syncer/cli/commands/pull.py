"""`syncer pull [KEY...]`: bring the remote values of declared fields into existing files.

Plans the selected files as `syncer plan` would, and for each campaign found remotely turns
its field changes into in-place edits (`pullmerge`, `yamledit`): the declared values that
differ take the remote's value, a replaced campaign's `id:` pin moves to its replacement, and
`state:` follows the remote status. Comments, key order and every other byte stay as they
were. A value that comes from a `{file:}` (a template) is never inlined: pull says the remote
differs and leaves the template alone (`--save-remote` writes the remote text next to it).
Each rewritten file is planned again; anything still differing is reported.
"""

from __future__ import annotations

import asyncio
import difflib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.errors import UsageError
from syncer.load.content.resolve import reference_at
from syncer.load.definitions import load_file
from syncer.load.filenames import create_private, make_directory, replace_text
from syncer.load.pullmerge import pull_edits
from syncer.load.selection import Selection
from syncer.load.yaml import read as yamlio
from syncer.load.yaml.edit import EditError, apply_edits
from syncer.model.campaign import CampaignDefinition
from syncer.model.overlay import split_path
from syncer.model.plan import CampaignPlan, FieldChange
from syncer.model.state import utcnow
from syncer.plan.builder import TargetContext, build_plan
from syncer.providers import registry
from syncer.workflows import aio
from syncer.workflows.pipeline import Run, read_target


@dataclass(frozen=True)
class Outcome:
    key: str
    symbol: str
    """`~` rewritten, `=` up to date, `!` not pulled or still differing."""
    message: str
    diff: str = ""


def run(
    ctx: Context,
    keys: tuple[str, ...],
    target: str | None,
    dry_run: bool,
    save_remote: bool = False,
) -> int:
    definitions = ctx.definitions()  # bad input stops here: no connection is opened
    selection = Selection(target=target, only=keys).under(ctx.settings.campaigns_dir)
    chosen = selection.apply(definitions)
    if keys and not chosen:
        raise UsageError(f"no campaign file matches {' '.join(keys)}")
    outcomes = aio.run(_pull(ctx, chosen, dry_run, save_remote))
    for outcome in outcomes:
        if outcome.diff:
            ctx.out.document(outcome.diff)
        ctx.out.info(f"{outcome.symbol} {outcome.key}: {outcome.message}")
    changed = sum(1 for o in outcomes if o.symbol == "~")
    verb = "would rewrite" if dry_run else "rewrote"
    ctx.out.info(f"Pull: {verb} {changed} of {len(outcomes)} file(s).")
    return exitcodes.ERROR if any(o.symbol == "!" for o in outcomes) else exitcodes.OK


async def _pull(
    ctx: Context, chosen: list[CampaignDefinition], dry_run: bool, save_remote: bool
) -> list[Outcome]:
    run = ctx.run()
    try:
        targets = sorted({d.target for d in chosen})
        read = await asyncio.gather(*[read_target(run, t, chosen) for t in targets])
        contexts = {c.name: c for c in read}
        plan = build_plan(chosen, contexts, now=utcnow(), selected=lambda _key: False)
        planned = {(c.target, c.key): c for c in plan.campaigns}
        # Each file's targets one after the other: each reads what the one before wrote.
        return [
            _pull_one(
                ctx,
                run,
                d,
                planned[(d.target, d.key)],
                contexts,
                dry_run,
                save_remote,
                len(targets),
            )
            for d in chosen
        ]
    finally:
        await run.connections.aclose()


def _pull_one(
    ctx: Context,
    run: Run,
    definition: CampaignDefinition,
    campaign: CampaignPlan,
    contexts: dict[str, TargetContext],
    dry_run: bool,
    save_remote: bool = False,
    targets: int = 1,
) -> Outcome:
    key = definition.file if targets == 1 else f"{definition.target}/{definition.file}"
    target = contexts[definition.target]
    remote = target.snapshot.by_id.get(campaign.id) if campaign.id else None
    if remote is None or campaign.action == "create":
        why = "it is not created yet" if campaign.id is None else f"{campaign.id} is not found"
        return Outcome(key, "=", f"nothing to pull ({why})")
    remote_state = target.provider.to_definition(remote).get("state")
    path = ctx.settings.root / definition.file
    text, problems = yamlio.read_text(path, definition.file)
    if text is None:
        return Outcome(key, "!", "; ".join(str(p) for p in problems))
    # Read again for each target: an earlier target's pull may have rewritten the file.
    document, problems = yamlio.load(text, definition.file)
    if document is None or not isinstance(document.data, dict):
        return Outcome(key, "!", "; ".join(str(p) for p in problems) or "not a mapping")
    changes, kept = _from_files(
        ctx, document.data, definition, campaign, save_remote and not dry_run
    )
    pulled = pull_edits(
        definition,
        changes,
        remote_state=remote_state,
        campaign_id=campaign.id,
        data=document.data,
    )
    crlf = "\r\n" in text
    try:
        new = apply_edits(text.replace("\r\n", "\n"), pulled.edits)
    except EditError as exc:
        return Outcome(key, "!", f"not pulled: {exc}")
    if crlf:
        new = new.replace("\n", "\r\n")
    skipped = (
        f"; not pulled (ambiguous path): {', '.join(pulled.skipped)}" if pulled.skipped else ""
    )
    if new == text:
        return Outcome(key, "!" if kept else "=", (kept or "up to date") + skipped)
    what = ", ".join(_describe(e.path) for e in pulled.edits)
    if dry_run:
        diff = "".join(
            difflib.unified_diff(
                text.splitlines(keepends=True), new.splitlines(keepends=True), key, key
            )
        )
        note = f"; {kept}" if kept else ""
        return Outcome(key, "!" if kept else "~", f"would pull {what}{skipped}{note}", diff)
    replace_text(path, new)
    if kept:
        # The plan still differs in the template's value: that is what `kept` says.
        return Outcome(key, "!", f"pulled {what}{skipped}; {kept}")
    residue = _residue(run, path, definition, contexts)
    symbol = "!" if residue else "~"
    return Outcome(key, symbol, f"pulled {what}{skipped}{residue}")


def _from_files(
    ctx: Context,
    data: dict[str, Any],
    definition: CampaignDefinition,
    campaign: CampaignPlan,
    save: bool,
) -> tuple[list[FieldChange], str]:
    """The changes pull may write into the file, and a note about those it must not: a value
    that comes from a `{file:}` (a template, maybe shared) is never inlined. With `save`, the
    remote text is written next to its template (`NAME.remote.html`) for a person to merge."""
    changes: list[FieldChange] = []
    notes: list[str] = []
    templates_dir = ctx.settings.templates_dir.rstrip("/")
    for change in campaign.changes:
        try:
            parts = tuple(split_path(change.path))
        except ValueError:
            parts = ()
        name = reference_at(data, definition.target, parts) if parts else None
        if name is None:
            changes.append(change)
            continue
        note = (
            f"{change.path} comes from {templates_dir}/{name} and the remote differs from "
            "the rendered template: not pulled (the template is left as it is)"
        )
        if save and isinstance(change.before, str):
            saved = _save_remote(ctx, name, change.before)
            note += f"; the remote text is in {templates_dir}/{saved}"
        notes.append(note)
    return changes, "; ".join(notes)


def _save_remote(ctx: Context, name: str, text: str) -> str:
    """Write `text` to `<name without its .j2/.mjml/.html>.remote.html` below templates_dir."""
    stem = name
    for suffix in (".j2", ".mjml", ".html", ".htm"):
        stem = stem.removesuffix(suffix)
    saved = f"{stem}.remote.html"
    folder = PurePosixPath(saved).parent
    path = make_directory(ctx.settings.templates_path, folder) / PurePosixPath(saved).name
    if path.exists() and not path.is_symlink():
        replace_text(path, text)
    else:
        create_private(path, text, ctx.settings.templates_path)
    return saved


def _describe(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _residue(
    run: Run, path: Path, definition: CampaignDefinition, contexts: dict[str, TargetContext]
) -> str:
    """What the rewritten file still plans (empty when nothing: the invariant of pull)."""
    root = run.settings.campaigns_path
    loaded, problems = load_file(path, root, run.settings, registry.get)
    again = [d for d in loaded if d.target == definition.target]
    if not again:
        return "; the rewritten file is invalid: " + "; ".join(str(p) for p in problems)
    plan = build_plan(again, contexts, now=utcnow(), selected=lambda _key: False)
    (campaign,) = plan.campaigns
    if campaign.action == "noop":
        return ""
    left = [c.path for c in campaign.changes] or list(campaign.reasons)
    return f"; the plan still shows {campaign.action}: {', '.join(left)}"
