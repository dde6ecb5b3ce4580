"""The demo workspace: realistic bodies, and the designed differences from campaigns/*.yaml."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
from ruamel.yaml import YAML

from syncer.config import settings as config
from syncer.load.definitions import load_file
from syncer.providers import registry
from syncer.providers.moengage.schema import schema_violations
from syncer.sandbox.batch_validation import validate_campaign
from syncer.sandbox.moengage_validation import semantic_problems
from syncer.sandbox.seed_data import BATCH_ORCHESTRATIONS, MOENGAGE_CAMPAIGNS

from .helpers import PASSWORD_RESET_ID, SPRING_SALE_ID, WELCOME_ID, WIN_BACK_ID

CAMPAIGNS = Path(__file__).resolve().parents[2] / "campaigns"
MOE_SEED = {entry[0]: entry[5] for entry in MOENGAGE_CAMPAIGNS}
BATCH_SEED = {entry[0]: entry[5] for entry in BATCH_ORCHESTRATIONS}


def _example(key: str) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(CAMPAIGNS / key)
    return loaded


def _final(key: str) -> dict[str, Any]:
    """The example's `campaign:` as the tool sends it: templates rendered, MJML compiled."""
    settings = config.load(CAMPAIGNS.parent / "syncer.toml", registry.target_models())
    (definition,), problems = load_file(CAMPAIGNS / key, CAMPAIGNS, settings, registry.get)
    assert problems == []
    return definition.campaign


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in keys}


@pytest.mark.parametrize("campaign_id", sorted(MOE_SEED))
def test_seeded_moengage_bodies_are_valid_create_requests(campaign_id: str) -> None:
    body = {"request_id": "seed", "created_by": "marketing@acme.example", **MOE_SEED[campaign_id]}
    assert schema_violations(body, "EmailCampaignRequest") == []
    assert semantic_problems(body) == []


@pytest.mark.parametrize("orchestration_id", sorted(BATCH_SEED))
def test_seeded_batch_campaigns_are_valid(orchestration_id: str) -> None:
    validate_campaign(copy.deepcopy(BATCH_SEED[orchestration_id]))


def test_seeded_ids_names_and_states() -> None:
    summary = {
        (cid, body["basic_details"]["name"], status, via_api)
        for cid, status, via_api, _, _, body in MOENGAGE_CAMPAIGNS
    }
    assert summary == {
        ("66a1f0c2e4b0a1b2c3d4e501", "Welcome email", "ACTIVE", True),
        ("66a1f0c2e4b0a1b2c3d4e502", "Spring sale", "ACTIVE", True),
        ("66a1f0c2e4b0a1b2c3d4e503", "Password reset", "ACTIVE", True),
        ("66a1f0c2e4b0a1b2c3d4e504", "Legacy newsletter", "SENT", False),
        ("66a1f0c2e4b0a1b2c3d4e505", "Black Friday teaser", "SCHEDULED", True),
        ("66a1f0c2e4b0a1b2c3d4e506", "Old promo", "STOPPED", True),
        ("66a1f0c2e4b0a1b2c3d4e507", "Archived launch", "ARCHIVED", True),
    }
    batch = {
        (oid, campaign["name"], status, kind, source)
        for oid, status, kind, source, _, campaign in BATCH_ORCHESTRATIONS
    }
    assert batch == {
        (WIN_BACK_ID, "Win-back — we miss you", "draft", "campaign", "api"),
        (
            "orchestration_0664hz00dashb0ard0000000000000001",
            "Weekly deals",
            "running",
            "recurring",
            "dashboard",
        ),
        (
            "orchestration_0664hz00push00000000000000000000002",
            "App update",
            "running",
            "campaign",
            "api",
        ),
    }


