"""`syncer import`: link or write campaign files for remote campaigns nothing manages yet.

Lists the target's whole workspace and keeps the campaigns no file and no state entry manages
(and that the filters keep). One that an existing file without an id declares by name is
linked to that file: its id is pinned into the file (`pin_ids`; a sandbox target's in the
state store only), and no second file is written. Each of the others gets a new file (never
over an existing one). Every id is recorded in the state store (origin `adopted`). With
`--dry-run` it only lists what it would do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.config.private import private_dir
from syncer.errors import SecurityError, UsageError
from syncer.load.adopt import Adoption, Filters, Link, adopt, links, managed_ids, unmanaged
from syncer.load.filenames import create_private, make_directory, slugify, subdirectory, unique_name
from syncer.model.campaign import CampaignDefinition
from syncer.model.report import PinnedFile
from syncer.model.state import StateDraft, StateEntry, TargetState, utcnow
from syncer.providers import registry
from syncer.remote.answer import vendor_values
from syncer.workflows import aio
from syncer.workflows.apply import holder
from syncer.workflows.pins import pin_file, pins_ids
from syncer.workflows.pipeline import settle


@dataclass(frozen=True)
class ImportOptions:
    target: str | None
    filters: Filters
    directory: str | None
    """Below the campaigns directory; default: the target's name."""
    dry_run: bool = False
    writable: bool = False
    split_content: bool = False
    """Write each email's HTML into its own file below templates_dir, referenced by `{file:}`."""


def run(ctx: Context, options: ImportOptions) -> int:
    settings = ctx.settings
    target = options.target or settings.default_target
    if target is None:
        raise UsageError("no target: pass --target or set default_target in syncer.toml")
    if target not in settings.targets:
        known = ", ".join(sorted(settings.targets))
        raise UsageError(f"unknown target {target!r} (syncer.toml has: {known})")
    directory = subdirectory(
        options.directory if options.directory is not None else slugify(target, "imported")
    )
    # Managed ids come from valid files only (a new project may have no campaigns yet).
    definitions = ctx.definitions() if settings.campaigns_path.is_dir() else []
    return aio.run(_import(ctx, target, directory, options, definitions))


async def _import(
    ctx: Context,
    target: str,
    directory: PurePosixPath,
    options: ImportOptions,
    definitions: list[CampaignDefinition],
) -> int:
    run = ctx.run()
    try:
        with run.backend.lock(target, holder()):
            # An interrupted apply may have created campaigns it did not record yet: settled
            # first, they are managed, never adopted as strangers.
            for note in await settle(run, [target]):
                ctx.out.info(f"settled: {note}")
            with vendor_values(target):
                snapshot = await run.connections.session(target).read([], [], list_all=True)
            state = run.state(target)
            mine = [d for d in definitions if d.target == target]
            provider = registry.get(ctx.settings.targets[target].provider)
            filters = replace(options.filters, finished=provider.finished)
            remotes = unmanaged(snapshot, managed_ids(mine, state), filters)
            found, remotes = links(remotes, mine, state)
            root = ctx.settings.campaigns_path
            taken = _taken(root, directory, state)
            adoptions = adopt(
                remotes,
                provider,
                target,
                directory,
                taken,
                writable=options.writable,
                when=utcnow().date().isoformat(),
                templates=_taken_templates(ctx, directory) if options.split_content else None,
            )
            if options.dry_run:
                bad_links = _report_links(ctx, found, {}, dry_run=True)
                code = _report(ctx, adoptions, target, dry_run=True, linked=_linked(found))
                return max(code, bad_links)
            private_dir(root)
            pins, state = _link(ctx, target, found, state)
            written, state = _write(root, adoptions, state, ctx.settings.templates_path)
            run.backend.save(state)
            bad_links = _report_links(ctx, found, pins, dry_run=False)
            code = _report(ctx, written, target, dry_run=False, linked=_linked(found))
            return max(code, bad_links)
    finally:
        await run.connections.aclose()


def _link(
    ctx: Context, target: str, found: list[Link], state: TargetState
) -> tuple[dict[str, PinnedFile], TargetState]:
    """Pin each linked campaign's id into its file (where the target pins ids) and record it
    in the state store in any case (a file that cannot be written loses nothing here)."""
    pins: dict[str, PinnedFile] = {}
    now = utcnow().isoformat()
    draft = StateDraft(state)
    for link in found:
        if link.definition is None:
            continue
        key = link.definition.key
        if pins_ids(ctx.settings, target):
            pins[key] = pin_file(ctx.settings, target, key, link.remote.id)
        draft.set(key, StateEntry(id=link.remote.id, origin="adopted", applied_at=now))
    return pins, draft.build()


