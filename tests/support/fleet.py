"""Fleets of MoEngage campaigns for the reliability tests: campaign files in a project, and the
same campaigns created in the sandbox first (with its rate limits off) so that files can pin
their ids. Seeding through the vendor routes keeps the sandbox's own bookkeeping (API origin,
request ids) exactly as a real workspace would have it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import httpx

from syncer.sandbox.admin_client import moengage_auth_headers
from syncer.sandbox.options import SANDBOX_API_KEY, SANDBOX_WORKSPACE_ID
from tests.support.project import Project

V1 = "/core-services/v1"
EDITOR = "crm-bot@example.com"


def body(name: str, subject: str = "Hello") -> dict[str, Any]:
    """A PERIODIC email campaign scheduled in 2030: SCHEDULED, so its content may change."""
    return {
        "channel": "EMAIL",
        "campaign_delivery_type": "PERIODIC",
        "basic_details": {
            "name": name,
            "content_type": "PROMOTIONAL",
            "subscription_category": "newsletter",
            "user_attribute_identifier": "MOE_EMAIL_ID",
        },
        "connector": {"connector_type": "SENDGRID", "connector_name": "default"},
        "campaign_content": {
            "content": {
                "email": {
                    "subject": subject,
                    "sender_name": "Acme",
                    "from_address": "news@acme.example",
                    "reply_to_address": "support@acme.example",
                    "html_content": "<p>Hello</p>",
                }
            }
        },
        "segmentation_details": {"is_all_user_campaign": True},
        "scheduling_details": {
            "delivery_type": "AT_FIXED_TIME",
            "start_time": "2030-01-01T09:00:00",
            "periodic_details": {
                "sending_frequency": "MONTHLY",
                "repeat_frequency": 1,
                "repeat_on_date_of_month": [1],
            },
        },
    }


def text(name: str, subject: str, campaign_id: str | None = None, state: str | None = None) -> str:
    """The campaign file of `body(name, subject)`, pinned to `campaign_id` when given, with a
    desired `state` when given."""
    pin = f"id: \"{campaign_id}\"\n" if campaign_id else ""  # quoted: a hex id may read as a number
    pin += f"state: {state}\n" if state else ""
    return f"""\
provider: moengage
{pin}campaign:
  channel: EMAIL
  campaign_delivery_type: PERIODIC
  basic_details:
    name: {name}
    content_type: PROMOTIONAL
    subscription_category: newsletter
    user_attribute_identifier: MOE_EMAIL_ID
  connector:
    connector_type: SENDGRID
    connector_name: default
  campaign_content:
    content:
      email:
        subject: {subject}
        sender_name: Acme
        from_address: news@acme.example
        reply_to_address: support@acme.example
        html_content: "<p>Hello</p>"
  segmentation_details:
    is_all_user_campaign: true
  scheduling_details:
    delivery_type: AT_FIXED_TIME
    start_time: "2030-01-01T09:00:00"
    periodic_details:
      sending_frequency: MONTHLY
      repeat_frequency: 1
      repeat_on_date_of_month: [1]
"""


def create_remote(sandbox: Any, names: Iterable[str], subject: str = "Hello") -> dict[str, str]:
    """Create one campaign per name in the sandbox's `sandbox` workspace; returns name -> id.

    The sandbox's rate limits are off meanwhile (its other fault knobs are cleared), and its
    request log is cleared afterwards, so a test sees only its own tool's calls.
    """
    ids: dict[str, str] = {}
    sandbox.set_faults({"rate_limit_scale": 0})
    headers = moengage_auth_headers(SANDBOX_WORKSPACE_ID, SANDBOX_API_KEY)
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=30.0) as client:
        for name in names:
            payload = {"request_id": str(uuid.uuid4()), "created_by": EDITOR, **body(name, subject)}
            response = client.post(f"{V1}/campaigns", json=payload)
            response.raise_for_status()
            ids[name] = response.json()["campaign_id"]
    sandbox.clear_faults()
    sandbox.clear_requests()
    return ids


STARTED = "2030-01-01T09:00:01Z"
"""Just after the fleet's start time."""


def start(sandbox: Any) -> None:
    """Move the sandbox's clock past the fleet's start time, so that its campaigns are ACTIVE:
    V1 pauses a running campaign only ("Pause a running Periodic or Event-triggered campaign")."""
    sandbox.set_clock(STARTED)


def change_status(sandbox: Any, campaign_ids: Sequence[str], action: str) -> None:
    """PAUSE, RESUME or STOP campaigns in the sandbox directly (rate limits off meanwhile)."""
    sandbox.set_faults({"rate_limit_scale": 0})
    headers = moengage_auth_headers(SANDBOX_WORKSPACE_ID, SANDBOX_API_KEY)
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=30.0) as client:
        body = {"request_id": str(uuid.uuid4()), "action": action, "campaign_ids": campaign_ids}
        client.post(f"{V1}/campaigns/status", json=body).raise_for_status()
    sandbox.clear_faults()
    sandbox.clear_requests()


def write_fleet(
    project: Project, names: Sequence[str], subject: str, ids: dict[str, str] | None = None
) -> list[str]:
    """One file per name under `fleet/` (pinned when `ids` has the name); returns the keys."""
    keys = []
    for index, name in enumerate(names):
        key = f"fleet/c{index:03d}.yaml"
        project.write(key, text(name, subject, (ids or {}).get(name)))
        keys.append(key)
    return keys


def moengage(sandbox: Any) -> dict[str, dict[str, Any]]:
    """The sandbox workspace's stored campaigns, by id."""
    return {c["id"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}


def subject(campaign: dict[str, Any]) -> str:
    """The email subject of a stored campaign (as `moengage()` returns it)."""
    value: str = campaign["body"]["campaign_content"]["content"]["email"]["subject"]
    return value
