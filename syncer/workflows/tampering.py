"""TAMPERING: a saved plan -> refused unless it sends only what this tool itself would plan.

A saved plan's checksum is a plain sha256: it proves the file was not damaged, not who wrote
it; anyone who can edit the file can recompute it. So before a call leaves, `apply PLANFILE`
checks every request against what the planners produce: the campaign's provider is its
target's, the method and path are a vendor route the tool plans (relative to the target's
configured base URL, never an absolute URL), and the call writes only to the campaign id its
plan item owns (or to the id a creation earlier in the same item returns). Anything else is a
tampered plan: exit 1, nothing sent.

On top of that, optionally, a keyed signature: with `SYNCER_PLAN_SIGNING_KEY` set, `plan --out`
signs the plan (HMAC-SHA256 of its checksum) and `apply PLANFILE` refuses a plan whose
signature is missing or wrong. Takes a plan and the settings; returns nothing or raises
`InputError`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from pathlib import Path

from syncer.config.settings import Settings
from syncer.errors import InputError
from syncer.model.plan import NEW_ID, CampaignPlan, Plan
from syncer.model.vendor import ProviderLookup

SIGNING_KEY_ENV = "SYNCER_PLAN_SIGNING_KEY"
SIGNATURE_PREFIX = "hmac-sha256:"
LISTED = 10
"""Problems named in the error; the rest are counted."""


def signing_key(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The plan signing key from the environment (never from a file), if one is set."""
    value = (os.environ if environ is None else environ).get(SIGNING_KEY_ENV, "").strip()
    return value.encode("utf-8") if value else None


def signature(checksum: str, key: bytes) -> str:
    return SIGNATURE_PREFIX + hmac.new(key, checksum.encode("ascii"), hashlib.sha256).hexdigest()


def check_signature(path: Path, plan: Plan, key: bytes | None) -> str | None:
    """Refuse an unsigned or wrongly signed plan when a key is set; return a note otherwise.

    Assumption (docs silent): without a key, a signature cannot be checked and the route check
    still applies, so the plan is not refused; the person applying is told.
    """
    if key is None:
        if plan.signature:
            return f"the plan is signed, but {SIGNING_KEY_ENV} is not set: signature not checked"
        return None
    if not plan.signature:
        raise InputError(
            f"{path}: the plan is not signed, and {SIGNING_KEY_ENV} is set: only plans made "
            f"with the same key (`syncer plan --out` with {SIGNING_KEY_ENV}) are applied; "
            "nothing was applied"
        )
    if not hmac.compare_digest(plan.signature, signature(plan.checksum, key)):
        raise InputError(
            f"{path}: the plan's signature does not match {SIGNING_KEY_ENV}: it was not made "
            "with this key, or it was edited after it was signed; nothing was applied"
        )
    return None


def check_routes(path: Path, plan: Plan, settings: Settings, lookup: ProviderLookup) -> None:
    """Refuse a plan with any request the tool would not plan itself (see the module doc).

    Raises:
        InputError: naming each offending campaign and call; nothing has been sent.
    """
    problems: list[str] = []
    for campaign in plan.campaigns:
        if campaign.to_send:
            problems.extend(_problems(campaign, settings, lookup))
    if problems:
        more = f"\n  and {len(problems) - LISTED} more" if len(problems) > LISTED else ""
        raise InputError(
            f"{path}: the plan was tampered with: it holds calls that campaign-syncer never "
            "plans (a saved plan may only send the vendor calls the tool makes, to the "
            "target's base_url, for the campaign each item owns). Nothing was applied:\n  "
            + "\n  ".join(problems[:LISTED])
            + more
        )


def _problems(campaign: CampaignPlan, settings: Settings, lookup: ProviderLookup) -> list[str]:
    where = f"{campaign.target}/{campaign.key}"
    config = settings.targets.get(campaign.target)
    if config is None:
        return [f"{where}: target {campaign.target!r} is not defined in syncer.toml"]
    if campaign.provider != config.provider:
        return [
            f"{where}: the item says provider {campaign.provider!r}, the target is "
            f"{config.provider!r}"
        ]
    provider = lookup(config.provider)
    problems = []
    created = False
    for index, request in enumerate(campaign.requests):
        call = f"{where}: call {index + 1} ({request.method} {request.path[:120]!r})"
        touched = provider.request_target(request, config)
        if touched is None:
            problems.append(f"{call} is not a {config.provider} call campaign-syncer plans")
        elif touched == "":
            if created:
                problems.append(f"{call} is a second creation in one item")
            created = True
        elif touched == NEW_ID:
            if not created:
                problems.append(f"{call} uses the id of a creation that comes after it")
        elif touched != campaign.id:
            owned = campaign.id or "none: it is created"
            problems.append(f"{call} writes to campaign {touched}, not to this item's ({owned})")
    return problems
