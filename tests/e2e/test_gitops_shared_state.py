"""The shared state backend end to end: the real CLI, the sandbox and moto's S3 on 127.0.0.1.

Ephemeral runners keep nothing locally; two applies at once never interleave (one waits or
fails cleanly, as the request log of the sandbox shows); `state unlock` clears a dead run's lock.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.support.moto_s3 import BUCKET, serve_s3
from tests.support.project import Project

WELCOME = "66a1f0c2e4b0a1b2c3d4e501"
# The first apply's PATCH is answered 3 s late: the second run (a new process, slow to start
# on a busy machine) reaches the lock while the first still holds it.
HOLD_THE_LOCK = {
    "latency_ms": 100,
    "delay_after_write": {"count": 1, "route": "PATCH /*", "seconds": 3},
}


@pytest.fixture
def s3() -> Iterator[str]:
    with serve_s3() as endpoint:
        yield endpoint


def shared(project: Project, endpoint: str, lock_timeout: float = 0, moengage: str = "") -> None:
    """The demo's welcome change, with the state in the bucket."""
    project.configure(
        moengage=moengage,
        extra=f"""
[state]
backend = "s3"
bucket = "{BUCKET}"
prefix = "acme/campaigns"
endpoint_url = "{endpoint}"
region = "us-east-1"
lock_timeout = {lock_timeout}
""",
    )
    project.copy_examples()
    for key in (
        "batch/reactivation.yaml",
        "batch/spring-push.yaml",
        "newsletters/monthly-digest.yaml",
        "promotions/spring-sale.yaml",
    ):
        project.remove(key)


def objects(endpoint: str) -> list[str]:
    client = boto3.session.Session().client("s3", endpoint_url=endpoint)
    page = client.list_objects_v2(Bucket=BUCKET, Prefix="acme/campaigns/")
    return sorted(item["Key"] for item in page.get("Contents", []))


def kinds(sandbox: Any) -> list[str]:
    """The sandbox's request log as `search` / `PATCH` / `POST` ..., in order."""
    return ["search" if r["path"].endswith("/search") else r["method"] for r in sandbox.requests()]


def test_state_lives_in_the_bucket_and_survives_a_fresh_runner(
    project: Project, sandbox: Any, s3: str
) -> None:
    shared(project, s3)
    project.write(
        "onboarding/new.yaml",
        """
        provider: moengage
        campaign:
          channel: EMAIL
          campaign_delivery_type: ONE_TIME
          basic_details:
            name: Brand new
            content_type: TRANSACTIONAL
            user_attribute_identifier: MOE_EMAIL_ID
          connector: {connector_type: SENDGRID, connector_name: default}
          campaign_content:
            content:
              email:
                subject: Hi
                sender_name: Acme
                from_address: a@acme.example
                reply_to_address: a@acme.example
                html_content: "<p>Hi</p>"
          segmentation_details: {is_all_user_campaign: true}
          scheduling_details: {delivery_type: AT_FIXED_TIME, start_time: "2030-01-01T09:00:00"}
        """,
    )
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert "acme/campaigns/state/sandbox.json" in objects(s3)
    assert not (project.root / ".syncer" / "state").exists()
    shutil.rmtree(project.root / ".syncer", ignore_errors=True)  # the next runner starts empty
    again = project.run("plan", "--detailed-exitcode")
    assert again.code == 0, again.all  # the created campaign is known: no duplicate planned
    listed = project.run("state", "list")
    assert "onboarding/new.yaml" in listed.out and "created" in listed.out


