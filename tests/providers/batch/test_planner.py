"""PLAN one Batch campaign (pure): one complete update when something differs, never more;
"remote content unknown" without a record; drift; state changes; the rules; creations."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from syncer.model.state import StateEntry
from syncer.plan.staleness import STATUS
from syncer.providers.batch.compare import CONTENT, LAST_APPLIED
from syncer.providers.batch.settings import BatchTarget
from tests.providers.batch.helpers import (
    ID,
    NOW,
    STRICT,
    applied,
    definition,
    edited,
    email,
    managed,
    plan,
    push,
    remote,
    with_message,
)

UPDATE = "/2.11/campaigns/update"


def sent(campaign_plan: Any) -> dict[str, Any]:
    (request,) = campaign_plan.requests
    assert request.method == "POST"
    body: dict[str, Any] = request.body
    return body


def test_unchanged_since_last_apply_is_noop() -> None:
    entry = managed(email())
    result = plan(definition(email(), id=ID, state="DRAFT"), remote(email()), entry=entry)
    assert result.action == "noop"
    assert result.requests == ()


def test_one_changed_field_is_one_update_with_the_complete_campaign() -> None:
    entry = managed(email())
    changed = with_message(email(), subject="We really miss you")
    result = plan(definition(changed, id=ID, state="DRAFT"), remote(email()), entry=entry)
    assert result.action == "update"
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("messages[0].subject (not readable)", LAST_APPLIED, "We really miss you")
    ]
    (request,) = result.requests
    assert (request.method, request.path, request.kind) == ("POST", UPDATE, "update")
    assert request.body == {
        "id": ID,
        "campaign": {"name": "Win-back", "state": "DRAFT"}
        | {k: v for k, v in changed.items() if k != "name"},
    }
    assert list(request.body["campaign"]) == [
        "name", "state", "when", "targeting", "labels", "messages"
    ]  # fmt: skip


def test_the_next_plan_after_an_update_is_noop() -> None:
    entry = managed(email())
    changed = with_message(email(), html="<p>New</p>")
    d = definition(changed, id=ID, state="DRAFT")
    first = plan(d, remote(email()), entry=entry)
    again = plan(d, remote(changed), entry=applied(first, entry))
    assert again.action == "noop"


@pytest.mark.parametrize(
    "entry", [None, StateEntry(id=ID, origin="adopted")], ids=["none", "no digest"]
)
def test_no_record_is_one_full_update_labelled_remote_content_unknown(
    entry: StateEntry | None,
) -> None:
    result = plan(definition(email(), id=ID, state="DRAFT"), remote(email()), entry=entry)
    assert result.action == "update"
    assert any(n.startswith("remote content unknown") for n in result.notes)
    assert [c.path for c in result.changes] == [CONTENT]
    assert sent(result)["campaign"]["messages"] == email()["messages"]
    assert "remote content unknown" in result.requests[0].summary


def test_a_record_of_another_campaign_is_no_record() -> None:
    entry = managed(email(), id="orchestration_other")
    result = plan(definition(email(), id=ID, state="DRAFT"), remote(email()), entry=entry)
    assert any(n.startswith("remote content unknown") for n in result.notes)


def test_content_changed_without_field_digests_is_one_content_change() -> None:
    entry = managed(email()).model_copy(update={"observed": None})
    changed = with_message(email(), html="<p>New</p>")
    result = plan(definition(changed, id=ID, state="DRAFT"), remote(email()), entry=entry)
    (change,) = result.changes
    assert change.path == CONTENT
    assert str(change.before).startswith("remote content not readable: ")
    assert change.after["messages[0].html"] == "<p>New</p>"


DRIFT = [
    ("name", {"name": "Renamed in the dashboard"}, "name"),
    ("labels", {"labels": ["promo", "reactivation"]}, "labels"),  # one more: a real change
    ("start_time", {"start_time": "2031-01-01T00:00:00Z"}, "when.start_time"),
]


@pytest.mark.parametrize(("field", "listing", "path"), DRIFT, ids=[d[0] for d in DRIFT])
def test_drift_in_a_listed_field_is_shown_and_written_back(
    field: str, listing: dict[str, Any], path: str
) -> None:
    entry = managed(email())
    r = edited(remote(email()), **listing)
    result = plan(definition(email(), id=ID, state="DRAFT"), r, entry=entry)
    assert result.action == "update"
    assert [c.path for c in result.changes] == [path]
    assert any(f"(drift): {path}" in n for n in result.notes)
    assert sent(result)["campaign"]["name"] == "Win-back"


@pytest.mark.parametrize("shown", [["Reactivation"], ["promo"]])
def test_labels_as_last_written_are_never_written_again(shown: list[str]) -> None:
    """Labels go out as codes, and Batch does not say whether it reads back codes or names:
    once the file's labels are what campaign-syncer last wrote, as many labels shown otherwise
    are noted, never planned (else every plan would write them again)."""
    entry = managed(email())
    result = plan(definition(email(), id=ID, state="DRAFT"), edited(remote(email()), labels=shown),
                  entry=entry)  # fmt: skip
    assert result.action == "noop"
    assert any(n.startswith("Batch shows labels [") for n in result.notes)
    assert any("where campaign-syncer last wrote [reactivation]" in n for n in result.notes)


def test_labels_changed_in_the_file_are_written() -> None:
    entry = managed(email())
    d = definition(email(labels=["reactivation", "vip"]), id=ID, state="DRAFT")
    result = plan(d, edited(remote(email()), labels=["Reactivation"]), entry=entry)
    assert result.action == "update"
    assert [c.path for c in result.changes] == ["labels"]
    assert sent(result)["campaign"]["labels"] == ["reactivation", "vip"]


def test_status_drift_plans_the_state_change_back() -> None:
    entry = managed(email(), state="RUNNING")
    r = remote(email(), status="stopped")
    result = plan(definition(email(), id=ID, state="RUNNING"), r, entry=entry)
    assert result.action == "state_change"
    assert any("(drift): state" in n for n in result.notes)
    assert result.starts_sending is not None
    assert "starts sending campaign 'Win-back'" in result.starts_sending


def test_a_file_change_is_not_drift() -> None:
    entry = managed(email())
    result = plan(definition(email(name="New name"), id=ID, state="DRAFT"), remote(email()),
                  entry=entry)  # fmt: skip
    assert [c.path for c in result.changes] == ["name"]
    assert not any("drift" in n for n in result.notes)


NOISE = [
    ("status case", {"status": "DRAFT"}),
    ("labels order and duplicates", {"labels": ["reactivation", "reactivation"]}),
    ("start time offset form", {"start_time": "2030-03-01T10:00:00+00:00"}),
    ("start time with fraction", {"start_time": "2030-03-01T10:00:00.000Z"}),
]


@pytest.mark.parametrize(("case", "listing"), NOISE, ids=[n[0] for n in NOISE])
def test_harmless_variations_are_quiet(case: str, listing: dict[str, Any]) -> None:
    entry = managed(email())
    r = edited(remote(email()), **listing)
    result = plan(definition(email(), id=ID, state="DRAFT"), r, entry=entry)
    assert result.action == "noop", result


@pytest.mark.parametrize(
    ("shown", "action"),
    [(None, "noop"), ("2025-12-31T09:00:00Z", "noop"), ("2026-01-01T12:04:00Z", "noop"),
     ("2026-03-01T00:00:00Z", "update")],
    ids=["draft, not started", "started in the past", "within clock skew", "in the future"],
)  # fmt: skip
def test_start_time_now_is_satisfied_by_any_past_start(shown: str | None, action: str) -> None:
    now_campaign = email(when={"start_time": "now", "local_time": True})
    entry = managed(now_campaign, state=None)
    r = remote(now_campaign, status="stopped", start_time=shown)
    assert plan(definition(now_campaign, id=ID), r, entry=entry, now=NOW).action == action


@pytest.mark.parametrize("status", ["draft", "stopped"])
def test_a_file_without_state_keeps_the_remote_state(status: str) -> None:
    entry = managed(email(), state=None)
    changed = with_message(email(), subject="Hello")
    result = plan(definition(changed, id=ID), remote(email(), status=status), entry=entry)
    assert result.action == "update"
    assert sent(result)["campaign"]["state"] == status.upper()
    assert result.starts_sending is None
    assert not any(c.path == "state" for c in result.changes)


def test_draft_to_running_is_a_state_change_that_starts_sending() -> None:
    entry = managed(email())
    result = plan(definition(email(), id=ID, state="RUNNING"), remote(email()), entry=entry)
    assert result.action == "state_change"
    (request,) = result.requests
    assert request.kind == "status"
    assert request.body is not None
    assert request.body["campaign"]["state"] == "RUNNING"
    assert [(c.path, c.before, c.after) for c in result.changes] == [("state", "DRAFT", "RUNNING")]
    assert result.starts_sending == (
        "this plan starts sending campaign 'Win-back' (start: DRAFT -> RUNNING) from "
        "2030-03-01T10:00:00Z (each user's local time)"
    )
    assert result.observed is not None and result.observed["status"] == "RUNNING"


def test_content_change_and_start_are_one_call() -> None:
    entry = managed(email())
    changed = with_message(email(), subject="Hello")
    result = plan(definition(changed, id=ID, state="RUNNING"), remote(email()), entry=entry)
    assert result.action == "update"
    assert len(result.requests) == 1
    assert sent(result)["campaign"]["state"] == "RUNNING"
    assert result.starts_sending is not None


def test_resume_starts_sending() -> None:
    entry = managed(email(), state="STOPPED")
    result = plan(definition(email(), id=ID, state="RUNNING"), remote(email(), status="stopped"),
                  entry=entry)  # fmt: skip
    assert result.action == "state_change"
    assert (
        result.starts_sending is not None and "resume: STOPPED -> RUNNING" in result.starts_sending
    )


def test_stopping_a_running_one_shot_is_refused_with_the_documented_ways_out() -> None:
    """Batch: "It is not possible to update a completed or running campaign if not recurrent";
    no page documents RUNNING -> STOPPED (a state-only update is an update)."""
    entry = managed(email(), state="RUNNING")
    result = plan(definition(email(), id=ID, state="STOPPED"), remote(email(), status="running"),
                  entry=entry)  # fmt: skip
    assert result.action == "blocked"
    assert result.requests == ()
    (reason,) = result.reasons
    assert reason.startswith("state: STOPPED cannot be reached from RUNNING")
    assert "if not recurrent" in reason
    assert "stop it in Batch's dashboard" in reason and "campaigns/delete" in reason


def test_running_one_shot_content_change_is_blocked_with_reason_and_way_out() -> None:
    entry = managed(email(), state="RUNNING")
    changed = with_message(email(), subject="Hello")
    result = plan(definition(changed, id=ID, state="RUNNING"), remote(email(), status="running"),
                  entry=entry)  # fmt: skip
    assert result.action == "blocked"
    assert result.requests == ()
    (reason,) = result.reasons
    assert "RUNNING Batch campaigns cannot change any field" in reason
    assert "if not recurrent" in reason
    assert "stop it in Batch's dashboard" in reason
    assert "apply `state: STOPPED`" not in reason  # never a way out that needs a stop by API
    assert result.changes[0].blocked == reason


def test_running_one_shot_without_record_is_blocked() -> None:
    result = plan(definition(email(), id=ID, state="RUNNING"), remote(email(), status="running"))
    assert result.action == "blocked"
    assert [c.path for c in result.changes] == [CONTENT]


def test_completed_campaign_with_a_difference_is_blocked_read_only() -> None:
    entry = managed(email(), state="RUNNING")
    changed = with_message(email(), subject="Hello")
    result = plan(definition(changed, id=ID, state="RUNNING"), remote(email(), status="completed"),
                  entry=entry)  # fmt: skip
    assert result.action == "blocked"
    assert "completed campaigns cannot be updated" in result.reasons[0]


@pytest.mark.parametrize("state", ["RUNNING", "STOPPED", None])
def test_completed_campaign_satisfies_running_and_stopped(state: str | None) -> None:
    entry = managed(email(), state="RUNNING")
    result = plan(definition(email(), id=ID, state=state), remote(email(), status="completed"),
                  entry=entry)  # fmt: skip
    assert result.action == "noop"


def test_completed_campaign_cannot_go_back_to_draft() -> None:
    entry = managed(email(), state="RUNNING")
    result = plan(definition(email(), id=ID, state="DRAFT"), remote(email(), status="completed"),
                  entry=entry)  # fmt: skip
    assert result.action == "blocked"


def test_dashboard_campaign_is_read_only() -> None:
    entry = managed(email())
    result = plan(definition(email(name="Mine"), id=ID, state="DRAFT"),
                  remote(email(), source="dashboard"), entry=entry)  # fmt: skip
    assert result.action == "blocked"
    (reason,) = result.reasons
    assert reason.startswith("read-only campaign: Batch lists it with source: dashboard")
    assert [c.path for c in result.changes] == ["name"]


def test_recurring_campaign_is_read_only_for_the_tool() -> None:
    entry = managed(email(), state="RUNNING")
    result = plan(definition(email(name="Mine"), id=ID, state="RUNNING"),
                  remote(email(), status="running", type="recurring"), entry=entry)  # fmt: skip
    assert result.action == "blocked"
    assert "recurring orchestrations are read-only for campaign-syncer" in result.reasons[0]


def test_read_only_campaign_without_known_difference_is_noop() -> None:
    result = plan(definition(email(), id=ID, state="RUNNING"),
                  remote(email(), status="running", source="dashboard"))  # fmt: skip
    assert result.action == "noop"


def test_refused_state_change_names_the_rule() -> None:
    entry = managed(email(), state="RUNNING")
    result = plan(definition(email(), id=ID, state="DRAFT"), remote(email(), status="running"),
                  entry=entry)  # fmt: skip
    assert result.action == "blocked"
    assert result.reasons[0].startswith("state: DRAFT cannot be reached from RUNNING")


def test_push_content_is_compared_with_the_view() -> None:
    result = plan(definition(push(), id=ID, state="DRAFT"), remote(push()))
    assert result.action == "noop"
    changed = with_message(push(), body="New body")
    result = plan(definition(changed, id=ID, state="DRAFT"), remote(push()))
    assert result.action == "update"
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("messages[0].body", "Discover the collection", "New body")
    ]
    assert not any(n.startswith("remote content unknown") for n in result.notes)


def test_push_content_edited_in_batch_is_drift() -> None:
    entry = managed(push())
    edited = with_message(push(), title="Edited in Batch")
    result = plan(definition(push(), id=ID, state="DRAFT"), remote(edited), entry=entry)
    assert [c.path for c in result.changes] == ["messages[0].title"]
    assert any("(drift): messages[0].title" in n for n in result.notes)


def test_unknown_view_fields_make_push_content_unreadable() -> None:
    r = remote(push())
    odd = copy.deepcopy(r.body)
    odd["messages"][0]["media"] = {"url": "https://x"}
    from syncer.providers.batch.client import to_remote

    unreadable = to_remote(odd)
    assert unreadable is not None and not unreadable.content_readable


@pytest.mark.parametrize("targeting", ["absent", None, {}])
def test_a_view_without_targeting_leaves_the_content_unknown(targeting: Any) -> None:
    """Batch's view documents summary fields only: a missing (or null, or empty) targeting is
    unknown, never "everyone" (which would match a file's `targeting: {}`)."""
    from syncer.providers.batch.client import to_remote

    body = copy.deepcopy(remote(push(targeting={"regions": ["FR"]})).body)
    if targeting == "absent":
        body.pop("targeting")
    else:
        body["targeting"] = targeting
    seen = to_remote(body)
    assert seen is not None and not seen.content_readable
    result = plan(definition(push(targeting={}), id=ID, state="DRAFT"), seen)
    assert result.action == "update"
    assert any(n.startswith("remote content unknown") for n in result.notes)


def test_targeting_everyone_is_left_out_of_the_request() -> None:
    """Batch: "if you omit it, Batch will consider sending the campaign to the entire user
    base"; `targeting: {}` is how the file says so, and the key is left out on the wire."""
    created = plan(definition(push(targeting={}), state="DRAFT"), None)
    (request,) = created.requests
    assert request.body is not None and "targeting" not in request.body
    updated = plan(definition(push(targeting={}), id=ID, state="DRAFT"), remote(push()))
    (request,) = updated.requests
    assert request.body is not None and "targeting" not in request.body["campaign"]


def test_push_is_refused_unless_the_target_opts_in() -> None:
    """No Batch page names a push field: writing one needs `experimental_push = true`."""
    created = plan(definition(push(), state="DRAFT"), None, settings=STRICT)
    assert created.action == "blocked" and created.requests == ()
    (reason,) = created.reasons
    assert reason.startswith("cannot create: push messages are experimental for Batch")
    assert "set `experimental_push = true` on target 'sandbox-batch'" in reason
    changed = with_message(push(), body="New body")
    updated = plan(definition(changed, id=ID, state="DRAFT"), remote(push()), settings=STRICT)
    assert updated.action == "blocked" and updated.requests == ()
    assert [c.path for c in updated.changes] == ["messages[0].body"]  # still shown
    assert "push messages are experimental" in updated.reasons[0]
    same = plan(definition(push(), id=ID, state="DRAFT"), remote(push()), settings=STRICT)
    assert same.action == "noop"
    email_ok = plan(definition(email(), state="DRAFT"), None, settings=STRICT)
    assert email_ok.action == "create"


def test_ignored_fields_are_not_compared_but_are_sent() -> None:
    entry = managed(email())
    changed = with_message(email(), subject="Hello")
    ignore = ("messages[0].subject",)
    d = definition(changed, id=ID, state="DRAFT", ignore=ignore)
    entry = applied(plan(definition(email(), id=ID, state="DRAFT", ignore=ignore),
                         remote(email())), entry)  # fmt: skip
    assert plan(d, remote(email()), entry=entry).action == "noop"
    renamed = definition(email(name="New", messages=changed["messages"]), id=ID, state="DRAFT",
                         ignore=ignore)  # fmt: skip
    result = plan(renamed, remote(email()), entry=entry)
    assert result.action == "update"
    assert sent(result)["campaign"]["messages"][0]["subject"] == "Hello"
    assert any("ignored fields (messages[0].subject)" in n for n in result.notes)


def test_api_version_comes_from_the_target() -> None:
    config = BatchTarget(provider="batch", api_version="2.10")
    result = plan(definition(email(), id=ID, state="DRAFT"), remote(email()), settings=config)
    assert result.requests[0].path == "/2.10/campaigns/update"


def test_relied_on_covers_the_listed_fields_and_status() -> None:
    result = plan(definition(email(), id=ID, state="DRAFT"), remote(email()))
    assert {STATUS, "name", "labels", "start_time"} <= set(result.relied_on)
    pushed = plan(definition(with_message(push(), body="x"), id=ID), remote(push()))
    assert {"messages", "targeting", "local_time"} <= set(pushed.relied_on)


def test_observed_is_what_batch_will_show() -> None:
    result = plan(definition(email(labels=["b", "a"]), id=ID, state="DRAFT"), remote(email()))
    assert result.observed is not None
    assert {k: result.observed[k] for k in ("name", "labels", "start_time", "status")} == {
        "name": "Win-back",
        "labels": ["a", "b"],
        "start_time": "2030-03-01T10:00:00Z",
        "status": "DRAFT",
    }
    assert set(result.observed["content"]) >= {"messages[0].subject", "targeting.query"}


def test_pinned_id_not_found_is_blocked() -> None:
    result = plan(definition(email(), id=ID))
    assert result.action == "blocked"
    assert "was not found" in result.reasons[0]


# ---------------------------------------------------------------------------------------------
# Imported campaigns whose content Batch cannot show


def test_imported_email_with_unknown_content_plans_as_unchanged() -> None:
    imported = email(targeting="unknown", messages="unknown")
    result = plan(definition(imported, id=ID, state="DRAFT"), remote(email()),
                  entry=StateEntry(id=ID, origin="adopted"))  # fmt: skip
    assert result.action == "noop"


def test_imported_email_with_a_listed_difference_is_blocked_not_written() -> None:
    imported = email(name="Other", targeting="unknown", messages="unknown")
    result = plan(definition(imported, id=ID, state="DRAFT"), remote(email()))
    assert result.action == "blocked"
    assert "declares `targeting` or `messages` as unknown" in result.reasons[0]


# ---------------------------------------------------------------------------------------------
# Creations


def test_create_sends_the_complete_campaign_as_draft_by_default() -> None:
    result = plan(definition(email()))
    assert result.action == "create"
    (request,) = result.requests
    assert (request.path, request.kind) == ("/2.11/campaigns/create", "create")
    assert request.body == {"name": "Win-back", "state": "DRAFT"} | {
        k: v for k, v in email().items() if k != "name"
    }
    assert result.starts_sending is None
    assert any("created as DRAFT because the file has no state:" in n for n in result.notes)
    assert result.relied_on.keys() == {"same_name"}


def test_create_running_says_it_starts_sending() -> None:
    result = plan(definition(push(), state="RUNNING"))
    assert result.starts_sending == (
        "this plan starts sending campaign 'Spring push' (created RUNNING) "
        "from 2030-04-01T08:00:00Z"
    )
    now = plan(definition(push(when={"start_time": "now"}), state="RUNNING"))
    assert now.starts_sending is not None and now.starts_sending.endswith(
        "as soon as it is applied"
    )
    past = plan(definition(push(when={"start_time": "2020-01-01T08:00:00Z"}), state="RUNNING"))
    assert past.starts_sending == (
        "this plan starts sending campaign 'Spring push' (created RUNNING) immediately "
        "(its start time 2020-01-01T08:00:00Z is in the past)"
    )


def test_create_never_duplicates_an_unmanaged_same_name_campaign() -> None:
    other = remote(email(), id="orchestration_unmanaged")
    result = plan(definition(email()), same_name=(other,))
    assert result.action == "blocked"
    assert result.requests == ()
    assert "link them: `syncer import --target" in result.reasons[0]
    assert "`id: orchestration_unmanaged`" in result.reasons[0]


def test_create_then_plan_is_noop() -> None:
    d = definition(push(), state="RUNNING")
    entry = applied(plan(d))
    assert entry.id == "orchestration_new"
    again = plan(d, remote(push(), id=entry.id, status="running"), entry=entry)
    assert again.action == "noop"


def test_unknown_content_is_never_created() -> None:
    result = plan(definition(email(targeting="unknown", messages="unknown")))
    assert result.action == "blocked"
