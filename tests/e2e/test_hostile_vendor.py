"""A vendor that misbehaves on purpose (`tests/support/hostile.py`, served on 127.0.0.1): each
test scripts one way a broken or hostile API answers, runs the real CLI against it, and checks
that the run fails clearly (exit 1, the call named, no traceback, no secret) within its bounds.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.support.hostile import MOE_ENV, Answer, Call, vendor_project

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
