"""The request log: every vendor request, its outcome, and never a credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import httpx

from syncer.sandbox.admin_client import batch_auth_headers, moengage_auth_headers
from syncer.sandbox.handle import SandboxHandle

from .helpers import BATCH, MOE, one_time, search

SECRET = "sup3r-s3cret-api-key"


def test_every_vendor_request_is_logged_with_its_outcome(
    sandbox: SandboxHandle, moengage_http: httpx.Client, batch_http: httpx.Client
) -> None:
    body = one_time()
    moengage_http.post(f"{MOE}/campaigns", json=body)
    batch_http.get(f"{BATCH}/orchestrations/list", params={"limit": 2})
    httpx.post(f"{sandbox.base_url}{MOE}/campaigns/search", json={"request_id": "x"})  # 401
    moengage_http.post(f"{MOE}/campaigns/search", content=b"not json")
    entries = sandbox.requests()
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    created, listed, unauthorised, garbled = entries
    assert created["method"] == "POST" and created["path"] == f"{MOE}/campaigns"
    assert created["body"] == body
    assert (created["status"], created["vendor"], created["note"]) == (201, "moengage", "")
    assert created["time"].endswith("Z")
    assert listed["query"] == "limit=2" and listed["body"] is None
    assert (listed["status"], listed["vendor"]) == (200, "batch")
    assert unauthorised["status"] == 401
    assert garbled["body"] == "not json" and garbled["status"] == 400


def test_since_and_clear(sandbox: SandboxHandle, moengage_http: httpx.Client) -> None:
    search(moengage_http, limit=1, page=1)
    first = sandbox.requests()
    search(moengage_http, limit=2, page=1)
    later = sandbox.requests(since=first[-1]["seq"])
    assert [e["body"]["limit"] for e in later] == [2]
    sandbox.clear_requests()
    assert sandbox.requests() == []
    search(moengage_http, limit=3, page=1)
    assert [e["body"]["limit"] for e in sandbox.requests()] == [3]


def test_log_time_follows_the_sandbox_clock(
    sandbox: SandboxHandle, moengage_http: httpx.Client
) -> None:
    sandbox.set_clock("2031-05-06T07:08:09Z")
    search(moengage_http, limit=1, page=1)
    assert sandbox.requests()[-1]["time"] == "2031-05-06T07:08:09Z"


def test_no_credential_is_ever_logged_or_stored(
    sandbox: SandboxHandle, sandbox_factory: Callable[..., SandboxHandle]
) -> None:
    pinned = sandbox_factory(
        moengage_workspace_id="acme",
        moengage_api_key=SECRET,
        batch_project_key="project_acme",
        batch_api_key=SECRET,
    )
    good_moe = moengage_auth_headers("acme", SECRET)
    bad_moe = moengage_auth_headers("acme", SECRET + "-wrong")
    with httpx.Client(base_url=pinned.base_url) as client:
        client.post(f"{MOE}/campaigns", json=one_time(), headers=good_moe)
        client.post(f"{MOE}/campaigns/search", json={"request_id": "r"}, headers=bad_moe)
        for headers in (batch_auth_headers("project_acme", SECRET), {"Authorization": SECRET}):
            client.get(f"{BATCH}/orchestrations/list", headers=headers)
    log = json.dumps(pinned.requests())
    files = pinned.db_path.parent.glob(f"{pinned.db_path.name}*")  # the database, WAL, shm
    raw = b"".join(path.read_bytes() for path in files)
    forms = [SECRET, SECRET + "-wrong", base64.b64encode(f"acme:{SECRET}".encode()).decode()]
    for form in forms:
        assert form not in log
        assert form.encode() not in raw
    assert "authorization" not in log.lower()
    assert len(pinned.requests()) == 4
