"""ROUTES: a planned MoEngage request -> the campaign id it acts on, if it is one this tool plans.

Takes a `PlannedRequest` (read back from a saved plan, whose checksum anyone can recompute);
returns the id the call writes to ("" for a creation), or None when the method, path or the
body's id fields are not exactly the shape `creation` and `planner` produce. `apply PLANFILE`
refuses a plan holding any such request before a single call leaves.
"""

from __future__ import annotations

import re

from syncer.model.plan import NEW_ID, PlannedRequest
from syncer.providers.moengage.creation import BASE

# Campaign ids are 24 hex digits in MoEngage; any id of letters, digits, `_` and `-` is
# accepted (the sandbox's and older workspaces' too): nothing that can leave the path segment.
_ID = r"[A-Za-z0-9_-]{1,128}"
_UPDATE = re.compile(rf"{re.escape(BASE)}/campaigns/({_ID}|{re.escape(NEW_ID)})")


def target_id(request: PlannedRequest) -> str | None:
    """The campaign id `request` writes to, "" for a creation, None for no call of ours."""
    body = request.body or {}
    if request.kind == "create":
        if request.method == "POST" and request.path == f"{BASE}/campaigns":
            return "" if "campaign_id" not in body and "campaign_ids" not in body else None
        return None
    if request.kind == "update":
        if request.method != "PATCH":
            return None
        found = _UPDATE.fullmatch(request.path)
        return found.group(1) if found and "campaign_ids" not in body else None
    if request.kind == "status":
        if request.method != "POST" or request.path != f"{BASE}/campaigns/status":
            return None
        ids = body.get("campaign_ids")
        if isinstance(ids, list) and len(ids) == 1 and isinstance(ids[0], str):
            return ids[0] if re.fullmatch(_ID, ids[0]) or ids[0] == NEW_ID else None
        return None
    return None  # MoEngage campaigns are never deleted from here
