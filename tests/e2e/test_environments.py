"""Issue 16, one definition for several environments: one file with `targets:` goes to two
workspaces of the sandbox, each with its own vars and overrides; then every command works per
(target, key). The real CLI against the sandbox served on 127.0.0.1, asserting on the exact
requests each workspace received.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from syncer.load.yaml.read import load
from syncer.sandbox.admin_client import moengage_auth_headers
from tests.support.project import Project

KEY = "onboarding/tips.yaml"
TIPS = """\
# One reviewed definition, two workspaces.
provider: moengage
targets: [staging, prod]
overrides:
  prod:
    campaign:
      basic_details: {tags: [onboarding, prod]}
      campaign_content: {content: {email: {preview_text: null}}}
campaign:
  channel: EMAIL
  campaign_delivery_type: PERIODIC
  basic_details:
    name: "Weekly tips (${var.env_label})"
    content_type: PROMOTIONAL
    subscription_category: newsletter
    user_attribute_identifier: MOE_EMAIL_ID
    tags: [onboarding]
  connector: {connector_type: SENDGRID, connector_name: default}
  campaign_content:
    content:
      email:
        subject: "Tips for you (costs $${0})"
        preview_text: Five minutes a week
        sender_name: Acme
        from_address: "${var.sender}"
        reply_to_address: support@acme.example
        html_content: "<html><body><p>Tips from ${var.sender}</p></body></html>"
  segmentation_details: {is_all_user_campaign: true}
  scheduling_details:
    delivery_type: AT_FIXED_TIME
    start_time: "2030-01-01T09:00:00"
    periodic_details:
      sending_frequency: WEEKLY
      repeat_frequency: 1
      repeat_on_days_of_week: [MONDAY]
"""


def environments(project: Project) -> None:
    """Targets `staging` and `prod`: two workspaces of the one served sandbox."""
    project.configure(
        extra=f"""
[targets.staging]
provider = "moengage"
sandbox = true
sandbox_workspace = "ws-staging"
base_url = "{project.base_url}"
updated_by = "crm-bot@example.com"
rate_limit_scale = 20.0
[targets.staging.vars]
env_label = "staging"
sender = "test@acme.example"