def test_a_lock_left_by_a_dead_run_blocks_until_unlocked(
    project: Project, sandbox: Any, s3: str
) -> None:
    shared(project, s3)
    client = boto3.session.Session().client("s3", endpoint_url=s3)
    dead = {"holder": "ci@runner-7 (pid 4242, CI job 991)", "since": "2026-01-01T10:00:00+00:00"}
    client.put_object(
        Bucket=BUCKET, Key="acme/campaigns/locks/sandbox.lock", Body=json.dumps(dead).encode()
    )
    sandbox.clear_requests()
    blocked = project.run("apply", "--auto-approve")
    assert blocked.code == 1, blocked.all
    assert "locked by ci@runner-7 (pid 4242, CI job 991), since 2026-01-01T10:00:00" in blocked.err
    assert "syncer state unlock --target sandbox" in blocked.err
    assert sandbox.requests() == []
    unlocked = project.run("state", "unlock", "--target", "sandbox")
    assert unlocked.code == 0
    assert "removed the lock held by ci@runner-7" in unlocked.err
    assert "s3://campaign-state/acme/campaigns" in unlocked.err
    assert project.run("apply", "--auto-approve").code == 0


def test_the_journal_of_an_interrupted_apply_is_kept_in_the_bucket(
    project: Project, sandbox: Any, s3: str
) -> None:
    shared(project, s3, moengage="max_retries = 0")
    sandbox.set_faults(
        {
            "drop_connection": {"count": 1, "route": "PATCH /*", "after_write": True},
            "rate_limit_scale": 0,
        }
    )
    first = project.run("apply", "--auto-approve")
    assert first.code == 1, first.all
    assert any("/journal/sandbox/" in key for key in objects(s3))
    shutil.rmtree(project.root / ".syncer", ignore_errors=True)
    second = project.run("apply", "--auto-approve")
    assert second.code == 0, second.all
    assert "had an unknown outcome" in second.err
    assert not any("/journal/" in key for key in objects(s3))


def wait_for_lock(endpoint: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "acme/campaigns/locks/sandbox.lock" in objects(endpoint):
            return
        time.sleep(0.02)
    raise AssertionError("the first apply never took the lock")


@pytest.mark.slow
def test_two_concurrent_applies_one_fails_cleanly_and_nothing_interleaves(
    project: Project, sandbox: Any, s3: str
) -> None:
    shared(project, s3, lock_timeout=0)
    sandbox.set_faults(HOLD_THE_LOCK)
    sandbox.clear_requests()
    first = project.spawn("apply", "--auto-approve")
    wait_for_lock(s3)
    second = project.spawn("apply", "--auto-approve")
    second_out, second_err = second.communicate(timeout=60)
    first_out, first_err = first.communicate(timeout=60)
    assert first.returncode == 0, first_out + first_err
    assert second.returncode == 1, second_out + second_err
    assert "the state of target 'sandbox' is locked by" in second_err
    assert "pid" in second_err and "since" in second_err
    # Only the first run talked to the vendor: its reads, one PATCH, its read-back.
    log = kinds(sandbox)
    assert log.count("PATCH") == 1 and set(log) == {"search", "PATCH"}
    assert log.index("PATCH") < len(log) - 1


@pytest.mark.slow
def test_two_concurrent_applies_one_waits_then_finds_nothing_to_do(
    project: Project, sandbox: Any, s3: str
) -> None:
    shared(project, s3, lock_timeout=60)
    sandbox.set_faults(HOLD_THE_LOCK)
    sandbox.clear_requests()
    first = project.spawn("apply", "--auto-approve")
    wait_for_lock(s3)
    second = project.spawn("apply", "--auto-approve")
    first_out, first_err = first.communicate(timeout=90)
    second_out, second_err = second.communicate(timeout=90)
    assert first.returncode == 0, first_out + first_err
    assert second.returncode == 0, second_out + second_err
    assert "Nothing to apply" in second_err
    # The second run read only after the first had written and read back: had they
    # interleaved, it would have planned (and sent) the same PATCH again.
    log = kinds(sandbox)
    assert log.count("PATCH") == 1 and set(log) == {"search", "PATCH"}
    patched = log.index("PATCH")
    assert len(log) - patched - 1 >= 2  # the first run's read-back, then the second's reads
