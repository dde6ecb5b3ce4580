"""MoEngage V1 campaigns API emulation: routes under `/core-services/v1`, auth, rate limits, errors.

Takes a `VendorRequest` and the `Context`; returns a `VendorResponse` with the vendor's status
codes, `{"error": {...}}` envelopes and x-ratelimit-* headers. The operations themselves are in
`moengage_api.py`; their rules in `moengage_rules.py` and `moengage_validation.py`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from syncer.sandbox import limits, moengage_api, seed
from syncer.sandbox.limits import DAY, Verdict, Window
from syncer.sandbox.moengage_validation import MoeError
from syncer.sandbox.options import SandboxOptions
from syncer.sandbox.wire import Context, InvalidJson, VendorRequest, VendorResponse

PREFIX = "/core-services/v1"
_CAMPAIGN_PATH = re.compile(r"^/core-services/v1/campaigns/([^/]+)$")
_Handler = Callable[[str, str, dict[str, Any], Context], VendorResponse]
_HANDLERS: dict[str, _Handler] = {
    "create": moengage_api.create,
    "update": moengage_api.update,
    "search": moengage_api.search,
    "status": moengage_api.change_status,
}
_WRITES = ("create", "update", "status")

# Rate limits (reference section 8): per workspace and endpoint class, rolling windows.
CREATE_WINDOWS = (Window(1, 5), Window(60, 25), Window(3600, 100))
OTHER_WINDOWS = (Window(1, 10), Window(60, 100), Window(3600, 6000))
# "at most 5/min, 25/h and 100/day successful creations" (V1 create page, and the latest V5
# table): counted on success only, on top of the call limits above.
CREATED_WINDOWS = (Window(60, 5), Window(3600, 25), Window(DAY, 100))


def route_of(method: str, path: str) -> tuple[str, str] | None:
    """(operation, campaign id or "") for a V1 route the sandbox serves, else None."""
    if method == "POST" and path == f"{PREFIX}/campaigns":
        return "create", ""
    if method == "POST" and path == f"{PREFIX}/campaigns/search":
        return "search", ""
    if method == "POST" and path == f"{PREFIX}/campaigns/status":
        return "status", ""
    match = _CAMPAIGN_PATH.match(path)
    if method == "PATCH" and match:
        return "update", match.group(1)
    return None


def is_write(method: str, path: str) -> bool:
    route = route_of(method, path)
    return route is not None and route[0] in _WRITES


def authenticate(request: VendorRequest, options: SandboxOptions) -> str | None:
    """The workspace id when the credentials are acceptable, else None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    workspace, colon, api_key = decoded.partition(":")
    if not colon or not workspace or not api_key:
        return None
    # V1 requires MOE-APPKEY, and it must name the workspace the credentials belong to.
    if request.headers.get("moe-appkey") != workspace:
        return None
    pinned_workspace, pinned_key = options.moengage_workspace_id, options.moengage_api_key
    if pinned_workspace is not None and workspace != pinned_workspace:
        return None
    if pinned_key is not None and not hmac.compare_digest(api_key.encode(), pinned_key.encode()):
        return None
    return workspace


def handle(request: VendorRequest, ctx: Context) -> VendorResponse:
    request_id = _request_id(request)
    route = route_of(request.method, request.path)
    if route is None:
        message = f"{request.method} {request.path} is not a route of this API"
        return error(404, message, request_id=request_id)
    workspace = authenticate(request, ctx.options)
    if workspace is None:
        return unauthorized(request_id)
    if ctx.options.seed:
        seed.ensure_moengage(ctx.store, workspace)
    ctx.store.moe.promote_scheduled(workspace, ctx.now)
    operation, campaign_id = route
    rates, now, scale = ctx.store.rates, ctx.limiter_now, ctx.rate_limit_scale
    created_scope = f"moengage:{workspace}:created"
    if operation == "create":
        created = limits.peek(rates, created_scope, CREATED_WINDOWS, now, scale)
        if created is not None and not created.allowed:
            return rate_limited(request_id, created)
    windows = CREATE_WINDOWS if operation == "create" else OTHER_WINDOWS
    kind = "create" if operation == "create" else "other"
    verdict = limits.admit(rates, f"moengage:{workspace}:{kind}", windows, now, scale)
    if verdict is not None and not verdict.allowed:
        return rate_limited(request_id, verdict)
    try:
        body = request.json()
        if not isinstance(body, dict):
            raise MoeError("the request body must be a JSON object", target="body")
        response = _HANDLERS[operation](workspace, campaign_id, body, ctx)
    except InvalidJson as exc:
        response = error(400, f"invalid JSON body: {exc}", target="body", request_id=request_id)
    except MoeError as exc:
        response = error(400, exc.message, exc.target, exc.details, request_id)
    if operation == "create" and response.status == 201:
        limits.record(rates, created_scope, now)
    return response.with_headers(verdict.headers() if verdict else {})


def error(
    status: int,
    message: str,
    target: str = "",
    details: list[dict[str, Any]] | None = None,
    request_id: str = "",
) -> VendorResponse:
    """The V1 error envelope; `code` joins the status and its phrase, e.g. "400 Bad Request"."""
    code = f"{status} {HTTPStatus(status).phrase}"
    envelope = {
        "code": code,
        "message": message,
        "target": target,
        "details": details if details is not None else [{"target": target, "message": message}],
        "request_id": request_id,
    }
    return VendorResponse(status, {"error": envelope})


def unauthorized(request_id: str) -> VendorResponse:
    # The vendor's documented 401: details nest, and their `message` is an array.
    inner = {
        "code": "InvalidValue",
        "target": "APP_SECRET_KEY",
        "message": "Invalid APP_SECRET_KEY is provided.",
    }
    envelope = {
        "code": "401 Authentication error",
        "message": "Authentication required",
        "target": "",
        "details": [{"code": "InvalidValue", "target": "APP_SECRET_KEY", "message": [inner]}],
        "request_id": request_id,
    }
    return VendorResponse(401, {"error": envelope})


def rate_limited(request_id: str, verdict: Verdict) -> VendorResponse:
    envelope = {
        "code": "429 conflict",  # sic: the vendor's own code string
        "message": "rate_limit",
        "target": "",
        "details": [{"target": "rate_limit", "message": "Rate limiting breached"}],
        "request_id": request_id,
    }
    return VendorResponse(429, {"error": envelope}, verdict.headers())


def fault_response(status: int, request: VendorRequest, now: float) -> VendorResponse:
    """An injected failure, shaped like the vendor's own response for that status."""
    request_id = _request_id(request)
    if status == 429:
        route = route_of(request.method, request.path)
        windows = CREATE_WINDOWS if route and route[0] == "create" else OTHER_WINDOWS
        return rate_limited(request_id, Verdict(False, windows[0].limit, 0, int(now) + 1))
    # The rate-limits page: rate-limited endpoints return x-ratelimit-* on their answers. A
    # failure carries them too (assumption: the page names no exception), with the reset of the
    # minute window, so that a client that takes the reset for a retry hint waits a minute.
    route = route_of(request.method, request.path)
    windows = CREATE_WINDOWS if route and route[0] == "create" else OTHER_WINDOWS
    rates = Verdict(True, windows[1].limit, windows[1].limit - 1, int(now) + 60)
    failed = error(status, "Something went wrong. Please contact Moengage team", "", [], request_id)
    return failed.with_headers(rates.headers())


def _request_id(request: VendorRequest) -> str:
    """The body's request_id, echoed in every error envelope ("" when there is none)."""
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return ""
    value = body.get("request_id") if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""
