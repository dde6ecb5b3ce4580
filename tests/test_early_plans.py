"""Plans made while reading: used only where they answer the very same question, and a plan
built with them is the plan built without them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from syncer.model.plan import CampaignPlan
from syncer.model.state import StateEntry, TargetState
from syncer.model.vendor import PlanItem, RemoteCampaign, remote_body
from syncer.plan.builder import TargetContext, build_plan
from syncer.plan.early import EarlyPlans
from syncer.providers import registry
from tests.support.builders import ACTOR, SETTINGS, definition, email, remote, target_context

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
MOENGAGE = registry.get("moengage")


class CountingProvider:
    """The MoEngage provider, counting the campaigns it is asked to plan."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(MOENGAGE, name)

    def plan_campaign(self, item: PlanItem) -> CampaignPlan:
        self.asked.append(item.definition.key)
        return MOENGAGE.plan_campaign(item)


def context(
    provider: Any, state: TargetState, remotes: list[RemoteCampaign], early: EarlyPlans | None
) -> TargetContext:
    return target_context(state, remotes, provider=provider, early=early)


def scenario() -> tuple[list[Any], TargetState, list[RemoteCampaign]]:
    base = email()
    changed = email(basic_details={**base["basic_details"], "name": "Renamed"})
    files = [
        definition(base, key="same.yaml"),
        definition(changed, key="changed.yaml"),
        definition(base, key="pinned.yaml", id="c3"),
        definition(email(basic_details={**base["basic_details"], "name": "New"}), key="new.yaml"),
    ]
    state = TargetState(
        target="sandbox",
        campaigns={
            "same.yaml": StateEntry(id="c1"),
            "changed.yaml": StateEntry(id="c2"),
        },
    )
    remotes = [remote(base, id="c1"), remote(base, id="c2"), remote(base, id="c3")]
    return files, state, remotes


def test_early_plans_are_used_and_the_plan_is_the_same_as_without_them() -> None:
    files, state, remotes = scenario()
    without = build_plan(files, {"sandbox": context(MOENGAGE, state, remotes, None)}, now=NOW)

    counting = CountingProvider()
    early = EarlyPlans.for_target(files, state, counting, ACTOR, SETTINGS)
    for r in remotes:
        early.see(r)
    assert sorted(counting.asked) == ["changed.yaml", "pinned.yaml", "same.yaml"]
    counting.asked.clear()
    ctx = context(counting, state, remotes, early)
    with_early = build_plan(files, {"sandbox": ctx}, now=NOW)

    # Only the file with no remote campaign (a creation) was planned at the end.
    assert counting.asked == ["new.yaml"]
    assert with_early.model_dump() == without.model_dump()
    assert {c.key: c.action for c in with_early.campaigns}["changed.yaml"] == "update"


def test_an_early_plan_for_another_remote_object_is_not_used() -> None:
    files, state, remotes = scenario()
    counting = CountingProvider()
    early = EarlyPlans.for_target(files, state, counting, ACTOR, SETTINGS)
    for r in remotes:
        early.see(r)
    # The campaign was read again (after a write, say): the snapshot holds a newer object.
    newer = [*remotes[:1], remote(email(), id="c2", status="Paused"), remotes[2]]
    counting.asked.clear()
    plan = build_plan(files, {"sandbox": context(counting, state, newer, early)}, now=NOW)
    assert sorted(counting.asked) == ["changed.yaml", "new.yaml"]
    assert {c.key: c.remote_state for c in plan.campaigns}["changed.yaml"] == "PAUSED"


def test_a_same_named_campaign_makes_the_builder_plan_again() -> None:
    files, state, remotes = scenario()
    counting = CountingProvider()
    early = EarlyPlans.for_target(files, state, counting, ACTOR, SETTINGS)
    for r in remotes:
        early.see(r)
    # An unmanaged campaign named like `same.yaml` (a dashboard copy): the builder's question
    # differs from the one asked while reading, so it asks again.
    twin = remote(email(), id="c9")
    counting.asked.clear()
    build_plan(files, {"sandbox": context(counting, state, [*remotes, twin], early)}, now=NOW)
    assert "same.yaml" in counting.asked and "changed.yaml" not in counting.asked


def test_ids_two_files_claim_are_left_to_the_builder() -> None:
    base = email()
    files = [definition(base, key="a.yaml", id="c1"), definition(base, key="b.yaml", id="c1")]
    early = EarlyPlans.for_target(files, TargetState(target="sandbox"), MOENGAGE, ACTOR, SETTINGS)
    early.see(remote(base, id="c1"))
    assert early.plans == {}


def test_an_item_that_differs_in_any_way_gets_no_early_answer() -> None:
    files, state, remotes = scenario()
    early = EarlyPlans.for_target(files, state, MOENGAGE, ACTOR, SETTINGS)
    early.see(remotes[0])
    item, _ = early.plans["same.yaml"]
    assert early.answer(item) is not None
    for change in (
        {"entry": StateEntry(id="c1")},
        {"actor": dataclasses.replace(ACTOR, updated_by="someone-else@example.com")},
        {"id_source": "file"},
        {"settings": SETTINGS.model_copy()},
    ):
        assert early.answer(dataclasses.replace(item, **change)) is None


def test_a_body_handed_over_on_arrival_is_planned_from_and_not_kept() -> None:
    files, state, remotes = scenario()
    seen: list[dict[str, Any]] = []

    class Recording(CountingProvider):
        def plan_campaign(self, item: PlanItem) -> CampaignPlan:
            seen.append(remote_body(item))
            return super().plan_campaign(item)

    early = EarlyPlans.for_target(files, state, Recording(), ACTOR, SETTINGS)
    handed = remotes[0].body
    early.see(remotes[0], handed)
    assert seen == [handed] and seen[0] is handed
    item, planned = early.plans["same.yaml"]
    assert item.remote_body is None  # parsed bodies are not kept
    assert planned == MOENGAGE.plan_campaign(item)
