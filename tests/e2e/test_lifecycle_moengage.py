"""Issue 5's proof for MoEngage, end to end: the real CLI against the sandbox on 127.0.0.1,
with assertions on the exact requests it received and on what it stores."""

from __future__ import annotations

from typing import Any

from tests.support.project import Project

WELCOME = "66a1f0c2e4b0a1b2c3d4e501"
SPRING = "66a1f0c2e4b0a1b2c3d4e502"
TEASER = "66a1f0c2e4b0a1b2c3d4e505"
V1 = "/core-services/v1"
RUNNING = "2030-01-01T09:00:01Z"
"""Just after the monthly digest's start time: it is then ACTIVE."""


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def calls(sandbox: Any) -> list[tuple[str, str, str | None]]:
    """(method, path, status action) of every write the sandbox received."""
    return [(r["method"], r["path"], (r["body"] or {}).get("action")) for r in writes(sandbox)]


def stored(sandbox: Any) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}


def only(project: Project, *keep: str) -> None:
    for path in list(project.campaigns.rglob("*.yaml")):
        if path.relative_to(project.campaigns).as_posix() not in keep:
            path.unlink()


def edit(project: Project, key: str, old: str, new: str) -> None:
    text = project.read(key)
    assert old in text, text
    project.write(key, text.replace(old, new, 1))


# -- create ----------------------------------------------------------------------------------


def test_create_records_the_id_and_the_next_plan_is_noop(demo: Project, sandbox: Any) -> None:
    only(demo, "newsletters/monthly-digest.yaml")
    plan = demo.run("plan")
    assert plan.code == 0, plan.all
    assert "this plan starts sending campaign 'Monthly digest' (PERIODIC)" in plan.out
    assert "successful creations" not in plan.out  # one creation is far from the quota
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    [create] = writes(sandbox)
    assert (create["method"], create["path"], create["status"]) == ("POST", f"{V1}/campaigns", 201)
    assert create["body"]["created_by"] == "crm-bot@example.com"
    assert create["body"]["request_id"]
    entry = demo.state()["campaigns"]["newsletters/monthly-digest.yaml"]
    assert entry["origin"] == "created"
    assert stored(sandbox)[entry["id"]]["name"] == "Monthly digest"
    sandbox.clear_requests()
    again = demo.run("plan", "--detailed-exitcode")
    assert again.code == 0, again.all
    assert demo.run("apply", "--auto-approve").code == 0
    assert writes(sandbox) == []


def test_create_after_the_state_file_was_deleted_is_blocked_not_duplicated(
    demo: Project, sandbox: Any
) -> None:
    only(demo, "newsletters/monthly-digest.yaml")
    assert demo.run("apply", "--auto-approve").code == 0
    (demo.root / ".syncer" / "state" / "sandbox.json").unlink()
    sandbox.clear_requests()
    plan = demo.run("plan")
    assert plan.code == 3, plan.all
    assert "already exists" in plan.out
    assert "link them: `syncer import --target sandbox` pins its id into this file" in plan.out
    result = demo.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert writes(sandbox) == []
    named = [c for c in stored(sandbox).values() if c["name"] == "Monthly digest"]
    assert len(named) == 1


def test_the_creation_budget_refuses_beyond_the_per_plan_cap(
    project: Project, sandbox: Any
) -> None:
    project.configure(moengage="max_creates_per_run = 1")
    project.copy_examples()
    only(project, "newsletters/monthly-digest.yaml")
    digest = project.read("newsletters/monthly-digest.yaml")
    project.write("newsletters/weekly.yaml", digest.replace("Monthly digest", "Weekly digest"))
    plan = project.run("plan", "--format", "json")
    assert plan.code == 3, plan.all
    actions = {c["key"]: c["action"] for c in plan.json()["campaigns"]}
    assert actions == {
        "newsletters/monthly-digest.yaml": "create",
        "newsletters/weekly.yaml": "blocked",
    }
    blocked = next(c for c in plan.json()["campaigns"] if c["action"] == "blocked")
    assert "creation budget exhausted" in blocked["reasons"][0]
    assert "allows 1 per plan" in blocked["reasons"][0]
    sandbox.clear_requests()
    assert project.run("apply", "--auto-approve").code == 3
    assert [c[:2] for c in calls(sandbox)] == [("POST", f"{V1}/campaigns")]
    # The rest goes in the next plan.
    assert project.run("apply", "--auto-approve").code == 0
    assert [c[:2] for c in calls(sandbox)] == [("POST", f"{V1}/campaigns")] * 2


