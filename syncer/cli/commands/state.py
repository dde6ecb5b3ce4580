"""`syncer state list | show KEY | forget KEY | unlock`: inspect and repair the state store."""

from __future__ import annotations

import json

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.errors import UsageError
from syncer.load.keys import as_key


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


def show(ctx: Context, key: str, target: str | None) -> int:
    """One campaign's state entries, as JSON keyed by target: id, origin, history, and what was
    last applied and observed."""
    key = as_key(key, ctx.settings.campaigns_dir)
    found = {
        name: entry.model_dump(mode="json")
        for name in _targets(ctx, target)
        if (entry := ctx.backend.load(name).campaigns.get(key)) is not None
    }
    if not found:
        raise UsageError(f"no state entry for {key!r} (`syncer state list` shows them all)")
    ctx.out.document(json.dumps({"key": key, "targets": found}, indent=2, sort_keys=True) + "\n")
    return exitcodes.OK


def forget(ctx: Context, key: str, target: str | None) -> int:
    key = as_key(key, ctx.settings.campaigns_dir)
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
