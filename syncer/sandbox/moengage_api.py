"""The four MoEngage V1 operations the tool uses: create, update (PATCH), search, status change.

Each takes the authenticated workspace, the path's campaign id (or ""), the parsed JSON body and
the `Context`; returns a `VendorResponse` or raises `MoeError` (a 400). Routing, auth, rate limits
and error envelopes live in `moengage.py`.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from syncer.sandbox.limits import DAY
from syncer.sandbox.moengage_render import render
from syncer.sandbox.moengage_rules import (
    CONFIG_KEYS,
    CREATE_KEYS,
    UPDATE_KEYS,
    initial_status,
    patch_problems,
    start_instant,
    transition,
)
from syncer.sandbox.moengage_validation import (
    MoeError,
    Problem,
    check_schema,
    raise_problems,
    reject_unknown_keys,
    require,
    semantic_problems,
)
from syncer.sandbox.records import MoeCampaign
from syncer.sandbox.store import MoeQuery
from syncer.sandbox.wire import Context, VendorResponse

# "After successful campaign creation, do not reuse this request_id for the next 1 day."
DEDUP_SECONDS = DAY
EMAIL_ONLY = "only EMAIL campaigns are supported by this sandbox"
SEARCH_FIELDS = frozenset(
    {"channels", "created_by", "created_date", "delivery_type", "id", "name", "status", "tags"}
)


def create(workspace: str, _: str, body: dict[str, Any], ctx: Context) -> VendorResponse:
    request_id = require(body, "request_id")
    created_by = require(body, "created_by")
    reject_unknown_keys(body, CREATE_KEYS)
    if "channel" in body and body["channel"] != "EMAIL":
        raise MoeError(EMAIL_ONLY, target="channel")
    check_schema(body, "EmailCampaignRequest")
    raise_problems(semantic_problems(body))
    # Checked after validation: a failed create never burns its request_id, so a client may
    # retry it as is; only a success within the last day makes the id unusable.
    # The docs say such a create fails, not with which words: the sandbox's are made up on
    # purpose (a client must not read the message, only the 400 and what a search then finds).
    if ctx.store.moe.request_id_used(workspace, request_id, ctx.now - DEDUP_SECONDS):
        raise MoeError(
            f"duplicate request: {request_id!r} was used by a creation within the last day",
            target="request_id",
        )
    stored = {key: value for key, value in body.items() if key not in ("request_id", "created_by")}
    campaign = MoeCampaign(
        workspace=workspace,
        id=_new_id(workspace, ctx),
        body=stored,
        status=initial_status(stored, ctx.now),
        created_via_api=True,
        created_by=created_by,
        created_at=ctx.now,
        updated_by=created_by,
        updated_at=ctx.now,
        request_id=request_id,
        start_at=start_instant(stored),
    )
    ctx.store.moe.put(campaign)
    ctx.store.moe.record_request_id(workspace, request_id, ctx.now)
    return VendorResponse(201, {"campaign_id": campaign.id})


def update(workspace: str, campaign_id: str, body: dict[str, Any], ctx: Context) -> VendorResponse:
    require(body, "request_id")
    updated_by = require(body, "updated_by")
    reject_unknown_keys(body, UPDATE_KEYS)
    if "channel" in body and body["channel"] != "EMAIL":
        raise MoeError(EMAIL_ONLY, target="channel")
    check_schema(body, "EmailCampaignUpdateRequest")
    campaign = ctx.store.moe.get(workspace, campaign_id)
    if campaign is None:
        raise MoeError("campaign not found", target="campaign_id")
    if not campaign.created_via_api:
        raise MoeError(
            "campaigns created from the dashboard cannot be updated through the API",
            target="campaign_id",
        )
    raise_problems(patch_problems(campaign.status, campaign.body, body))
    # Each top-level object sent replaces the stored one whole: nested fields left out of it are
    # lost. This is why the vendor asks for "the complete object to which the field belongs".
    merged = {**campaign.body, **{key: body[key] for key in CONFIG_KEYS if key in body}}
    raise_problems(semantic_problems(merged))
    start = start_instant(merged)
    status = campaign.status
    if status == "SCHEDULED" and start is not None and start <= ctx.now:
        status = "ACTIVE"
    if ctx.options.moengage_versioning:
        _keep_revision(ctx, campaign)
    updated = replace(
        campaign,
        body=merged,
        status=status,
        start_at=start,
        updated_by=updated_by,
        updated_at=ctx.now,
    )
    ctx.store.moe.put(updated)
    return VendorResponse(204)


def search(workspace: str, _: str, body: dict[str, Any], ctx: Context) -> VendorResponse:
    require(body, "request_id")
    fields = body.get("campaign_fields")
    if isinstance(fields, dict) and isinstance(fields.get("status"), list):
        # Status filters are case-insensitive: clients send "ACTIVE" (the enum) or "Active"
        # (what search returns), and live search is reported to accept both.
        statuses = [s.upper() if isinstance(s, str) else s for s in fields["status"]]
        body = {**body, "campaign_fields": {**fields, "status": statuses}}
    check_schema(body, "CampaignSearchRequest")
    fields = body.get("campaign_fields") or {}
    if set(fields) - SEARCH_FIELDS:
        # A filter name V1 does not know (e.g. V5's `ids` or `campaign_delivery_type`) matches
        # nothing, as the docs report for the opposite mix-up: zero rows, not every campaign.
        # An empty page must never be read as "the campaign was deleted".
        return VendorResponse(200, [])
    created = fields.get("created_date") or {}
    query = MoeQuery(
        id=fields.get("id"),
        # Undocumented whether name matches exactly or by substring, and in which order: exact
        # and oldest first by default, substring and newest first with
        # `moengage_name_search = "loose"` (a client must check names and dates itself).
        name=fields.get("name"),
        loose_name=ctx.options.moengage_name_search == "loose",
        statuses=tuple(fields.get("status") or ()),
        channels=tuple(fields.get("channels") or ()),
        delivery_types=tuple(fields.get("delivery_type") or ()),
        tags=tuple(fields.get("tags") or ()),
        created_by=tuple(fields.get("created_by") or ()),
        created_from=_day_start(created.get("from_date"), "from_date"),
        created_before=_day_start(created.get("to_date"), "to_date", next_day=True),
        # "Archived campaigns are returned only with include_archive_campaigns: true", even
        # when ARCHIVED is listed in the status filter.
        include_archived=bool(body.get("include_archive_campaigns")),
    )
    limit, page = int(body["limit"]), int(body["page"])
    found = ctx.store.moe.search(workspace, query, limit, (page - 1) * limit)
    # A bare JSON array, no total: clients page until a page is shorter than `limit`.
    if ctx.options.moengage_versioning:
        return VendorResponse(200, [row for c in found for row in _revisions(ctx, c)])
    return VendorResponse(200, [render(campaign) for campaign in found])


def change_status(workspace: str, _: str, body: dict[str, Any], ctx: Context) -> VendorResponse:
    require(body, "request_id")
    check_schema(body, "CampaignStatusChangeRequest")
    action = body["action"]
    problems: list[Problem] = []
    changed: list[MoeCampaign] = []
    for campaign_id in body["campaign_ids"]:
        campaign = ctx.store.moe.get(workspace, campaign_id)
        if campaign is None:
            problems.append(
                Problem("campaign_ids", campaign_id, f"{campaign_id}: campaign not found")
            )
            continue
        if not campaign.created_via_api:
            rule = "campaigns created from the dashboard cannot be changed through the API"
            problems.append(Problem("campaign_ids", campaign_id, f"{campaign_id}: {rule}"))
            continue
        status, rule = transition(action, campaign.delivery_type, campaign.status)
        if status is None:
            problems.append(Problem("campaign_ids", campaign_id, f"{campaign_id}: {rule}"))
            continue
        if status == "ACTIVE" and campaign.start_at is not None and campaign.start_at > ctx.now:
            status = "SCHEDULED"  # resumed before its start time
        changed.append(replace(campaign, status=status, updated_at=ctx.now))
    # All or nothing: one refused campaign leaves every campaign of the request unchanged.
    raise_problems(problems)
    for campaign in changed:
        ctx.store.moe.put(campaign)
    return VendorResponse(200)


def _revision_key(campaign: MoeCampaign) -> str:
    return f"moe_revisions:{campaign.workspace}:{campaign.id}"


def _keep_revision(ctx: Context, campaign: MoeCampaign) -> None:
    """Keep the campaign as it is before a PATCH, as one more old revision."""
    kept: list[dict[str, Any]] = ctx.store.db.get_setting(_revision_key(campaign)) or []
    kept.append({**render(campaign), "version_number": len(kept) + 1})
    ctx.store.db.set_setting(_revision_key(campaign), kept)


def _revisions(ctx: Context, campaign: MoeCampaign) -> list[dict[str, Any]]:
    """Every revision's row, oldest first, the current one last (with the highest number)."""
    kept: list[dict[str, Any]] = ctx.store.db.get_setting(_revision_key(campaign)) or []
    return [*kept, {**render(campaign), "version_number": len(kept) + 1}]


def _new_id(workspace: str, ctx: Context) -> str:
    while True:
        candidate = secrets.token_hex(12)  # 24 hex characters, like a MongoDB ObjectId
        if ctx.store.moe.get(workspace, candidate) is None:
            return candidate


def _day_start(value: Any, key: str, *, next_day: bool = False) -> float | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(str(value)) + timedelta(days=1 if next_day else 0)
    except ValueError:
        field = f"campaign_fields.created_date.{key}"
        raise MoeError(f"{key} must be a date (YYYY-MM-DD)", target=field) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