# -- state changes ---------------------------------------------------------------------------


def test_a_scheduled_creation_is_never_planned_with_an_undocumented_pause(
    demo: Project, sandbox: Any
) -> None:
    """A new periodic campaign is created SCHEDULED, and V1 documents PAUSE for a running
    campaign only: `state: PAUSED` blocks the creation instead of risking a campaign that is
    scheduled to send while its file says PAUSED."""
    only(demo, "newsletters/monthly-digest.yaml")
    edit(demo, "newsletters/monthly-digest.yaml", "\ncampaign:", "\nstate: PAUSED\ncampaign:")
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert writes(sandbox) == []
    assert "V1 documents PAUSE for a running campaign only" in result.out
    assert "remove `state:`" in result.out


EVENT_ASAP = """
provider: moengage
state: PAUSED
campaign:
  channel: EMAIL
  campaign_delivery_type: EVENT_TRIGGERED
  basic_details: {name: Signup nudge, content_type: TRANSACTIONAL,
                  user_attribute_identifier: MOE_EMAIL_ID}
  connector: {connector_type: SENDGRID, connector_name: default}
  campaign_content: {content: {email: {subject: Hi, sender_name: Acme,
    from_address: a@acme.example, reply_to_address: a@acme.example, html_content: "<p>Hi</p>"}}}
  segmentation_details: {is_all_user_campaign: true}
  trigger_condition:
    included_filters:
      filter_operator: and
      filters: [{filter_type: actions, action_name: Signed Up, executed: true}]
    trigger_delay_type: ASAP
  scheduling_details: {delivery_type: ASAP}
"""


def test_a_pause_refused_after_a_creation_fails_loudly(project: Project, sandbox: Any) -> None:
    """Live at its creation, the campaign may be paused (V1: "a running ... campaign"). If
    MoEngage refuses that PAUSE, the apply fails naming the campaign, its id, and that it sends
    now."""
    project.write("nudge.yaml", EVENT_ASAP)
    refuse = {"count": 1, "route": f"POST {V1}/campaigns/status", "status": 400}
    sandbox.set_faults({"fail": refuse})
    result = project.run("apply", "--auto-approve")
    assert result.code == 1, result.all
    assert calls(sandbox) == [
        ("POST", f"{V1}/campaigns", None),
        ("POST", f"{V1}/campaigns/status", "PAUSE"),
    ]
    new_id = project.state()["campaigns"]["nudge.yaml"]["id"]
    assert stored(sandbox)[new_id]["status"] == "ACTIVE"
    assert (
        f"campaign 'Signup nudge' WAS CREATED (id {new_id}) BUT IS NOT PAUSED: it is live since "
        "its creation and sends now (EVENT_TRIGGERED)"
    ) in " ".join(result.out.split())


def test_a_pause_lost_after_a_creation_says_what_if_it_did_not_land(
    project: Project, sandbox: Any
) -> None:
    project.write("nudge.yaml", EVENT_ASAP)
    sandbox.set_faults({"drop_connection": {"count": 1, "route": f"POST {V1}/campaigns/status"}})
    result = project.run("apply", "--auto-approve")
    assert result.code == 1, result.all
    new_id = project.state()["campaigns"]["nudge.yaml"]["id"]
    assert (
        f"IF THIS CALL DID NOT LAND: campaign 'Signup nudge' WAS CREATED (id {new_id}) BUT IS "
        "NOT PAUSED"
    ) in " ".join(result.out.split())


