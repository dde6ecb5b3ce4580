"""`syncer state list | forget KEY | unlock`: inspect and repair the state store."""

from __future__ import annotations

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.errors import UsageError


def _targets(ctx: Context, target: str | None) -> list[str]:
    if target is not None and target not in ctx.settings.targets:
        raise UsageError(f"unknown target {target!r}")
    return [target] if target else sorted(ctx.settings.targets)


def list_entries(ctx: Context, target: str | None) -> int:
    for name in _targets(ctx, target):
        state = ctx.backend.load(name)
        for key, entry in sorted(state.campaigns.items()):
            extra = f" (replaced {len(entry.history)})" if entry.history else ""
            ctx.out.document(f"{name}\t{key}\t{entry.id}\t{entry.origin}{extra}\n")
    return exitcodes.OK


def forget(ctx: Context, key: str, target: str | None) -> int:
    found = False
    for name in _targets(ctx, target):
        with ctx.backend.lock(name, "syncer state forget"):
            state = ctx.backend.load(name)
            if key in state.campaigns:
                ctx.backend.save(state.with_entry(key, None))
                ctx.out.info(f"{name}: forgot {key} (the remote campaign is untouched)")
                found = True
    if not found:
        raise UsageError(f"no state entry for {key!r}")
    return exitcodes.OK


def unlock(ctx: Context, target: str | None) -> int:
    for name in _targets(ctx, target):
        holder = ctx.backend.lock_holder(name)
        if ctx.backend.unlock(name):
            who = f" held by {holder}" if holder else ""
            ctx.out.info(f"{name}: removed the lock{who} ({ctx.backend.description})")
        else:
            ctx.out.info(f"{name}: no lock held ({ctx.backend.description})")
    return exitcodes.OK
