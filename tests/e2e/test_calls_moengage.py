"""Issue 8's call counts, end to end: the real CLI against the sandbox, counting the searches
and writes the sandbox received. MoEngage V1 has no get-by-id: a campaign costs a search by
id, or the workspace is listed 15 campaigns a page, whichever costs fewer calls."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from bench.workload import body, to_yaml
from syncer.config import settings as config
from syncer.load.definitions import load_definitions
from syncer.load.selection import Selection
from syncer.providers import registry
from syncer.providers.moengage.client import RATE_LIMITS
from syncer.remote.client import connections
from syncer.remote.ratelimit import RateLimiter
from syncer.sandbox.bulk import put_moengage
from syncer.sandbox.handle import SandboxHandle
from syncer.state.local import LocalBackend
from syncer.workflows.connect import Connections
from syncer.workflows.pipeline import Run, make_plan
from tests.support.project import Project

SCALE = 20.0  # the projects' client-side scale too: the counts matter here, not the pacing


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., SandboxHandle]) -> SandboxHandle:
    return sandbox_factory(rate_limit_scale=SCALE, seed=False)  # no demo campaigns


def workspace(project: Project, sandbox: SandboxHandle, size: int, managed: int) -> list[str]:
    """`size` email campaigns in all, the last `managed` of them with a file each."""
    bodies = (body(i, 200) for i in range(size))
    ids = put_moengage(sandbox.db_path, "sandbox", bodies, skip_demo=True)
    for index, campaign_id in enumerate(ids[-managed:]):
        campaign = body(size - managed + index, 200)
        document = {"provider": "moengage", "id": campaign_id, "campaign": campaign}
        project.write(f"c/{index:03d}.yaml", to_yaml(document))
    sandbox.clear_requests()
    return ids[-managed:]


def remember_size(project: Project, size: int) -> None:
    path = project.root / ".syncer" / "state" / "sandbox.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"target": "sandbox", "workspace_size": size}))


def searches(sandbox: SandboxHandle) -> list[dict[str, Any]]:
    return [r["body"] for r in sandbox.requests() if r["path"].endswith("/campaigns/search")]


def kinds(sandbox: SandboxHandle) -> list[str]:
    return ["search" if r["path"].endswith("/search") else r["method"] for r in sandbox.requests()]


def test_three_managed_in_a_workspace_of_45_cost_three_searches(
    project: Project, sandbox: SandboxHandle
) -> None:
    ids = workspace(project, sandbox, 45, 3)
    remember_size(project, 45)
    result = project.run("plan", "--detailed-exitcode")
    assert result.code == 0, result.all
    assert sorted(s["campaign_fields"]["id"] for s in searches(sandbox)) == sorted(ids)


def test_forty_managed_in_a_workspace_of_45_are_listed_until_all_are_seen(
    project: Project, sandbox: SandboxHandle
) -> None:
    workspace(project, sandbox, 45, 40)
    result = project.run("plan", "--detailed-exitcode")
    assert result.code == 0, result.all
    sent = searches(sandbox)
    # Ids are unique: once all 40 are seen (by page 3 of 4), the rest is not needed.
    assert sorted(s["page"] for s in sent) == [1, 2, 3]
    assert all(s["campaign_fields"] == {"channels": ["EMAIL"]} for s in sent)


def test_a_name_to_look_up_needs_the_whole_listing(
    project: Project, sandbox: SandboxHandle
) -> None:
    workspace(project, sandbox, 45, 40)
    schedule = {"delivery_type": "AT_FIXED_TIME", "start_time": "2030-01-01T09:00:00"}
    fresh = {**body(1000, 200), "scheduling_details": schedule}  # complete enough to create
    project.write("new.yaml", to_yaml({"provider": "moengage", "campaign": fresh}))
    result = project.run("plan")
    assert "new.yaml" in result.out, result.all
    # A second campaign may carry the new file's name on the last page: 4 pages, not 3.
    assert sorted(s["page"] for s in searches(sandbox)) == [1, 2, 3, 4]


def test_apply_reads_once_and_reads_back_only_what_it_changed(
    project: Project, sandbox: SandboxHandle
) -> None:
    workspace(project, sandbox, 45, 40)
    path = project.campaigns / "c/007.yaml"
    path.write_text(path.read_text().replace("Your update #", "Our update #"))
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert kinds(sandbox) == ["search"] * 3 + ["PATCH", "search"]
    assert "id" in searches(sandbox)[-1]["campaign_fields"]
    # What the listing counted is remembered: three campaigns are then three searches.
    assert project.state()["workspace_size"] == 45
    sandbox.clear_requests()
    result = project.run("plan", "--only", "c/00[0-2].yaml", "--detailed-exitcode")
    assert result.code == 0, result.all
    assert len(searches(sandbox)) == 3


def test_a_listing_of_an_unknown_workspace_gives_up_at_the_cost_of_the_searches(
    project: Project, sandbox: SandboxHandle
) -> None:
    workspace(project, sandbox, 300, 3)
    result = project.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    sent = searches(sandbox)
    # Three pages (as many calls as three searches), then the three searches: at most twice
    # the cheaper way, and the workspace is now known to be bigger than that.
    assert [s.get("page") for s in sent[:3]] == [1, 2, 3]
    assert len(sent) == 6
    assert project.state()["workspace_size"] == 45
    sandbox.clear_requests()
    assert project.run("plan").code == 0
    assert len(searches(sandbox)) == 3


def test_a_second_plan_in_the_same_run_reads_nothing(
    project: Project, sandbox: SandboxHandle
) -> None:
    workspace(project, sandbox, 45, 5)
    settings = config.load(project.root / "syncer.toml", registry.target_models())
    definitions = load_definitions(settings, registry.get)

    async def twice() -> tuple[int, int]:
        run = Run(
            settings=settings,
            backend=LocalBackend(project.root / ".syncer"),
            connections=Connections(settings),
        )
        try:
            await make_plan(run, definitions, Selection())
            first = len(sandbox.requests())
            await make_plan(run, definitions, Selection())
            return first, len(sandbox.requests())
        finally:
            await run.connections.aclose()

    first, second = asyncio.run(twice())
    assert first == 3  # pages: all five managed campaigns are among the last 15
    assert second == first


def test_keep_alive_holds_one_pool_reused_for_every_call(
    project: Project, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpcore._backends.anyio as backend

    opened: list[str] = []
    connect = backend.AnyIOBackend.connect_tcp

    async def counted(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        opened.append(f"{host}:{port}")
        return await connect(self, host, port, **kwargs)

    monkeypatch.setattr(backend.AnyIOBackend, "connect_tcp", counted)
    workspace(project, sandbox, 600, 600)
    remember_size(project, 600)
    result = project.run("plan", "--detailed-exitcode")
    assert result.code == 0, result.all
    calls = len(sandbox.requests())
    pool = connections(RateLimiter(RATE_LIMITS, SCALE))
    # 40 pages over at most the pool's connections, each kept open and reused.
    assert calls == 40
    assert len(opened) <= pool and len(opened) < calls, (len(opened), pool)


def test_an_unchanged_campaign_is_packed_once_and_unpacked_once(
    project: Project, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Planning 40 unchanged campaigns (files already validated, so loaded from the cache):
    # each campaign the listing returns (45) is packed once, from its own JSON text in the
    # page, and diffed as the page parsed it; each file's body is unpacked once, for the diff.
    # Nothing is encoded.
    from syncer.model import packed

    workspace(project, sandbox, 45, 40)
    assert project.run("validate").code == 0
    counts: dict[str, int] = {}
    for name in ("pack", "pack_json", "unpack"):
        real = getattr(packed, name)

        def counted(*args: Any, _real: Any = real, _name: str = name) -> Any:
            counts[_name] = counts.get(_name, 0) + 1
            return _real(*args)

        monkeypatch.setattr(packed, name, counted)
    result = project.run("plan", "--detailed-exitcode")
    assert result.code == 0, result.all
    assert counts == {"pack_json": 45, "unpack": 40}
