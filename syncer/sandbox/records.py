"""What the sandbox stores: one record type per vendor object, as plain frozen dataclasses.

`store.py` turns rows into these and back; the vendor modules read and replace them.
Times are epoch seconds on the sandbox clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MoeCampaign:
    """A MoEngage campaign: its configuration objects in request shape, plus server metadata."""

    workspace: str
    id: str
    body: dict[str, Any]
    """channel, campaign_delivery_type and every configuration object, as last written."""
    status: str
    """Upper case: ACTIVE, SCHEDULED, PAUSED, SENT, STOPPED, ARCHIVED or RETIRED."""
    created_via_api: bool
    created_by: str
    created_at: float
    updated_by: str
    updated_at: float
    request_id: str
    """The request_id of the create call ("" for dashboard-created campaigns)."""
    start_at: float | None = None
    """scheduling_details.start_time as an instant, used to promote SCHEDULED campaigns."""
    sent_at: float | None = None

    @property
    def name(self) -> str:
        return str(self.body.get("basic_details", {}).get("name", ""))

    @property
    def delivery_type(self) -> str:
        return str(self.body.get("campaign_delivery_type", ""))


@dataclass(frozen=True)
class BatchOrchestration:
    """A Batch orchestration created as a campaign: the campaign object as last written."""

    project: str
    id: str
    campaign: dict[str, Any]
    status: str
    """Lower case, as Batch reads it back: draft, running, stopped or completed."""
    type: str
    """campaign (one-shot) or recurring."""
    source: str
    """api or dashboard."""
    created_at: float
    updated_at: float
    start_at: float | None = None
    """When it starts (or started) sending; None for a draft whose start_time is "now"."""

    @property
    def name(self) -> str:
        return str(self.campaign.get("name", ""))

    @property
    def message(self) -> dict[str, Any]:
        messages = self.campaign.get("messages") or [{}]
        first: dict[str, Any] = messages[0]
        return first
