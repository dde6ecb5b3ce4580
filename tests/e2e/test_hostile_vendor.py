"""A vendor that misbehaves on purpose (`tests/support/hostile.py`, served on 127.0.0.1): each
test scripts one way a broken or hostile API answers, runs the real CLI against it, and checks
that the run fails clearly (exit 1, the call named, no traceback, no secret) within its bounds.
"""

from __future__ import annotations

import email.utils
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.hostile import BATCH_ENV, MOE_ENV, Answer, Call, vendor_project

KEY = MOE_ENV["MOENGAGE_API_KEY"]


def lower_hex(text: str) -> str:
    return quote(text, safe="").replace("%2F", "%2f").replace("%2B", "%2b").replace("%3D", "%3d")


def test_a_key_echoed_across_the_cut_of_an_error_body_is_not_shown(
    tmp_path: Path, hostile_vendor: Any
) -> None:
    def echo(call: Call) -> Answer:
        # Not JSON: the raw body is what the error shows, cut to its first 300 characters.
        text = "x" * 285 + KEY + " and " + lower_hex(KEY) + " and " + quote(KEY)
        return Answer(400, [text.encode()])

    vendor = hostile_vendor(echo)
    project = vendor_project(tmp_path / "p", vendor.url)
    result = project.run("plan", "--target", "vendor", env=MOE_ENV)
    assert result.code == 1, result.all
    assert "HTTP 400" in result.err and "xxxxx***" in result.err
    for fragment in (KEY[:8], lower_hex(KEY)[:12], "Hostile"):
        assert fragment not in result.all
    assert "Traceback" not in result.all


def test_lower_case_url_encoding_is_redacted_in_json_messages(
    tmp_path: Path, hostile_vendor: Any
) -> None:
    def echo(call: Call) -> Answer:
        text = f'{{"error": {{"code": "Bad", "message": "key {lower_hex(KEY)} refused"}}}}'
        return Answer(400, [text.encode()], {"Content-Type": "application/json"})

    vendor = hostile_vendor(echo)
    project = vendor_project(tmp_path / "p", vendor.url)
    result = project.run("plan", "--target", "vendor", env=MOE_ENV)
    assert result.code == 1, result.all
    assert "key *** refused" in result.err
    assert "Hostile" not in result.all


def test_an_implausibly_short_api_key_is_refused_unseen(
    tmp_path: Path, hostile_vendor: Any
) -> None:
    vendor = hostile_vendor(lambda call: Answer(500))
    project = vendor_project(tmp_path / "p", vendor.url)
    result = project.run("plan", "--target", "vendor", env={**MOE_ENV, "MOENGAGE_API_KEY": "k3y"})
    assert result.code == 1, result.all
    assert "MOENGAGE_API_KEY (target 'vendor') is 3 character(s) long" in result.err
    assert "k3y" not in result.all
    assert vendor.calls == []


def test_an_answer_trickling_a_byte_at_a_time_ends_at_the_calls_deadline(
    tmp_path: Path, hostile_vendor: Any
) -> None:
    # Each byte comes well within the 1 s timeout; the whole answer would take 60 s.
    vendor = hostile_vendor(lambda call: Answer(200, [b"["] + [b" "] * 300 + [b"]"], pause=0.2))
    project = vendor_project(tmp_path / "p", vendor.url, "timeout = 1")
    started = time.monotonic()
    result = project.run("plan", "--target", "vendor", env=MOE_ENV)
    took = time.monotonic() - started
    assert result.code == 1, result.all
    assert "no complete answer within 1 s (timeout in syncer.toml)" in result.err
    assert "POST /core-services/v1/campaigns/search" in result.err
    assert took < 10, took


def test_a_huge_answer_is_refused_while_it_streams_naming_the_call(
    tmp_path: Path, hostile_vendor: Any
) -> None:
    # 80 MiB, sent without a Content-Length: only counting the bytes as they come can stop it.
    def huge(call: Call) -> Answer:
        return Answer(200, (b"[" + b" " * (1024 * 1024 - 1) for _ in range(80)), length=None)

    vendor = hostile_vendor(huge)
    project = vendor_project(tmp_path / "p", vendor.url)
    result = project.run("plan", "--target", "vendor", env=MOE_ENV)
    assert result.code == 1, result.all
    assert "POST /core-services/v1/campaigns/search" in result.err
    assert "the vendor's answer is larger than 64 MiB" in result.err
    assert "Traceback" not in result.all