def test_pause_then_resume_in_a_safe_order_around_content_updates(
    demo: Project, sandbox: Any
) -> None:
    only(demo, "onboarding/welcome.yaml")
    edit(demo, "onboarding/welcome.yaml", "lifecycle:", "state: PAUSED\nlifecycle:")
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    # PAUSE first: if the update failed, the campaign would at least not send.
    assert calls(sandbox) == [
        ("POST", f"{V1}/campaigns/status", "PAUSE"),
        ("PATCH", f"{V1}/campaigns/{WELCOME}", None),
    ]
    assert stored(sandbox)[WELCOME]["status"] == "PAUSED"

    edit(demo, "onboarding/welcome.yaml", "state: PAUSED", "state: ACTIVE")
    edit(demo, "onboarding/welcome.yaml", "Welcome to Acme, ", "Hello from Acme, ")
    plan = demo.run("plan")
    assert "this plan starts sending campaign 'Welcome email' again (RESUME)" in plan.out
    sandbox.clear_requests()
    assert demo.run("apply", "--auto-approve").code == 0
    # RESUME last: the campaign restarts with its new content.
    assert calls(sandbox) == [
        ("PATCH", f"{V1}/campaigns/{WELCOME}", None),
        ("POST", f"{V1}/campaigns/status", "RESUME"),
    ]
    assert stored(sandbox)[WELCOME]["status"] == "ACTIVE"
    assert demo.run("plan", "--detailed-exitcode").code == 0


def test_stop_a_scheduled_one_time_campaign_after_its_update(
    project: Project, sandbox: Any
) -> None:
    project.write(
        "promotions/black-friday.yaml",
        f"""
        provider: moengage
        id: {TEASER}
        state: STOPPED   # called off
        campaign:
          basic_details:
            name: Black Friday teaser (cancelled)
        """,
    )
    plan = project.run("plan", "--format", "json")
    [campaign] = plan.json()["campaigns"]
    assert campaign["action"] == "update"
    assert any("STOPPED campaign can no longer be updated" in n for n in campaign["notes"])
    sandbox.clear_requests()
    assert project.run("apply", "--auto-approve").code == 0
    assert calls(sandbox) == [
        ("PATCH", f"{V1}/campaigns/{TEASER}", None),
        ("POST", f"{V1}/campaigns/status", "STOP"),
    ]
    assert stored(sandbox)[TEASER]["status"] == "STOPPED"
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_state_the_vendor_cannot_reach_is_refused_at_plan_time(
    project: Project, sandbox: Any
) -> None:
    project.write(
        "welcome.yaml",
        f"""
        provider: moengage
        id: {WELCOME}
        state: STOPPED
        campaign: {{channel: EMAIL}}
        """,
    )
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert "STOP exists only for one-time campaigns: use state: PAUSED" in result.out
    assert writes(sandbox) == []


# -- replace ---------------------------------------------------------------------------------


