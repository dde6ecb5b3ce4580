#!/usr/bin/env python3
"""GitLab glue for campaign-syncer's pipeline (standard library only).

    gitlab-syncer.py comment FILE [TARGET]    post FILE as the merge request's plan note (of
                                              TARGET), or update it
    gitlab-syncer.py fetch-plan DIR [TARGET]  (on the default branch) download the plan of the
                                              merged request's last commit (of TARGET: from
                                              the job `plan: [TARGET]`) into DIR/plan.json and
                                              print the checksum its note shows

With TARGET, each target has its own note, told apart by the line
`<!-- campaign-syncer-target: TARGET -->` that the pipeline appends to the rendered plan.

Uses CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID, CI_COMMIT_SHA and GITLAB_TOKEN.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

MARKER = "<!-- campaign-syncer-plan -->"
CHECKSUM = re.compile(r"<!-- checksum: (sha256:[0-9a-f]{64}) -->")


def api(method: str, path: str, data: dict[str, Any] | None = None, raw: bool = False) -> Any:
    """A call to the project's API (`path` below /projects/ID), or to `/user` itself."""
    base = os.environ["CI_API_V4_URL"]
    project = f"{base}/projects/{os.environ['CI_PROJECT_ID']}"
    url = f"{base}/user" if path == "/user" else f"{project}{path}"
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("PRIVATE-TOKEN", os.environ["GITLAB_TOKEN"])
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        content = response.read()
    return content if raw else json.loads(content or b"null")


def pages(path: str) -> list[Any]:
    items: list[Any] = []
    page = 1
    while True:
        sep = "&" if "?" in path else "?"
        batch = api("GET", f"{path}{sep}per_page=100&page={page}")
        items.extend(batch)
        if len(batch) < 100:
            return items
        page += 1


def tag(target: str | None) -> str:
    return f"<!-- campaign-syncer-target: {target} -->" if target else ""


def plan_note(iid: str, target: str | None = None) -> dict[str, Any] | None:
    """The plan note this token's user posted: anyone who can comment on the merge request can
    post a note that starts with the marker, so only our own is trusted (and updated)."""
    me = api("GET", "/user")["id"]
    notes = pages(f"/merge_requests/{iid}/notes?sort=asc")
    for note in notes:
        body = str(note.get("body", ""))
        author = (note.get("author") or {}).get("id")
        if author == me and body.startswith(MARKER) and tag(target) in body:
            return note
    return None


def comment(file: str, target: str | None = None) -> None:
    iid = os.environ["CI_MERGE_REQUEST_IID"]
    body = Path(file).read_text(encoding="utf-8")
    note = plan_note(iid, target)
    if note is None:
        api("POST", f"/merge_requests/{iid}/notes", {"body": body})
    else:
        api("PUT", f"/merge_requests/{iid}/notes/{note['id']}", {"body": body})


def fetch_plan(directory: str, target: str | None = None) -> None:
    sha = os.environ["CI_COMMIT_SHA"]
    found = api("GET", f"/repository/commits/{sha}/merge_requests")
    merged = [m for m in found if m["state"] == "merged"]
    if not merged:
        sys.exit(f"no merged merge request for {sha}: nothing to apply")
    request = merged[0]
    iid, head = request["iid"], request["sha"]
    pipelines = [
        p
        for p in api("GET", f"/merge_requests/{iid}/pipelines")
        if p["sha"] == head and p["status"] == "success"
    ]
    if not pipelines:
        sys.exit(f"no successful plan pipeline for !{iid} at {head}: nothing applied")
    jobs = api("GET", f"/pipelines/{pipelines[0]['id']}/jobs?scope[]=success")
    name = f"plan: [{target}]" if target else "plan"  # a parallel:matrix job's name
    job = next((j for j in jobs if j["name"] == name), None)
    if job is None:
        sys.exit(f"the pipeline of !{iid} has no successful {name!r} job: nothing applied")
    Path(directory).mkdir(parents=True, exist_ok=True)
    plan = api("GET", f"/jobs/{job['id']}/artifacts/plan.json", raw=True)
    Path(directory, "plan.json").write_bytes(plan)
    note = plan_note(str(iid), target)
    found = CHECKSUM.search(str(note.get("body", ""))) if note else None
    if not found:
        sys.exit(f"!{iid} has no plan note with a checksum: nothing applied")
    sys.stdout.write(found.group(1) + "\n")


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3) or argv[0] not in ("comment", "fetch-plan"):
        sys.exit(__doc__)
    target = argv[2] if len(argv) == 3 else None
    (comment if argv[0] == "comment" else fetch_plan)(argv[1], target)


if __name__ == "__main__":
    main(sys.argv[1:])
