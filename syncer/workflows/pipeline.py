"""The one composition of the steps, called by the CLI and by end-to-end tests.

load (definitions) -> read (sessions) -> plan (builder) -> apply -> verify. Each function takes
values and returns values; printing and exit codes belong to the CLI.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from syncer.apply.execute import apply_target, plan_digest
from syncer.config import credentials
from syncer.config.settings import Settings
from syncer.errors import DefinitionError, UsageError
from syncer.load.selection import Selection
from syncer.model.campaign import CampaignDefinition
from syncer.model.plan import Plan
from syncer.model.report import ApplyReport, CallOutcome, Verification
from syncer.model.state import Call, StateBackend, TargetState, utcnow
from syncer.model.vendor import SizeAware
from syncer.plan.builder import TargetContext, build_plan
from syncer.plan.early import EarlyPlans
from syncer.providers import registry
from syncer.remote.answer import vendor_values
from syncer.state.journal import created_entry, replay
from syncer.workflows.connect import Connections
from syncer.workflows.pins import unknown_pins


def targets_of(
    settings: Settings, definitions: Sequence[CampaignDefinition], selection: Selection
) -> list[str]:
    if selection.target is not None:
        if selection.target not in settings.targets:
            known = ", ".join(sorted(settings.targets))
            raise UsageError(f"unknown target {selection.target!r} (syncer.toml has: {known})")
        return [selection.target]
    return sorted({d.target for d in definitions})


def plan_targets(
    settings: Settings,
    backend: StateBackend,
    definitions: Sequence[CampaignDefinition],
    selection: Selection,
) -> list[str]:
    """The targets a plan covers: those of the selected files, and those whose state store
    still maps a selected key (all their files may be gone: their orphans must show).

    The state is read straight from the backend, not cached: callers may not hold the lock yet.
    """
    targets = set(targets_of(settings, selection.apply(definitions), selection))
    if selection.target is None:
        for name in settings.targets:
            if any(selection.keeps(key) for key in backend.load(name).campaigns):
                targets.add(name)
    return sorted(targets)


@dataclass
class Run:
    """The resources of one command: settings, state backend, connections."""

    settings: Settings
    backend: StateBackend
    connections: Connections
    states: dict[str, TargetState] = field(default_factory=dict)
    learnt: set[str] = field(default_factory=set)
    """Targets whose state gained something only reading taught (the workspace's size)."""

    def state(self, target: str) -> TargetState:
        if target not in self.states:
            self.states[target] = self.backend.load(target)
        return self.states[target]


async def read_target(
    run: Run,
    target: str,
    definitions: Sequence[CampaignDefinition],
    *,
    list_all: bool = False,
    selected: Callable[[str], bool] | None = None,
) -> TargetContext:
    """Read what planning `definitions` in `target` needs (`list_all`: the whole workspace;
    `selected`: the state keys the plan covers, when not all)."""
    settings = run.settings
    state = run.state(target)
    mine = [d for d in definitions if d.target == target]
    keys = {d.key for d in mine}
    ids = {d.id for d in mine if d.id}
    ids |= {
        entry.id
        for key, entry in state.campaigns.items()
        if key in keys or selected is None or selected(key)
    }
    # Names are looked up before creating (never a duplicate), and before replacing (a lost
    # state entry must not lead to a second replacement).
    names = {
        d.name
        for d in mine
        if d.name
        and ((d.id is None and d.key not in state.campaigns) or d.lifecycle.on_locked == "replace")
    }
    config = settings.targets[target]
    provider = registry.get(config.provider)
    actor = credentials.actor(settings, target)
    # Each campaign is planned as it arrives: the CPU work overlaps the wait for the rate
    # limiter, instead of following the last page.
    early = EarlyPlans.for_target(mine, state, provider, actor, config)
    session = run.connections.session(target)
    if isinstance(session, SizeAware):
        session.expect_size(state.workspace_size)
    with vendor_values(target):
        snapshot = await session.read(
            sorted(ids), sorted(names), list_all=list_all, arrived=early.see
        )
    if snapshot.workspace_size not in (None, state.workspace_size):
        # Saved with the state by apply: the next run reads the cheapest way from the start.
        state = state.model_copy(update={"workspace_size": snapshot.workspace_size})
        run.states[target] = state
        run.learnt.add(target)
    return TargetContext(
        name=target,
        provider=provider,
        snapshot=snapshot,
        state=state,
        actor=actor,
        identity=session.identity,
        max_creates=config.creation_limit(),
        settings=config,
        early=early,
    )


def save_learnt(run: Run) -> None:
    """Save what reading taught about each target; the caller holds the targets' locks."""
    for target in sorted(run.learnt):
        run.backend.save(run.state(target))
    run.learnt.clear()


async def make_plan(
    run: Run,
    definitions: Sequence[CampaignDefinition],
    selection: Selection,
    *,
    retire_orphans: bool = False,
    show_unmanaged: bool = False,
) -> Plan:
    """Read every selected target's remote campaigns and plan the selected definitions.

    `retire_orphans` plans the retirement of orphaned campaigns (explicit opt-in);
    `show_unmanaged` lists the whole workspace and notes what nothing manages.
    """
    selection = selection.under(run.settings.campaigns_dir)
    contexts = await read_for_plan(run, definitions, selection, show_unmanaged=show_unmanaged)
    with vendor_values(", ".join(ctx.name for ctx in contexts)):
        return build_plan(
            selection.apply(definitions),
            {ctx.name: ctx for ctx in contexts},
            now=utcnow(),
            selected=selection.keeps,
            retire_orphans=retire_orphans,
            show_unmanaged=show_unmanaged,
        )


async def read_for_plan(
    run: Run,
    definitions: Sequence[CampaignDefinition],
    selection: Selection,
    *,
    show_unmanaged: bool = False,
) -> list[TargetContext]:
    """What planning the selected definitions needs from each target (raises on a selection
    pattern that matches nothing)."""
    chosen = selection.apply(definitions)
    targets = plan_targets(run.settings, run.backend, definitions, selection)
    if selection.only or selection.exclude:
        scope = [d for d in definitions if selection.target in (None, d.target)]
        keys = {d.key for d in scope}
        for target in targets_of(run.settings, scope, selection):
            keys |= set(run.state(target).campaigns)
        typos = selection.unmatched(keys)
        if typos:
            raise UsageError(
                f"--only/--exclude pattern(s) {', '.join(map(repr, typos))} match no campaign "
                "file (keys are paths under the campaigns directory, e.g. "
                "onboarding/welcome.yaml or onboarding/*)"
            )
    contexts = await asyncio.gather(
        *[
            read_target(run, t, chosen, list_all=show_unmanaged, selected=selection.keeps)
            for t in targets
        ]
    )
    unknown = unknown_pins(run.settings, chosen, {ctx.name: ctx for ctx in contexts})
    if unknown:
        raise DefinitionError(unknown)
    return list(contexts)


def done_calls(state: TargetState, plan: str) -> tuple[Call, ...]:
    """The calls of plan `plan` that earlier runs applied in this target."""
    progress = state.plans.get(plan)
    return progress.applied if progress is not None else ()


async def settle(run: Run, targets: Sequence[str]) -> list[str]:
    """Settle what an interrupted apply left in the journal, before planning anew.

    Creations with an unknown outcome are looked up by name: found ones are recorded, so they
    are never created twice. Other calls need nothing here: the new plan reads the campaign
    and sends only what is still missing. What each run's plan got done is kept in the state
    (`TargetState.plans`), so that applying the same saved plan again resumes it.
    """
    notes: list[str] = []
    for target in targets:
        records = run.backend.journal_read(target)
        if not records:
            continue
        result = replay(records, run.state(target))
        state = result.state
        session = run.connections.session(target)
        for plan, calls in result.applied_plans.items():
            state = state.with_progress(plan, applied=calls)
        for call in result.unsettled:
            if call.request.kind == "create":
                known = {e.id for e in state.campaigns.values()}
                found = await session.find_created(call.request, known)
                if found:
                    state = created_entry(state, call.key, found)
                    state = state.with_progress(call.plan, applied=[(call.key, call.index)])
                    notes.append(
                        f"{target}/{call.key}: an interrupted creation had landed "
                        f"(id {found}); recorded, not created again"
                    )
                else:
                    notes.append(
                        f"{target}/{call.key}: an interrupted creation had not "
                        "landed; it is planned again"
                    )
            else:
                state = state.with_progress(call.plan, unknown=[(call.key, call.index)])
                notes.append(
                    f"{target}/{call.key}: {call.request.method} {call.request.path} "
                    "had an unknown outcome; the campaign was read again and only "
                    "what is still missing is planned"
                )
        if result.runs:
            notes.insert(0, f"{target}: settled {result.runs} interrupted apply run(s)")
        run.backend.save(state)
        run.backend.journal_clear(target)
        run.states[target] = state
    return notes


async def apply_plan(
    run: Run, plan: Plan, stop: asyncio.Event, *, resume: bool = False
) -> ApplyReport:
    """Apply every target's part of the plan (targets in parallel); return the outcomes.

    With `resume` (a saved plan), calls that an earlier run of the same plan applied are not
    sent again, and what this run gets done is recorded for the next one.
    """
    targets = sorted({c.target for c in plan.campaigns if c.executes})
    key = plan_digest(plan)
    skips = {t: set(done_calls(run.state(t), key)) if resume else set() for t in targets}
    results = await asyncio.gather(
        *[
            apply_target(
                plan,
                t,
                run.connections.session(t),
                run.backend,
                run.state(t),
                stop,
                skips[t],
                key,
            )
            for t in targets
        ]
    )
    calls: list[CallOutcome] = []
    forgotten: list[str] = []
    for target, (state, outcomes, gone) in zip(targets, results, strict=True):
        if resume:
            state = state.with_progress(
                key,
                applied=[(o.key, o.index) for o in outcomes if o.outcome == "applied"],
                unknown=[(o.key, o.index) for o in outcomes if o.outcome == "unknown"],
            )
            run.backend.save(state)
        run.states[target] = state
        calls.extend(outcomes)
        forgotten.extend(f"{target}/{campaign}" for campaign in gone)
    retries: list[str] = []
    for target in targets:
        retries.extend(run.connections.session(target).retries())
    return ApplyReport(
        calls=tuple(calls),
        blocked=tuple(f"{c.target}/{c.key}" for c in plan.campaigns if c.action == "blocked"),
        forgotten=tuple(forgotten),
        retries=tuple(retries),
        interrupted=stop.is_set(),
    )


async def verify(
    run: Run,
    definitions: Sequence[CampaignDefinition],
    plan: Plan,
    report: ApplyReport,
    *,
    planned_only: bool = False,
) -> list[Verification]:
    """Read the changed campaigns again and check that nothing remains to do.

    With `planned_only` (a saved plan), only the fields that plan changed count: a difference
    elsewhere (a dashboard edit the plan did not touch) is drift for the next plan, not a
    failure of this apply.
    """
    touched = {(c.target, c.key) for c in report.calls if c.outcome == "applied"}
    planned = {(c.target, c.key): {ch.path for ch in c.changes} for c in plan.campaigns}
    if not touched:
        return []
    chosen = [d for d in definitions if (d.target, d.key) in touched]
    keys = tuple(sorted({d.key for d in chosen}))
    if not keys:
        return []
    again = await make_plan(run, chosen, Selection(only=keys))
    results = []
    for campaign in again.campaigns:
        if (campaign.target, campaign.key) not in touched:
            continue
        wanted = planned.get((campaign.target, campaign.key), set())
        changes = [
            ch
            for ch in campaign.changes
            if not ch.blocked and (not planned_only or ch.path in wanted)
        ]
        if planned_only and not changes and campaign.changes:
            results.append(Verification(key=campaign.key, target=campaign.target, converged=True))
            continue
        remaining = tuple(ch.path for ch in changes) + tuple(
            r.summary for r in campaign.requests if not campaign.changes
        )
        converged = (not campaign.executes and not remaining) or campaign.action == "noop"
        results.append(
            Verification(
                key=campaign.key,
                target=campaign.target,
                converged=converged,
                remaining=remaining if not converged else (),
            )
        )
    return results
