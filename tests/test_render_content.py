"""What a create sends, in words (pure): the fields a reviewer approves, never cut."""

from __future__ import annotations

from typing import Any

from syncer.model.plan import CampaignPlan, FieldChange
from syncer.render.content import created_content


def create(provider: str, campaign: dict[str, Any], **fields: Any) -> CampaignPlan:
    changes = tuple(FieldChange(path=k, after=v) for k, v in campaign.items())
    return CampaignPlan(
        key="a.yaml", provider=provider, target="t", action="create", changes=changes, **fields
    )


def test_a_batch_email_to_everyone_as_a_draft() -> None:
    message = {
        "channel_type": "email",
        "subject": "We miss you",
        "sender_identity_id": "4012",
        "reply_to": {"email_address": "support@acme.example"},
        "html": "<p>Come back for <b>20%</b> off.</p>",
    }
    campaign = {"targeting": {}, "messages": [message], "when": {"start_time": "now"}}
    lines = created_content(create("batch", {**campaign, "state": "DRAFT"}))
    assert lines == [
        'subject: "We miss you"',
        'sender identity: "4012"',
        "reply to: support@acme.example",
        "content (what recipients see):",
        "  + Come back for 20% off.",
        "audience: ALL USERS (targeting: {})",
        "schedule: start time now",
        "sending: nothing when applied (created DRAFT)",
    ]


def test_a_long_push_title_is_shown_whole_for_every_platform() -> None:
    title = "T" * 500
    message = {"channel_type": "push", "title": title, "body": "B", "deeplink": "acme://x"}
    lines = created_content(
        create("batch", {"messages": [message]}, starts_sending="this plan starts sending it")
    )
    assert f'push title: "{title}"' in lines
    assert 'deeplink (all platforms): "acme://x"' in lines
    assert not any(line.startswith("sending:") for line in lines)  # said on its own line


def test_each_locale_and_variation_of_a_moengage_email() -> None:
    def email(subject: str) -> dict[str, Any]:
        return {"email": {"subject": subject, "sender_name": "Acme", "from_address": "a@b.io"}}

    content = {"content": {"fr": {"variation_2": email("Salut")}, "default": {"v1": email("Hi")}}}
    segments = {"included_filters": {"filters": [{"filter_type": "custom_segments", "id": "s"}]}}
    lines = created_content(
        create("moengage", {"campaign_content": content, "segmentation_details": segments})
    )
    assert 'subject [default / v1]: "Hi"' in lines
    assert 'subject [fr / variation_2]: "Salut"' in lines
    assert "sender [fr / variation_2]: Acme <a@b.io>" in lines
    assert 'audience: {"filters": [{"filter_type": "custom_segments", "id": "s"}]}' in lines