[targets.prod]
provider = "moengage"
sandbox = true
sandbox_workspace = "ws-prod"
base_url = "{project.base_url}"
updated_by = "crm-bot@example.com"
rate_limit_scale = 20.0
[targets.prod.vars]
env_label = "prod"
sender = "news@acme.example"
"""
    )
    project.write(KEY, TIPS)


def yaml_data(text: str) -> Any:
    document, problems = load(text, KEY)
    assert document is not None, problems
    return document.data


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def stored(sandbox: Any, workspace: str) -> list[dict[str, Any]]:
    """The campaigns of `workspace` that the tool created (not the seeded demo)."""
    found: list[dict[str, Any]] = sandbox.campaigns()["moengage"].get(workspace, [])
    return [c for c in found if c["body"]["basic_details"]["name"].startswith("Weekly tips")]


@pytest.fixture
def envs(project: Project) -> Project:
    environments(project)
    return project


def test_one_file_creates_one_campaign_in_each_workspace(envs: Project, sandbox: Any) -> None:
    plan = envs.run("plan", "--format", "json")
    assert plan.code == 0, plan.all
    planned = {(c["target"], c["key"]): c["action"] for c in plan.json()["campaigns"]}
    assert planned == {("staging", KEY): "create", ("prod", KEY): "create"}

    sandbox.clear_requests()
    applied = envs.run("apply", "--auto-approve")
    assert applied.code == 0, applied.all
    creates = [r for r in writes(sandbox) if r["method"] == "POST"]
    assert len(creates) == 2
    (staging,) = stored(sandbox, "ws-staging")
    (prod,) = stored(sandbox, "ws-prod")
    # Each workspace got its own vars; prod's override merged over the file.
    assert staging["body"]["basic_details"]["name"] == "Weekly tips (staging)"
    assert prod["body"]["basic_details"]["name"] == "Weekly tips (prod)"
    staging_email = staging["body"]["campaign_content"]["content"]["email"]
    prod_email = prod["body"]["campaign_content"]["content"]["email"]
    assert staging_email["from_address"] == "test@acme.example"
    assert prod_email["from_address"] == "news@acme.example"
    assert staging_email["subject"] == prod_email["subject"] == "Tips for you (costs ${0})"
    assert "Tips from news@acme.example" in prod_email["html_content"]
    assert staging_email["preview_text"] == "Five minutes a week"
    assert "preview_text" not in prod_email  # null clears: left out of the complete object
    assert staging["body"]["basic_details"]["tags"] == ["onboarding"]
    assert prod["body"]["basic_details"]["tags"] == ["onboarding", "prod"]
    assert envs.state("staging")["campaigns"][KEY]["id"] == staging["id"]
    assert envs.state("prod")["campaigns"][KEY]["id"] == prod["id"]

    # Then nothing to do in either.
    sandbox.clear_requests()
    again = envs.run("plan", "--detailed-exitcode", "--format", "json")
    assert again.code == 0, again.all
    assert {c["action"] for c in again.json()["campaigns"]} == {"noop"}
    assert writes(sandbox) == []


def test_a_shared_change_is_one_call_per_target_to_its_own_id(envs: Project, sandbox: Any) -> None:
    assert envs.run("apply", "--auto-approve").code == 0
    ids = {ws: stored(sandbox, ws)[0]["id"] for ws in ("ws-staging", "ws-prod")}
    envs.write(KEY, TIPS.replace("Tips for you", "Your weekly tips"))
    sandbox.clear_requests()
    applied = envs.run("apply", "--auto-approve")
    assert applied.code == 0, applied.all
    sent = sorted((r["method"], r["path"]) for r in writes(sandbox))
    assert sent == sorted(
        ("PATCH", f"/core-services/v1/campaigns/{ids[ws]}") for ws in ("ws-staging", "ws-prod")
    )
    for ws in ("ws-staging", "ws-prod"):
        email = stored(sandbox, ws)[0]["body"]["campaign_content"]["content"]["email"]
        assert email["subject"] == "Your weekly tips (costs ${0})"


def test_target_restricts_writes_to_one_workspace(envs: Project, sandbox: Any) -> None:
    sandbox.clear_requests()
    applied = envs.run("apply", "--auto-approve", "--target", "staging")
    assert applied.code == 0, applied.all
    assert len(stored(sandbox, "ws-staging")) == 1
    assert stored(sandbox, "ws-prod") == []
    assert envs.state("prod")["campaigns"] == {}
    plan = envs.run("plan", "--format", "json")
    planned = {(c["target"], c["key"]): c["action"] for c in plan.json()["campaigns"]}
    assert planned == {("staging", KEY): "noop", ("prod", KEY): "create"}


def test_a_saved_plan_of_one_target_applies_only_there(envs: Project, sandbox: Any) -> None:
    out = envs.root / "prod.plan.json"
    assert envs.run("plan", "--target", "prod", "--out", str(out)).code == 0
    applied = envs.run("apply", str(out))
    assert applied.code == 0, applied.all
    assert len(stored(sandbox, "ws-prod")) == 1 and stored(sandbox, "ws-staging") == []


def test_only_selects_the_key_in_every_target(envs: Project, sandbox: Any) -> None:
    envs.write("other.yaml", "provider: moengage\ntarget: staging\ncampaign: {channel: EMAIL}\n")
    plan = envs.run("plan", "--only", "onboarding/*", "--format", "json")
    assert plan.code == 0, plan.all
    assert {(c["target"], c["key"]) for c in plan.json()["campaigns"]} == {
        ("staging", KEY),
        ("prod", KEY),
    }


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace(
                "targets: [staging, prod]", "target: prod\ntargets: [staging, prod]"
            ),
            f"campaigns/{KEY}:4:1: use target: or targets:, not both",
        ),
        (
            lambda t: t.replace("  prod:\n    campaign:", "  live:\n    campaign:"),
            f"campaigns/{KEY}:5:3: override for target 'live', which targets: does not list",
        ),
        (
            lambda t: t.replace("overrides:", "id: {qa: 66a1f0c2e4b0a1b2c3d4e5f6}\noverrides:"),
            f"campaigns/{KEY}:4:6: id for target 'qa', which targets: does not list",
        ),
        (
            lambda t: t.replace('${var.sender}"', '${var.from}"'),
            f"campaigns/{KEY}:25:9: ${{var.from}}: target 'staging' has no var 'from'",
        ),
        (
            lambda t: t.replace("repeat_frequency: 1", "repeat_frequency: '${var.env_label}'"),
            "periodic_details.repeat_frequency: must be a whole number (a ${var.NAME} "
            "is always replaced by text) (targets staging, prod)",
        ),
    ],
    ids=[
        "target and targets",
        "override of an unlisted target",
        "id of an unlisted target",
        "unknown var",
        "var where a number is needed",
    ],
)
def test_bad_input_is_located_and_sends_nothing(
    envs: Project, sandbox: Any, edit: Any, expected: str
) -> None:
    envs.write(KEY, edit(TIPS))
    sandbox.clear_requests()
    for command in (("validate",), ("plan",), ("apply", "--auto-approve")):
        result = envs.run(*command)
        assert result.code == 1, result.all
        assert expected in result.err, result.err
        assert "Traceback" not in result.all
    assert sandbox.requests() == []


def _edit_remote(sandbox: Any, workspace: str, subject: str) -> None:
    """A change made in the dashboard of one workspace."""
    campaign = stored(sandbox, workspace)[0]
    content = campaign["body"]["campaign_content"]
    content["content"]["email"]["subject"] = subject
    headers = moengage_auth_headers(workspace, "sandbox-api-key")
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10.0) as client:
        response = client.patch(
            f"/core-services/v1/campaigns/{campaign['id']}",
            json={
                "request_id": f"dash-{workspace}",
                "updated_by": "a@acme.example",
                "campaign_content": content,
            },
        )
    assert response.status_code == 204, response.text


def test_pull_of_one_target_writes_an_override(envs: Project, sandbox: Any) -> None:
    assert envs.run("apply", "--auto-approve").code == 0
    _edit_remote(sandbox, "ws-prod", "Prod tips")
    before = envs.read(KEY)
    pulled = envs.run("pull", "--target", "prod")
    assert pulled.code == 0, pulled.all
    after = envs.read(KEY)
    # The shared part is untouched (staging reads it); prod's value went under its override.
    assert after.split("campaign:\n  channel")[1] == before.split("campaign:\n  channel")[1]
    assert "# One reviewed definition, two workspaces." in after
    data = yaml_data(after)
    assert data["overrides"]["prod"]["campaign"]["campaign_content"] == {
        "content": {"email": {"preview_text": None, "subject": "Prod tips"}}
    }
    assert data["overrides"]["prod"]["campaign"]["basic_details"] == {
        "tags": ["onboarding", "prod"]
    }
    sandbox.clear_requests()
    plan = envs.run("plan", "--detailed-exitcode", "--format", "json")
    assert plan.code == 0, plan.all
    assert {(c["target"], c["action"]) for c in plan.json()["campaigns"]} == {
        ("staging", "noop"),
        ("prod", "noop"),
    }


def test_pull_of_both_targets_writes_each_its_override(envs: Project, sandbox: Any) -> None:
    assert envs.run("apply", "--auto-approve").code == 0
    _edit_remote(sandbox, "ws-prod", "Prod tips")
    _edit_remote(sandbox, "ws-staging", "Staging tips")
    pulled = envs.run("pull")
    assert pulled.code == 0, pulled.all
    assert f"~ prod/campaigns/{KEY}: pulled" in pulled.err
    data = yaml_data(envs.read(KEY))
    assert data["campaign"]["campaign_content"]["content"]["email"]["subject"] == (
        "Tips for you (costs $${0})"
    )
    email = {
        t: data["overrides"][t]["campaign"]["campaign_content"]["content"]["email"]
        for t in ("staging", "prod")
    }
    assert email["staging"] == {"subject": "Staging tips"}
    assert email["prod"]["subject"] == "Prod tips"
    assert envs.run("plan", "--detailed-exitcode").code == 0


def test_compare_shows_definitions_and_workspaces_side_by_side(envs: Project, sandbox: Any) -> None:
    assert envs.run("apply", "--auto-approve").code == 0
    _edit_remote(sandbox, "ws-prod", "Edited in the prod dashboard")
    sandbox.clear_requests()
    result = envs.run("compare", "staging", "prod", "--format", "json", "--detailed-exitcode")
    assert result.code == 2, result.all
    (tips,) = result.json()["campaigns"]
    assert tips["key"] == KEY
    assert tips["left"]["action"] == "noop" and tips["right"]["action"] == "update"
    defined = {d["path"]: (d["left"], d["right"]) for d in tips["definitions"]}
    assert defined["campaign.basic_details.name"] == ("Weekly tips (staging)", "Weekly tips (prod)")
    assert "campaign.campaign_content.content.email.subject" not in defined
    held = {d["path"]: (d["left"], d["right"]) for d in tips["remote"]}
    assert held["campaign.campaign_content.content.email.subject"] == (
        "Tips for you (costs ${0})",
        "Edited in the prod dashboard",
    )
    assert writes(sandbox) == []  # reading only
    text = envs.run("compare", "staging", "prod")
    assert text.code == 0, text.all
    assert (
        'campaign.campaign_content.content.email.subject: "Tips for you (costs ${0})" | '
        '"Edited in the prod dashboard"   <- not from the definitions'
    ) in text.out


def test_compare_offline_reads_nothing(envs: Project, sandbox: Any) -> None:
    envs.write(
        "staging-only.yaml", "provider: moengage\ntarget: staging\ncampaign: {channel: EMAIL}\n"
    )
    sandbox.clear_requests()
    result = envs.run("compare", "staging", "prod", "--offline")
    assert result.code == 0, result.all
    assert "staging-only.yaml\n    staging: declared   prod: no file declares it" in result.out
    assert (
        'campaign.basic_details.name: "Weekly tips (staging)" | "Weekly tips (prod)"' in result.out
    )
    assert "Summary: 2 campaign(s) differ between staging and prod, 0 the same." in result.out
    assert sandbox.requests() == []


def test_compare_refuses_targets_it_cannot_compare(envs: Project) -> None:
    unknown = envs.run("compare", "staging", "qa")
    assert unknown.code == 1 and "unknown target 'qa'" in unknown.err
    vendors = envs.run("compare", "staging", "sandbox-batch", "--offline")
    assert vendors.code == 1 and "different vendors" in vendors.err


def test_promotion_applies_each_target_s_own_reviewed_plan(
    envs: Project, sandbox: Any, tmp_path: Path
) -> None:
    """What the GitOps examples run: one saved plan per target on the pull request, then on
    merge staging's, then (after approval) prod's, each bound to its own checksum."""
    plans = {}
    for target in ("staging", "prod"):
        out = tmp_path / f"plan-{target}.json"
        planned = envs.run("plan", "--target", target, "--out", str(out), "--detailed-exitcode")
        assert planned.code == 2, planned.all
        shown = envs.run("show", str(out), "--format", "markdown")
        found = re.search(r"<!-- checksum: (sha256:[0-9a-f]{64}) -->", shown.out)
        assert found is not None
        plans[target] = (out, found.group(1))
    assert plans["staging"][1] != plans["prod"][1]
    # A saved plan applies only with its own checksum.
    wrong = envs.run("apply", str(plans["prod"][0]), "--checksum", plans["staging"][1])
    assert wrong.code == 1, wrong.all
    assert stored(sandbox, "ws-prod") == []

    out, checksum = plans["staging"]
    assert envs.run("apply", str(out), "--checksum", checksum).code == 0
    assert len(stored(sandbox, "ws-staging")) == 1 and stored(sandbox, "ws-prod") == []
    out, checksum = plans["prod"]
    applied = envs.run("apply", str(out), "--checksum", checksum)
    assert applied.code == 0, applied.all
    assert len(stored(sandbox, "ws-prod")) == 1
    assert envs.run("plan", "--detailed-exitcode").code == 0


def test_a_prod_change_after_review_stops_prod_only(
    envs: Project, sandbox: Any, tmp_path: Path
) -> None:
    assert envs.run("apply", "--auto-approve").code == 0
    envs.write(KEY, TIPS.replace("Tips for you", "Your weekly tips"))
    saved = {}
    for target in ("staging", "prod"):
        saved[target] = tmp_path / f"{target}.json"
        assert envs.run("plan", "--target", target, "--out", str(saved[target])).code == 0
    _edit_remote(sandbox, "ws-prod", "Edited in prod after the review")
    assert envs.run("apply", str(saved["staging"])).code == 0
    stale = envs.run("apply", str(saved["prod"]))
    assert stale.code == 4, stale.all
    prod_email = stored(sandbox, "ws-prod")[0]["body"]["campaign_content"]["content"]["email"]
    assert prod_email["subject"] == "Edited in prod after the review"
    staging_email = stored(sandbox, "ws-staging")[0]["body"]["campaign_content"]["content"]["email"]
    assert staging_email["subject"] == "Your weekly tips (costs ${0})"


def test_import_links_a_multi_target_file_and_writes_only_the_undeclared(
    envs: Project, sandbox: Any
) -> None:
    """`import --target live` against a workspace that already holds the campaign: the file
    with targets: gets `id: {live: ...}`; only a campaign nothing declares gets a new file."""
    config = envs.root / "syncer.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f"""
