"""Admin routes under `/_sandbox`: what tests and benchmarks use to drive and inspect the sandbox.

They need no credentials: the server binds 127.0.0.1 unless told otherwise, and these routes
are the point of a local emulator. They are never slowed down, faulted, rate-limited or logged.

    GET    /_sandbox/health              {"ok": true}
    GET    /_sandbox/requests?since=N    {"requests": [...]}: the request log, after seq N
    DELETE /_sandbox/requests            clear the request log
    GET    /_sandbox/campaigns           {"moengage": {workspace: [...]}, "batch": {project: [...]}}
    POST   /_sandbox/reset               wipe everything (campaigns, log, clock, faults) and reseed
    GET    /_sandbox/clock               {"now": iso, "frozen": bool}
    POST   /_sandbox/clock               {"now": iso} (freeze there), {"advance_seconds": n}
                                         or {"real": true} (back to real time)
    GET    /_sandbox/faults              the current knobs (see `faults.py`)
    POST   /_sandbox/faults              replace the knobs with this object
    DELETE /_sandbox/faults              clear every knob
    POST   /_sandbox/dashboard/batch/stop {"project": p, "id": orchestration id}: what stopping
                                         a running campaign in Batch's dashboard does (Batch's
                                         API documents no way to stop a running one-shot)
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from syncer.sandbox.batch_api import COMPLETION_SECONDS
from syncer.sandbox.clock import ClockState, iso_utc, parse_instant
from syncer.sandbox.faults import Faults
from syncer.sandbox.options import SandboxOptions
from syncer.sandbox.records import BatchOrchestration, MoeCampaign
from syncer.sandbox.seed import wipe_and_seed
from syncer.sandbox.settings import load_clock, load_faults, save_clock, save_faults
from syncer.sandbox.store import Store


class _BadRequest(Exception):
    pass


class Admin:
    def __init__(self, store: Store, options: SandboxOptions) -> None:
        self.store = store
        self.options = options

    def routes(self) -> list[Route]:
        return [
            Route("/health", self.health, methods=["GET"]),
            Route("/requests", self.requests, methods=["GET", "DELETE"]),
            Route("/campaigns", self.campaigns, methods=["GET"]),
            Route("/reset", self.reset, methods=["POST"]),
            Route("/clock", self.clock, methods=["GET", "POST"]),
            Route("/faults", self.faults, methods=["GET", "POST", "DELETE"]),
            Route("/dashboard/batch/stop", self.dashboard_stop, methods=["POST"]),
        ]

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def requests(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.store.log.clear()
            return Response(status_code=204)
        since = request.query_params.get("since")
        if since is not None and not since.isdigit():
            return _error("since must be a request sequence number")
        entries = self.store.log.entries(int(since) if since else None)
        return JSONResponse({"requests": entries})

    async def campaigns(self, request: Request) -> Response:
        db = self.store.db
        with db.transaction():
            # Apply the clock first, as a vendor read would.
            now = load_clock(db).now()
            self.store.moe.promote_scheduled(None, now)
            self.store.batch.complete_due(None, now - COMPLETION_SECONDS)
            moe = self.store.moe.all()
            orchestrations = self.store.batch.all()
        state: dict[str, dict[str, list[dict[str, Any]]]] = {"moengage": {}, "batch": {}}
        for campaign in moe:
            state["moengage"].setdefault(campaign.workspace, []).append(_moe_state(campaign))
        for orchestration in orchestrations:
            entry = _batch_state(orchestration)
            state["batch"].setdefault(orchestration.project, []).append(entry)
        return JSONResponse(state)

    async def reset(self, request: Request) -> Response:
        wipe_and_seed(self.store, seed=self.options.seed)
        return JSONResponse({"ok": True})

    async def clock(self, request: Request) -> Response:
        db = self.store.db
        if request.method == "POST":
            try:
                change = await _json_object(request)
                with db.transaction():
                    current = load_clock(db)
                    updated = _changed_clock(current, change)
                    save_clock(db, updated)
                    # A clock set backwards would leave rate-limit events in the future,
                    # holding windows shut; those events no longer describe the past.
                    self.store.rates.drop_after(updated.limiter_now())
            except _BadRequest as exc:
                return _error(str(exc))
        current = load_clock(db)
        return JSONResponse(
            {"now": iso_utc(current.now()), "frozen": current.frozen_at is not None}
        )

    async def faults(self, request: Request) -> Response:
        db = self.store.db
        if request.method == "DELETE":
            save_faults(db, None)
        elif request.method == "POST":
            try:
                knobs = Faults.model_validate(await _json_object(request))
            except _BadRequest as exc:
                return _error(str(exc))
            except ValidationError as exc:
                return _error(f"invalid fault knobs: {exc}")
            save_faults(db, knobs)
        return JSONResponse(load_faults(db).model_dump(mode="json"))

    async def dashboard_stop(self, request: Request) -> Response:
        try:
            body = await _json_object(request)
        except _BadRequest as exc:
            return _error(str(exc))
        project, orchestration_id = body.get("project"), body.get("id")
        if not isinstance(project, str) or not isinstance(orchestration_id, str):
            return _error('expected {"project": "...", "id": "..."}')
        db = self.store.db
        with db.transaction():
            now = load_clock(db).now()
            self.store.batch.complete_due(project, now - COMPLETION_SECONDS)
            found = self.store.batch.get(project, orchestration_id)
            if found is None or found.status != "running":
                return _error(f"{orchestration_id} is not a running orchestration of {project}")
            campaign = {**found.campaign, "state": "STOPPED"}
            stopped = replace(found, status="stopped", campaign=campaign, updated_at=now)
            self.store.batch.put(stopped)
        return JSONResponse(_batch_state(stopped))


def _changed_clock(current: ClockState, change: dict[str, Any]) -> ClockState:
    if len(change) != 1:
        raise _BadRequest('send exactly one of "now", "advance_seconds" or "real"')
    if "now" in change:
        try:
            return current.frozen(parse_instant(str(change["now"])))
        except ValueError:
            raise _BadRequest("now must be an ISO 8601 date-time") from None
    if "advance_seconds" in change:
        seconds = change["advance_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise _BadRequest("advance_seconds must be a number")
        return current.advanced(float(seconds))
    if change.get("real") is True:
        return ClockState()
    raise _BadRequest('send exactly one of "now", "advance_seconds" or "real": true')


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise _BadRequest("the body must be JSON") from None
    if not isinstance(body, dict):
        raise _BadRequest("the body must be a JSON object")
    return body


def _error(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


def _moe_state(c: MoeCampaign) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "status": c.status,
        "created_via_api": c.created_via_api,
        "created_by": c.created_by,
        "created_at": iso_utc(c.created_at),
        "updated_by": c.updated_by,
        "updated_at": iso_utc(c.updated_at),
        "request_id": c.request_id,
        "sent_at": None if c.sent_at is None else iso_utc(c.sent_at),
        "body": c.body,
    }


def _batch_state(o: BatchOrchestration) -> dict[str, Any]:
    return {
        "id": o.id,
        "name": o.name,
        "status": o.status,
        "type": o.type,
        "source": o.source,
        "created_date": iso_utc(o.created_at),
        "updated_date": iso_utc(o.updated_at),
        "start_time": None if o.start_at is None else iso_utc(o.start_at),
        "campaign": o.campaign,
    }
