"""`syncer import`: write campaign files for remote campaigns that nothing manages yet.

Lists the target's whole workspace, keeps the campaigns no file and no state entry manages
(and that the filters keep), writes one new file each (never over an existing file), and
records their ids in the state store (origin `adopted`). With `--dry-run` it only lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from syncer.cli import exitcodes
from syncer.cli.commands.apply import holder
from syncer.cli.commands.context import Context
from syncer.config.private import private_dir
from syncer.errors import SecurityError, UsageError
from syncer.load.adopt import Adoption, Filters, adopt, managed_ids, name_clashes, unmanaged
from syncer.load.filenames import create_private, make_directory, slugify, subdirectory, unique_name
from syncer.model.campaign import CampaignDefinition
from syncer.model.state import StateEntry, TargetState, utcnow
from syncer.providers import registry
from syncer.workflows import aio
from syncer.workflows.pipeline import settle


@dataclass(frozen=True)
class ImportOptions:
    target: str | None
    filters: Filters
    directory: str | None
    """Below the campaigns directory; default: the target's name."""
    dry_run: bool = False
    writable: bool = False


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
            snapshot = await run.connections.session(target).read([], [], list_all=True)
            state = run.state(target)
            mine = [d for d in definitions if d.target == target]
            remotes = unmanaged(snapshot, managed_ids(mine, state), options.filters)
            root = ctx.settings.campaigns_path
            taken = _taken(root, directory, state)
            provider = registry.get(ctx.settings.targets[target].provider)
            adoptions = adopt(
                remotes,
                provider,
                target,
                directory,
                taken,
                writable=options.writable,
                when=utcnow().date().isoformat(),
            )
            if options.dry_run:
                return _report(ctx, adoptions, target, dry_run=True)
            private_dir(root)
            written, state = _write(root, adoptions, state)
            run.backend.save(state)
            code = _report(ctx, written, target, dry_run=False)
            for warning in name_clashes(written, mine, run.state(target)):
                ctx.out.info(f"Warning: {warning}")
            return code
    finally:
        await run.connections.aclose()


def _taken(root: Path, directory: PurePosixPath, state: TargetState) -> set[str]:
    """Keys a new file must not take: files on disk in `directory`, and every state key (a
    key whose file is gone still names an orphan; reusing it would hide that campaign)."""
    taken = set(state.campaigns)
    folder = root / directory
    if folder.is_dir():
        taken |= {(directory / p.name).as_posix() for p in folder.iterdir()}
    return taken


def _write(
    root: Path, adoptions: list[Adoption], state: TargetState
) -> tuple[list[Adoption], TargetState]:
    """Create each file (private, never over an existing one) and record its id."""
    written = []
    now = utcnow().isoformat()
    for adoption in adoptions:
        if adoption.problem is not None:
            written.append(adoption)
            continue
        try:
            key = _create(root, adoption)
        except (OSError, SecurityError) as exc:
            # One file that cannot be written does not lose the others' state entries.
            written.append(Adoption(adoption.remote, problem=f"not written: {exc}"))
            continue
        state = state.with_entry(
            key, StateEntry(id=adoption.remote.id, origin="adopted", applied_at=now)
        )
        written.append(Adoption(adoption.remote, key, adoption.text, adoption.read_only))
    return written, state


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


def _report(ctx: Context, adoptions: list[Adoption], target: str, *, dry_run: bool) -> int:
    campaigns_dir = ctx.settings.campaigns_dir
    good = [a for a in adoptions if a.problem is None]
    bad = [a for a in adoptions if a.problem is not None]
    lines = []
    for adoption in good:
        remote = adoption.remote
        extra = f" (read-only: {adoption.read_only})" if adoption.read_only else ""
        lines.append(
            f"+ {campaigns_dir}/{adoption.key}  {remote.name!r} "
            f"({remote.id}, {remote.state or 'unknown status'}){extra}\n"
        )
    for adoption in bad:
        remote = adoption.remote
        lines.append(f"! {remote.name!r} ({remote.id}): not imported: {adoption.problem}\n")
    ctx.out.document("".join(lines))
    verb = "would import" if dry_run else "imported"
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
