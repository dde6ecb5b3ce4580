"""The naive baseline: read every campaign one by one, then write every campaign.

What a sync tool without a read strategy or a diff would do, through the same HTTP client,
rate limiter and connection pool as the tool, so that only the strategy differs.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.workload import body
from syncer.providers.moengage.client import BASE, RATE_LIMITS
from syncer.remote.client import HttpClient, HttpResponse
from syncer.remote.ratelimit import RateLimiter
from syncer.remote.redact import Redactor
from syncer.remote.retry import RetryPolicy
from syncer.sandbox.admin_client import moengage_auth_headers
from syncer.sandbox.options import SANDBOX_API_KEY, SANDBOX_WORKSPACE_ID


@dataclass(frozen=True)
class Naive:
    campaigns: int
    calls: int
    wall: float


def _error(response: HttpResponse) -> tuple[str, str]:
    return response.text[:200], ""


async def _run(base_url: str, ids: Sequence[str], html_size: int, scale: float) -> Naive:
    http = HttpClient(
        base_url=base_url,
        headers=moengage_auth_headers(SANDBOX_WORKSPACE_ID, SANDBOX_API_KEY),
        timeout=60.0,
        limiter=RateLimiter(RATE_LIMITS, scale),
        policy=RetryPolicy(max_retries=5, base_delay=0.2),
        read_error=_error,
        redactor=Redactor(),
    )

    async def read(campaign_id: str) -> None:
        fields: dict[str, Any] = {"id": campaign_id}
        search = {"request_id": str(uuid.uuid4()), "campaign_fields": fields, "limit": 1}
        await http.call("POST", f"{BASE}/campaigns/search", body={**search, "page": 1})

    async def write(index: int, campaign_id: str) -> None:
        patch = {
            "request_id": str(uuid.uuid4()),
            "updated_by": "crm-bot@example.com",
            "campaign_content": body(index, html_size)["campaign_content"],
        }
        await http.call("PATCH", f"{BASE}/campaigns/{campaign_id}", body=patch, kind="update")

    started = time.monotonic()
    try:
        await asyncio.gather(*[read(i) for i in ids])
        await asyncio.gather(*[write(n, i) for n, i in enumerate(ids)])
    finally:
        await http.aclose()
    return Naive(len(ids), sum(http.stats.calls.values()), time.monotonic() - started)


def naive(base_url: str, ids: Sequence[str], html_size: int, scale: float) -> Naive:
    return asyncio.run(_run(base_url, ids, html_size, scale))
