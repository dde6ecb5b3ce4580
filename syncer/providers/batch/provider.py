"""The Batch provider: binds models, planner, import and client behind `Provider`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from syncer.model.email import Email
from syncer.model.target import TargetSettings
from syncer.model.vendor import Location, PlanItem, RemoteCampaign, Session, SessionSpec
from syncer.providers.batch import emails as email_parts
from syncer.providers.batch import models, rules
from syncer.providers.batch import settings as target_settings

if TYPE_CHECKING:
    from syncer.model.plan import CampaignPlan, PlannedRequest
    from syncer.model.state import StateEntry

# The HTTP client (httpx, the rate limiter) is imported when a session opens, the planner
# (with its comparison of whole campaigns, and the plan models) when a campaign is planned,
# the routes when a saved plan is checked, the reading of remote bodies when one is imported:
# `validate` does none of these.


class BatchProvider:
    name = "batch"
    states: tuple[str, ...] = rules.WRITABLE_STATES
    state_only: str | None = "last-applied digests"
    """What the state store holds for this vendor that the API cannot show back (its update
    replaces the whole campaign): said when a CI runner with local state would lose it."""
    author_required: bool = False  # Batch's API records no author
    finished: frozenset[str] = frozenset({"COMPLETED", "STOPPED"})
    personalization = email_parts.PERSONALIZATION

    def validate_campaign(self, raw: Any) -> dict[str, Any]:
        return models.validate(raw)

    def creation_problems(self, campaign: dict[str, Any]) -> list[tuple[Location, str]]:
        # Batch's create page marks no field of an email campaign as required beyond what the
        # file model already requires; a refusal is reported by the vendor at apply time.
        return []

    def emails(self, campaign: dict[str, Any]) -> list[Email]:
        return email_parts.emails(campaign)

    def campaign_name(self, campaign: dict[str, Any]) -> str | None:
        name = campaign.get("name")
        return name if isinstance(name, str) else None

    def plan_campaign(self, item: PlanItem) -> CampaignPlan:
        from syncer.model.state import utcnow
        from syncer.providers.batch import planner

        return planner.plan_campaign(item, now=utcnow())

    def orphan_requests(
        self, entry: StateEntry, remote: RemoteCampaign | None, settings: TargetSettings
    ) -> list[PlannedRequest]:
        """None: retiring a running orphan would mean updating it to STOPPED, and Batch says "It
        is not possible to update a completed or running campaign if not recurrent" (and
        documents no RUNNING -> STOPPED change): the orphan is reported, stop it in Batch."""
        return []

    def request_target(self, request: PlannedRequest, settings: TargetSettings) -> str | None:
        from syncer.providers.batch import routes

        return routes.target_id(request, settings)

    def to_definition(self, remote: RemoteCampaign) -> dict[str, Any]:
        """A campaign file body (`state:` and `campaign:`) for a remote campaign.

        A push campaign whose view was read: the complete campaign, so that `import` then `plan`
        shows no change. Any other campaign (an email, whose content Batch cannot show back, or
        a push whose view holds fields campaign-syncer does not model): the fields the list
        shows, plus `targeting: unknown` and `messages: unknown`. Such a file validates and
        plans as read-only (differences in the listed fields are shown, nothing is written);
        to manage the campaign, declare its real targeting and message: the first apply then
        writes it whole, labelled "remote content unknown". `state:` is the remote status,
        except COMPLETED (no write equivalent: left out, so the file keeps the remote state).
        """
        from syncer.providers.batch import normalize

        body = remote.body
        start = normalize.instant(body.get("start_time"))
        when: dict[str, Any] = {
            "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ") if start else "now"
        }
        viewed = normalize.viewed_content(body) if remote.content_readable else None
        campaign: dict[str, Any] = {"name": remote.name or remote.id, "when": when}
        campaign["targeting"] = models.UNKNOWN if viewed is None else viewed["targeting"]
        if body.get("labels"):
            campaign["labels"] = list(body["labels"])
        if viewed is None:
            campaign["messages"] = models.UNKNOWN
        else:
            when["local_time"] = viewed["when"]["local_time"]
            if "send_rate" in viewed:
                campaign["send_rate"] = viewed["send_rate"]
            campaign["messages"] = viewed["messages"]
        result: dict[str, Any] = {}
        if remote.state in rules.WRITABLE_STATES:
            result["state"] = remote.state
        result["campaign"] = campaign
        return result

    def create_budget(self) -> int | None:
        return None  # Batch documents no creation quota

    def json_schema(self) -> dict[str, Any]:
        return models.json_schema()

    def open_session(self, spec: SessionSpec) -> Session:
        from syncer.providers.batch.client import MIN_429_DELAY, BatchSession
        from syncer.remote.session import client_options

        config = target_settings.of(spec.settings)
        return BatchSession(
            project_key=spec.account,
            api_key=spec.secret,
            api_version=config.api_version,
            sandbox=config.sandbox,
            **client_options(spec, base_delay=1.0, min_429_delay=MIN_429_DELAY),
        )
