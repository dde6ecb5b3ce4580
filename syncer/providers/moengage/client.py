"""MoEngage V1 client: search, create, update and status calls over `syncer.http`.

Takes planned requests and search filters; returns vendor campaigns as `RemoteCampaign`s.
Knows the V1 paths, Basic auth plus `MOE-APPKEY`, the V1 error envelope, the documented rate
limits, and how to read a campaign when there is no get-by-id: one search by id each, or the
workspace listed page by page, whichever costs fewer calls (`reading.py`, `listing.py`).
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Callable, Collection, Sequence
from typing import Any, Unpack

from syncer.errors import ApiError
from syncer.model import packed
from syncer.model.plan import PlannedRequest, TargetIdentity
from syncer.model.vendor import Arrived, RemoteCampaign, RemoteSnapshot, SendResult
from syncer.providers.moengage import revisions
from syncer.providers.moengage.answers import (
    Found,
    by_campaign,
    one_revision,
    read_error,
    remotes_of,
    to_remote,
)
from syncer.providers.moengage.listing import list_pages
from syncer.providers.moengage.reading import PAGE, ReadChoice, Seen, choose
from syncer.providers.paging import PageGuard
from syncer.remote.answer import too_deep, within_depth
from syncer.remote.ratelimit import Windows
from syncer.remote.session import ClientOptions, vendor_client

BASE = "/core-services/v1"
EMAIL_ONLY = {"channels": ["EMAIL"]}  # the only channel this tool manages
# Vendor notes, section 8. Creations: the docs give 5/s, 25/min, 100/h for create calls and
# 5/min, 25/h, 100/day for successful creations (or, in the V5 table, for create calls):
# budgeted by the stricter set (note 10.8). 5 a minute implies 5 a second.
RATE_LIMITS: dict[str, Windows] = {
    "create": ((5, 60), (25, 3600), (100, 86400)),
    "default": ((10, 1), (100, 60), (6000, 3600)),
}
DAILY_CREATIONS = 100

def _ignore(remote: RemoteCampaign, body: dict[str, Any] | None) -> None:
    return None


class MoEngageSession:
    """Reads and writes one MoEngage workspace."""

    def __init__(
        self,
        *,
        workspace_id: str,
        api_key: str,
        sandbox: bool = False,
        **options: Unpack[ClientOptions],
    ) -> None:
        redactor = options["redactor"]
        redactor.add(api_key)
        token = base64.b64encode(f"{workspace_id}:{api_key}".encode()).decode()
        redactor.add(token)
        self.http = vendor_client(
            headers={"Authorization": f"Basic {token}", "MOE-APPKEY": workspace_id},
            limits=RATE_LIMITS,
            read_error=read_error,
            **options,
        )
        self.identity = TargetIdentity(
            provider="moengage",
            base_url=options["base_url"],
            workspace=workspace_id,
            sandbox=sandbox,
        )
        self.seen = Seen()
        self.workspace_size: int | None = None
        """Email campaigns in the workspace, as last counted (chooses how to read)."""

    def expect_size(self, size: int | None) -> None:
        if self.workspace_size is None:
            self.workspace_size = size

    def calls(self) -> int:
        return sum(self.http.stats.calls.values())

    def retries(self) -> Sequence[str]:
        return tuple(self.http.stats.retries)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def search(
        self,
        fields: dict[str, Any],
        page: int,
        limit: int = PAGE,
        proceed: Callable[[], bool] | None = None,
    ) -> list[Found]:
        body = {
            "request_id": str(uuid.uuid4()),
            "campaign_fields": fields,
            "limit": limit,
            "page": page,
            # Archived campaigns are hidden otherwise; a pinned id must never look deleted.
            "include_archive_campaigns": True,
        }
        response = await self.http.call(
            "POST", f"{BASE}/campaigns/search", body=body, kind="search", proceed=proceed
        )
        try:
            data = packed.array_items(response.text)
        except RecursionError:
            data, deep = None, True
        else:
            deep = data is not None and not all(within_depth(item) for item, _text in data)
        if deep:
            raise too_deep("POST", f"{BASE}/campaigns/search", response.status)
        if data is None:
            raise ApiError(
                "search did not return a JSON array",
                method="POST",
                path=f"{BASE}/campaigns/search",
                status=response.status,
                advice="check base_url: it does not look like MoEngage's V1 API",
            )
        return [(item, text) for item, text in data if isinstance(item, dict)]

    async def search_all(self, fields: dict[str, Any]) -> list[Found]:
        """Every page of a search (V1 has no total count: stop on a short page)."""
        items: list[Found] = []
        guard = PageGuard("POST", f"{BASE}/campaigns/search")
        page = 1
        while True:
            batch = await self.search(fields, page)
            guard.page(_ids(batch), full=len(batch) >= PAGE)
            items.extend(batch)
            if len(batch) < PAGE:
                return items
            page += 1

    async def read(
        self,
        ids: Sequence[str],
        names: Sequence[str],
        *,
        list_all: bool = False,
        arrived: Arrived | None = None,
    ) -> RemoteSnapshot:
        """Read campaigns by id and look names up, with as few calls as the API allows.

        Nothing read before in this session is read again (until a write touches it). Ids a
        complete listing did not show (deleted, or not an email campaign) are searched for, so
        both ways give the same answer. `arrived` gets each campaign as its page comes in.
        """
        tell = arrived or _ignore
        before = self.calls()
        want_ids, want_names = self.seen.unknown_ids(ids), self.seen.unknown_names(names)
        counted: int | None = None
        if list_all and not self.seen.listed:
            choice = choose(len(want_ids), len(want_names), self.workspace_size, list_all=True)
        else:
            choice = choose(len(want_ids), len(want_names), self.workspace_size)
        if choice.listing:
            counted = await self._list(choice, want_ids, bool(want_names) or list_all, tell)
            want_ids, want_names = self.seen.unknown_ids(ids), self.seen.unknown_names(names)
        await self._search(want_ids, want_names, tell)
        snapshot = self.seen.snapshot(counted)
        snapshot.calls = self.calls() - before
        return snapshot

    async def _list(
        self,
        choice: ReadChoice,
        ids: Sequence[str],
        whole: bool,
        arrived: Arrived,
    ) -> int:
        """List email campaigns; returns how many there are (a lower bound if cut short)."""
        remaining = set(ids)
        taken: set[str] = set()
        repeated: dict[str, list[RemoteCampaign]] = {}
        guard = PageGuard("POST", f"{BASE}/campaigns/search")

        def take(items: list[Found]) -> bool:
            guard.page(_ids(items), full=len(items) >= PAGE)
            for item, text in items:
                remote = to_remote(item, text)
                if remote:
                    if remote.id in taken:  # another revision of a versioned campaign
                        rows = repeated.setdefault(remote.id, [])
                        if not rows and (earlier := self.seen.by_id.get(remote.id)) is not None:
                            rows.append(earlier)
                        rows.append(remote)
                        continue
                    taken.add(remote.id)
                    self.seen.add(remote)
                    remaining.discard(remote.id)
                    arrived(remote, item)  # `item` was just parsed from the page: handed over
            # Ids are unique: with ids only, the listing may end once all are seen. A name
            # needs the whole listing (a second campaign may carry it too).
            return not whole and not remaining

        async def fetch(page: int, proceed: Callable[[], bool]) -> list[Found]:
            return await self.search(EMAIL_ONLY, page, proceed=proceed)

        listed = await list_pages(
            fetch, page_size=PAGE, ahead=choice.ahead, budget=choice.budget, take=take
        )
        for rows in repeated.values():
            # Plans are made from the snapshot: an early plan of another revision is dropped.
            self.seen.add(one_revision(rows))
        if listed.complete:
            self.seen.listed = True
            self.workspace_size = listed.count
        else:
            # Stopped early (every id found, or the budget spent): the workspace is at least
            # this big, which is what the next choice needs to know.
            self.workspace_size = max(self.workspace_size or 0, listed.pages * PAGE)
        return self.workspace_size

    async def _search(
        self,
        ids: Sequence[str],
        names: Sequence[str],
        arrived: Arrived,
    ) -> None:
        """One search per id and per name, all at once (the limiter paces them)."""

        async def by_id(campaign_id: str) -> None:
            # Not `limit: 1`: in a workspace with campaign versioning, several rows share one
            # campaign_id (V5 notes), and the first is not necessarily the newest.
            items = await self.search({"id": campaign_id}, 1)
            found = [r for r in remotes_of(items) if r.id == campaign_id]
            chosen = one_revision(found) if found else None
            self.seen.by_id[campaign_id] = chosen
            if chosen is not None:
                arrived(chosen, None)

        async def by_name(name: str) -> None:
            matches = by_campaign(remotes_of(await self.search_all({"name": name})))
            self.seen.by_name[name] = matches
            for remote in matches:
                self.seen.add(remote)
                arrived(remote, None)

        await asyncio.gather(*map(by_id, ids), *map(by_name, names))

    async def send(
        self,
        request: PlannedRequest,
        request_id: str,
        key: str,
        exclude: Collection[str] = (),
        proceed: Callable[[], bool] | None = None,
    ) -> SendResult:
        body = {"request_id": request_id, **(request.body or {})}
        self.seen.forget(*_touched(request))
        if request.kind == "create":
            try:
                response = await self.http.call(
                    request.method,
                    request.path,
                    body=body,
                    endpoint="create",
                    kind="create",
                    campaign=key,
                    retry_safe=True,  # the vendor deduplicates on request_id
                    proceed=proceed,
                )
            except ApiError as exc:
                # A retry of a create that had landed is refused (request_id dedup, vendor notes
                # 2), with words V1 does not document: on any 400 to a retried create, look the
                # campaign up before reporting a failure.
                if exc.status == 400 and exc.attempts > 1:
                    found = await self.find_created(request, exclude)
                    if found:
                        return SendResult(
                            status=201,
                            new_id=found,
                            note="landed on an earlier attempt (found by name)",
                            attempts=exc.attempts,
                        )
                raise
            data = response.json()
            new_id = data.get("campaign_id") if isinstance(data, dict) else None
            if not isinstance(new_id, str):
                raise ApiError(
                    "create returned no campaign_id",
                    method=request.method,
                    path=request.path,
                    status=response.status,
                    campaign=key,
                )
            return SendResult(status=response.status, new_id=new_id, attempts=response.attempts)
        response = await self.http.call(
            request.method,
            request.path,
            body=body,
            kind=request.kind,
            campaign=key,
            # A PATCH with the same body is safe to repeat; a status change is not (a second
            # PAUSE of a paused campaign fails): apply checks its outcome by reading instead.
            retry_safe=request.kind == "update",
            proceed=proceed,
            # Dedup on request_id is documented for creates only: every other call, each retry
            # included, carries a fresh one (vendor notes 2 and 10.6), so that a retry of an
            # update that had landed is applied again, not refused as a repeat.
            renew=_fresh_request_id,
        )
        return SendResult(status=response.status, attempts=response.attempts)

    async def find_created(
        self, request: PlannedRequest, exclude: Collection[str] = ()
    ) -> str | None:
        """The campaign a create made, if it landed: exactly its name, by its author, not one we
        already knew; of several, the newest creation (V1 documents neither how search matches
        a name nor the order of its answer). None when that cannot be told."""
        body = request.body or {}
        basic = body.get("basic_details") or {}
        name = basic.get("name")
        if not isinstance(name, str):
            return None
        created_by = body.get("created_by")
        rows = [
            item
            for item, _ in await self.search_all({"name": name})
            if isinstance(item.get("campaign_id"), str)
            and (item.get("basic_details") or {}).get("name") == name
            and item["campaign_id"] not in exclude
            and (not created_by or item.get("created_by") in (None, created_by))
        ]
        newest = revisions.newest_created(rows)
        return str(newest["campaign_id"]) if newest is not None else None


def _fresh_request_id(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "request_id": str(uuid.uuid4())}


def _touched(request: PlannedRequest) -> tuple[list[str], list[str | None]]:
    """The campaigns (ids) and names a write may change."""
    body = request.body or {}
    ids = [str(i) for i in body.get("campaign_ids") or []]
    if request.method == "PATCH":
        ids.append(request.path.rsplit("/", 1)[-1])
    basic = body.get("basic_details")
    name = basic.get("name") if isinstance(basic, dict) else None
    return ids, [name if isinstance(name, str) else None]


def _ids(items: list[Found]) -> list[str]:
    """What tells a page's items apart (for `PageGuard`): their exact text, hashed. Not the
    campaign id alone: a listing shows every revision of a versioned campaign under one id."""
    return [f"{hash(text):x}" for _item, text in items]
