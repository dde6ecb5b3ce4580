"""The demo workspace's campaigns, as data: what the sandbox holds before anyone writes to it.

It differs from the example `campaigns/` on purpose, so the first `syncer plan` shows each kind of
outcome: an update (Welcome email's subject), a change locked on an ACTIVE campaign (Spring sale's
audience), a creation (Monthly digest, Spring collection push: absent here), a campaign in sync
apart from vendor formatting (Password reset), fields the YAML does not declare (connector,
scheduling) that an update must preserve, and read-only or finished campaigns that a listing
shows. Every MoEngage body validates against the vendor's `EmailCampaignRequest`.
"""

from __future__ import annotations

from typing import Any

CONNECTOR = {"connector_type": "SENDGRID", "connector_name": "default"}
ALL_USERS = {"is_all_user_campaign": True}

WELCOME_HTML = (
    '<html lang="en"><body>\n<h1>Welcome to Acme</h1>\n'
    '<p>Your account is ready. <a href="https://acme.example/start">Get started</a>.</p>\n'
    "</body></html>\n"
)


def _email(subject: str, sender: str, html: str, **extra: str) -> dict[str, Any]:
    content = {
        "subject": subject,
        **extra,
        "sender_name": "Acme",
        "from_address": f"{sender}@acme.example",
        "reply_to_address": "support@acme.example",
        "html_content": html,
    }
    return {"content": {"email": content}}


def _promotional(name: str, category: str, tags: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "content_type": "PROMOTIONAL",
        "subscription_category": category,
        "user_attribute_identifier": "MOE_EMAIL_ID",
        "tags": tags,
    }


def _country_in(*countries: str) -> dict[str, Any]:
    return {
        "filter_type": "user_attributes",
        "data_type": "string",
        "name": "country",
        "operator": "in",
        "value": list(countries),
        "case_sensitive": False,
    }


def _fixed(start: str) -> dict[str, Any]:
    return {"delivery_type": "AT_FIXED_TIME", "start_time": start}


def _action(name: str) -> dict[str, Any]:
    return {
        "filter_operator": "and",
        "filters": [{"filter_type": "actions", "action_name": name, "executed": True}],
    }


