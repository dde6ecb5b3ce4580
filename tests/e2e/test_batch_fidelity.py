"""Batch rules read from Batch's own pages (shared/reference/batch-cep-api-from-docs.md), end to
end: the real CLI against the sandbox in its documented behaviour, asserting the requests it got.

- `targeting`: "if you omit it, Batch will consider sending the campaign to the entire user
  base"; an empty block is undocumented (the sandbox refuses it). `targeting: {}` in a file is
  the explicit "everyone", and the key is left out on the wire.
- push messages: no Batch page names a push field; they are written only by a target with
  `experimental_push = true`, refused otherwise (with the reason and the flag).
- `orchestrations/view` documents summary fields only: content is trusted where the view
  carries it, and a view without `targeting` means "unknown", never "everyone".
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from syncer.sandbox.admin_client import batch_auth_headers
from tests.support.project import Project

CREATE = "/2.11/campaigns/create"
UPDATE = "/2.11/campaigns/update"

EVERYONE_PUSH = """\
provider: batch
target: sandbox-batch
state: DRAFT
campaign:
  name: Everyone push
  when: {start_time: "2030-04-01T08:00:00Z", local_time: false}
  targeting: {}
  messages:
    - {channel_type: push, platform_type: [ios], body: Hello everyone}
"""


@pytest.fixture(autouse=True)
def matched_limits(sandbox: Any) -> None:
    sandbox.set_faults({"rate_limit_scale": 4.0})


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["method"] == "POST"]


def batch(sandbox: Any) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in sandbox.campaigns()["batch"]["sandbox"]}


def test_targeting_everyone_is_omitted_on_the_wire(project: Project, sandbox: Any) -> None:
    project.write("batch/everyone.yaml", EVERYONE_PUSH)
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    [create] = writes(sandbox)
    assert (create["path"], create["status"]) == (CREATE, 200)
    assert "targeting" not in create["body"]
    made = project.state("sandbox-batch")["campaigns"]["batch/everyone.yaml"]["id"]
    assert "targeting" not in batch(sandbox)[made]["campaign"]
    # Changed later, the full replace leaves the block out again.
    project.write("batch/everyone.yaml", EVERYONE_PUSH.replace("Hello everyone", "Hi all"))
    sandbox.clear_requests()
    assert project.run("apply", "--auto-approve").code == 0
    [update] = writes(sandbox)
    assert update["path"] == UPDATE
    assert "targeting" not in update["body"]["campaign"]
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_the_sandbox_refuses_an_empty_targeting_block(sandbox: Any) -> None:
    body = {
        "name": "Empty",
        "state": "DRAFT",
        "when": {"start_time": "now"},
        "targeting": {},
        "messages": [{"channel_type": "push", "platform_type": ["ios"], "body": "Hi"}],
    }
    headers = batch_auth_headers("sandbox", "sandbox")
    response = httpx.post(f"{sandbox.base_url}{CREATE}", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "MALFORMED_PARAMETER"


def test_a_view_without_targeting_is_unknown_not_everyone(project: Project, sandbox: Any) -> None:
    """A push campaign reaching everyone has no targeting to show. Without a record of the last
    apply, that is not proof that it reaches everyone: the plan writes it once, as "remote
    content unknown", instead of calling it unchanged."""
    project.write("batch/everyone.yaml", EVERYONE_PUSH)
    assert project.run("apply", "--auto-approve").code == 0
    made = project.state("sandbox-batch")["campaigns"]["batch/everyone.yaml"]["id"]
    (project.root / ".syncer" / "state" / "sandbox-batch.json").unlink()
    pinned = EVERYONE_PUSH.replace("state: DRAFT", f"id: {made}\nstate: DRAFT")
    project.write("batch/everyone.yaml", pinned)
    headers = batch_auth_headers("sandbox", "sandbox")
    view = httpx.get(
        f"{sandbox.base_url}/2.11/orchestrations/view",
        params={"orchestration_id": made},
        headers=headers,
    ).json()
    assert "messages" in view and "targeting" not in view
    sandbox.clear_requests()
    plan = project.run("plan")
    assert plan.code == 0, plan.all
    views = [r for r in sandbox.requests() if r["path"].endswith("/orchestrations/view")]
    assert len(views) == 1
    assert "remote content unknown" in plan.out


