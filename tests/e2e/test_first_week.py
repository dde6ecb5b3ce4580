"""A new user's first week, through the real CLI: `syncer init`, messages that say what to fix,
and a new campaign file that validate refuses for the reasons the vendor would."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path
from typing import Any

from syncer.cli.commands.init import STARTER
from tests.support.project import REPO, Project

NEW = (
    (STARTER / "campaigns" / "welcome.yaml")
    .read_text(encoding="utf-8")
    .replace("{file: welcome.html.j2}", '"<html lang=en><body><p>Hi</p></body></html>"')
)
"""The example `syncer init` writes, complete for a create, with its HTML inline."""

INCOMPLETE = """\
    provider: moengage
    campaign:
      channel: EMAIL
      campaign_delivery_type: ONE_TIME
      basic_details:
        name: Half a campaign
        content_type: PROMOTIONAL
        user_attribute_identifier: MOE_EMAIL_ID
      campaign_content:
        content:
          email:
            subject: Hello
            sender_name: Acme
            from_address: news@acme.example
            html_content: "<p>Hi</p>"
"""


def test_init_makes_a_project_that_plans_applies_and_converges(tmp_path: Path) -> None:
    root = tmp_path / "new"
    project = Project.__new__(Project)  # the project does not exist yet: init writes it
    project.root, project.base_url, project.campaigns = root, "(embedded)", root / "campaigns"

    made = project.run("init", str(root))
    assert made.code == 0, made.all
    for name in (
        "syncer.toml", "campaigns/welcome.yaml", "templates/welcome.html.j2",
        "templates/layouts/email.html.j2", "templates/partials/footer.html.j2", ".gitignore",
    ):  # fmt: skip
        assert (root / name).is_file(), name
    assert ".syncer/" in (root / ".gitignore").read_text().splitlines()
    assert project.run("validate").code == 0

    plan = project.run("plan")
    assert plan.code == 0, plan.all
    assert "+ create welcome.yaml" in plan.out
    assert "successful creations a day" not in plan.all  # one creation is far from the quota
    assert project.run("apply", "--auto-approve").code == 0
    again = project.run("plan", "--detailed-exitcode")
    assert again.code == 0, again.all
    assert "1 unchanged" in again.out


def test_init_never_overwrites_and_lists_the_ignore_line_once(tmp_path: Path) -> None:
    (tmp_path / "syncer.toml").write_text("# mine\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("node_modules/", encoding="utf-8")
    project = Project(tmp_path, base_url="(embedded)")
    first = project.run("init", str(tmp_path))
    assert first.code == 0, first.all
    assert "kept  syncer.toml" in first.all
    assert (tmp_path / "syncer.toml").read_text() == "# mine\n"
    project.run("init", str(tmp_path))
    assert (tmp_path / ".gitignore").read_text().splitlines() == [
        "node_modules/", "", "# campaign-syncer's local state, caches and the sandbox's data",
        ".syncer/",
    ]  # fmt: skip


def test_typos_get_the_closest_known_key(project: Project) -> None:
    project.configure(moengage='base_ur = "http://127.0.0.1:1"')
    result = project.run("validate")
    assert result.code == 1
    assert "targets.sandbox.base_ur: unknown key (did you mean 'base_url'?)" in result.err

    project.configure()
    project.write("typo.yaml", INCOMPLETE.replace("subject:", "subjet:"))
    project.write("envelope.yaml", "    provder: moengage\n" + INCOMPLETE)
    result = project.run("validate")
    assert result.code == 1
    assert (
        "campaigns/typo.yaml:12:9: campaign.campaign_content.content.email.subjet: unknown key "
        "(did you mean 'subject'?)"
    ) in result.err
    assert "campaigns/envelope.yaml:1:1: provder: unknown key (did you mean 'provider'?)" in (
        result.err
    )
    assert "Input should" not in result.all


def test_validate_says_what_a_new_file_lacks_to_be_created_once_each(
    project: Project,
) -> None:
    project.configure()
    project.write("half.yaml", INCOMPLETE)
    result = project.run("validate")
    assert result.code == 1, result.all
    problems = [line for line in result.err.splitlines() if line.startswith("campaigns/")]
    suffix = " (no `id:`: apply would create this campaign)"
    assert problems == [
        "campaigns/half.yaml:2:1: campaign.connector: required to create a campaign" + suffix,
        "campaigns/half.yaml:2:1: campaign.scheduling_details: required to create a campaign"
        + suffix,
        "campaigns/half.yaml:2:1: campaign.segmentation_details: required to create a campaign"
        + suffix,
        "campaigns/half.yaml:5:3: campaign.basic_details.subscription_category: required for "
        "PROMOTIONAL campaigns" + suffix,
        "campaigns/half.yaml:11:7: campaign.campaign_content.content.email.reply_to_address: "
        "required" + suffix,
    ]
    plan = project.run("plan")
    assert plan.code == 1 and "nothing was sent" in plan.err

    pin = "provider: moengage\n    id: 66a1f0c2e4b0a1b2c3d4e501"
    pinned = INCOMPLETE.replace("provider: moengage", pin, 1)
    project.write("half.yaml", pinned)
    assert project.run("validate").code == 0  # an update may declare part of a campaign


def test_global_options_work_after_the_command_too(project: Project, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    Project(other, base_url="(embedded)").run("init", str(other))
    # Project.run puts `--config <project>` first; the one after the command wins.
    result = project.run("validate", "--config", str(other / "syncer.toml"), "--no-color")
    assert result.code == 0, result.all
    assert "1 campaign file(s) valid (targets: sandbox)" in result.all
    debug = project.run("validate", "--debug")
    assert debug.code == 0, debug.all


def test_campaign_keys_are_accepted_in_every_form_people_type(demo: Project) -> None:
    assert demo.run("apply", "--auto-approve", "--only", "onboarding/*").code in (0, 3)
    for form in (
        "onboarding/welcome",
        "onboarding/welcome.yaml",
        "campaigns/onboarding/welcome.yaml",
        "./campaigns/onboarding/welcome",
    ):
        plan = demo.run("plan", "--only", form)
        assert plan.code == 0, (form, plan.all)
        assert "welcome.yaml" in plan.out and "monthly-digest" not in plan.out, form
        excluded = demo.run("plan", "--exclude", form)
        assert "onboarding/welcome.yaml" not in excluded.out, form
        shown = demo.run("state", "show", form)
        assert shown.code == 0, (form, shown.all)
        assert shown.json()["key"] == "onboarding/welcome.yaml"
        assert shown.json()["targets"]["sandbox"]["id"] == "66a1f0c2e4b0a1b2c3d4e501"

    wrong = demo.run("plan", "--only", "onboarding/Welcome.YAML")
    assert wrong.code == 1
    assert "campaign files end in .yaml (lower case)" in wrong.err
    forgotten = demo.run("state", "forget", "campaigns/onboarding/welcome")
    assert forgotten.code == 0, forgotten.all
    assert "forgot onboarding/welcome.yaml" in forgotten.all


def test_an_upper_case_suffix_is_refused_like_yml(project: Project) -> None:
    (project.campaigns / "Welcome.YAML").write_text("provider: moengage\n", encoding="utf-8")
    (project.campaigns / "other.yml").write_text("provider: moengage\n", encoding="utf-8")
    result = project.run("validate")
    assert result.code == 1
    for name, suffix in (("Welcome.YAML", ".YAML"), ("other.yml", ".yml")):
        expected = (
            f"campaigns/{name}:1:1: campaign files must end in .yaml (rename this {suffix} file)"
        )
        assert expected in result.err


def test_apply_takes_a_piped_yes_and_a_no_is_exit_1(project: Project, sandbox: Any) -> None:
    project.write("new.yaml", NEW)
    declined = project.spawn("apply", stdin=subprocess.PIPE)
    _, err = declined.communicate("no\n", timeout=60)
    assert declined.returncode == 1, err
    assert "apply cancelled: the answer was not 'yes'; nothing was sent" in err
    posts = [r for r in sandbox.requests() if r["method"] == "POST"]
    assert not [r for r in posts if r["path"].endswith("/campaigns")]

    nothing = project.spawn("apply", stdin=subprocess.DEVNULL)
    _, err = nothing.communicate(timeout=60)
    assert nothing.returncode == 1 and "pipe it (`echo yes | syncer apply`)" in err

    accepted = project.spawn("apply", stdin=subprocess.PIPE)
    out, err = accepted.communicate("yes\n", timeout=60)
    assert accepted.returncode == 0, err
    assert "1 applied, 0 failed" in out


def test_import_takes_live_campaigns_and_says_the_read_only_reason_once(project: Project) -> None:
    live = project.run("import", "--dry-run")
    everything = project.run("import", "--dry-run", "--all")
    assert live.code == everything.code == 0
    listed = [line for line in live.out.splitlines() if line.startswith("+ ")]
    listed_all = [line for line in everything.out.splitlines() if line.startswith("+ ")]
    assert 0 < len(listed) < len(listed_all)
    assert not any(s in line for line in listed for s in ("ARCHIVED", "SENT", "STOPPED"))
    reasons = [line for line in everything.err.splitlines() if line.startswith("read-only (")]
    assert len(reasons) == 1, everything.err  # one reason for all of them, said once
    assert all(line.endswith("(read-only)") for line in listed_all)


def test_an_unreachable_vendor_is_named_with_its_cause_and_tries(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    project = Project(tmp_path / "p", f"http://127.0.0.1:{port}")
    project.configure(moengage="max_retries = 2")
    project.write("new.yaml", NEW)
    result = project.run("plan")
    assert result.code == 1, result.all
    assert f"cannot connect to 127.0.0.1:{port}: connection refused" in result.err
    assert "(3 tries)" in result.err
    retrying = [line for line in result.err.splitlines() if "; retrying in" in line]
    assert len(retrying) == 2 and "(try 2 of 3)" in retrying[0], result.err


def test_the_ci_examples_install_the_tool_from_its_repository() -> None:
    examples = REPO / "examples" / "gitops"
    installs = [
        line.strip()
        for path in sorted(examples.rglob("*.yml"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if "pip install" in line
    ]
    assert installs, "the pipelines install the tool"
    for line in installs:  # there is no package index entry to take it from
        assert "campaign-syncer[s3] @ git+https://" in line and "@v0.1.0" in line, line


def test_the_sandbox_rejects_the_credentials_it_is_told_to(project: Project, sandbox: Any) -> None:
    project.write("new.yaml", NEW)
    sandbox.set_faults({"reject_credentials": ["sandbox-api-key"]})  # what sandbox targets send
    refused = project.run("plan")
    assert refused.code == 1, refused.all
    assert "HTTP 401" in refused.err
    sandbox.set_faults({"reject_credentials": []})
    assert project.run("plan").code == 0


def test_the_schema_describes_fields_and_says_which_a_create_needs(project: Project) -> None:
    result = project.run("schema")
    assert result.code == 0
    schema = result.json()
    branches = {b["properties"]["provider"]["const"]: b for b in schema["oneOf"]}
    moengage = branches["moengage"]
    campaign = moengage["properties"]["campaign"]["properties"]
    for key in ("connector", "segmentation_details", "scheduling_details", "basic_details"):
        assert "Required to create a campaign" in campaign[key]["description"], key
    assert "Required to create" not in campaign.get("utm_params", {}).get("description", "")
    basic = schema["$defs"]["moengage.BasicDetails"]["properties"]
    assert "Required to create" in basic["name"]["description"]
    described = [
        prop
        for name, node in schema["$defs"].items()
        if name.startswith("moengage.")
        for prop in node.get("properties", {}).values()
    ]
    share = sum(1 for p in described if p.get("description")) / len(described)
    assert share > 0.7, share  # the vendor's own words where the models have none
    for key in ("state", "read_only", "lifecycle", "targets", "overrides", "id"):
        assert moengage["properties"][key].get("description"), key
    batch = [
        prop
        for name, node in schema["$defs"].items()
        if name.startswith("batch.")
        for prop in node.get("properties", {}).values()
    ]
    assert all(p.get("description") for p in batch)  # a string field keeps its own description
    assert "Required to create" in schema["$defs"]["batch.EmailMessage"]["properties"]["reply_to"][
        "description"
    ]