def test_replace_on_a_locked_active_change_retires_then_creates(
    demo: Project, sandbox: Any
) -> None:
    only(demo, "promotions/spring-sale.yaml")
    edit(
        demo,
        "promotions/spring-sale.yaml",
        "campaign:\n",
        "lifecycle:\n  on_locked: replace\ncampaign:\n",
    )
    plan = demo.run("plan")
    assert plan.code == 0, plan.all
    assert "replace promotions/spring-sale.yaml" in plan.out
    assert "users: a run due in the seconds between PAUSE and the creation is skipped" in plan.out
    assert "syncer pull promotions/spring-sale.yaml" in plan.out
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert calls(sandbox) == [
        ("POST", f"{V1}/campaigns/status", "PAUSE"),
        ("POST", f"{V1}/campaigns", None),
    ]
    pause, create = writes(sandbox)
    assert pause["body"]["campaign_ids"] == [SPRING]
    entry = demo.state()["campaigns"]["promotions/spring-sale.yaml"]
    new_id = entry["id"]
    assert new_id != SPRING
    assert [h["id"] for h in entry["history"]] == [SPRING]
    campaigns = stored(sandbox)
    assert campaigns[SPRING]["status"] == "PAUSED"
    filters = campaigns[new_id]["body"]["segmentation_details"]["included_filters"]["filters"]
    assert filters[0]["value"] == ["FR", "BE", "CH"]
    # Carried over from the old campaign: what the file does not declare.
    assert campaigns[new_id]["body"]["connector"] == campaigns[SPRING]["body"]["connector"]
    assert create["body"]["created_by"] == "crm-bot@example.com"

    # The file still pins the old id: the state store maps it to the replacement.
    again = demo.run("plan", "--detailed-exitcode", "--show-unchanged")
    assert again.code == 0, again.all
    assert f"which was replaced by {new_id}" in again.out

    # With the state store lost, the pin would lead to a second replacement: refused.
    state_file = demo.root / ".syncer" / "state" / "sandbox.json"
    saved_state = state_file.read_bytes()
    state_file.unlink()
    sandbox.clear_requests()
    lost = demo.run("apply", "--auto-approve")
    assert lost.code == 3, lost.all
    assert "pin `id:` to it instead of replacing again" in lost.out
    assert writes(sandbox) == []
    state_file.write_bytes(saved_state)

    # syncer pull moves the pin to the replacement; nothing else in the file changes.
    before = demo.read("promotions/spring-sale.yaml")
    assert demo.run("pull", "promotions/spring-sale.yaml").code == 0
    assert demo.read("promotions/spring-sale.yaml") == before.replace(SPRING, new_id)
    final = demo.run("plan", "--detailed-exitcode", "--show-unchanged")
    assert final.code == 0, final.all
    assert "replaced by" not in final.out


def test_replace_is_blocked_where_no_legal_retirement_exists(
    project: Project, moengage_http: Any, sandbox: Any
) -> None:
    # A one-time campaign that went live: V1 cannot stop it, so it cannot be retired.
    from tests.e2e.test_import_pull_import import create_remote

    live = create_remote(moengage_http, "Flash sale", scheduling_details={"delivery_type": "ASAP"})
    project.write(
        "flash.yaml",
        f"""
        provider: moengage
        id: {live}
        lifecycle: {{on_locked: replace}}
        campaign:
          segmentation_details: {{is_all_user_campaign: true}}
        """,
    )
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve")
    assert result.code == 3, result.all
    assert "cannot replace: a one-time campaign cannot be stopped once ACTIVE" in result.out
    assert writes(sandbox) == []


# -- orphans and unmanaged campaigns ---------------------------------------------------------


def test_an_orphan_is_forgotten_and_left_untouched(demo: Project, sandbox: Any) -> None:
    only(demo, "newsletters/monthly-digest.yaml")
    assert demo.run("apply", "--auto-approve").code == 0
    created = demo.state()["campaigns"]["newsletters/monthly-digest.yaml"]["id"]
    demo.remove("newsletters/monthly-digest.yaml")
    plan = demo.run("plan", "--format", "json")
    [orphan] = plan.json()["campaigns"]
    assert (orphan["action"], orphan["requests"]) == ("orphan", [])
    assert "--retire-orphans" in orphan["notes"][0]
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert writes(sandbox) == []
    assert demo.state()["campaigns"] == {}
    assert stored(sandbox)[created]["status"] == "SCHEDULED"


def test_retire_orphans_pauses_then_forgets(demo: Project, sandbox: Any) -> None:
    only(demo, "newsletters/monthly-digest.yaml")
    assert demo.run("apply", "--auto-approve").code == 0
    created = demo.state()["campaigns"]["newsletters/monthly-digest.yaml"]["id"]
    demo.remove("newsletters/monthly-digest.yaml")
    sandbox.set_clock(RUNNING)  # V1 pauses a running campaign only
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve", "--retire-orphans")
    assert result.code == 0, result.all
    assert calls(sandbox) == [("POST", f"{V1}/campaigns/status", "PAUSE")]
    assert writes(sandbox)[0]["body"]["campaign_ids"] == [created]
    assert stored(sandbox)[created]["status"] == "PAUSED"
    assert demo.state()["campaigns"] == {}


