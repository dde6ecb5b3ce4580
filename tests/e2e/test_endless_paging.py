"""Paging without an end: a vendor that repeats a page, or keeps answering full pages, makes
`plan`, `plan --show-unmanaged` and `import --dry-run` fail clearly (the call named, exit 1)
instead of running forever. Both vendors; the sandbox's `repeat_page` knob and a hostile server.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any

import pytest

from syncer.providers import paging
from tests.support import fleet
from tests.support.hostile import BATCH_ENV, MOE_ENV, Answer, Call, vendor_project
from tests.support.project import Project

SEARCH = "POST /core-services/v1/campaigns/search"


@pytest.mark.parametrize("command", [("plan", "--show-unmanaged"), ("import", "--dry-run")])
def test_a_repeated_moengage_page_fails_the_listing(
    project: Project, sandbox: Any, command: tuple[str, ...]
) -> None:
    sandbox.set_faults({"rate_limit_scale": 0})
    names = [f"Fleet {i:02d}" for i in range(20)]  # more than one page of 15
    fleet.create_remote(sandbox, names)
    sandbox.set_faults({"repeat_page": {"count": 50, "route": SEARCH}})
    started = time.monotonic()
    result = project.run(*command, "--target", "sandbox")
    assert result.code == 1, result.all
    assert "the vendor's paging repeats itself: page 2" in result.err
    assert SEARCH in result.err
    assert "Traceback" not in result.all
    assert time.monotonic() - started < 30


def test_a_vendor_answering_full_pages_forever_stops_at_the_documented_maximum(
    tmp_path: Path, hostile_vendor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 40)  # the real bound is 5,000: same code path
    fresh = itertools.count()

    def endless(call: Call) -> Answer:
        if call.path.startswith("/core-services/"):
            page = [{"campaign_id": f"c{next(fresh)}", "channel": "EMAIL"} for _ in range(15)]
            return Answer(200, [json.dumps(page).encode()])
        cursor = f"cursor-{next(fresh)}"
        items = [{"id": f"o{next(fresh)}"} for _ in range(100)]
        body = {"orchestrations": items, "has_more": True, "next_from": cursor}
        return Answer(200, [json.dumps(body).encode()])

    vendor = hostile_vendor(endless)
    project = vendor_project(tmp_path / "p", vendor.url, "rate_limit_scale = 1000")
    # Without an id, plan looks the campaign's name up: a search that pages too.
    project.write("new.yaml", fleet.text("A new campaign", "Hello"))
    for command, target, env, call in (
        ("import", "vendor", MOE_ENV, SEARCH),
        ("import", "vendor-batch", BATCH_ENV, "GET /2.11/orchestrations/list"),
        ("plan", "vendor", MOE_ENV, SEARCH),
        ("plan", "vendor-batch", BATCH_ENV, "GET /2.11/orchestrations/list"),
    ):
        before = len(vendor.calls)
        flags = ("--dry-run",) if command == "import" else ()
        result = project.run(command, *flags, "--target", target, env=env)
        assert result.code == 1, result.all
        assert "the listing did not end after 40 pages" in result.err, result.err
        assert call in result.err
        assert len(vendor.calls) - before <= 40 + 8  # plus pages requested ahead


def test_a_batch_page_repeated_under_new_cursors_fails(
    tmp_path: Path, hostile_vendor: Any
) -> None:
    cursors = itertools.count()

    def same_page(call: Call) -> Answer:
        body = {
            "orchestrations": [{"id": f"o{i}"} for i in range(100)],
            "has_more": True,
            "next_from": f"cursor-{next(cursors)}",
        }
        return Answer(200, [json.dumps(body).encode()])

    vendor = hostile_vendor(same_page)
    project = vendor_project(tmp_path / "p", vendor.url, "rate_limit_scale = 1000")
    result = project.run("plan", "--show-unmanaged", "--target", "vendor-batch", env=BATCH_ENV)
    assert result.code == 1, result.all
    assert "the vendor's paging repeats itself: page 2" in result.err
    assert len(vendor.calls) == 2
