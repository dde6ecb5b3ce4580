"""Saved plans, pure parts: sealing and reading, age, definitions drift, staleness verdicts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from syncer.errors import InputError, StalePlanError, UsageError
from syncer.model.campaign import CampaignDefinition
from syncer.model.plan import CampaignPlan, FieldChange, Plan, PlannedRequest, TargetIdentity
from syncer.model.state import TargetState
from syncer.model.vendor import RemoteCampaign
from syncer.plan.staleness import STATUS, check, digest_of, relied
from syncer.workflows.saved import (
    changed_definitions,
    check_age,
    parse_age,
    read_plan,
    seal,
    unchanged_definitions,
    write_plan,
)

REMOTE = RemoteCampaign(
    id="c1",
    name="Welcome",
    state="ACTIVE",
    body={
        "campaign_content": {"content": {"email": {"subject": "Hi", "preview_text": "Read"}}},
        "utm_params": {"utm_source": "x"},
    },
)
PATCH = PlannedRequest(
    method="PATCH",
    path="/core-services/v1/campaigns/c1",
    kind="update",
    body={
        "updated_by": "a@example.com",
        "campaign_content": {"content": {"email": {"subject": "Hello", "preview_text": "Read"}}},
    },
)
PAUSE = PlannedRequest(method="POST", path="/campaigns/status", kind="status", body={})


def planned(*requests: PlannedRequest) -> CampaignPlan:
    return CampaignPlan(
        key="welcome.yaml",
        provider="moengage",
        target="prod",
        id="c1",
        name="Welcome",
        action="update",
        changes=(
            FieldChange(path="campaign_content.content.email.subject", before="Hi", after="Hello"),
        ),
        requests=requests,
        desired_digest="sha256:d1",
        **digest_of(relied(REMOTE, [STATUS, "campaign_content"])),
    )


def with_body(body: dict[str, object]) -> RemoteCampaign:
    return RemoteCampaign(id=REMOTE.id, name=REMOTE.name, state=REMOTE.state, body=body)


def edited(**email: str) -> RemoteCampaign:
    body = json.loads(json.dumps(REMOTE.body))
    body["campaign_content"]["content"]["email"].update(email)
    return with_body(body)


def a_plan(*campaigns: CampaignPlan) -> Plan:
    identity = TargetIdentity(provider="moengage", base_url="https://x.example", workspace="W")
    return Plan(
        campaigns=campaigns, targets={"prod": identity}, created_at="2030-01-01T00:00:00+00:00"
    )


# --- files ---------------------------------------------------------------------------------


def test_a_written_plan_reads_back_identical(tmp_path: Path) -> None:
    plan = a_plan(planned(PATCH))
    write_plan(tmp_path / "p.json", plan)
    assert read_plan(tmp_path / "p.json") == seal(plan)
    assert oct((tmp_path / "p.json").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["campaigns"][0]["requests"][0]["body"].update(updated_by="x"), "modified"),
        (lambda d: d.update(created_at="2031-01-01T00:00:00+00:00"), "modified"),
        (lambda d: d.pop("checksum"), "no checksum"),
        (lambda d: d.update(format_version=2), "format_version 1"),
    ],
)
def test_an_edited_file_is_refused(tmp_path: Path, edit: object, message: str) -> None:
    write_plan(tmp_path / "p.json", a_plan(planned(PATCH)))
    data = json.loads((tmp_path / "p.json").read_text())
    edit(data)  # type: ignore[operator]
    (tmp_path / "p.json").write_text(json.dumps(data))
    with pytest.raises(InputError, match=message):
        read_plan(tmp_path / "p.json")


def test_expected_checksum(tmp_path: Path) -> None:
    write_plan(tmp_path / "p.json", a_plan(planned(PATCH)))
    sealed = read_plan(tmp_path / "p.json")
    assert read_plan(tmp_path / "p.json", sealed.checksum) == sealed
    with pytest.raises(InputError, match="not the reviewed"):
        read_plan(tmp_path / "p.json", "sha256:" + "0" * 64)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86400)]
)
def test_parse_age(text: str, seconds: int) -> None:
    assert parse_age(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "5", "m", "1w", "-1h", "1.5h"])
def test_bad_ages_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_age(text)


def test_check_age() -> None:
    plan = a_plan()
    now = dt.datetime(2030, 1, 1, 3, tzinfo=dt.UTC)
    check_age(plan, dt.timedelta(hours=4), now)
    check_age(plan, None, now)
    with pytest.raises(StalePlanError, match=r"3h ago: more than --max-plan-age \(2h\)"):
        check_age(plan, dt.timedelta(hours=2), now)
    with pytest.raises(StalePlanError, match="no valid creation time"):
        check_age(plan.model_copy(update={"created_at": ""}), dt.timedelta(hours=2), now)


def definition(key: str, digest: str) -> CampaignDefinition:
    return CampaignDefinition(
        key=key, file=key, provider="moengage", target="prod", campaign={}, digest=digest
    )


def test_definitions_changed_since_the_plan_are_named_not_verified() -> None:
    plan = a_plan(planned(PATCH), planned(PATCH).model_copy(update={"key": "gone.yaml"}))
    now = [definition("welcome.yaml", "sha256:other"), definition("new.yaml", "sha256:n")]
    assert changed_definitions(plan, now) == ["welcome.yaml (edited)", "gone.yaml (removed)"]
    assert unchanged_definitions(plan, now) == []
    same = [definition("welcome.yaml", "sha256:d1")]
    assert unchanged_definitions(plan, same) == same


# --- staleness verdicts ------------------------------------------------------------------


def test_unchanged_remote_is_not_stale() -> None:
    assert check(planned(PATCH), REMOTE).reasons == []


def test_an_edit_the_patch_would_overwrite_is_named_with_its_value() -> None:
    verdict = check(planned(PATCH), edited(preview_text="New"))
    assert verdict.reasons == [
        "campaign_content changed remotely: campaign_content.content.email.preview_text is now "
        '"New": the saved plan would overwrite it'
    ]


def test_an_edit_of_the_planned_field_names_both_values() -> None:
    (reason,) = check(planned(PATCH), edited(subject="Yo")).reasons
    assert 'subject is now "Yo" (it was "Hi" when planned; the plan sets "Hello")' in reason


def test_added_field_status_change_and_missing_campaign() -> None:
    (added,) = check(planned(PATCH), edited(reply_to="r@x")).reasons
    assert "campaign_content.content.email.reply_to was added remotely" in added
    paused = REMOTE.model_copy(update={"state": "PAUSED"})
    assert check(planned(PATCH), paused).reasons == ["its status changed remotely (now PAUSED)"]
    assert check(planned(PATCH), None).reasons == [
        "campaign c1 is no longer found in target 'prod'"
    ]


def test_an_object_the_plan_does_not_send_may_change() -> None:
    other = with_body({**REMOTE.body, "utm_params": {"utm_source": "y"}})
    assert check(planned(PATCH), other).reasons == []


def test_what_an_earlier_run_of_the_plan_did_is_not_stale() -> None:
    mine = edited(subject="Hello")  # our PATCH landed
    assert check(planned(PATCH, PAUSE), mine, done={0}).reasons == []
    assert check(planned(PATCH, PAUSE), mine, done={0, 1}).reasons == []
    # ...but the status it did not change is still checked.
    paused = mine.model_copy(update={"state": "PAUSED"})
    assert check(planned(PATCH, PAUSE), paused, done={0}).reasons != []


def test_a_lost_answer_is_recognised_as_landed_or_not() -> None:
    body = PATCH.body or {}
    landed = with_body({**REMOTE.body, "campaign_content": body["campaign_content"]})
    assert check(planned(PATCH), landed, unknown={0}).landed == {0}
    assert check(planned(PATCH), REMOTE, unknown={0}).landed == set()  # did not land: resend
    (reason,) = check(planned(PATCH), edited(subject="Other"), unknown={0}).reasons
    assert "lost the answer" in reason and "cannot tell whose change it is" in reason


def test_progress_is_kept_for_the_last_20_plans() -> None:
    state = TargetState(target="prod")
    for index in range(25):
        state = state.with_progress(f"plan-{index}", applied=[("a.yaml", 0)])
    assert len(state.plans) == 20 and "plan-24" in state.plans and "plan-0" not in state.plans
    state = state.with_progress("plan-24", unknown=[("a.yaml", 1)])
    state = state.with_progress("plan-24", applied=[("a.yaml", 1)])
    assert state.plans["plan-24"].applied == (("a.yaml", 0), ("a.yaml", 1))
    assert state.plans["plan-24"].unknown == ()