def test_push_is_refused_without_the_flag_and_written_with_it(
    project: Project, sandbox: Any
) -> None:
    project.configure(push=False)
    project.write("batch/everyone.yaml", EVERYONE_PUSH)
    sandbox.clear_requests()
    refused = project.run("apply", "--auto-approve")
    assert refused.code == 3, refused.all
    assert writes(sandbox) == []
    out = " ".join(refused.out.split())
    assert "cannot create: push messages are experimental for Batch" in out
    assert "set `experimental_push = true` on target 'sandbox-batch' in syncer.toml" in out
    assert project.run("validate").code == 0  # the file itself is fine
    project.configure(push=True)
    assert project.run("apply", "--auto-approve").code == 0
    assert [r["path"] for r in writes(sandbox)] == [CREATE]


LABELLED_EMAIL = """\
provider: batch
target: sandbox-batch
state: DRAFT
campaign:
  name: Labelled email
  when: {start_time: "2030-04-01T08:00:00Z"}
  targeting: {languages: [fr]}
  labels: [spring_promo]
  messages:
    - channel_type: email
      subject: Spring
      sender_identity_id: "4012"
      reply_to: {email_address: support@acme.example}
      html: <p>Spring</p>
"""


def test_labels_read_back_as_names_never_make_a_perpetual_diff(
    sandbox_factory: Any, project: Project
) -> None:
    """Labels are written as codes; a Batch that reads them back as names must not make every
    plan write them again."""
    named = sandbox_factory(rate_limit_scale=20.0, batch_labels="names")
    project.base_url = named.base_url
    project.configure()
    named.set_faults({"rate_limit_scale": 4.0})
    project.write("batch/labelled.yaml", LABELLED_EMAIL)
    assert project.run("apply", "--auto-approve").code == 0
    made = project.state("sandbox-batch")["campaigns"]["batch/labelled.yaml"]["id"]
    headers = batch_auth_headers("sandbox", "sandbox")
    listing = httpx.get(f"{named.base_url}/2.11/orchestrations/list", headers=headers).json()
    shown = {o["id"]: o["labels"] for o in listing["orchestrations"]}
    assert shown[made] == ["Spring promo"]
    for _ in range(2):
        named.clear_requests()
        plan = project.run("plan", "--detailed-exitcode", "--format", "json")
        assert plan.code == 0, plan.all
        [labelled] = plan.json()["campaigns"]
        assert labelled["action"] == "noop"
        assert any(
            n.startswith("Batch shows labels [Spring promo] where campaign-syncer last wrote")
            for n in labelled["notes"]
        )
        assert project.run("apply", "--auto-approve").code == 0
        assert writes(named) == []


def test_the_listing_pages_by_has_more_whatever_count_says(project: Project, sandbox: Any) -> None:
    """`count` is undocumented (the docs' example: 132 with more pages, above the 100 a page
    holds); the sandbox answers the total. The client pages by has_more / next_from alone."""
    sandbox.set_faults({"rate_limit_scale": 0})
    headers = batch_auth_headers("sandbox", "sandbox")
    with httpx.Client(base_url=sandbox.base_url, headers=headers) as client:
        for index in range(105):
            body = {
                "name": f"Bulk {index:03d}",
                "state": "DRAFT",
                "when": {"start_time": "2030-04-01T08:00:00Z"},
                "messages": [{"channel_type": "push", "platform_type": ["ios"], "body": "Hi"}],
            }
            assert client.post(CREATE, json=body).status_code == 200
        first = client.get("/2.11/orchestrations/list", params={"limit": 100}).json()
    assert first["count"] > 100 and first["has_more"] is True
    sandbox.set_faults({"rate_limit_scale": 4.0})
    sandbox.clear_requests()
    result = project.run("import", "--target", "sandbox-batch", "--dry-run")
    assert result.code == 0, result.all
    lists = [r for r in sandbox.requests() if r["path"].endswith("/orchestrations/list")]
    assert len(lists) == 2
    assert "from" not in lists[0]["query"] and "from" in lists[1]["query"]
    assert result.out.count("Bulk ") == 105
