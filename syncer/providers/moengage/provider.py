"""The MoEngage provider: binds models, planner, import and client behind `Provider`."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from syncer.model.email import Email
from syncer.model.target import TargetSettings
from syncer.model.vendor import Location, PlanItem, RemoteCampaign, Session, SessionSpec
from syncer.providers.moengage import emails as email_parts
from syncer.providers.moengage import models, normalize, requirements, rules

if TYPE_CHECKING:
    from syncer.model.plan import CampaignPlan, PlannedRequest
    from syncer.model.state import StateEntry

# The HTTP client (httpx, the rate limiter) is imported by the methods that open a session or
# read its quota, the planner (and the plan models) when a campaign is planned, the routes
# when a saved plan is checked, the schema's description when one is shown: `validate` does
# none of these.


class MoEngageProvider:
    name = "moengage"
    states: tuple[str, ...] = ("ACTIVE", "PAUSED", "STOPPED")
    state_only: str | None = None  # every field it applies can be read back
    author_required: bool = True  # V1: created_by / updated_by on every write
    finished: frozenset[str] = rules.FINISHED
    personalization = email_parts.PERSONALIZATION

    def validate_campaign(self, raw: Any) -> dict[str, Any]:
        campaign = models.EmailCampaign.model_validate(raw)
        dumped: dict[str, Any] = campaign.model_dump(mode="json", exclude_unset=True)
        return dumped

    def creation_problems(self, campaign: dict[str, Any]) -> list[tuple[Location, str]]:
        return requirements.file_problems(campaign)

    def emails(self, campaign: dict[str, Any]) -> list[Email]:
        return email_parts.emails(campaign)

    def campaign_name(self, campaign: dict[str, Any]) -> str | None:
        basic = campaign.get("basic_details")
        name = basic.get("name") if isinstance(basic, dict) else None
        return name if isinstance(name, str) else None

    def plan_campaign(self, item: PlanItem) -> CampaignPlan:
        from syncer.providers.moengage import planner

        return planner.plan_campaign(item)

    def orphan_requests(
        self, entry: StateEntry, remote: RemoteCampaign | None, settings: TargetSettings
    ) -> list[PlannedRequest]:
        from syncer.model.plan import PlannedRequest
        from syncer.providers.moengage.creation import BASE

        if remote is None:
            return []
        action, _refusal = rules.retirement(remote.state, remote.kind)
        if action is None:
            return []
        return [
            PlannedRequest(
                method="POST",
                path=f"{BASE}/campaigns/status",
                body={"action": action, "campaign_ids": [remote.id]},
                kind="status",
                summary=f"{action} orphaned campaign {remote.name!r}",
            )
        ]

    def request_target(self, request: PlannedRequest, settings: TargetSettings) -> str | None:
        from syncer.providers.moengage import routes

        return routes.target_id(request)

    def to_definition(self, remote: RemoteCampaign) -> dict[str, Any]:
        campaign = normalize.for_diff({k: v for k, v in remote.body.items() if v is not None})
        result: dict[str, Any] = {"campaign": campaign}
        state = rules.DESCRIBED_BY.get(remote.state or "")
        if state is not None:
            result["state"] = state
        return result

    def create_budget(self) -> int | None:
        from syncer.providers.moengage.client import DAILY_CREATIONS

        return DAILY_CREATIONS

    def json_schema(self) -> dict[str, Any]:
        return _schema()

    def open_session(self, spec: SessionSpec) -> Session:
        from syncer.providers.moengage.client import MoEngageSession
        from syncer.remote.session import client_options

        return MoEngageSession(
            workspace_id=spec.account,
            api_key=spec.secret,
            sandbox=spec.settings.sandbox,
            **client_options(spec, base_delay=0.5),
        )


@functools.cache
def _schema() -> dict[str, Any]:
    """The file model's schema, described in the vendor's words (built once, on demand)."""
    from syncer.providers.moengage import describe

    return describe.described(models.json_schema())
