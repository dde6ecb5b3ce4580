"""Saved plans (`plan --out`, `apply PLANFILE`): write, read, and check against the remote.

A saved plan is applied only if it was made by a compatible tool, for the same targets, not
too long ago, and if every remote object it relied on is still what it was (exit 4 otherwise,
naming each campaign and what changed).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from syncer.errors import InputError, StalePlanError, UsageError
from syncer.pipeline import Run
from syncer.plan.model import Plan
from syncer.plan.staleness import stale_reasons
from syncer.state import utcnow, write_private


def write_plan(path: Path, plan: Plan) -> None:
    data = json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    write_private(path, data.encode("utf-8"))


def read_plan(path: Path) -> Plan:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the plan file {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{exc.lineno}:{exc.colno}: not a plan file (invalid JSON)"
        ) from None
    if not isinstance(data, dict) or data.get("format_version") != 1:
        raise InputError(f"{path}: not a plan file of format_version 1")
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: invalid plan file: {where}: {first['msg']}") from None


def parse_age(text: str) -> dt.timedelta:
    """`90s`, `30m`, `2h`, `1d` -> a duration."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise UsageError(f"--max-plan-age takes a duration like 30m, 2h or 1d, not {text!r}")
    return dt.timedelta(seconds=int(text[:-1]) * units[text[-1]])


def check_age(plan: Plan, max_age: dt.timedelta | None) -> None:
    if max_age is None:
        return
    try:
        created = dt.datetime.fromisoformat(plan.created_at)
    except ValueError:
        raise StalePlanError("the plan has no valid creation time; make a new plan") from None
    age = utcnow() - created
    if age > max_age:
        raise StalePlanError(
            f"the plan is {int(age.total_seconds())}s old, more than --max-plan-age "
            f"({int(max_age.total_seconds())}s): make a new plan"
        )


def check_targets(run: Run, plan: Plan, targets: Sequence[str]) -> None:
    for target in targets:
        if target not in run.settings.targets:
            raise UsageError(
                f"the plan is for target {target!r}, which syncer.toml does not define"
            )
        recorded = plan.targets.get(target)
        current = run.connections.session(target).identity
        if recorded is None:
            continue
        if (recorded.provider, recorded.base_url, recorded.workspace) != (
            current.provider,
            current.base_url,
            current.workspace,
        ) and not (recorded.sandbox and current.sandbox):
            raise UsageError(
                f"the plan was made for {recorded.provider} {recorded.workspace} at "
                f"{recorded.base_url}, but target {target!r} now points to "
                f"{current.workspace} at {current.base_url}"
            )


async def check_stale(run: Run, plan: Plan, skip_keys: set[tuple[str, str]]) -> None:
    """Re-read every campaign the plan writes; raise `StalePlanError` if any changed.

    `skip_keys`: (target, key) pairs partly applied by an interrupted run of this same plan;
    their remote state changed because of us, so they are not compared.
    """
    reasons: list[str] = []
    for target in sorted({c.target for c in plan.campaigns}):
        mine = [
            c
            for c in plan.campaigns
            if c.target == target
            and c.requests
            and c.action not in ("blocked", "noop", "orphan")
            and (target, c.key) not in skip_keys
        ]
        if not mine:
            continue
        ids = [c.id for c in mine if c.id]
        names = [c.name for c in mine if c.id is None and c.name]
        snapshot = await run.connections.session(target).read(ids, names)
        state = run.state(target)
        managed = {e.id for e in state.campaigns.values()}
        for campaign in mine:
            remote = snapshot.by_id.get(campaign.id) if campaign.id else None
            same = [
                r.id for r in snapshot.by_name.get(campaign.name or "", []) if r.id not in managed
            ]
            for reason in stale_reasons(campaign, remote, same if campaign.id is None else ()):
                reasons.append(f"{target}/{campaign.key}: {reason}")
    if reasons:
        raise StalePlanError(
            "the saved plan is stale; nothing was applied. Make a new plan and review it:\n  "
            + "\n  ".join(reasons)
        )
