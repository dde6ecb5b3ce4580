"""A typed client of the sandbox's `/_sandbox` admin routes, for tests and benchmarks.

Takes the sandbox's base URL (and optionally an `httpx.Client` to reuse); each method is one
admin call and returns its parsed JSON. Raises `httpx.HTTPStatusError` when the sandbox refuses.
"""

from __future__ import annotations

import base64
from types import TracebackType
from typing import Any

import httpx


class SandboxAdmin:
    def __init__(self, base_url: str, client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=30.0)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> SandboxAdmin:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _call(self, method: str, route: str, **kwargs: Any) -> Any:
        response = self._client.request(method, f"{self.base_url}/_sandbox/{route}", **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def requests(self, since: int | None = None) -> list[dict[str, Any]]:
        """The request log (every vendor request, oldest first), after sequence `since`."""
        params = {} if since is None else {"since": since}
        entries: list[dict[str, Any]] = self._call("GET", "requests", params=params)["requests"]
        return entries

    def clear_requests(self) -> None:
        self._call("DELETE", "requests")

    def campaigns(self) -> dict[str, Any]:
        """Stored state: `{"moengage": {workspace: [...]}, "batch": {project: [...]}}`."""
        state: dict[str, Any] = self._call("GET", "campaigns")
        return state

    def clock(self) -> dict[str, Any]:
        now: dict[str, Any] = self._call("GET", "clock")
        return now

    def set_clock(
        self,
        now: str | None = None,
        *,
        advance_seconds: float | None = None,
        real: bool = False,
    ) -> dict[str, Any]:
        """Freeze the clock at `now` (ISO 8601), move it by `advance_seconds`, or make it real."""
        chosen = [now is not None, advance_seconds is not None, real]
        if sum(chosen) != 1:
            raise ValueError("pass exactly one of now, advance_seconds or real=True")
        if now is not None:
            body: dict[str, Any] = {"now": now}
        elif advance_seconds is not None:
            body = {"advance_seconds": advance_seconds}
        else:
            body = {"real": True}
        result: dict[str, Any] = self._call("POST", "clock", json=body)
        return result

    def faults(self) -> dict[str, Any]:
        knobs: dict[str, Any] = self._call("GET", "faults")
        return knobs

    def set_faults(self, knobs: dict[str, Any]) -> dict[str, Any]:
        """Replace the fault knobs (see `syncer/sandbox/faults.py` for their names)."""
        result: dict[str, Any] = self._call("POST", "faults", json=knobs)
        return result

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def dashboard_stop_batch(self, orchestration_id: str, project: str = "sandbox") -> None:
        """Stop a running Batch campaign as Batch's dashboard would (the API cannot)."""
        body = {"project": project, "id": orchestration_id}
        self._call("POST", "dashboard/batch/stop", json=body)

    def reset(self) -> None:
        """Wipe everything and reseed the demo workspace."""
        self._call("POST", "reset")


def moengage_auth_headers(workspace_id: str, api_key: str) -> dict[str, str]:
    """The headers MoEngage V1 authenticates: Basic auth plus MOE-APPKEY."""
    token = base64.b64encode(f"{workspace_id}:{api_key}".encode()).decode()
    return {"Authorization": f"Basic {token}", "MOE-APPKEY": workspace_id}


def batch_auth_headers(project_key: str, api_key: str) -> dict[str, str]:
    """The headers Batch's project APIs authenticate: a bearer REST key plus X-Batch-Project."""
    return {"Authorization": f"Bearer {api_key}", "X-Batch-Project": project_key}
