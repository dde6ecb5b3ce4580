"""Issue 7, hostile input, property-based: whatever bytes a campaign file holds, loading it
gives either a definition or located problems (`file:line:col`), never an exception.

Inputs range from random bytes and text to YAML-shaped noise built from the tokens that break
parsers (anchors, tags, merge keys, flow brackets, tabs, odd indentation) and to valid campaign
files with random values spliced in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncer.config.settings import Settings
from syncer.load.definitions import load_file
from syncer.load.yaml import read as yamlio
from syncer.providers import registry
from tests.support.project import REPO

ROOT = Path("/project")
FILE = ROOT / "campaigns" / "fuzz.yaml"
SETTINGS = Settings.model_validate(
    {
        "default_target": "sandbox",
        "targets": {
            "sandbox": {"provider": "moengage", "sandbox": True},
            "batch": {"provider": "batch", "sandbox": True},
        },
        "root": ROOT,
    }
)
# A complete example whose content is inline (a {file:} would need the project's templates).
GOOD = (REPO / "campaigns" / "transactional" / "password-reset.yaml").read_text(encoding="utf-8")
RUNS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "provider",
    "moengage",
    "batch",
    "campaign",
    "state",
    "id",
    "lifecycle",
    "channel",
    "EMAIL",
    ":",
    ": ",
    "- ",
    "-",
    "?",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "&b",
    "*b",
    "!!str ",
    "!!python/object:os.system ",
    "!tag ",
    "!!binary ",
    "<<: ",
    "<<",
    "'",
    '"',
    "\\",
    "#",
    "|",
    ">",
    "|-",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    " ",
    "~",
    "null",
    "true",
    "1",
    "0x1f",
    "1e999",
    "9" * 50,
    "2024-13-45",
    "2024-01-01",
    "---",
    "...",
    "%YAML 1.1",
    "%TAG ! x:",
    "\ufeff",
    "\x00",
    "\x07",
    "\u2028",
    "é",
    "\U0001f600",
]
yamlish = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def check(raw: bytes) -> None:
    definitions, problems = load_file(FILE, ROOT / "campaigns", SETTINGS, registry.get, raw=raw)
    assert (not definitions) == bool(problems)
    for problem in problems:
        assert problem.file == "campaigns/fuzz.yaml"
        assert problem.line >= 1 and problem.col >= 1
        assert problem.message.strip()
        assert "\n" not in str(problem).split(": ", 1)[0]


@RUNS
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    check(raw)


@RUNS
@given(st.text(max_size=2000))
def test_random_text(text: str) -> None:
    check(text.encode("utf-8", "surrogatepass"))


@RUNS
@given(yamlish)
def test_yaml_shaped_noise(text: str) -> None:
    check(text.encode("utf-8"))


@RUNS
@given(st.integers(min_value=0, max_value=len(GOOD)), yamlish)
def test_a_valid_file_with_noise_spliced_in(at: int, noise: str) -> None:
    check((GOOD[:at] + noise + GOOD[at:]).encode("utf-8"))


@RUNS
@given(st.integers(min_value=0, max_value=len(GOOD)), st.integers(min_value=1, max_value=40))
def test_a_valid_file_cut_short_or_with_bytes_removed(at: int, length: int) -> None:
    data = GOOD.encode("utf-8")
    check(data[:at])
    check(data[:at] + data[at + length :])


@RUNS
@given(
    st.dictionaries(
        st.sampled_from(
            ["provider", "campaign", "state", "id", "target", "lifecycle", "read_only", "x"]
        ),
        json_values,
    )
)
def test_random_values_in_the_envelope(values: dict[str, Any]) -> None:
    # JSON is YAML: every value reaches the validators, whatever its type.
    check(json.dumps(values).encode("utf-8"))


@RUNS
@given(json_values)
def test_random_values_as_the_campaign_block(value: Any) -> None:
    check(f"provider: moengage\ncampaign: {json.dumps(value)}\n".encode())


@RUNS
@given(st.text(max_size=500))
def test_yamlio_load_never_raises(text: str) -> None:
    document, problems = yamlio.load(text, "x.yaml")
    assert (document is None) == bool(problems)
    assert all(p.line >= 1 and p.col >= 1 for p in problems)
