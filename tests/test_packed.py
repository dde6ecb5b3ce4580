"""Packed campaign bodies: exact round trips, fresh copies, and models built as before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        assert packed.unpack(packed.pack_json(own)) == value


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


def _typed(value: Any) -> Any:
    """`value` with every number tagged by its type: 1 and 1.0 (and True) compare unequal."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, value)


_STRINGS = st.builds(
    lambda text, odd: text + odd,
    st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('\x00"\\')),
    st.sampled_from(["", "", "\ud800", "\udfff", "\U0010ffff"]),  # lone surrogates too
)
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_STRINGS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(values=st.lists(_JSON_VALUES, max_size=5), spaced=st.booleans())
def test_a_page_reads_as_json_reads_it_whichever_parser_does(
    values: list[Any], spaced: bool
) -> None:
    # orjson reads most pages; what it could read differently (integers beyond 64 bits, NaN,
    # lone surrogates) goes to `json`. Same values, same types, and each element's own JSON
    # packs to the same value.
    text = json.dumps(values, indent=1 if spaced else None)
    items = packed.array_items(text)
    assert items is not None
    assert _typed([value for value, _ in items]) == _typed(json.loads(text))
    for value, own in items:
        assert _typed(packed.unpack(packed.pack_json(own))) == _typed(value)
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in json.dumps(values, ensure_ascii=False)):
        # (a campaign file is UTF-8 text: its bodies hold no lone surrogate)
        assert _typed(packed.unpack(packed.pack(values))) == _typed(json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        "[18446744073709551616]",
        '[{"n": -123456789012345678901234567890}]',
        "[NaN, Infinity, -Infinity]",
        '["\\ud800"]',
        "[1.00000000000000000000000000001]",
    ],
)
def test_what_orjson_would_read_differently_is_read_by_json(text: str) -> None:
    items = packed.array_items(text)
    assert items is not None
    assert _typed([value for value, _ in items]) == _typed(json.loads(text))


def test_a_page_nested_deeper_than_orjson_writes_is_read_by_json() -> None:
    text = "[" + "[" * 900 + "]" * 900 + "]"
    items = packed.array_items(text)
    assert items is not None and items[0][0] == json.loads(text)[0]
    assert json.loads(items[0][1]) == json.loads(text)[0]