def test_a_huge_announced_answer_is_refused_before_its_body(
    tmp_path: Path, hostile_vendor: Any
) -> None:
    vendor = hostile_vendor(lambda call: Answer(200, [b"[]"], length=300 * 1024 * 1024))
    project = vendor_project(tmp_path / "p", vendor.url)
    result = project.run("plan", "--target", "vendor-batch", env=BATCH_ENV)
    assert result.code == 1, result.all
    assert "GET /2.11/orchestrations/list" in result.err
    assert "(it announced 314,572,800 bytes)" in result.err


@pytest.mark.parametrize("depth", [100_000, 900])
def test_deeply_nested_json_from_the_vendor_is_a_vendor_error(
    tmp_path: Path, hostile_vendor: Any, depth: int
) -> None:
    # 100,000 levels fail to parse; 900 parse, and fail later on, while they are used.
    deep = b"[" * depth + b"]" * depth

    def answer(call: Call) -> Answer:
        if call.method == "POST":  # a MoEngage search: the pinned campaign, holding it
            head = b'[{"campaign_id": "66a1f0c2e4b0a1b2c3d4e501", "basic_details": '
            return Answer(200, [head + deep + b"}]"])
        return Answer(200, [b'{"orchestrations": ' + deep + b"}"])

    vendor = hostile_vendor(answer)
    project = vendor_project(tmp_path / "p", vendor.url)
    for target, env in (("vendor", MOE_ENV), ("vendor-batch", BATCH_ENV)):
        result = project.run("plan", "--target", target, env=env)
        assert result.code == 1, result.all
        assert "nested too deeply" in result.err, result.err
        assert "This is a bug" not in result.all and "Traceback" not in result.all


def test_the_sandbox_huge_and_deep_knobs_fail_a_plan_cleanly(project: Any, sandbox: Any) -> None:
    project.copy_examples()
    sandbox.set_faults({"huge_body": {"count": 1, "route": "*/campaigns/search", "megabytes": 65}})
    result = project.run("plan", "--target", "sandbox")
    assert result.code == 1 and "larger than 64 MiB" in result.err, result.all
    deep = {"count": 1, "route": "*/orchestrations/list", "depth": 50_000}
    sandbox.set_faults({"deep_body": deep})
    result = project.run("plan", "--target", "sandbox-batch")
    assert result.code == 1 and "nested too deeply" in result.err, result.all


def test_retry_after_as_an_http_date_is_waited_for(tmp_path: Path, hostile_vendor: Any) -> None:
    answers = iter([429])

    def limited(call: Call) -> Answer:
        if next(answers, 200) == 429:
            when = email.utils.formatdate(time.time() + 3, usegmt=True)
            return Answer(429, [b"{}"], {"Retry-After": when})
        return Answer(200, [b"[]"])

    vendor = hostile_vendor(limited)
    project = vendor_project(tmp_path / "p", vendor.url, retries=2)
    started = time.monotonic()
    result = project.run("plan", "--target", "vendor", env=MOE_ENV)
    assert "Traceback" not in result.all
    assert len(vendor.calls) >= 2
    # The date is whole seconds: 3 s ahead means more than 2 s of waiting.
    assert time.monotonic() - started > 2.0


def test_a_huge_retry_after_is_reported_as_the_vendor_asked(
    tmp_path: Path, hostile_vendor: Any
) -> None:
    vendor = hostile_vendor(lambda call: Answer(429, [b"{}"], {"Retry-After": "999999"}))
    project = vendor_project(tmp_path / "p", vendor.url, retries=2)
    result = project.run("plan", "--target", "vendor", env=MOE_ENV)
    assert result.code == 1, result.all
    assert "the vendor asks to wait 999999 s (11.6 days, until " in result.err
    assert len(vendor.calls) == 1  # not retried now: the report says when
