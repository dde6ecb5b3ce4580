"""What apply will do has one answer, `CampaignPlan.executes` / `.to_send`, and every consumer
asks it: a blocked or no-op campaign is never sent, whatever requests a plan file holds."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from syncer.apply.execute import apply_target, plan_digest
from syncer.model.plan import (
    ACTIONS,
    INERT,
    Action,
    CampaignPlan,
    Plan,
    PlannedRequest,
    TargetIdentity,
)
from syncer.model.state import StateEntry, TargetState
from syncer.model.vendor import SendResult
from syncer.state.local import LocalBackend
from syncer.workflows.apply import planned_calls

PATCH = PlannedRequest(method="PATCH", path="/core-services/v1/campaigns/c1", kind="update")


def campaign(action: Action, key: str = "a.yaml", *requests: PlannedRequest) -> CampaignPlan:
    return CampaignPlan(
        key=key, provider="moengage", target="t", id="c1", action=action, requests=requests
    )


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_one_answer(action: Action) -> None:
    planned = campaign(action, "a.yaml", PATCH)
    assert planned.executes is (action not in ("noop", "blocked"))
    assert planned.to_send == ((PATCH,) if planned.executes else ())
    assert Plan(campaigns=(planned,)).has_changes is planned.executes


def test_an_orphan_without_calls_executes_and_sends_nothing() -> None:
    orphan = campaign("orphan")
    assert orphan.executes
    assert orphan.to_send == ()


class RecordingSession:
    identity = TargetIdentity(provider="moengage", base_url="http://127.0.0.1:9")

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(
        self, request: PlannedRequest, request_id: str, key: str, *_: Any, **__: Any
    ) -> SendResult:
        self.sent.append(key)
        return SendResult(status=204)

    async def find_created(
        self, request: PlannedRequest, exclude: Collection[str] = ()
    ) -> str | None:
        return None


def test_inert_campaigns_holding_requests_are_sent_counted_and_hashed_by_nobody(
    tmp_path: Path,
) -> None:
    # A hand-edited plan may put requests in a blocked or unchanged campaign: apply, the
    # progress total and the journal's digest must all ignore them alike.
    doing = campaign("update", "doing.yaml", PATCH)
    inert = tuple(campaign(a, f"{a}.yaml", PATCH) for a in sorted(INERT))
    plan = Plan(campaigns=(doing, *inert))
    assert planned_calls(plan) == 1
    assert plan_digest(plan) == plan_digest(Plan(campaigns=(doing,)))
    session = RecordingSession()
    state = TargetState(target="t", campaigns={"doing.yaml": StateEntry(id="c1")})
    backend = LocalBackend(tmp_path / ".syncer")
    _, outcomes, _ = asyncio.run(
        apply_target(plan, "t", session, backend, state, asyncio.Event())  # type: ignore[arg-type]
    )
    assert session.sent == ["doing.yaml"]
    assert [o.key for o in outcomes] == ["doing.yaml"]
