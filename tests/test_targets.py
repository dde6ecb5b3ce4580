"""One file, several targets: overrides merged, vars expanded, every mistake located and named."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from syncer.config import settings as config
from syncer.errors import DefinitionError
from syncer.load.definitions import load_definitions
from syncer.model.campaign import CampaignDefinition
from syncer.providers import registry

CONFIG = """
default_target = "staging"
[targets.staging]
provider = "moengage"
sandbox = true
[targets.staging.vars]
env_label = "staging"
sender = "test@acme.io"
delay = "5"
[targets.prod]
provider = "moengage"
sandbox = true
[targets.prod.vars]
env_label = "prod"
sender = "news@acme.io"
[targets.push]
provider = "batch"
sandbox = true
"""

MULTI = """\
provider: moengage
targets: [staging, prod]
id: {prod: 77b2a1d3f5c6b7a8c9d0e1f2}
state: ACTIVE
overrides:
  prod:
    state: PAUSED
    lifecycle: {ignore_changes: [campaign_content.content.email.preview_text]}
    campaign:
      basic_details: {name: "Welcome", tags: [prod]}
      campaign_content: {content: {email: {preview_text: null}}}
campaign:
  channel: EMAIL
  basic_details:
    name: "Welcome (${var.env_label})"
    content_type: TRANSACTIONAL
    tags: [onboarding, all]
  campaign_content:
    content:
      email:
        subject: "Price: $${price}"
        from_address: "${var.sender}"
        preview_text: Hello
