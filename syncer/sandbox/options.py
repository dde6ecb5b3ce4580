"""How a sandbox server is run: the frozen `SandboxOptions` every entry point takes.

Two environment variables supply defaults, so a benchmark or CI job can slow down or throttle the
embedded sandbox without touching configuration:

    SYNCER_SANDBOX_LATENCY_MS         extra latency added to every vendor request (float, ms)
    SYNCER_SANDBOX_RATE_LIMIT_SCALE   multiplies every server-side rate limit; 0 turns them off

Faults (error rates, 429 bursts, dropped connections...) are not options: they are set at run time
through `POST /_sandbox/faults` and persisted with the data (see `faults.py`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from syncer.errors import UsageError

LATENCY_ENV = "SYNCER_SANDBOX_LATENCY_MS"
RATE_LIMIT_SCALE_ENV = "SYNCER_SANDBOX_RATE_LIMIT_SCALE"

# The credentials the tool uses for `sandbox = true` targets. Any non-empty credentials work
# unless pinned; these are simply the conventional ones, and the demo data is seeded under them.
SANDBOX_WORKSPACE_ID = "sandbox"
SANDBOX_API_KEY = "sandbox"
SANDBOX_PROJECT_KEY = "sandbox"
SANDBOX_REST_KEY = "sandbox"


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise UsageError(f"{name} must not be negative, got {raw!r}")
    return value


def _default_latency() -> float:
    return _env_float(LATENCY_ENV, 0.0)


def _default_scale() -> float:
    return _env_float(RATE_LIMIT_SCALE_ENV, 1.0)


@dataclass(frozen=True)
class SandboxOptions:
    """Settings of one sandbox server (served or embedded)."""

    host: str = "127.0.0.1"
    port: int = 8080
    db_path: Path = Path(".syncer/sandbox.db")
    latency_ms: float = field(default_factory=_default_latency)
    """Added to every vendor request (admin routes are never slowed down)."""
    rate_limit_scale: float = field(default_factory=_default_scale)
    """Multiplies every rate limit (2.0 = twice as permissive); 0 disables rate limiting."""
    moengage_workspace_id: str | None = None
    """When set, only this workspace id is accepted; otherwise any non-empty one."""
    moengage_api_key: str | None = None
    batch_project_key: str | None = None
    batch_api_key: str | None = None
    seed: bool = True
    """Seed the demo workspace when the database is new."""
    moengage_name_search: Literal["exact", "loose"] = "exact"
    """How V1 search matches `campaign_fields.name`. V1 says only "Filter by campaign name",
    and nothing about the order of its answer. "exact" (default): equal names, oldest first.
    "loose": any name containing it (any case), newest first: the other reading, under which a
    client that trusts the match or the order picks the wrong campaign."""
    batch_labels: Literal["codes", "names"] = "codes"
    """What Batch's list and view show in `labels`. Campaigns are written with label codes
    ("Use it as a reference in your calls to the Batch API"); the docs do not say whether they
    read back as codes or names. "codes" (default) shows what was written; "names" shows each
    code as the dashboard's name would read (`spring_promo` -> `Spring promo`)."""
    moengage_versioning: bool = False
    """Campaign versioning, a workspace opt-in (V5 notes: `campaign_id` is "the canonical id
    across versions", `version_number` counts them): every PATCH keeps the previous revision,
    and search answers every revision of a campaign, oldest first, each with its
    `version_number` (so a search by id with `limit: 1` gets the oldest)."""

    def __post_init__(self) -> None:
        if self.latency_ms < 0:
            raise UsageError(f"sandbox latency_ms must not be negative, got {self.latency_ms}")
        if self.rate_limit_scale < 0:
            raise UsageError(
                f"sandbox rate_limit_scale must not be negative, got {self.rate_limit_scale}"
            )
        # Accept str paths from callers that build options from config or argv.
        object.__setattr__(self, "db_path", Path(self.db_path))
