"""Batch client: orchestrations list and view, campaigns create and update, over `syncer.http`.

Takes planned requests; returns Batch's orchestrations as `RemoteCampaign`s. Knows the project
API's paths (`/{api_version}/...`), its auth (`Authorization: Bearer <REST key>` plus
`X-Batch-Project`), its undocumented error bodies (read leniently), its rate limit (none
published: 1 request/s per project key, our notes 8 and 10.7; at least 5 s after a 429), and how
to read a workspace that has no get-by-id: list everything once, view push campaigns once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from typing import Any, Unpack

from syncer.errors import ApiError, ApiTransportError
from syncer.model.plan import PlannedRequest, TargetIdentity
from syncer.model.vendor import Arrived, RemoteCampaign, RemoteSnapshot, SendResult
from syncer.providers.batch import normalize, rules
from syncer.providers.paging import PageGuard
from syncer.remote.client import HttpResponse
from syncer.remote.ratelimit import Windows
from syncer.remote.session import ClientOptions, error_reader, vendor_client

PAGE = 100  # orchestrations/list: limit <= 100
MIN_429_DELAY = 5.0  # "please wait for at least 5 seconds before trying again"
RATE_LIMITS: dict[str, Windows] = {"default": ((1, 1.0),)}

_ADVICE = {
    400: "Batch refused the request as malformed: fix the campaign file as the message says, "
    "then plan again",
    401: "the REST API key is not valid for this project: check the variables named by "
    "project_key_env and api_key_env in syncer.toml",
    403: "Batch refused the operation (API_MISUSE), usually because of the campaign's state "
    "(a running one-shot or completed campaign cannot be updated): plan again to see it",
    404: "the campaign does not exist in this project, or base_url / api_version in syncer.toml "
    "is wrong",
    429: "Batch is rate limiting this project: wait a few minutes and run again",
    500: "Batch failed: run again later (nothing is sent twice: creations are looked up first)",
    503: "Batch is under maintenance: run again later",
}


def _message(response: HttpResponse) -> str:
    """Batch's error body is undocumented: `error_code`, `error_message` and `code` are read
    when present (our notes, 7 and 10.6); retries are decided on the HTTP status alone."""
    data = response.json()
    if not isinstance(data, dict):
        return ""
    message = _text(data.get("error_message")) or _text(data.get("message"))
    names = [_text(data.get(k)) for k in ("code", "error_code", "error")]
    label = " ".join(dict.fromkeys(n for n in names if n))
    return f"{label}: {message}" if label and message else label or message


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()


read_error = error_reader(_ADVICE, _message)


def to_remote(item: dict[str, Any], view: dict[str, Any] | None = None) -> RemoteCampaign | None:
    """An `orchestrations/list` item (plus a push campaign's view) as a `RemoteCampaign`."""
    campaign_id = item.get("id")
    if not isinstance(campaign_id, str) or not campaign_id:
        return None
    body = {**item, **(view or {})}
    status = normalize.status(body.get("status"))
    kind = body.get("type") if isinstance(body.get("type"), str) else None
    source = body.get("source") if isinstance(body.get("source"), str) else None
    name = body.get("name")
    return RemoteCampaign(
        id=campaign_id,
        name=name if isinstance(name, str) else None,
        state=status,
        kind=kind,
        body=body,
        read_only=rules.read_only(status, kind, source),
        content_readable=normalize.viewed_content(body) is not None,
    )


def is_push(item: dict[str, Any]) -> bool:
    channels = item.get("channels")
    return isinstance(channels, list) and "push" in channels


class BatchSession:
    """Reads and writes one Batch project.

    Reads are cached until the next write, so that one run never reads a campaign twice
    (settling, planning and a saved plan's check all share one listing).
    """

    def __init__(
        self,
        *,
        project_key: str,
        api_key: str,
        api_version: str,
        sandbox: bool = False,
        **options: Unpack[ClientOptions],
    ) -> None:
        options["redactor"].add(api_key)
        self.http = vendor_client(
            headers={"Authorization": f"Bearer {api_key}", "X-Batch-Project": project_key},
            limits=RATE_LIMITS,
            read_error=read_error,
            **options,
        )
        self.prefix = f"/{api_version}"
        self.identity = TargetIdentity(
            provider="batch", base_url=options["base_url"], workspace=project_key, sandbox=sandbox
        )
        self._listing: list[dict[str, Any]] | None = None
        self._views: dict[str, dict[str, Any] | None] = {}
        self._seen: set[str] = set()
        """Every id listed by this session: a campaign already seen is never a new creation."""

    def calls(self) -> int:
        return sum(self.http.stats.calls.values())

    def retries(self) -> Sequence[str]:
        return tuple(self.http.stats.retries)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def list_all(self) -> list[dict[str, Any]]:
        """Every orchestration of the project (cursor paging), read once until the next write."""
        if self._listing is not None:
            return self._listing
        path = f"{self.prefix}/orchestrations/list"
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        cursors: set[str] = set()
        guard = PageGuard("GET", path)
        while True:
            params = {"limit": str(PAGE), **({"from": cursor} if cursor else {})}
            response = await self.http.call("GET", path, params=params, kind="list")
            data = response.json()
            page = data.get("orchestrations") if isinstance(data, dict) else None
            if not isinstance(page, list):
                raise ApiError(
                    "orchestrations/list did not return an orchestrations array",
                    method="GET",
                    path=path,
                    status=response.status,
                    advice="check base_url and api_version: this does not look like Batch's API",
                )
            listed = [item for item in page if isinstance(item, dict)]
            guard.page((str(item.get("id")) for item in listed), full=len(page) >= PAGE)
            items.extend(listed)
            assert isinstance(data, dict)
            cursor = data.get("next_from") if data.get("has_more") else None
            if not isinstance(cursor, str) or not cursor:
                break
            if cursor in cursors:
                raise ApiError(
                    "orchestrations/list returned the same cursor twice",
                    method="GET",
                    path=path,
                    status=response.status,
                    advice="Batch's paging looped; run again later",
                )
            cursors.add(cursor)
        self._listing = items
        self._seen.update(str(item.get("id")) for item in items)
        return items

    async def view(self, campaign_id: str) -> dict[str, Any] | None:
        """A push campaign's details (its content), or None when Batch will not show them."""
        if campaign_id in self._views:
            return self._views[campaign_id]
        path = f"{self.prefix}/orchestrations/view"
        try:
            response = await self.http.call(
                "GET", path, params={"orchestration_id": campaign_id}, kind="view"
            )
            data = response.json()
            details = data if isinstance(data, dict) else None
        except ApiError as exc:
            # "not a push campaign" and friends: the content stays unreadable, not fatal.
            if exc.status is None or exc.status >= 500 or exc.status in (401, 429):
                raise
            details = None
        self._views[campaign_id] = details
        return details

    async def read(
        self,
        ids: Sequence[str],
        names: Sequence[str],
        *,
        list_all: bool = False,
        arrived: Arrived | None = None,
    ) -> RemoteSnapshot:
        """List the whole project (Batch has no get-by-id and no search), and view the push
        campaigns among `ids` (every push campaign with `list_all`, for `syncer import`): their
        content can then be compared with the files. Each view costs one call. `arrived` gets
        each campaign once it is complete (listed, and viewed if it is viewed)."""
        snapshot = RemoteSnapshot(listed_all=True)
        items = await self.list_all()
        wanted = set(ids)
        push = sorted(
            str(i["id"]) for i in items if (list_all or i.get("id") in wanted) and is_push(i)
        )
        views = await asyncio.gather(*[self.view(campaign_id) for campaign_id in push])
        by_id = dict(zip(push, views, strict=True))
        for item in items:
            remote = to_remote(item, by_id.get(str(item.get("id"))))
            if remote is not None:
                snapshot.add(remote)
                if arrived is not None:
                    arrived(remote, None)
        snapshot.calls = self.calls()
        return snapshot

    def _written(self) -> None:
        self._listing = None
        self._views.clear()

    async def send(
        self,
        request: PlannedRequest,
        request_id: str,
        key: str,
        exclude: Collection[str] = (),
        proceed: Callable[[], bool] | None = None,
    ) -> SendResult:
        """Send one planned call. `request_id` is not part of Batch's API (journal only)."""
        self._written()
        if request.kind == "create":
            return await self._create(request, key, exclude, proceed)
        campaign = (request.body or {}).get("campaign") or {}
        response = await self.http.call(
            request.method,
            request.path,
            body=request.body,
            kind=request.kind,
            campaign=key,
            # The same full body is safe to send again, except one that starts sending: once it
            # has landed, Batch refuses a repeat (a running one-shot cannot be updated), which
            # would read as a failure. Its outcome is settled by reading instead.
            retry_safe=campaign.get("state") != "RUNNING",
            proceed=proceed,
        )
        return SendResult(status=response.status, attempts=response.attempts)

    async def _create(
        self,
        request: PlannedRequest,
        key: str,
        exclude: Collection[str],
        proceed: Callable[[], bool] | None,
    ) -> SendResult:
        # Never repeated blindly (Batch has no idempotency key): after a lost answer, look the
        # name up first; send again, once, only if the first attempt did not land.
        before = set(self._seen)
        sent = 0
        for attempt in (1, 2):
            try:
                response = await self.http.call(
                    request.method,
                    request.path,
                    body=request.body,
                    endpoint="default",
                    kind="create",
                    campaign=key,
                    retry_safe=False,
                    proceed=proceed if attempt == 1 else None,
                )
            except ApiError as exc:
                sent += exc.attempts
                exc.attempts = sent
                # A lost answer, or a server error after which the creation may have landed.
                unsure = isinstance(exc, ApiTransportError) or (exc.status or 0) >= 500
                if not unsure:
                    raise
                found = await self.find_created(request, {*exclude, *before})
                if found:
                    note = "landed on an earlier attempt (found by name)"
                    return SendResult(status=200, new_id=found, note=note, attempts=sent)
                if attempt == 2:
                    raise
                self._written()
                continue
            new_id = self._new_id(request, response, key)
            attempts = sent + response.attempts
            return SendResult(status=response.status, new_id=new_id, attempts=attempts)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _new_id(self, request: PlannedRequest, response: HttpResponse, key: str) -> str:
        data = response.json()
        new_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(new_id, str) or not new_id:
            shown = self.http.redact(response.text).strip()[:200]  # redacted, then cut
            raise ApiError(
                f"create returned no campaign id (body: {shown})",
                method=request.method,
                path=request.path,
                status=response.status,
                campaign=key,
                advice="look the campaign up in Batch's dashboard, then pin its `id:`",
            )
        return new_id

    async def find_created(
        self, request: PlannedRequest, exclude: Collection[str] = ()
    ) -> str | None:
        """The campaign a create made, if it landed: its name, from the API, not seen before."""
        name = (request.body or {}).get("name")
        if not isinstance(name, str):
            return None
        self._written()
        candidates = [
            item
            for item in await self.list_all()
            if item.get("name") == name
            and item.get("id") not in exclude
            and item.get("source", "api") == "api"
        ]
        if not candidates:
            return None
        newest = max(candidates, key=lambda item: str(item.get("created_date") or ""))
        return str(newest["id"])
