"""Issue 6's proof: the GitOps pipeline played end to end with the real CLI.

A branch is planned and the plan saved and rendered as the pull-request comment; someone edits
the campaign in the dashboard; applying the saved plan on merge refuses with exit 4 naming the
change; a new plan is reviewed and applied; a 500-campaign plan's comment stays under the
limit; two applies at once against the shared S3 state never interleave.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from syncer.render.markdown import LIMIT, MARKER
from tests.support.moto_s3 import BUCKET, serve_s3
from tests.support.project import Project

WELCOME = "66a1f0c2e4b0a1b2c3d4e501"
MOE = "/core-services/v1"


@pytest.fixture
def s3() -> Iterator[str]:
    with serve_s3() as endpoint:
        yield endpoint


def configure(project: Project, endpoint: str) -> None:
    project.configure(
        extra=f"""
[state]
backend = "s3"
bucket = "{BUCKET}"
endpoint_url = "{endpoint}"
region = "us-east-1"
"""
    )
    project.copy_examples()
    for key in (
        "batch/reactivation.yaml",
        "batch/spring-push.yaml",
        "newsletters/monthly-digest.yaml",
        "promotions/spring-sale.yaml",
    ):
        project.remove(key)


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def comment_checksum(markdown: str) -> str:
    found = re.search(r"<!-- checksum: (sha256:[0-9a-f]{64}) -->", markdown)
    assert found, markdown[:300]
    return found.group(1)


def test_the_pipeline(project: Project, sandbox: Any, moengage_http: httpx.Client, s3: str) -> None:
    configure(project, s3)
    plan_file = project.root / "plan.json"

    # Pull request: plan, keep the file, render the comment from it.
    planned = project.run("plan", "--out", str(plan_file), "--detailed-exitcode")
    assert planned.code == 2, planned.all
    comment = project.run(
        "show", str(plan_file), "--format", "markdown", "--artifact-url", "https://ci.example/1"
    ).out
    assert comment.startswith(MARKER) and len(comment) < LIMIT
    assert "onboarding/welcome.yaml" in comment and "| 🟡 to update | 1 |" in comment
    reviewed = comment_checksum(comment)

    # Someone edits the campaign in the dashboard before the merge.
    campaign = {c["id"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}[WELCOME]
    content = copy.deepcopy(campaign["body"]["campaign_content"])
    content["content"]["email"]["preview_text"] = "Tuned by marketing"
    response = moengage_http.patch(
        f"{MOE}/campaigns/{WELCOME}",
        json={
            "request_id": str(uuid.uuid4()),
            "updated_by": "marketing@example.com",
            "campaign_content": content,
        },
    )
    assert response.status_code == 204, response.text

    # Merge: the reviewed plan is refused, naming the campaign and the change.
    sandbox.clear_requests()
    stale = project.run("apply", str(plan_file), "--checksum", reviewed)
    assert stale.code == 4, stale.all
    assert (
        "sandbox/onboarding/welcome.yaml ('Welcome email', 66a1f0c2e4b0a1b2c3d4e501)" in stale.err
    )
    assert (
        'campaign_content.content.email.preview_text is now "Tuned by marketing": '
        "the saved plan would overwrite it"
    ) in stale.err
    assert writes(sandbox) == []

    # A new plan is made and reviewed; it keeps the dashboard edit (the file ignores it).
    replanned = project.run("plan", "--out", str(plan_file))
    assert replanned.code == 0, replanned.all
    body = json.loads(plan_file.read_text())["campaigns"]
    (patch,) = [r for c in body for r in c["requests"]]
    assert patch["body"]["campaign_content"]["content"]["email"]["preview_text"] == (
        "Tuned by marketing"
    )
    comment = project.run("show", str(plan_file), "--format", "markdown").out
    applied = project.run("apply", str(plan_file), "--checksum", comment_checksum(comment))
    assert applied.code == 0, applied.all
    assert [(r["method"], r["path"]) for r in writes(sandbox)] == [
        ("PATCH", f"{MOE}/campaigns/{WELCOME}")
    ]
    assert project.run("plan", "--detailed-exitcode").code == 0

    # Two applies at once on two runners (a new change): one waits or fails, none interleave.
    text = project.read("onboarding/welcome.yaml").replace("Welcome to Acme, ", "Hello from Acme, ")
    project.write("onboarding/welcome.yaml", text)
    sandbox.set_faults({"latency_ms": 300})
    sandbox.clear_requests()
    runs = [project.spawn("apply", "--auto-approve") for _ in range(2)]
    results = [run.communicate(timeout=120) for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert codes in ([0, 0], [0, 1]), results
    if codes == [0, 1]:
        loser = next(err for run, (_out, err) in zip(runs, results, strict=True) if run.returncode)
        assert "is locked by" in loser
    assert [r["method"] for r in writes(sandbox)] == ["PATCH"]


def test_a_500_campaign_plan_comment_stays_under_the_limit(project: Project) -> None:
    paragraphs = "".join(f"<p>Paragraph {i}: news from Acme this month.</p>" for i in range(40))
    for index in range(500):
        project.write(
            f"bulk/team-{index // 50}/campaign-{index:03d}.yaml",
            f"""
            provider: moengage
            campaign:
              channel: EMAIL
              campaign_delivery_type: ONE_TIME
              basic_details:
                name: Bulk campaign {index:03d}
                content_type: TRANSACTIONAL
                user_attribute_identifier: MOE_EMAIL_ID
              connector: {{connector_type: SENDGRID, connector_name: default}}
              campaign_content:
                content:
                  email:
                    subject: "Issue {index}"
                    sender_name: Acme
                    from_address: a@acme.example
                    reply_to_address: a@acme.example
                    html_content: "<html><body>{paragraphs}</body></html>"
              segmentation_details: {{is_all_user_campaign: true}}
              scheduling_details:
                delivery_type: AT_FIXED_TIME
                start_time: "2030-01-01T09:00:00"
            """,
        )
    plan_file = project.root / "plan.json"
    result = project.run("plan", "--out", str(plan_file))
    assert result.code == 3, result.err[-2000:]  # creations past the daily budget are blocked
    plan = json.loads(plan_file.read_text())
    assert len(plan["campaigns"]) == 500
    url = "https://ci.example/runs/1/artifacts/plan.json"
    comment = project.run("show", str(plan_file), "--format", "markdown", "--artifact-url", url)
    assert comment.code == 0
    assert len(comment.out) < LIMIT
    assert "**This comment is shortened**" in comment.out and f"({url})" in comment.out
    assert "| 🟢 to create | 25 |" in comment.out and "| 🛑 blocked | 475 |" in comment.out
