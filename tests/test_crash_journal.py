"""Issue 7, journal and resume, unit level: apply announces a call in the journal only when it
leaves (the rate limiter let it go), and a stop request cancels the calls still waiting, which
are reported "not attempted" and never announced."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from syncer.apply.execute import apply_target
from syncer.model.plan import CampaignPlan, Plan, PlannedRequest, TargetIdentity
from syncer.model.state import TargetState
from syncer.model.vendor import SendResult
from syncer.remote.client import NotSent
from syncer.state.journal import replay
from syncer.state.local import LocalBackend


class GatedSession:
    """Holds every call at the 'rate limiter' until released, like HttpClient does."""

    identity = TargetIdentity(provider="moengage", base_url="http://127.0.0.1:9")

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.waiting = 0
        self.sent: list[str] = []

    async def send(
        self,
        request: PlannedRequest,
        request_id: str,
        key: str,
        exclude: Collection[str] = (),
        proceed: Callable[[], bool] | None = None,
    ) -> SendResult:
        self.waiting += 1
        await self.release.wait()
        if proceed is not None and not proceed():
            raise NotSent
        self.sent.append(key)
        return SendResult(status=204)

    async def find_created(self, request: PlannedRequest, exclude: Any = ()) -> str | None:
        return None


def plan_of(count: int) -> Plan:
    campaigns = tuple(
        CampaignPlan(
            key=f"c{i}.yaml",
            provider="moengage",
            target="t",
            id=f"id{i}",
            action="update",
            requests=(
                PlannedRequest(
                    method="PATCH", path=f"/core-services/v1/campaigns/id{i}", kind="update"
                ),
            ),
        )
        for i in range(count)
    )
    return Plan(campaigns=campaigns)


def run(tmp_path: Path, stop_first: bool) -> tuple[list[Any], list[dict[str, Any]], list[str]]:
    backend = LocalBackend(tmp_path / ".syncer")
    session = GatedSession()
    plan = plan_of(5)

    async def main() -> list[Any]:
        stop = asyncio.Event()
        task = asyncio.create_task(
            apply_target(plan, "t", session, backend, TargetState(target="t"), stop)  # type: ignore[arg-type]
        )
        while session.waiting < 5:
            await asyncio.sleep(0)
        # Every call is waiting for its turn: nothing is announced yet.
        assert [r for r in backend.journal_read("t") if r["t"] == "call"] == []
        if stop_first:
            stop.set()
        session.release.set()
        _, outcomes, _ = await task
        return outcomes

    outcomes = asyncio.run(main())
    return outcomes, backend.journal_read("t"), session.sent


def test_a_call_is_announced_when_it_leaves(tmp_path: Path) -> None:
    outcomes, journal, sent = run(tmp_path, stop_first=False)
    assert [o.outcome for o in outcomes] == ["applied"] * 5
    assert sorted(sent) == [f"c{i}.yaml" for i in range(5)]
    assert journal == [], "a run with every outcome known closes its journal"


def test_a_stop_cancels_the_calls_still_waiting(tmp_path: Path) -> None:
    outcomes, journal, sent = run(tmp_path, stop_first=True)
    assert sent == []
    assert {(o.outcome, o.message, o.attempts) for o in outcomes} == {
        ("not_attempted", "interrupted", 0)
    }
    assert [r for r in journal if r["t"] == "call"] == []


def test_a_damaged_journal_is_replayed_as_far_as_it_can_be_read() -> None:
    call = {
        "t": "call",
        "run": "r1",
        "key": "c0.yaml",
        "index": 0,
        "request_id": "x",
        "request": {"method": "PATCH", "path": "/core-services/v1/campaigns/id0", "kind": "update"},
    }
    records: list[Any] = [
        {"t": "begin", "run": "r1", "plan": "p"},
        call,
        {"t": "call", "run": "r1"},  # no key
        {"t": "result", "run": "r1", "key": "c1.yaml", "index": "one"},
        {"t": "campaign", "run": "r1", "key": "c2.yaml", "entry": {"id": 5, "origin": "?"}},
        ["not", "a", "record"],
        42,
        {"t": "call", "run": "r1", "key": "c3.yaml", "index": 0, "request": {"method": 1}},
    ]
    result = replay(records, TargetState(target="t"))
    assert result.runs == 1
    assert [(u.key, u.index) for u in result.unsettled] == [("c0.yaml", 0)]
    assert result.state.campaigns == {}
