"""`load.pin`: an id written into a campaign file's text, every other byte kept."""

from __future__ import annotations

import pytest

from syncer.load.pin import id_location, pin_id
from syncer.load.yaml.edit import EditError

FILE = """\
# Black Friday: the big one
provider: moengage   # the vendor
target: prod  # production

campaign:
  basic_details: {name: Black Friday}   # keep
"""


def test_a_file_without_id_gets_one_line_after_its_target() -> None:
    assert pin_id(FILE, "prod", "66a1f0c2e4b0a1b2c3d4e5f6") == FILE.replace(
        "# production\n", "# production\nid: 66a1f0c2e4b0a1b2c3d4e5f6\n"
    )


def test_without_target_the_line_follows_provider() -> None:
    text = FILE.replace("target: prod  # production\n", "")
    assert pin_id(text, "prod", "abc") == text.replace("vendor\n", "vendor\nid: abc\n")


def test_an_existing_id_is_rewritten_in_its_own_quoting() -> None:
    text = FILE.replace("campaign:", "id: 'old-id'  # pinned\ncampaign:")
    assert pin_id(text, "prod", "new-id") == text.replace("'old-id'", "'new-id'")


def test_an_id_that_yaml_would_read_as_a_number_is_quoted() -> None:
    assert 'target: prod  # production\nid: "12345"\n' in pin_id(FILE, "prod", "12345")


def test_a_multi_target_file_gets_a_mapping_and_keeps_the_other_targets() -> None:
    text = "provider: moengage\ntargets: [staging, prod]\ncampaign: {}\n"
    once = pin_id(text, "staging", "s1")
    assert once == "provider: moengage\ntargets: [staging, prod]\nid: {staging: s1}\ncampaign: {}\n"
    assert "id: {staging: s1, prod: p1}\n" in pin_id(once, "prod", "p1")


def test_crlf_files_stay_crlf() -> None:
    text = FILE.replace("\n", "\r\n")
    assert pin_id(text, "prod", "abc") == text.replace(
        "# production\r\n", "# production\r\nid: abc\r\n"
    )


def test_id_location_points_at_the_target_id() -> None:
    assert id_location(pin_id(FILE, "prod", "abc"), "prod", "x.yaml") == (4, 1)
    multi = "provider: moengage\ntargets: [a, b]\nid:\n  a: x\n  b: y\ncampaign: {}\n"
    assert id_location(multi, "b", "x.yaml") == (5, 3)


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(EditError):
        pin_id("- a\n- b\n", "prod", "abc")