def _report_links(
    ctx: Context, found: list[Link], pins: dict[str, PinnedFile], *, dry_run: bool
) -> int:
    """One line per link (`=`) or campaign that cannot be linked (`!`); 1 if any cannot."""
    lines = []
    for link in found:
        remote = link.remote
        what = f"{remote.name!r} ({remote.id}, {remote.state or 'unknown status'})"
        if link.definition is None:
            lines.append(f"! {what}: not imported: {link.problem}\n")
            continue
        pin = pins.get(link.definition.key)
        if dry_run:
            how = "would link it (no new file)"
        elif pin is None:
            how = "linked in the state store (ids of this target stay out of the files)"
        elif pin.written:
            how = "linked: its id is pinned in the file; commit it"
        else:
            how = f"linked in the state store only: {pin.problem}; add `id: {remote.id}` to it"
        lines.append(f"= {link.definition.file}  {what}: {how}\n")
    if lines:
        ctx.out.document("".join(lines))
    return exitcodes.ERROR if any(link.definition is None for link in found) else exitcodes.OK


def _taken(root: Path, directory: PurePosixPath, state: TargetState) -> set[str]:
    """Keys a new file must not take: files on disk in `directory`, and every state key (a
    key whose file is gone still names an orphan; reusing it would hide that campaign)."""
    taken = set(state.campaigns)
    folder = root / directory
    if folder.is_dir():
        taken |= {(directory / p.name).as_posix() for p in folder.iterdir()}
    return taken


def _taken_templates(ctx: Context, directory: PurePosixPath) -> set[str]:
    """Names below templates_dir that split content must not take (files already there)."""
    folder = ctx.settings.templates_path / directory
    if not folder.is_dir():
        return set()
    return {(directory / p.name).as_posix() for p in folder.iterdir()}


def _write(
    root: Path, adoptions: list[Adoption], state: TargetState, templates: Path
) -> tuple[list[Adoption], TargetState]:
    """Create each file (private, never over an existing one) and record its id; the content
    files of a split campaign first, so that its campaign file never names a missing one."""
    written = []
    now = utcnow().isoformat()
    draft = StateDraft(state)
    for adoption in adoptions:
        if adoption.problem is not None:
            written.append(adoption)
            continue
        try:
            for name, text in adoption.content:
                private_dir(templates)
                folder = PurePosixPath(name).parent
                path = make_directory(templates, folder) / PurePosixPath(name).name
                create_private(path, text, templates)
            key = _create(root, adoption)
        except (OSError, SecurityError) as exc:
            # One file that cannot be written does not lose the others' state entries.
            written.append(Adoption(adoption.remote, problem=f"not written: {exc}"))
            continue
        draft.set(key, StateEntry(id=adoption.remote.id, origin="adopted", applied_at=now))
        written.append(replace(adoption, key=key))
    return written, draft.build()


def _create(root: Path, adoption: Adoption) -> str:
    """Write one adopted file; return its key (the next free name if its own was just taken)."""
    key = adoption.key
    folder = PurePosixPath(key).parent
    path = make_directory(root, folder) / PurePosixPath(key).name
    try:
        create_private(path, adoption.text, root)
    except FileExistsError:
        # Someone created that name since the directory was listed: take the next free one.
        existing = {p.name for p in path.parent.iterdir()}
        key = (folder / unique_name(PurePosixPath(key).stem, existing)).as_posix()
        create_private(root / key, adoption.text, root)
    return key


def _linked(found: list[Link]) -> int:
    return sum(1 for link in found if link.definition is not None)


def _report(
    ctx: Context, adoptions: list[Adoption], target: str, *, dry_run: bool, linked: int = 0
) -> int:
    """List what was (or would be) imported; a line per campaign, each reason said once."""
    campaigns_dir = ctx.settings.campaigns_dir
    good = [a for a in adoptions if a.problem is None]
    bad = [a for a in adoptions if a.problem is not None]
    lines = []
    reasons: dict[str, int] = {}
    for adoption in good:
        remote = adoption.remote
        if adoption.read_only:
            reasons[adoption.read_only] = reasons.get(adoption.read_only, 0) + 1
        extra = " (read-only)" if adoption.read_only else ""
        lines.append(
            f"+ {campaigns_dir}/{adoption.key}  {remote.name!r} "
            f"({remote.id}, {remote.state or 'unknown status'}){extra}\n"
        )
        templates_dir = ctx.settings.templates_dir.rstrip("/")
        lines.extend(f"+ {templates_dir}/{name}\n" for name, _ in adoption.content)
    for adoption in bad:
        remote = adoption.remote
        lines.append(f"! {remote.name!r} ({remote.id}): not imported: {adoption.problem}\n")
    ctx.out.document("".join(lines))
    for reason, count in reasons.items():  # said once, not on every line
        ctx.out.info(f"read-only ({count}): {reason}")
    verb = "would import" if dry_run else "imported"
    if linked:
        ctx.out.info(
            f"Target {target}: {'would link' if dry_run else 'linked'} {linked} existing "
            "file(s) to the campaign each describes (no new file)."
        )
    if not adoptions and linked:
        return exitcodes.OK
    if not adoptions:
        ctx.out.info(f"Target {target}: no unmanaged remote campaign matches; nothing to import.")
    else:
        ctx.out.info(
            f"Target {target}: {verb} {len(good)} campaign(s)"
            + (f"; {len(bad)} could not be imported" if bad else "")
            + (
                ". Run `syncer plan`: it shows no changes for them."
                if good and not dry_run
                else "."
            )
        )
    return exitcodes.ERROR if bad else exitcodes.OK
