"""Issue 5, adoption: `syncer import` against the seeded sandbox, through the real CLI.

The invariant on every fixture: import, then plan = zero changes. And the files it writes stay
inside `campaigns/`, whatever the remote names are.
"""

from __future__ import annotations

import copy
import stat
from typing import Any

import httpx
import pytest

from syncer.load.yaml import read as yamlio
from syncer.sandbox.seed_data import MOENGAGE_CAMPAIGNS
from tests.support.project import Project

SEEDED = {cid: (status, body) for cid, status, _api, _c, _s, body in MOENGAGE_CAMPAIGNS}
TEASER = "66a1f0c2e4b0a1b2c3d4e505"


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def create_remote(http: httpx.Client, name: str, **overrides: Any) -> str:
    """A campaign made through the vendor API directly (as a dashboard or script would)."""
    body = copy.deepcopy(SEEDED[TEASER][1])
    body["basic_details"]["name"] = name
    body.update(overrides)
    response = http.post(
        "/core-services/v1/campaigns",
        json={"request_id": f"req-{name}", "created_by": "someone@acme.example", **body},
    )
    assert response.status_code == 201, response.text
    campaign_id: str = response.json()["campaign_id"]
    return campaign_id


def load(project: Project, key: str) -> dict[str, Any]:
    document, problems = yamlio.load(project.read(key), key)
    assert document is not None, problems
    data: dict[str, Any] = document.data
    return data


