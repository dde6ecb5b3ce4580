"""Batch campaigns and orchestrations API emulation: routes under `/{version}/`, auth, rate limit.

Takes a `VendorRequest` and the `Context`; returns a `VendorResponse`. Batch does not document its
error body; the sandbox sends `{"error_code": <int>, "error_message": "<text>", "code": "<NAME>"}`
with the catalogue's names and numbers (the two shapes third-party clients parse, combined).
The operations are in `batch_api.py`, the campaign rules in `batch_validation.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from syncer.sandbox import batch_api, limits, seed
from syncer.sandbox.batch_validation import CATALOGUE, BatchError
from syncer.sandbox.limits import Window
from syncer.sandbox.options import SandboxOptions
from syncer.sandbox.wire import Context, VendorRequest, VendorResponse

# Any version string: 2.1 ... 2.13 are all seen in the wild, and the campaign routes did not change.
_PATH = re.compile(r"^/(?P<version>\d+(?:\.\d+)*)/(?P<route>[a-z]+/[a-z]+)$")
_ROUTES: dict[tuple[str, str], Callable[[str, VendorRequest, Context], VendorResponse]] = {
    ("POST", "campaigns/create"): batch_api.create,
    ("POST", "campaigns/update"): batch_api.update,
    ("POST", "campaigns/delete"): batch_api.delete,
    ("GET", "orchestrations/list"): batch_api.list_orchestrations,
    ("GET", "orchestrations/view"): batch_api.view,
}
_WRITES = frozenset({"campaigns/create", "campaigns/update", "campaigns/delete"})
# Batch publishes no figure for these routes; a third-party source says 1 request/s per project
# key. The sandbox allows 5/s (rolling) so that ordinary use is not throttled, scaled like every
# limit; over it, 429 with Retry-After: 5 ("wait for at least 5 seconds before trying again").
WINDOWS = (Window(1, 5),)
RETRY_AFTER_SECONDS = 5
_STATUS_CODES: dict[int, str] = {}
for _name, (_status, _) in CATALOGUE.items():
    _STATUS_CODES.setdefault(_status, _name)


def route_of(method: str, path: str) -> str | None:
    match = _PATH.match(path)
    if match and (method, match.group("route")) in _ROUTES:
        return match.group("route")
    return None


def is_write(method: str, path: str) -> bool:
    return route_of(method, path) in _WRITES


def authenticate(request: VendorRequest, options: SandboxOptions) -> str | None:
    """The project key when the credentials are acceptable, else None."""
    scheme, _, api_key = request.headers.get("authorization", "").partition(" ")
    project = request.headers.get("x-batch-project", "").strip()
    api_key = api_key.strip()
    if scheme.lower() != "bearer" or not api_key or not project:
        return None
    if options.batch_project_key is not None and project != options.batch_project_key:
        return None
    if options.batch_api_key is not None and api_key != options.batch_api_key:
        return None
    return project


def handle(request: VendorRequest, ctx: Context) -> VendorResponse:
    route = route_of(request.method, request.path)
    if route is None:
        return error(BatchError("ROUTE_NOT_FOUND", f"No route for {request.method} {request.path}"))
    project = authenticate(request, ctx.options)
    if project is None:
        return error(
            BatchError("AUTHENTICATION_INVALID", "The REST API key is not valid for this project")
        )
    if ctx.options.seed:
        seed.ensure_batch(ctx.store, project)
    ctx.store.batch.complete_due(project, ctx.now - batch_api.COMPLETION_SECONDS)
    verdict = limits.admit(
        ctx.store.rates, f"batch:{project}", WINDOWS, ctx.limiter_now, ctx.rate_limit_scale
    )
    if verdict is not None and not verdict.allowed:
        return too_many_requests()
    try:
        return _ROUTES[(request.method, route)](project, request, ctx)
    except BatchError as exc:
        return error(exc)


def error(exc: BatchError) -> VendorResponse:
    body = {"error_code": exc.error_code, "error_message": exc.message, "code": exc.code}
    return VendorResponse(exc.status, body)


def too_many_requests() -> VendorResponse:
    exc = BatchError("TOO_MANY_REQUESTS", "Too many requests: wait at least 5 seconds")
    return error(exc).with_headers({"Retry-After": str(RETRY_AFTER_SECONDS)})


def fault_response(status: int, request: VendorRequest, now: float) -> VendorResponse:
    """An injected failure, shaped like Batch's own response for that status."""
    if status == 429:
        return too_many_requests()
    name = _STATUS_CODES.get(status, "SERVER_ERROR")
    error_code = CATALOGUE[name][1]
    body = {"error_code": error_code, "error_message": f"Injected HTTP {status}", "code": name}
    return VendorResponse(status, body)