def test_welcome_differs_by_subject_and_undeclared_fields() -> None:
    example = _example("onboarding/welcome.yaml")
    seeded = MOE_SEED[WELCOME_ID]
    declared = _final("onboarding/welcome.yaml")
    assert example["id"] == WELCOME_ID
    extra = ("connector", "segmentation_details", "scheduling_details", "campaign_content")
    assert _without(seeded, *extra) == _without(declared, *extra)
    assert set(seeded) - set(declared) == {
        "connector",
        "segmentation_details",
        "scheduling_details",
    }
    remote = seeded["campaign_content"]["content"]["email"]
    local = declared["campaign_content"]["content"]["email"]
    assert remote["subject"] == "Welcome to Acme" != local["subject"]
    assert remote["preview_text"] == "Let's get you started" and "preview_text" not in local
    assert "campaign_content.content.email.preview_text" in example["lifecycle"]["ignore_changes"]
    assert _without(remote, "subject", "preview_text") == _without(local, "subject")


def test_spring_sale_differs_by_a_narrower_audience() -> None:
    example = _example("promotions/spring-sale.yaml")
    seeded = MOE_SEED[SPRING_SALE_ID]
    declared = example["campaign"]
    assert example["id"] == SPRING_SALE_ID
    assert set(seeded) - set(declared) == {"connector", "campaign_content", "scheduling_details"}
    assert _without(
        seeded, "connector", "campaign_content", "scheduling_details", "segmentation_details"
    ) == _without(declared, "segmentation_details")
    filters = seeded["segmentation_details"]["included_filters"]["filters"]
    assert [f["value"] for f in filters] == [["FR", "BE"]]
    assert seeded["segmentation_details"] != declared["segmentation_details"]
    assert seeded["scheduling_details"]["periodic_details"]["sending_frequency"] == "WEEKLY"


def test_password_reset_is_equal_in_substance() -> None:
    example = _example("transactional/password-reset.yaml")
    seeded = copy.deepcopy(MOE_SEED[PASSWORD_RESET_ID])
    assert example["id"] == PASSWORD_RESET_ID and example["state"] == "ACTIVE"
    assert seeded["basic_details"]["user_attribute_identifier"] == "Email (Standard)"
    seeded["basic_details"]["user_attribute_identifier"] = "MOE_EMAIL_ID"
    assert _without(seeded, "connector", "segmentation_details") == example["campaign"]


def test_campaigns_the_examples_create_do_not_exist_remotely() -> None:
    names = {body["basic_details"]["name"] for body in MOE_SEED.values()}
    assert _example("newsletters/monthly-digest.yaml")["campaign"]["basic_details"]["name"] == (
        "Monthly digest"
    )
    assert "Monthly digest" not in names
    assert "id" not in _example("newsletters/monthly-digest.yaml")
    push = _example("batch/spring-push.yaml")["campaign"]["name"]
    assert push not in {campaign["name"] for campaign in BATCH_SEED.values()}


def test_win_back_differs_by_its_subject_only() -> None:
    example = _example("batch/reactivation.yaml")
    seeded = copy.deepcopy(BATCH_SEED[WIN_BACK_ID])
    assert example["id"] == WIN_BACK_ID
    assert seeded["messages"][0]["subject"] == "We miss you!"
    assert example["campaign"]["messages"][0]["subject"] == "We miss you"
    seeded["messages"][0]["subject"] = "We miss you"
    # Batch never shows an email's HTML back: the seeded one is a stand-in, not compared.
    final = _final("batch/reactivation.yaml")
    assert "Come back for 20% off" in final["messages"][0].pop("html")
    del seeded["messages"][0]["html"]
    assert seeded == {**final, "state": example["state"]}


def test_the_demo_through_the_api(moengage_http: httpx.Client, batch_http: httpx.Client) -> None:
    from .helpers import BATCH, search

    listed = {c["campaign_id"]: c for c in search(moengage_http, limit=15, page=1).json()}
    assert len(listed) == 6
    assert listed[WELCOME_ID]["campaign_content"]["content"]["email"]["preview_text"]
    orchestrations = batch_http.get(f"{BATCH}/orchestrations/list").json()["orchestrations"]
    assert {o["id"] for o in orchestrations} == set(BATCH_SEED)
