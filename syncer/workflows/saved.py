"""Saved plans (`plan --out`, `apply PLANFILE`): seal, write, read, and check against the remote.

A saved plan is applied only if its checksum matches its content (an edited file is refused),
it was made for the same workspaces, it is not older than `--max-plan-age`, and every remote
object it relied on is still what it was (exit 4 otherwise, naming each campaign and what
changed). Calls that an earlier, interrupted run of the same plan made are not repeated, and
what they changed is not mistaken for a remote edit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from syncer import __version__
from syncer.apply.execute import plan_digest
from syncer.config.private import write_private
from syncer.config.readfile import Unreadable, read_regular
from syncer.errors import InputError, StalePlanError, UsageError
from syncer.model.campaign import CampaignDefinition
from syncer.model.digest import digest
from syncer.model.plan import CampaignPlan, Plan
from syncer.model.state import PlanProgress, utcnow
from syncer.plan.staleness import check
from syncer.remote.answer import vendor_values
from syncer.workflows.pipeline import Run
from syncer.workflows.tampering import signature

MAX_PLAN_BYTES = 512 * 1024 * 1024
"""Far above any real plan (5,000 campaigns with complete bodies): a bound for what is read."""


def checksum(data: dict[str, Any]) -> str:
    """The digest of a plan document, its own `checksum` and `signature` fields left out (an
    unsigned plan has the checksum it had before signatures existed)."""
    return digest({k: v for k, v in data.items() if k not in ("checksum", "signature")})


def seal(plan: Plan, key: bytes | None = None) -> Plan:
    """The plan with its checksum set (what `plan` prints, saves and shows in Markdown), and
    signed with `key` when one is given (`SYNCER_PLAN_SIGNING_KEY`)."""
    data = plan.model_dump(mode="json")
    data.pop("signature", None)
    sealed = checksum(data)
    signed = signature(sealed, key) if key is not None else ""
    return plan.model_copy(update={"checksum": sealed, "signature": signed})


def write_plan(path: Path, plan: Plan) -> None:
    sealed = plan if plan.checksum else seal(plan)
    data = json.dumps(sealed.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    write_private(path, data.encode("utf-8"))


def read_plan(path: Path, expect: str | None = None) -> Plan:
    """Load a saved plan and check that it is exactly what `plan --out` wrote.

    Args:
        expect: the checksum the reviewer saw (`apply --checksum`), if given.

    Raises:
        InputError: unreadable, not a plan, edited after it was written, or not the plan
            with the expected checksum.
    """
    try:
        raw = read_regular(path, MAX_PLAN_BYTES).decode("utf-8")
    except Unreadable as exc:
        raise InputError(f"{path}:1:1: cannot read the plan file: {exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}:1:1: not a plan file (not UTF-8 text)") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{exc.lineno}:{exc.colno}: not a plan file (invalid JSON)"
        ) from None
    except RecursionError:
        raise InputError(f"{path}:1:1: not a plan file (nested too deeply)") from None
    if not isinstance(data, dict) or data.get("format_version") != 1:
        raise InputError(f"{path}: not a plan file of format_version 1")
    recorded = data.get("checksum")
    if not recorded:
        raise InputError(f"{path}: the plan has no checksum; save plans with `syncer plan --out`")
    actual = checksum(data)
    if actual != recorded:
        raise InputError(
            f"{path}: the plan file was modified after it was written (its content does not "
            "match its checksum); nothing was applied. Make and review a new plan"
        )
    if expect is not None and expect != recorded:
        raise InputError(
            f"{path}: this plan's checksum is {recorded}, not the reviewed {expect}; "
            "nothing was applied"
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: invalid plan file: {where}: {first['msg']}") from None
    unknown = sorted({c.target for c in plan.campaigns} - set(plan.targets))
    if unknown:
        raise InputError(f"{path}: invalid plan file: no identity for target(s) {unknown}")
    return plan


def parse_age(text: str) -> dt.timedelta:
    """`90s`, `30m`, `2h`, `1d` -> a duration."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise UsageError(f"--max-plan-age takes a duration like 30m, 2h or 1d, not {text!r}")
    return dt.timedelta(seconds=int(text[:-1]) * units[text[-1]])


def check_age(plan: Plan, max_age: dt.timedelta | None, now: dt.datetime | None = None) -> None:
    if max_age is None:
        return
    try:
        created = dt.datetime.fromisoformat(plan.created_at)
    except ValueError:
        raise StalePlanError("the plan has no valid creation time; make a new plan") from None
    age = (now or utcnow()) - created
    if age > max_age:
        raise StalePlanError(
            f"the plan was made at {plan.created_at}, {_duration(age)} ago: more than "
            f"--max-plan-age ({_duration(max_age)}); nothing was applied. Make a new plan"
        )


