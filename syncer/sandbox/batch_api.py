"""The Batch operations the tool uses: campaigns create/update/delete, orchestrations list/view.

Each takes the authenticated project key, the `VendorRequest` and the `Context`; returns a
`VendorResponse` or raises `BatchError`. Routing, auth and the rate limit live in `batch.py`.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import string
from dataclasses import replace
from typing import Any

from syncer.sandbox.batch_validation import (
    STATE_TO_STATUS,
    TRANSITIONS,
    BatchError,
    as_object,
    malformed,
    missing,
    reject_unknown,
    validate_campaign,
)
from syncer.sandbox.clock import iso_utc, parse_instant
from syncer.sandbox.records import BatchOrchestration
from syncer.sandbox.wire import Context, InvalidJson, VendorRequest, VendorResponse

# The sandbox's model of sending: a running one-shot campaign has finished sending 60 seconds
# (sandbox clock) after its start time, and then reads back as `completed`.
COMPLETION_SECONDS = 60.0
_ID_ALPHABET = string.ascii_lowercase + string.digits


def create(project: str, request: VendorRequest, ctx: Context) -> VendorResponse:
    campaign = validate_campaign(_json_body(request))
    status = STATE_TO_STATUS[campaign["state"]]
    orchestration = BatchOrchestration(
        project=project,
        id=_new_id(project, ctx),
        campaign=campaign,
        status=status,
        type="campaign",  # recurring and trigger orchestrations are made in the dashboard
        source="api",
        created_at=ctx.now,
        updated_at=ctx.now,
        start_at=_start_at(campaign, status, None, ctx.now),
    )
    ctx.store.batch.put(orchestration)
    return VendorResponse(200, {"id": orchestration.id})


def update(project: str, request: VendorRequest, ctx: Context) -> VendorResponse:
    body = as_object(_json_body(request), "body")
    reject_unknown(body, frozenset({"id", "campaign"}), "")
    orchestration_id = _required_id(body)
    if "campaign" not in body:
        raise missing("campaign")
    # "An update on a campaign will overwrite its contents": the whole object, validated as new.
    campaign = validate_campaign(body["campaign"], "campaign.")
    current = ctx.store.batch.get(project, orchestration_id)
    if current is None:
        raise _not_found(orchestration_id)
    if current.status == "completed":
        raise BatchError("API_MISUSE", "completed campaigns cannot be updated")
    status = TRANSITIONS.get((current.status, campaign["state"]))
    if status is None:
        raise malformed(
            "campaign.state", f"a {current.status} campaign cannot be set to {campaign['state']}"
        )
    # "It is not possible to update a completed or running campaign if not recurrent"
    # (`campaign_update`), word for word: a state-only update (RUNNING -> STOPPED) is an update
    # too, and no page documents an exception for it.
    if current.status == "running" and current.type != "recurring":
        raise BatchError(
            "API_MISUSE",
            "It is not possible to update a completed or running campaign if not recurrent",
        )
    # Batch does not forbid updating `source: dashboard` campaigns, so neither does the sandbox.
    updated = replace(
        current,
        campaign=campaign,
        status=status,
        updated_at=ctx.now,
        start_at=_start_at(campaign, status, current, ctx.now),
    )
    ctx.store.batch.put(updated)
    return VendorResponse(200, {})


def delete(project: str, request: VendorRequest, ctx: Context) -> VendorResponse:
    body = as_object(_json_body(request), "body")
    reject_unknown(body, frozenset({"id"}), "")
    orchestration_id = _required_id(body)
    if not ctx.store.batch.delete(project, orchestration_id):
        raise _not_found(orchestration_id)
    # The delete page's text says 204; its OpenAPI snippet shows 200 {}. The sandbox sends 200 {}
    # (clients should accept both).
    return VendorResponse(200, {})


def list_orchestrations(project: str, request: VendorRequest, ctx: Context) -> VendorResponse:
    limit_text = request.param("limit")
    try:
        limit = 10 if limit_text is None else int(limit_text)
    except ValueError:
        raise malformed("limit", "must be an integer from 1 to 100") from None
    if not 1 <= limit <= 100:
        raise malformed("limit", "must be an integer from 1 to 100")
    cursor = request.param("from")
    after = _decode_cursor(cursor) if cursor else None
    found = ctx.store.batch.page(project, after, limit + 1)
    page, has_more = found[:limit], len(found) > limit
    return VendorResponse(
        200,
        {
            "orchestrations": [_summary(o, ctx) for o in page],
            # The docs never say what `count` is; their example has `"count": 132` with
            # `has_more: true`, more than the largest page (`limit` <= 100): the total, then.
            # A client must page by has_more and next_from, whatever `count` says.
            "count": ctx.store.batch.count(project),
            "has_more": has_more,
            "next_from": _encode_cursor(page[-1]) if has_more else None,
        },
    )


def view(project: str, request: VendorRequest, ctx: Context) -> VendorResponse:
    orchestration_id = request.param("orchestration_id")
    if not orchestration_id:
        raise missing("orchestration_id")
    orchestration = ctx.store.batch.get(project, orchestration_id)
    if orchestration is None:
        raise _not_found(orchestration_id)
    if orchestration.message.get("channel_type") != "push":
        # The view route returns details "for push campaigns only".
        raise malformed("orchestration_id", f"{orchestration_id} is not a push campaign")
    details = _summary(orchestration, ctx)
    campaign = orchestration.campaign
    details.update(
        updated_date=iso_utc(orchestration.updated_at, seconds=True),
        local_time=bool(campaign["when"].get("local_time", False)),
        messages=campaign["messages"],
    )
    # The view documents summary fields only (PushCampaignDetails); object fields can be neither
    # confirmed nor ruled out. The sandbox returns the content it has, and no `targeting` when
    # the campaign has none (sent to everyone): a client must read that as unknown.
    if "targeting" in campaign:
        details["targeting"] = campaign["targeting"]
    if "send_rate" in campaign:
        details["send_rate"] = campaign["send_rate"]
    return VendorResponse(200, details)


def _label_name(code: str) -> str:
    return code.replace("_", " ").replace("-", " ").strip().capitalize() or code


def _summary(o: BatchOrchestration, ctx: Context) -> dict[str, Any]:
    """A list item: no targeting and no message content, as Batch lists them."""
    labels = [str(label) for label in o.campaign.get("labels", [])]
    if ctx.options.batch_labels == "names":
        labels = [_label_name(label) for label in labels]
    message = o.message
    platforms = message.get("platform_type", []) if message.get("channel_type") == "push" else []
    return {
        "id": o.id,
        "type": o.type,
        "channels": [message.get("channel_type", "")],
        "platforms": list(platforms),
        "source": o.source,
        "created_date": iso_utc(o.created_at, seconds=True),
        "name": o.name,
        "labels": labels,
        "status": o.status,
        "start_time": None if o.start_at is None else iso_utc(o.start_at, seconds=True),
    }


def _start_at(
    campaign: dict[str, Any], status: str, current: BatchOrchestration | None, now: float
) -> float | None:
    """When the campaign starts sending. "now" means the moment it (last) started running."""
    start_time = campaign["when"]["start_time"]
    if start_time != "now":
        return parse_instant(start_time)
    if status == "running":
        already_running = current is not None and current.status == "running"
        return current.start_at if already_running and current is not None else now
    if status == "stopped" and current is not None:
        return current.start_at
    return None  # a draft with start "now" has no start time until it is started


def _json_body(request: VendorRequest) -> Any:
    try:
        return request.json()
    except InvalidJson as exc:
        raise BatchError(
            "MALFORMED_JSON_BODY", f"The request body is not valid JSON: {exc}"
        ) from None


def _required_id(body: dict[str, Any]) -> str:
    if "id" not in body:
        raise missing("id")
    if not isinstance(body["id"], str) or not body["id"]:
        raise malformed("id", "must be a non-empty string")
    return body["id"]


def _not_found(orchestration_id: str) -> BatchError:
    # The catalogue's only 404 is ROUTE_NOT_FOUND; Batch's "Not found" response has no own code.
    return BatchError("ROUTE_NOT_FOUND", f"{orchestration_id} does not match any orchestration")


def _new_id(project: str, ctx: Context) -> str:
    while True:
        suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(32))
        candidate = f"orchestration_{suffix}"
        if ctx.store.batch.get(project, candidate) is None:
            return candidate


def _encode_cursor(last: BatchOrchestration) -> str:
    raw = json.dumps([last.created_at, last.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, last_id = json.loads(raw)
        return float(created_at), str(last_id)
    except (binascii.Error, ValueError, TypeError):
        raise malformed("from", "is not a cursor returned by this API") from None