# (id, status, created_via_api, created_at, sent_at, body). Times are UTC ISO 8601.
MOENGAGE_CAMPAIGNS: list[tuple[str, str, bool, str, str | None, dict[str, Any]]] = [
    ("66a1f0c2e4b0a1b2c3d4e501", "ACTIVE", True, "2024-06-28T14:03:11.502", None, {
        "channel": "EMAIL",
        "campaign_delivery_type": "EVENT_TRIGGERED",
        "basic_details": {
            "name": "Welcome email",
            "content_type": "TRANSACTIONAL",
            "user_attribute_identifier": "MOE_EMAIL_ID",
            "tags": ["onboarding"],
        },
        "connector": CONNECTOR,
        # The YAML's subject differs (an update to plan); preview_text exists only here, and the
        # YAML ignores it, so an update of campaign_content must carry it over.
        "campaign_content": _email("Welcome to Acme", "hello", WELCOME_HTML,
                                   preview_text="Let's get you started"),
        "trigger_condition": {
            "included_filters": _action("Signed Up"),
            "trigger_delay_type": "DELAY",
            "trigger_delay_value": 10,
            "trigger_delay_granularity": "MINUTES",
            "trigger_relation": "AFTER",
        },
        "segmentation_details": ALL_USERS,
        "scheduling_details": _fixed("2024-07-01T00:00:00"),
        "utm_params": {"utm_source": "moengage", "utm_medium": "email", "utm_campaign": "welcome"},
    }),
    ("66a1f0c2e4b0a1b2c3d4e502", "ACTIVE", True, "2024-02-20T10:15:42.118", None, {
        "channel": "EMAIL",
        "campaign_delivery_type": "PERIODIC",
        "basic_details": {
            "name": "Spring sale",
            "content_type": "PROMOTIONAL",
            "subscription_category": "offers",
            "user_attribute_identifier": "MOE_EMAIL_ID",
        },
        "connector": CONNECTOR,
        "campaign_content": _email("Spring sale: up to 30% off", "offers",
                                   "<html><body><h1>Spring sale</h1></body></html>"),
        # The YAML widened this audience: a change MoEngage refuses on an ACTIVE campaign.
        "segmentation_details": {
            "included_filters": {"filter_operator": "or", "filters": [_country_in("FR", "BE")]},
        },
        "scheduling_details": {
            **_fixed("2024-03-04T09:00:00"),
            "periodic_details": {
                "sending_frequency": "WEEKLY",
                "repeat_frequency": 1,
                "repeat_on_days_of_week": ["MONDAY"],
            },
        },
    }),
    ("66a1f0c2e4b0a1b2c3d4e503", "ACTIVE", True, "2024-07-04T08:00:54.847", None, {
        "channel": "EMAIL",
        "campaign_delivery_type": "EVENT_TRIGGERED",
        "basic_details": {
            "name": "Password reset",
            "content_type": "TRANSACTIONAL",
            # A documented alias of MOE_EMAIL_ID (what the YAML says): not a change.
            "user_attribute_identifier": "Email (Standard)",
        },
        "connector": {"connector_type": "SENDGRID", "connector_name": "transactional"},
        "campaign_content": _email(
            "Reset your Acme password", "security",
            '<html lang="en"><body><p><a href="{{EventAttribute[\'reset_link\']}}">'
            "Reset your password</a></p></body></html>",
        ),
        "trigger_condition": {
            "included_filters": _action("Password Reset Requested"),
            "trigger_delay_type": "ASAP",
        },
        "segmentation_details": ALL_USERS,
        "scheduling_details": _fixed("2024-07-04T08:00:00"),
    }),
    ("66a1f0c2e4b0a1b2c3d4e504", "SENT", False, "2024-04-25T16:40:09.330", "2024-05-01T09:00:00", {
        "channel": "EMAIL",
        "campaign_delivery_type": "ONE_TIME",
        "basic_details": _promotional("Legacy newsletter", "newsletter", ["newsletter"]),
        "connector": CONNECTOR,
        "campaign_content": _email("Acme news, May 2024", "news",
                                   "<html><body><h1>May at Acme</h1></body></html>"),
        "segmentation_details": ALL_USERS,
        "scheduling_details": _fixed("2024-05-01T09:00:00"),
    }),
    ("66a1f0c2e4b0a1b2c3d4e505", "SCHEDULED", True, "2024-09-02T11:20:00.000", None, {
        "channel": "EMAIL",
        "campaign_delivery_type": "ONE_TIME",
        "basic_details": _promotional("Black Friday teaser", "offers", ["black-friday"]),
        "connector": CONNECTOR,
        "campaign_content": _email("Something big is coming", "offers",
                                   "<html><body><h1>Black Friday is coming</h1></body></html>"),
        "segmentation_details": {
            "included_filters": {"filter_operator": "and", "filters": [_country_in("FR")]},
        },
        "scheduling_details": _fixed("2030-11-20T09:00:00"),
    }),
    ("66a1f0c2e4b0a1b2c3d4e506", "STOPPED", True, "2024-01-10T09:30:00.000", None, {
        "channel": "EMAIL",
        "campaign_delivery_type": "ONE_TIME",
        "basic_details": _promotional("Old promo", "offers", ["promo"]),
        "connector": CONNECTOR,
        "campaign_content": _email("Last chance: winter deals", "offers",
                                   "<html><body><h1>Winter deals</h1></body></html>"),
        "segmentation_details": ALL_USERS,
        "scheduling_details": _fixed("2024-02-01T09:00:00"),
    }),
    ("66a1f0c2e4b0a1b2c3d4e507", "ARCHIVED", True, "2023-11-02T08:00:00.000", None, {
        "channel": "EMAIL",
        "campaign_delivery_type": "ONE_TIME",
        "basic_details": _promotional("Archived launch", "newsletter", ["launch"]),
        "connector": CONNECTOR,
        "campaign_content": _email("Meet the new Acme", "news",
                                   "<html><body><h1>The new Acme</h1></body></html>"),
        "segmentation_details": ALL_USERS,
        "scheduling_details": {"delivery_type": "ASAP"},
    }),
]  # fmt: skip

MOENGAGE_CREATED_BY = "marketing@acme.example"


def _batch_email(subject: str, html: str) -> dict[str, Any]:
    return {
        "channel_type": "email",
        "subject": subject,
        "sender_identity_id": "4012",
        "reply_to": {"email_address": "support@acme.example"},
        "html": html,
    }


# (id, status, type, source, created_at, campaign).
BATCH_ORCHESTRATIONS: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    ("orchestration_0664hyh918hr1gnzka9py5t62nrc0e1q", "draft", "campaign", "api",
     "2024-11-05T10:00:00", {
        "name": "Win-back — we miss you",
        "state": "DRAFT",
        "when": {"start_time": "2030-03-01T10:00:00Z", "local_time": True},
        "targeting": {"languages": ["fr", "en"], "query": {"last_visit_days": {"$gt": 30}}},
        "labels": ["reactivation"],
        # The YAML says "We miss you": invisible through the list, which shows no content.
        "messages": [_batch_email("We miss you!",
                                  "<html><body><p>Come back for 20% off.</p></body></html>")],
    }),
    ("orchestration_0664hz00dashb0ard0000000000000001", "running", "recurring", "dashboard",
     "2024-03-18T08:45:00", {
        "name": "Weekly deals",
        "state": "RUNNING",
        "when": {"start_time": "2024-03-25T09:00:00Z", "local_time": True},
        "labels": ["deals"],
        "messages": [_batch_email("This week's deals",
                                  "<html><body><h1>Deals of the week</h1></body></html>")],
    }),
    ("orchestration_0664hz00push00000000000000000000002", "running", "campaign", "api",
     "2025-01-20T15:10:00", {
        "name": "App update",
        "state": "RUNNING",
        "when": {"start_time": "2030-06-01T09:00:00Z", "local_time": False},
        "targeting": {"regions": ["FR", "BE"]},
        "messages": [{
            "channel_type": "push",
            "platform_type": ["ios", "android"],
            "title": "Update available",
            "body": "Version 5 is here: faster and lighter",
            "deeplink": "acme://update",
        }],
    }),
]  # fmt: skip