"""


def settings(tmp_path: Path) -> config.Settings:
    return config.load(tmp_path / "syncer.toml", registry.target_models())


def load(tmp_path: Path, text: str, name: str = "f.yaml") -> list[CampaignDefinition]:
    (tmp_path / "syncer.toml").write_text(CONFIG)
    path = tmp_path / "campaigns" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return load_definitions(settings(tmp_path), registry.get)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load(tmp_path, text)
    return [str(p) for p in info.value.problems]


def test_one_definition_per_target_with_its_overrides_and_vars(tmp_path: Path) -> None:
    staging, prod = sorted(load(tmp_path, MULTI), key=lambda d: d.target != "staging")
    assert (staging.key, staging.target, prod.key, prod.target) == (
        "f.yaml",
        "staging",
        "f.yaml",
        "prod",
    )
    assert staging.id is None and prod.id == "77b2a1d3f5c6b7a8c9d0e1f2"
    assert staging.state == "ACTIVE" and prod.state == "PAUSED"
    assert staging.campaign["basic_details"] == {
        "name": "Welcome (staging)",
        "content_type": "TRANSACTIONAL",
        "tags": ["onboarding", "all"],
    }
    # Mappings merge key by key, lists replace, null clears.
    assert prod.campaign["basic_details"] == {
        "name": "Welcome",
        "content_type": "TRANSACTIONAL",
        "tags": ["prod"],
    }
    assert staging.campaign["campaign_content"]["content"]["email"] == {
        "subject": "Price: ${price}",
        "from_address": "test@acme.io",
        "preview_text": "Hello",
    }
    assert prod.campaign["campaign_content"]["content"]["email"] == {
        "subject": "Price: ${price}",
        "from_address": "news@acme.io",
        "preview_text": None,
    }
    assert prod.lifecycle.ignore_changes == ("campaign_content.content.email.preview_text",)
    assert staging.lifecycle.ignore_changes == ()
    assert staging.digest != prod.digest
    assert staging.name == "Welcome (staging)" and prod.name == "Welcome"


def test_an_override_null_outside_campaign_means_not_written(tmp_path: Path) -> None:
    text = MULTI.replace("    state: PAUSED\n", "    state: null\n")
    prod = next(d for d in load(tmp_path, text) if d.target == "prod")
    assert prod.state is None


def test_a_one_target_file_expands_its_vars(tmp_path: Path) -> None:
    text = (
        "provider: moengage\ntarget: prod\ncampaign:\n  basic_details: {name: '${var.env_label}'}\n"
    )
    (only,) = load(tmp_path, text)
    assert only.target == "prod" and only.campaign == {"basic_details": {"name": "prod"}}


def test_loaded_again_from_the_cache_the_same(tmp_path: Path) -> None:
    first = load(tmp_path, MULTI)
    again = load_definitions(settings(tmp_path), registry.get)
    assert first == again


def test_a_changed_var_misses_the_cache(tmp_path: Path) -> None:
    load(tmp_path, MULTI)
    (tmp_path / "syncer.toml").write_text(CONFIG.replace("news@acme.io", "hi@acme.io"))
    defs = load_definitions(settings(tmp_path), registry.get)
    prod = next(d for d in defs if d.target == "prod")
    assert prod.campaign["campaign_content"]["content"]["email"]["from_address"] == "hi@acme.io"


BROKEN = [
    (
        "target and targets",
        "provider: moengage\ntarget: prod\ntargets: [staging, prod]\ncampaign: {}\n",
        ["campaigns/f.yaml:3:1: use target: or targets:, not both"],
    ),
    (
        "override for a target not listed",
        MULTI.replace("  prod:\n    state", "  live:\n    state"),
        ["campaigns/f.yaml:6:3: override for target 'live', which targets: does not list"],
    ),
    (
        "id for a target not listed",
        MULTI.replace("id: {prod:", "id: {live:"),
        ["campaigns/f.yaml:3:6: id for target 'live', which targets: does not list"],
    ),
    (
        "unknown target in targets",
        MULTI.replace("[staging, prod]", "[staging, prod, qa]"),
        ["campaigns/f.yaml:2:26: unknown target 'qa' (syncer.toml has: prod, push, staging)"],
    ),
    (
        "a target of another provider",
        MULTI.replace("[staging, prod]", "[staging, prod, push]"),
        ["campaigns/f.yaml:2:26: target 'push' is a batch workspace"],
    ),
    (
        "a target listed twice",
        MULTI.replace("[staging, prod]", "[staging, prod, staging]"),
        ["campaigns/f.yaml:2:26: target 'staging' is listed twice"],
    ),
    (
        "a plain id with targets",
        MULTI.replace("id: {prod: 77b2a1d3f5c6b7a8c9d0e1f2}", "id: 77b2a1d3f5c6b7a8c9d0e1f2"),
        ["campaigns/f.yaml:3:1: with targets:, id: is a mapping by target"],
    ),
    (
        "overrides without targets",
        "provider: moengage\ntarget: prod\noverrides: {prod: {state: PAUSED}}\ncampaign: {}\n",
        ["campaigns/f.yaml:3:1: overrides: is for a file with targets:"],
    ),
    (
        "a key that cannot be overridden",
        MULTI.replace("    state: PAUSED\n", "    provider: batch\n"),
        ["campaigns/f.yaml:7:5: overrides.prod.provider: cannot be overridden"],
    ),
    (
        "an unknown var in one target",
        MULTI.replace('subject: "Price: $${price}"', "subject: '${var.delay} min'"),
        [
            "campaigns/f.yaml:21:9: ${var.delay}: target 'prod' has no var 'delay' "
            "(set it in [targets.prod.vars]; it has: env_label, sender)"
        ],
    ),
    (
        "an unknown var in an override",
        MULTI.replace('name: "Welcome",', 'name: "${var.nope}",'),
        ["campaigns/f.yaml:10:23: ${var.nope}: target 'prod' has no var 'nope'"],
    ),
    (
        "a var where the vendor needs a number",
        MULTI.replace(
            "  channel: EMAIL\n",
            "  channel: EMAIL\n  trigger_condition: {trigger_delay_value: '${var.delay}'}\n",
        ),
        [
            "campaigns/f.yaml:14:23: campaign.trigger_condition.trigger_delay_value: must be a "
            "whole number (a ${var.NAME} is always replaced by text) (target staging)",
            "campaigns/f.yaml:14:23: ${var.delay}: target 'prod' has no var 'delay'",
        ],
    ),
    (
        "a shared mistake is listed once for every target",
        MULTI.replace("channel: EMAIL", "channel: FAX"),
        ["campaigns/f.yaml:13:3: campaign.channel: ", "(targets staging, prod)"],
    ),
    (
        "a mistake in an override points at the override",
        MULTI.replace("    state: PAUSED\n", "    state: RUNNING\n"),
        [
            "campaigns/f.yaml:7:5: state: 'RUNNING' is not one of ACTIVE | PAUSED | STOPPED"
            " (target prod)"
        ],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_every_mistake_is_located_and_names_its_target(
    tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    found = problems(tmp_path, text)
    for want in expected:
        assert any(want in p for p in found), (name, found)


def test_every_mistake_of_every_target_at_once(tmp_path: Path) -> None:
    text = MULTI.replace('name: "Welcome",', 'name: "${var.nope}",').replace(
        'from_address: "${var.sender}"', 'from_address: "${var.from}"'
    )
    found = problems(tmp_path, text)
    # nope in prod; from in staging and in prod (two messages: each names its own target's vars)
    assert len(found) == 3, found
    assert sum("has no var 'from'" in p for p in found) == 2


def test_the_readme_worked_example_is_true(tmp_path: Path) -> None:
    """The Environments section's file and syncer.toml load, and give its table's values."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Environments: one definition, several targets") :]
    (yaml_text,) = re.findall(r"```yaml\n(.*?)```", section.split("### ")[0], re.S)
    (toml_text,) = re.findall(r"```toml\n(.*?)```", section.split("### ")[0], re.S)
    (tmp_path / "syncer.toml").write_text(toml_text)
    path = tmp_path / "campaigns" / "onboarding" / "welcome.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml_text)
    loaded = load_definitions(
        config.load(tmp_path / "syncer.toml", registry.target_models()), registry.get
    )
    staging, prod = sorted(loaded, key=lambda d: d.target != "staging")
    assert (staging.state, prod.state) == ("ACTIVE", "PAUSED")
    assert staging.campaign["basic_details"] == {
        "name": "Welcome (staging)",
        "content_type": "TRANSACTIONAL",
        "user_attribute_identifier": "MOE_EMAIL_ID",
        "tags": ["onboarding"],
    }
    assert prod.campaign["basic_details"] == {
        "name": "Welcome",
        "content_type": "TRANSACTIONAL",
        "user_attribute_identifier": "MOE_EMAIL_ID",
        "tags": ["onboarding", "prod"],
    }
    s_email = staging.campaign["campaign_content"]["content"]["email"]
    p_email = prod.campaign["campaign_content"]["content"]["email"]
    assert (s_email["from_address"], p_email["from_address"]) == ("test@acme.io", "news@acme.io")
    assert (s_email["preview_text"], p_email["preview_text"]) == ("Your account is ready", None)
    assert s_email["html_content"] == p_email["html_content"] == "<p>Prices from ${price}</p>"
    assert prod.id == "77b2a1d3f5c6b7a8c9d0e1f2" and staging.id is None