[targets.live]
provider = "moengage"
base_url = "{envs.base_url}"
workspace_id_env = "LIVE_WORKSPACE_ID"
api_key_env = "LIVE_API_KEY"
updated_by = "crm-bot@example.com"
rate_limit_scale = 20.0
[targets.live.vars]
env_label = "prod"
sender = "news@acme.example"
""",
        encoding="utf-8",
    )
    env = {"LIVE_WORKSPACE_ID": "ws-live", "LIVE_API_KEY": "live-api-key"}
    # The campaigns exist in the live workspace already (made by hand, in effect): created
    # from one-target files, which are then removed and forgotten.
    envs.remove(KEY)
    tips = TIPS.replace("targets: [staging, prod]", "target: live").split("overrides:")[0]
    tips += "campaign:" + TIPS.split("\ncampaign:", 1)[1]
    envs.write("made/tips.yaml", tips)
    envs.write("made/news.yaml", tips.replace("Weekly tips (${var.env_label})", "Weekly news"))
    made = envs.run("apply", "--auto-approve", "--target", "live", env=env)
    assert made.code == 0, made.all
    for key in ("made/tips.yaml", "made/news.yaml"):
        assert envs.run("state", "forget", key, "--target", "live", env=env).code == 0
        envs.remove(key)
    envs.write(
        KEY,
        # live reads the shared part, as the campaign made there does; staging is overridden.
        TIPS.replace("targets: [staging, prod]", "targets: [staging, live]").replace(
            "  prod:\n", "  staging:\n"
        ),
    )
    ids = {
        c["body"]["basic_details"]["name"]: c["id"]
        for c in sandbox.campaigns()["moengage"]["ws-live"]
    }

    imported = envs.run("import", "--target", "live", "--name", "Weekly*", env=env)
    assert imported.code == 0, imported.all
    data = yaml_data(envs.read(KEY))
    assert data["id"] == {"live": ids["Weekly tips (prod)"]}
    written = sorted(
        p.relative_to(envs.campaigns).as_posix() for p in envs.campaigns.rglob("*.yaml")
    )
    assert written == ["live/weekly-news.yaml", KEY]
    plan = envs.run("plan", "--target", "live", "--detailed-exitcode", "--format", "json", env=env)
    assert plan.code == 0, plan.all
    assert {c["action"] for c in plan.json()["campaigns"]} == {"noop"}


def test_a_target_dropped_from_the_list_leaves_an_orphan_there_only(
    envs: Project, sandbox: Any
) -> None:
    assert envs.run("apply", "--auto-approve").code == 0
    envs.write(
        KEY,
        TIPS.replace("targets: [staging, prod]", "targets: [staging]").split("overrides:")[0]
        + "campaign:"
        + TIPS.split("\ncampaign:", 1)[1],
    )
    plan = envs.run("plan", "--format", "json")
    assert plan.code == 0, plan.all
    assert {(c["target"], c["action"]) for c in plan.json()["campaigns"]} == {
        ("staging", "noop"),
        ("prod", "orphan"),
    }
    sandbox.clear_requests()
    assert envs.run("apply", "--auto-approve").code == 0
    assert writes(sandbox) == []  # forgotten, never stopped unless asked
    assert envs.state("prod")["campaigns"] == {}
    assert KEY in envs.state("staging")["campaigns"]


def test_apply_pins_each_target_s_id_into_its_entry(envs: Project, sandbox: Any) -> None:
    """Real (not sandbox) targets pin ids into the file: `id: {<target>: ...}`, one entry per
    target, the other's kept."""
    config = envs.root / "syncer.toml"
    text = config.read_text(encoding="utf-8")
    for name in ("staging", "prod"):
        text = text.replace(
            f'sandbox_workspace = "ws-{name}"',
            f'workspace_id_env = "{name.upper()}_WS"\napi_key_env = "{name.upper()}_KEY"',
        )
    config.write_text(text.replace("sandbox = true\n", ""), encoding="utf-8")
    env = {
        "STAGING_WS": "ws-staging",
        "STAGING_KEY": "staging-key",
        "PROD_WS": "ws-prod",
        "PROD_KEY": "prod-key-12",
    }
    first = envs.run("apply", "--auto-approve", "--target", "staging", env=env)
    assert first.code == 0, first.all
    staging_id = stored(sandbox, "ws-staging")[0]["id"]
    assert yaml_data(envs.read(KEY))["id"] == {"staging": staging_id}
    second = envs.run("apply", "--auto-approve", env=env)
    assert second.code == 0, second.all
    prod_id = stored(sandbox, "ws-prod")[0]["id"]
    assert yaml_data(envs.read(KEY))["id"] == {"staging": staging_id, "prod": prod_id}
    assert "# One reviewed definition, two workspaces." in envs.read(KEY)
    assert envs.run("plan", "--detailed-exitcode", env=env).code == 0