def test_a_scheduled_orphan_is_not_paused(demo: Project, sandbox: Any) -> None:
    """V1 documents PAUSE for a running campaign only ("Pause a running Periodic or
    Event-triggered campaign"): a scheduled orphan is reported, never sent a PAUSE."""
    only(demo, "newsletters/monthly-digest.yaml")
    assert demo.run("apply", "--auto-approve").code == 0
    demo.remove("newsletters/monthly-digest.yaml")
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve", "--retire-orphans")
    assert result.code == 0, result.all
    assert writes(sandbox) == []
    assert "not retired: the campaign is SCHEDULED, PERIODIC" in result.out


def test_retire_orphans_in_a_saved_plan(demo: Project, sandbox: Any) -> None:
    only(demo, "newsletters/monthly-digest.yaml")
    assert demo.run("apply", "--auto-approve").code == 0
    demo.remove("newsletters/monthly-digest.yaml")
    sandbox.set_clock(RUNNING)
    planfile = str(demo.root / "plan.json")
    assert demo.run("plan", "--retire-orphans", "--out", planfile).code == 0
    refused = demo.run("apply", planfile, "--retire-orphans")
    assert refused.code == 1
    sandbox.clear_requests()
    assert demo.run("apply", planfile).code == 0, demo.run("plan").all
    assert calls(sandbox) == [("POST", f"{V1}/campaigns/status", "PAUSE")]


def test_unmanaged_campaigns_are_listed_on_request_and_never_touched(
    demo: Project, sandbox: Any
) -> None:
    only(demo, "onboarding/welcome.yaml", "transactional/password-reset.yaml")
    sandbox.clear_requests()
    plan = demo.run("plan", "--show-unmanaged")
    assert plan.code == 0, plan.all
    assert "5 remote campaign(s) nothing manages, left untouched" in plan.out
    for name in ("Legacy newsletter", "Black Friday teaser", "Spring sale"):
        assert f"'{name}'" in plan.out
    assert "'Welcome email'" not in plan.out.split("nothing manages")[1]
    assert demo.run("apply", "--auto-approve").code == 0
    assert [c[:2] for c in calls(sandbox)] == [("PATCH", f"{V1}/campaigns/{WELCOME}")]


def test_a_moved_file_without_its_id_is_blocked_not_duplicated(demo: Project, sandbox: Any) -> None:
    only(demo, "newsletters/monthly-digest.yaml")
    assert demo.run("apply", "--auto-approve").code == 0
    created = demo.state()["campaigns"]["newsletters/monthly-digest.yaml"]["id"]
    text = demo.read("newsletters/monthly-digest.yaml")
    demo.remove("newsletters/monthly-digest.yaml")
    demo.write("digests/monthly.yaml", text)
    sandbox.clear_requests()
    result = demo.run("apply", "--auto-approve", "--retire-orphans")
    assert result.code == 3, result.all
    assert f"add `id: {created}`" in result.out
    assert "carries the same name (moved or renamed?)" in result.out
    assert writes(sandbox) == []  # neither a duplicate nor a retirement
    # Pinning the id (as the plan says) moves the campaign; the old entry is only forgotten.
    demo.write("digests/monthly.yaml", text.replace("\ncampaign:", f"\nid: {created}\ncampaign:"))
    result = demo.run("apply", "--auto-approve", "--retire-orphans")
    assert result.code == 0, result.all
    assert writes(sandbox) == []
    assert demo.state()["campaigns"] == {}  # the file's id: manages it now
    assert stored(sandbox)[created]["status"] == "SCHEDULED"
    assert demo.run("plan", "--detailed-exitcode").code == 0
