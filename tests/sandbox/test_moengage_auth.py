"""MoEngage V1 authentication: Basic auth with both parts, MOE-APPKEY equal to the workspace."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest

from syncer.sandbox.admin_client import moengage_auth_headers
from syncer.sandbox.handle import SandboxHandle

from .helpers import MOE, one_time, rid

SEARCH = {"request_id": "r-1", "limit": 1, "page": 1}


def _basic(raw: str) -> str:
    return "Basic " + base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": _basic("sandbox:key")},  # MOE-APPKEY missing
        {"Authorization": _basic("sandbox:key"), "MOE-APPKEY": "other"},
        {"Authorization": _basic("sandbox:"), "MOE-APPKEY": "sandbox"},
        {"Authorization": _basic(":key"), "MOE-APPKEY": ""},
        {"Authorization": _basic("sandbox"), "MOE-APPKEY": "sandbox"},
        {"Authorization": "Basic not-base64!", "MOE-APPKEY": "sandbox"},
        {"Authorization": "Bearer key", "MOE-APPKEY": "sandbox"},
    ],
    ids=[
        "no-headers",
        "no-appkey",
        "appkey-mismatch",
        "empty-key",
        "empty-workspace",
        "no-colon",
        "bad-base64",
        "bearer",
    ],
)
def test_bad_credentials_get_the_v1_401_envelope(
    sandbox: SandboxHandle, headers: dict[str, str]
) -> None:
    response = httpx.post(f"{sandbox.base_url}{MOE}/campaigns/search", json=SEARCH, headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "401 Authentication error"
    assert error["message"] == "Authentication required"
    assert error["target"] == ""
    assert error["request_id"] == "r-1"
    detail = error["details"][0]
    assert detail["code"] == "InvalidValue"
    assert detail["target"] == "APP_SECRET_KEY"
    assert isinstance(detail["message"], list)


@pytest.mark.parametrize(
    "method,path",
    [("POST", "/campaigns"), ("PATCH", "/campaigns/x"), ("POST", "/campaigns/status")],
)
def test_every_route_requires_auth(sandbox: SandboxHandle, method: str, path: str) -> None:
    response = httpx.request(method, f"{sandbox.base_url}{MOE}{path}", json={"request_id": "x"})
    assert response.status_code == 401


def test_any_non_empty_credentials_are_accepted_by_default(sandbox: SandboxHandle) -> None:
    headers = moengage_auth_headers("some-workspace", "whatever")
    response = httpx.post(f"{sandbox.base_url}{MOE}/campaigns/search", json=SEARCH, headers=headers)
    assert response.status_code == 200


def test_data_is_partitioned_per_workspace_and_every_workspace_sees_the_demo(
    sandbox: SandboxHandle,
) -> None:
    url = sandbox.base_url
    with (
        httpx.Client(base_url=url, headers=moengage_auth_headers("ws-a", "k")) as a,
        httpx.Client(base_url=url, headers=moengage_auth_headers("ws-b", "k")) as b,
    ):
        created = a.post(f"{MOE}/campaigns", json=one_time()).json()["campaign_id"]
        body = {"request_id": rid(), "limit": 15, "page": 1}
        ids_a = {c["campaign_id"] for c in a.post(f"{MOE}/campaigns/search", json=body).json()}
        ids_b = {c["campaign_id"] for c in b.post(f"{MOE}/campaigns/search", json=body).json()}
    assert created in ids_a
    assert created not in ids_b
    assert "66a1f0c2e4b0a1b2c3d4e501" in ids_a & ids_b
    assert set(sandbox.campaigns()["moengage"]) >= {"sandbox", "ws-a", "ws-b"}


def test_pinned_credentials_accept_only_those(
    sandbox_factory: Callable[..., SandboxHandle],
) -> None:
    pinned = sandbox_factory(moengage_workspace_id="acme", moengage_api_key="s3cret")
    url = f"{pinned.base_url}{MOE}/campaigns/search"
    ok = httpx.post(url, json=SEARCH, headers=moengage_auth_headers("acme", "s3cret"))
    wrong_key = httpx.post(url, json=SEARCH, headers=moengage_auth_headers("acme", "nope"))
    wrong_ws = httpx.post(url, json=SEARCH, headers=moengage_auth_headers("other", "s3cret"))
    assert (ok.status_code, wrong_key.status_code, wrong_ws.status_code) == (200, 401, 401)


def test_unknown_route_is_404_in_the_v1_envelope(moengage_http: httpx.Client) -> None:
    response = moengage_http.get(f"{MOE}/campaigns")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "404 Not Found"