def test_import_of_the_seeded_workspace_then_plan_shows_zero_changes(
    project: Project, sandbox: Any
) -> None:
    result = project.run("import", "--all")
    assert result.code == 0, result.all
    files = sorted(
        p.relative_to(project.campaigns).as_posix() for p in project.campaigns.rglob("*.yaml")
    )
    assert files == [
        "sandbox/archived-launch.yaml",
        "sandbox/black-friday-teaser.yaml",
        "sandbox/legacy-newsletter.yaml",
        "sandbox/old-promo.yaml",
        "sandbox/password-reset.yaml",
        "sandbox/spring-sale.yaml",
        "sandbox/welcome-email.yaml",
    ]
    state = project.state()["campaigns"]
    assert {k: (v["id"], v["origin"]) for k, v in state.items()} == {
        f"sandbox/{name}": (cid, "adopted")
        for name, cid in [
            ("archived-launch.yaml", "66a1f0c2e4b0a1b2c3d4e507"),
            ("black-friday-teaser.yaml", TEASER),
            ("legacy-newsletter.yaml", "66a1f0c2e4b0a1b2c3d4e504"),
            ("old-promo.yaml", "66a1f0c2e4b0a1b2c3d4e506"),
            ("password-reset.yaml", "66a1f0c2e4b0a1b2c3d4e503"),
            ("spring-sale.yaml", "66a1f0c2e4b0a1b2c3d4e502"),
            ("welcome-email.yaml", "66a1f0c2e4b0a1b2c3d4e501"),
        ]
    }
    for path in project.campaigns.rglob("*.yaml"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert writes(sandbox) == []

    plan = project.run("plan", "--detailed-exitcode", "--format", "json")
    assert plan.code == 0, plan.all
    actions = {c["key"]: c["action"] for c in plan.json()["campaigns"]}
    assert set(actions.values()) == {"noop"}
    assert len(actions) == 7
    assert project.run("apply", "--auto-approve").code == 0
    assert writes(sandbox) == []


def test_an_imported_file_is_clean_and_says_why_it_is_read_only(project: Project) -> None:
    assert project.run("import", "--id", TEASER).code == 0
    text = project.read("sandbox/black-friday-teaser.yaml")
    data = load(project, "sandbox/black-friday-teaser.yaml")
    assert list(data) == ["provider", "target", "id", "read_only", "state", "campaign"]
    assert data["id"] == TEASER
    assert data["read_only"] is True
    assert data["state"] == "ACTIVE"  # SCHEDULED satisfies ACTIVE
    campaign = data["campaign"]
    for server_field in (
        "campaign_id",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "updated_by",
    ):
        assert server_field not in campaign
    # The search response's "2030-11-20 09:00:00.000000" is written as the request form.
    assert campaign["scheduling_details"]["start_time"] == "2030-11-20T09:00:00"
    assert "# 'Black Friday teaser': imported by `syncer import` from target sandbox" in text
    assert "MoEngage V1 updates only campaigns created through its API" in text
    assert "delete the `read_only: true` line" in text
    plan = project.run("plan", "--show-unchanged")
    assert "read-only" in plan.out


@pytest.mark.parametrize("campaign_id", sorted(SEEDED))
@pytest.mark.parametrize("writable", [False, True])
def test_import_then_plan_is_zero_changes_for_every_seeded_campaign(
    project: Project, campaign_id: str, writable: bool
) -> None:
    args = ["import", "--id", campaign_id] + (["--writable"] if writable else [])
    assert project.run(*args).code == 0
    plan = project.run("plan", "--detailed-exitcode", "--format", "json")
    assert plan.code == 0, plan.all
    [campaign] = plan.json()["campaigns"]
    assert campaign["action"] == "noop"
    assert campaign["id"] == campaign_id
    assert ("read_only" in project.read(campaign["key"])) is not writable


def test_a_hostile_remote_name_is_written_inside_campaigns(
    project: Project, moengage_http: httpx.Client, sandbox: Any
) -> None:
    for name in ("../../etc/x", "/etc/passwd", "..", "CON"):
        create_remote(moengage_http, name)
    outside = project.root.parent / "etc"
    result = project.run("import", "--status", "SCHEDULED", "--name", "*")
    assert result.code == 0, result.all
    written = sorted(p.relative_to(project.root).as_posix() for p in project.root.rglob("*.yaml"))
    assert written == [
        "campaigns/sandbox/black-friday-teaser.yaml",
        "campaigns/sandbox/campaign.yaml",
        "campaigns/sandbox/con-campaign.yaml",
        "campaigns/sandbox/etc-passwd.yaml",
        "campaigns/sandbox/etc-x.yaml",
    ]
    assert not outside.exists()
    assert load(project, "sandbox/etc-x.yaml")["campaign"]["basic_details"]["name"] == "../../etc/x"
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_same_names_get_suffixes_and_existing_files_are_never_overwritten(
    project: Project, moengage_http: httpx.Client
) -> None:
    pinned = "provider: moengage\nid: {id}\ncampaign:\n  channel: EMAIL\n"
    project.write("sandbox/promo.yaml", pinned.format(id="66a1f0c2e4b0a1b2c3d4e501"))
    project.write("sandbox/Promo-2.yaml", pinned.format(id="66a1f0c2e4b0a1b2c3d4e503"))
    before = {p.name: p.read_bytes() for p in (project.campaigns / "sandbox").iterdir()}
    first = create_remote(moengage_http, "Promo")
    second = create_remote(moengage_http, "promo!")
    result = project.run("import", "--name", "promo*")
    assert result.code == 0, result.all
    for name, content in before.items():
        assert (project.campaigns / "sandbox" / name).read_bytes() == content
    ids = {load(project, f"sandbox/{n}")["id"] for n in ("promo-3.yaml", "promo-4.yaml")}
    assert ids == {first, second}


def test_dry_run_lists_unmanaged_campaigns_and_writes_nothing(demo: Project, sandbox: Any) -> None:
    for key in ("batch/reactivation.yaml", "batch/spring-push.yaml"):
        demo.remove(key)
    before = sorted(demo.campaigns.rglob("*"))
    live = demo.run("import", "--dry-run")
    assert live.code == 0, live.all
    # Live campaigns by default: the archived, sent and stopped ones need --all.
    assert [line.split()[1] for line in live.out.splitlines() if line.startswith("+ ")] == [
        "campaigns/sandbox/black-friday-teaser.yaml"
    ]
    result = demo.run("import", "--dry-run", "--all")
    assert result.code == 0, result.all
    # The example files pin 501-503: only the others are unmanaged.
    listed = [line for line in result.out.splitlines() if line.startswith("+ ")]
    assert [line.split()[1] for line in listed] == [
        "campaigns/sandbox/archived-launch.yaml",
        "campaigns/sandbox/black-friday-teaser.yaml",
        "campaigns/sandbox/legacy-newsletter.yaml",
        "campaigns/sandbox/old-promo.yaml",
    ]
    assert "would import 4 campaign(s)" in result.err
    assert sorted(demo.campaigns.rglob("*")) == before
    assert demo.state()["campaigns"] == {}
    assert writes(sandbox) == []


def test_filters_and_directory(project: Project) -> None:
    result = project.run("import", "--status", "stopped", "--status", "SENT", "--dir", "legacy")
    assert result.code == 0, result.all
    assert sorted(p.name for p in (project.campaigns / "legacy").iterdir()) == [
        "legacy-newsletter.yaml",
        "old-promo.yaml",
    ]
    assert (
        project.run("import", "--name", "welcome*", "--delivery-type", "event_triggered").code == 0
    )
    assert (project.campaigns / "sandbox" / "welcome-email.yaml").exists()
    assert not (project.campaigns / "sandbox" / "password-reset.yaml").exists()
    # What is managed now is never imported twice.
    again = project.run("import", "--status", "STOPPED", "--status", "SENT")
    assert "no unmanaged remote campaign matches" in again.err
    bad = project.run("import", "--dir", "../outside")
    assert bad.code == 1
    assert "without '..'" in bad.err


def test_import_into_a_new_project_creates_the_campaigns_directory(project: Project) -> None:
    project.campaigns.rmdir()
    result = project.run("import", "--id", TEASER)
    assert result.code == 0, result.all
    assert (project.campaigns / "sandbox" / "black-friday-teaser.yaml").exists()
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_import_needs_a_known_target(project: Project) -> None:
    result = project.run("import", "--target", "nope")
    assert result.code == 1
    assert "unknown target 'nope'" in result.err


def test_import_links_a_file_without_an_id_that_has_the_name(project: Project) -> None:
    """Issue 15: the file that was blocked gets the campaign; no second file is written. A
    sandbox target keeps the link in the state store (the file is left as it is)."""
    text = """
        provider: moengage
        campaign:
          basic_details: {name: Black Friday teaser}
        """
    path = project.write("promo/teaser.yaml", text)
    before = path.read_bytes()
    plan = project.run("plan")  # a file without an id creates: this one lacks what that needs
    assert plan.code == 1 and "required to create a campaign" in plan.err, plan.all
    result = project.run("import", "--id", TEASER)
    assert result.code == 0, result.all
    assert "= campaigns/promo/teaser.yaml  'Black Friday teaser'" in result.out
    assert "linked 1 existing file(s)" in result.err
    assert sorted(p.name for p in project.campaigns.rglob("*.yaml")) == ["teaser.yaml"]
    assert path.read_bytes() == before
    entry = project.state()["campaigns"]["promo/teaser.yaml"]
    assert (entry["id"], entry["origin"]) == (TEASER, "adopted")
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_import_never_writes_through_a_linked_directory(project: Project) -> None:
    outside = project.root.parent / "outside"
    outside.mkdir()
    (project.campaigns / "sandbox").symlink_to(outside)
    result = project.run("import", "--id", TEASER)
    assert result.code == 1
    # Refused as soon as the campaign files are read: a linked directory is never followed.
    assert "campaigns/sandbox:1:1: is a link to a directory: not followed" in result.err
    assert list(outside.iterdir()) == []
    assert project.state()["campaigns"] == {}
