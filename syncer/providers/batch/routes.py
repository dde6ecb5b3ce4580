"""ROUTES: a planned Batch request -> the campaign id it acts on, if it is one this tool plans.

Takes a `PlannedRequest` (read back from a saved plan, whose checksum anyone can recompute) and
the target's settings (the API version in the path); returns the id the call writes to ("" for
a creation), or None when the method, path or body's `id` are not exactly the shape `planner`
produces. `apply PLANFILE` refuses a plan holding any such request before a call leaves.
"""

from __future__ import annotations

import re

from syncer.model.plan import NEW_ID, PlannedRequest
from syncer.model.target import TargetSettings
from syncer.providers.batch.settings import api_path

_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


def target_id(request: PlannedRequest, settings: TargetSettings) -> str | None:
    """The campaign id `request` writes to, "" for a creation, None for no call of ours."""
    body = request.body or {}
    if request.method != "POST":
        return None
    if request.kind == "create":
        return "" if request.path == api_path(settings, "create") and "id" not in body else None
    if request.kind in ("update", "status"):
        if request.path != api_path(settings, "update"):
            return None
        found = body.get("id")
        if isinstance(found, str) and (_ID.fullmatch(found) or found == NEW_ID):
            return found
    return None
