"""Where a campaign file pins the id of each of its targets."""

from __future__ import annotations

from syncer.load.ids import id_edit, pinned_id
from syncer.load.yaml.edit import apply_edits
from syncer.load.yaml.read import load

ONE = "provider: moengage\ntarget: prod  # the workspace\ncampaign: {}\n"
MULTI = "provider: moengage\ntargets: [staging, prod]\ncampaign: {}\n"
MULTI_PINNED = (
    "provider: moengage\ntargets: [staging, prod]\nid:\n  staging: s1  # staging's\ncampaign: {}\n"
)


def _data(text: str) -> dict[str, object]:
    document, problems = load(text, "f.yaml")
    assert document is not None, problems
    assert isinstance(document.data, dict)
    return document.data


def _pin(text: str, target: str, campaign_id: str) -> str:
    return apply_edits(text, [id_edit(_data(text), target, campaign_id)])


def test_one_target_file_pins_a_plain_string() -> None:
    text = _pin(ONE, "prod", "p1")
    assert text == "provider: moengage\ntarget: prod  # the workspace\ncampaign: {}\nid: p1\n"
    assert _data(text)["id"] == "p1"
    assert pinned_id(_data(text), "prod") == "p1"


def test_multi_target_file_pins_a_mapping_entry() -> None:
    text = _pin(MULTI, "prod", "p1")
    assert _data(text)["id"] == {"prod": "p1"}
    assert pinned_id(_data(text), "prod") == "p1"
    assert pinned_id(_data(text), "staging") is None


def test_pinning_one_target_keeps_the_others() -> None:
    text = _pin(MULTI_PINNED, "prod", "p1")
    assert _data(text)["id"] == {"staging": "s1", "prod": "p1"}
    assert "# staging's" in text


def test_a_plain_id_in_a_multi_target_file_is_no_target_s_id() -> None:
    data = _data("provider: moengage\ntargets: [staging, prod]\nid: x\ncampaign: {}\n")
    assert pinned_id(data, "staging") is None
