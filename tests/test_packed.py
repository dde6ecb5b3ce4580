"""Packed campaign bodies: exact round trips, fresh copies, and models built as before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from syncer.model import packed
from syncer.model.campaign import CampaignDefinition
from syncer.model.vendor import RemoteCampaign

VALUES: list[Any] = [
    {},
    {"b": 1, "a": [1.5, -0.0, True, None, "é", {"x": "y" * 5000}]},
    {"html": '<p class="x">\u2028</p>\n' * 1000, "n": 10**30},
]


@pytest.mark.parametrize("value", VALUES)
def test_round_trip_is_exact_and_keeps_key_order(value: Any) -> None:
    again = packed.unpack(packed.pack(value))
    assert again == value
    assert list(again) == list(value)


def test_large_repetitive_bodies_pack_small() -> None:
    body = {"html": "<tr><td style='padding:0'>cell</td></tr>\n" * 500}
    assert len(packed.pack(body)) < len(body["html"]) / 10


def test_raw_json_is_packed_without_parsing() -> None:
    assert packed.unpack(packed.pack_json(b'{"a": [1, 2]}')) == {"a": [1, 2]}


def test_definition_is_built_from_campaign_and_reads_it_back_as_a_copy() -> None:
    campaign = {"basic_details": {"name": "Welcome"}, "html": "x" * 10_000}
    d = CampaignDefinition(
        key="k.yaml",
        file="campaigns/k.yaml",
        provider="moengage",
        target="t",
        campaign=campaign,
        digest="sha256:0",
    )
    assert d.campaign == campaign
    d.campaign["basic_details"]["name"] = "changed"
    assert d.campaign["basic_details"]["name"] == "Welcome"
    assert len(d.content) < 1000
    assert d == d.model_copy()


def test_remote_campaign_accepts_a_body_or_packed_json() -> None:
    r = RemoteCampaign(id="c1", body={"status": "Active"})
    assert r.body == {"status": "Active"}
    assert RemoteCampaign(id="c1").body == {}
    raw = RemoteCampaign(id="c2", body=packed.pack_json(b'{"status": "Paused"}'))
    assert raw.body == {"status": "Paused"}


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        " [ ]\n",
        '[{"a": [1, {"b": "x]"}]}, "s,", 1.5e3, null, true]',
        '[{"\\u00e9": "\\"quoted\\", and ]"}]',
        "\n[\t{}\r\n,\n[]\n]\n",
    ],
)
def test_array_items_gives_each_element_and_its_own_json(text: str) -> None:
    items = packed.array_items(text)
    assert items is not None
    assert [value for value, _ in items] == json.loads(text)
    for value, own in items:
        assert json.loads(own) == value
        assert packed.unpack(packed.pack_json(own.encode())) == value


@pytest.mark.parametrize(
    "text", ["", "  ", '{"a": 1}', "[1,]", "[1 2]", "[1] x", "[1]\x0b", "[", '["a]', "null"]
)
def test_array_items_refuses_anything_but_one_json_array(text: str) -> None:
    assert packed.array_items(text) is None


def test_a_remote_body_is_a_fresh_copy_on_every_access() -> None:
    parsed = {"status": "Active", "html": "x" * 100}
    r = RemoteCampaign(id="c1", body=parsed)
    first = r.body
    first["status"] = "changed by a caller"
    assert r.body == parsed
    assert r.body is not r.body
    assert r == RemoteCampaign(id="c1", body=parsed)