def _duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= 2 * size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def check_targets(run: Run, plan: Plan, targets: Sequence[str]) -> None:
    """Refuse a plan made for other workspaces than the targets now point to."""
    for target in targets:
        if target not in run.settings.targets:
            raise UsageError(
                f"the plan is for target {target!r}, which syncer.toml does not define"
            )
        recorded = plan.targets.get(target)
        current = run.connections.session(target).identity
        if recorded is None:
            continue
        # An embedded sandbox listens on a new port each run: its URL identifies nothing.
        where = (recorded.sandbox and current.sandbox) or recorded.base_url == current.base_url
        if (recorded.provider, recorded.workspace) != (current.provider, current.workspace) or (
            not where
        ):
            raise UsageError(
                f"the plan was made for {recorded.provider} workspace {recorded.workspace} at "
                f"{recorded.base_url}, but target {target!r} now points to "
                f"{current.provider} workspace {current.workspace} at {current.base_url}; "
                "nothing was applied"
            )


def notes_before_apply(plan: Plan, definitions: Sequence[CampaignDefinition]) -> list[str]:
    """What a person applying a saved plan should know (never a reason to refuse)."""
    notes = []
    if plan.tool_version and plan.tool_version != __version__:
        notes.append(
            f"the plan was made by campaign-syncer {plan.tool_version}; this is {__version__} "
            "(the saved requests are sent as they are)"
        )
    changed = changed_definitions(plan, definitions)
    if changed:
        more = f" and {len(changed) - 10} more" if len(changed) > 10 else ""
        shown = ", ".join(changed[:10]) + more
        notes.append(
            f"campaign files changed since this plan was made ({shown}): the reviewed plan is "
            "applied as it is; run `syncer plan` afterwards to see what remains"
        )
    return notes


def changed_definitions(plan: Plan, definitions: Sequence[CampaignDefinition]) -> list[str]:
    """Keys of the plan's campaigns whose file now differs from when it was planned."""
    current = {(d.target, d.key): d.digest for d in definitions}
    changed = []
    for c in plan.campaigns:
        if c.action == "orphan" or c.desired_digest is None:
            continue
        now = current.get((c.target, c.key))
        if now != c.desired_digest:
            changed.append(f"{c.key} ({'removed' if now is None else 'edited'})")
    return changed


def unchanged_definitions(
    plan: Plan, definitions: Sequence[CampaignDefinition]
) -> list[CampaignDefinition]:
    """The files still as planned: the only ones an apply of the saved plan can verify."""
    planned = {(c.target, c.key): c.desired_digest for c in plan.campaigns}
    return [d for d in definitions if planned.get((d.target, d.key)) == d.digest]


async def check_stale(run: Run, plan: Plan) -> list[str]:
    """Re-read every campaign the plan still has calls for; raise if any changed remotely.

    Calls that an earlier run of this plan applied are skipped, and what they changed is not
    compared; calls whose answer was lost are recognised as landed when the remote now holds
    exactly what they sent (recorded as applied, so they are not sent again).

    Returns:
        Notes for the person applying: what an earlier run already did.

    Raises:
        StalePlanError: naming every campaign that changed and how.
    """
    key = plan_digest(plan)
    reasons: list[str] = []
    notes: list[str] = []
    for target in sorted({c.target for c in plan.campaigns}):
        state = run.state(target)
        progress = state.plans.get(key, PlanProgress())
        done = set(progress.applied)
        mine = [c for c in plan.campaigns if c.target == target and c.to_send]
        pending = [c for c in mine if any((c.key, i) not in done for i in range(len(c.requests)))]
        if len(pending) < len(mine):
            notes.append(
                f"{target}: {len(mine) - len(pending)} campaign(s) of this plan were applied "
                "by an earlier run; their calls are not sent again"
            )
        if not pending:
            continue
        ids = [c.id for c in pending if c.id]
        names = [c.name for c in pending if c.id is None and c.name]
        with vendor_values(target):
            snapshot = await run.connections.session(target).read(ids, names)
        managed = {e.id for e in state.campaigns.values()}
        managed |= {h.id for e in state.campaigns.values() for h in e.history}
        managed |= {c.id for c in plan.campaigns if c.id}
        landed: list[tuple[str, int]] = []
        for campaign in pending:
            remote = snapshot.by_id.get(campaign.id) if campaign.id else None
            same = [
                r.id for r in snapshot.by_name.get(campaign.name or "", []) if r.id not in managed
            ]
            verdict = check(
                campaign,
                remote,
                same if campaign.id is None else (),
                done={i for k, i in done if k == campaign.key},
                unknown={i for k, i in progress.unknown if k == campaign.key},
            )
            reasons.extend(f"{target}/{campaign.key}{_who(campaign)}: {r}" for r in verdict.reasons)
            landed.extend((campaign.key, i) for i in sorted(verdict.landed))
        if landed and not reasons:
            run.states[target] = state.with_progress(key, applied=landed)
            run.backend.save(run.states[target])
            notes.append(
                f"{target}: {len(landed)} call(s) whose answer an earlier run lost had landed; "
                "they are not sent again"
            )
    if reasons:
        raise StalePlanError(
            "the saved plan is stale: the remote changed since it was made, and applying it "
            "would overwrite or conflict with that. Nothing was applied. Make a new plan and "
            "review it:\n  " + "\n  ".join(reasons)
        )
    return notes


def _who(campaign: CampaignPlan) -> str:
    parts = [repr(campaign.name)] if campaign.name else []
    if campaign.id:
        parts.append(campaign.id)
    return f" ({', '.join(parts)})" if parts else ""
