"""The two YAML readers agree: libyaml's fast one (`fast`) gives the values and places ruamel's
exact one (`exact`) gives, for every file it reads; everything else it leaves to ruamel whole.

Plus the YAML 1.2 scalars both keep: `yes`, `on`, `no` are strings, `010` is ten.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.workload import body, to_yaml
from syncer.load.yaml import fast
from syncer.load.yaml import read as yamlio
from syncer.load.yaml.place import ListPlace, MapPlace, Tree
from tests.support.project import REPO
from tests.test_hostile_properties import TOKENS, json_values

RUNS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HOSTILE = sorted((REPO / "tests" / "hostile" / "campaigns").glob("*.yaml"))
CAMPAIGNS = sorted((REPO / "campaigns").rglob("*.yaml")) + sorted(
    (REPO / "examples").rglob("*.yaml")
)


def shape(tree: Tree, data: Any) -> Any:
    """A tree of places with every position in it, comparable with ==. Where an empty value
    (`key:`) starts is left out: the readers differ on it, and it has no text to point into."""
    if isinstance(tree, MapPlace):
        entries = [
            (k, tree.at[k], _start(tree.starts[k], data[k]), shape(v, data[k]))
            for k, v in tree.items()
        ]
        return ("map", tree.line, tree.col, entries)
    if isinstance(tree, ListPlace):
        items = [(a, shape(v, d)) for a, v, d in zip(tree.starts, tree, data, strict=True)]
        return ("list", tree.line, tree.col, items)
    return None


def _start(start: Any, value: Any) -> Any:
    return "empty" if value is None and start[2] is None else start


def agree(text: str) -> None:
    got, got_problems = yamlio.load(text, "x.yaml")
    want, want_problems = yamlio.load_exact(text, "x.yaml")
    assert got_problems == want_problems
    if want is None:
        assert got is None
        return
    assert got is not None
    assert repr(got.data) == repr(want.data)  # repr: 1, 1.0 and True differ; nan equals nan
    assert shape(got.tree, got.data) == shape(want.tree, want.data)


@pytest.mark.parametrize("path", HOSTILE + CAMPAIGNS, ids=lambda p: p.name)
def test_every_campaign_and_hostile_file_reads_the_same(path: Path) -> None:
    agree(path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff"))


@pytest.mark.parametrize("path", CAMPAIGNS, ids=lambda p: p.name)
def test_the_fast_reader_reads_every_campaign_file_itself(path: Path) -> None:
    data, tree = fast.compose(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(tree, MapPlace)


def test_the_bench_files_are_read_by_the_fast_reader() -> None:
    text = to_yaml({"provider": "moengage", "id": "x", "campaign": body(7, 4000)})
    data, _ = fast.compose(text)
    assert data["campaign"]["basic_details"]["name"] == "Bench campaign 00007"
    agree(text)


SCALARS = [
    ("yes", "yes"),
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("n", "n"),
    ("Yes", "Yes"),
    ("true", True),
    ("True", True),
    ("FALSE", False),
    ("tRUE", "tRUE"),
    ("~", None),
    ("null", None),
    ("", None),
    ("010", 10),
    ("-007", -7),
    ("0o17", 15),
    ("0x1f", 31),
    ("1_000", 1000),
    ("1:30", "1:30"),
    ("1.5", 1.5),
    ("1e3", 1000.0),
    (".5", 0.5),
    ("-.inf", float("-inf")),
    ("2024-02-29", dt.date(2024, 2, 29)),
    ("2024-07-04T08:00:00Z", dt.datetime(2024, 7, 4, 8, tzinfo=dt.UTC)),
    ("'yes'", "yes"),
    ('"010"', "010"),
    ("!!str 123", "123"),
    ("=", "="),
]


@pytest.mark.parametrize(("text", "value"), SCALARS, ids=[t or "empty" for t, _ in SCALARS])
def test_yaml_1_2_scalars(text: str, value: Any) -> None:
    document, problems = yamlio.load(f"v: {text}\n", "x.yaml")
    assert not problems and document is not None
    got = document.data["v"]
    assert (type(got), got) == (type(value), value)
    agree(f"v: {text}\n")


@pytest.mark.parametrize("text", ["yes: 1", "on: 1", "no: 1", "'<<': 1", '"1": 1'])
def test_keys_that_yaml_1_1_would_not_keep_as_strings_are_strings(text: str) -> None:
    document, problems = yamlio.load(text, "x.yaml")
    assert not problems and document is not None
    assert list(document.data) == [text.split(":")[0].strip("'\"")]


yamlish = st.lists(
    st.sampled_from([*TOKENS, "a", "b", "yes", "010", "- a\n", "k: v\n"]), max_size=60
)


@RUNS
@given(yamlish.map("".join))
def test_yaml_shaped_noise_reads_the_same(text: str) -> None:
    agree(text)


@RUNS
@given(json_values)
def test_any_json_value_reads_the_same(value: Any) -> None:
    agree(json.dumps(value))
    agree(json.dumps(value, indent=2))


@RUNS
@given(st.dictionaries(st.text(max_size=8), json_values, min_size=1, max_size=5))
def test_block_yaml_reads_the_same(value: dict[str, Any]) -> None:
    agree(to_yaml(value))


@RUNS
@given(
    st.sampled_from(["|", "|-", ">", ">+", "'", '"']),
    st.lists(
        st.sampled_from(["\t", " ", "x", "\n", "\n  ", "\n   ", "\n\t", "#", ": ", "'", '"']),
        max_size=20,
    ),
    st.sampled_from(["", "\n", "\nb: 1\n", "\n\tb: 1", "\t# c\n", " \t\n"]),
)
def test_tabs_read_the_same(style: str, content: list[str], after: str) -> None:
    body = "".join(content)
    if style in "'\"":
        agree(f"a: {style}{body}{style}{after}")
    else:
        agree(f"a: {style}\n  {body}{after}")


@RUNS
@given(st.text(max_size=300))
def test_any_text_reads_the_same(text: str) -> None:
    agree(text)


def test_a_yaml_1_1_directive_is_honoured_as_ruamel_honours_it() -> None:
    document, problems = yamlio.load("%YAML 1.1\n---\na: yes\nb: 010\n", "x.yaml")
    assert not problems and document is not None
    assert document.data == {"a": True, "b": 8}
