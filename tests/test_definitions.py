"""LOAD + VALIDATE: every problem in every file, located as file:line:col, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from syncer.config import settings as config
from syncer.errors import DefinitionError
from syncer.load.definitions import load_definitions
from syncer.providers import registry

CONFIG = """
default_target = "prod"
[targets.prod]
provider = "moengage"
data_center = "01"
updated_by = "a@b.co"
[targets.push]
provider = "batch"
"""

GOOD = """\
provider: moengage
campaign:
  channel: EMAIL
  basic_details:
    name: Welcome
"""


def setup(tmp_path: Path, files: dict[str, str | bytes]) -> config.Settings:
    (tmp_path / "syncer.toml").write_text(CONFIG)
    for key, text in files.items():
        path = tmp_path / "campaigns" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text))
    (tmp_path / "campaigns").mkdir(exist_ok=True)
    return config.load(tmp_path / "syncer.toml", registry.target_models())


def problems(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    settings = setup(tmp_path, files)
    with pytest.raises(DefinitionError) as info:
        load_definitions(settings, registry.get)
    return [str(p) for p in info.value.problems]


def test_good_file_loads_with_key_target_and_declared_fields(tmp_path: Path) -> None:
    settings = setup(tmp_path, {"a/welcome.yaml": GOOD})
    (definition,) = load_definitions(settings, registry.get)
    assert definition.key == "a/welcome.yaml"
    assert definition.file == "campaigns/a/welcome.yaml"
    assert definition.target == "prod"
    assert definition.campaign == {"channel": "EMAIL", "basic_details": {"name": "Welcome"}}
    assert definition.name == "Welcome"


BROKEN = [
    (
        "unknown key",
        GOOD + "    nmae: x\n",
        "campaigns/f.yaml:6:5: campaign.basic_details.nmae: unknown key",
    ),
    (
        "unknown top-level key",
        "provder: moengage\n" + GOOD,
        "campaigns/f.yaml:1:1: provder: unknown key",
    ),
    ("bad enum", GOOD.replace("EMAIL", "FAX"), "campaigns/f.yaml:3:3: campaign.channel"),
    ("duplicate key", GOOD + "provider: batch\n", "campaigns/f.yaml:6:1: duplicate key: provider"),
    (
        "tab",
        "provider: moengage\ncampaign:\n\tchannel: EMAIL\n",
        "campaigns/f.yaml:3:1: invalid YAML: tab",
    ),
    ("syntax", "provider: [moengage\n", "campaigns/f.yaml:2:1: invalid YAML"),
    ("empty", "", "campaigns/f.yaml:1:1: file is empty"),
    ("not a mapping", "- a\n- b\n", "campaigns/f.yaml:1:1: a campaign file is a mapping"),
    (
        "missing campaign",
        "provider: moengage\n",
        "campaigns/f.yaml:1:1: campaign: required key is missing",
    ),
    (
        "bad provider",
        GOOD.replace("provider: moengage", "provider: mailchimp"),
        "campaigns/f.yaml:1:1: provider",
    ),
    (
        "unknown target",
        "target: staging\n" + GOOD,
        "campaigns/f.yaml:1:1: unknown target 'staging'",
    ),
    (
        "provider mismatch",
        "target: push\n" + GOOD,
        "campaigns/f.yaml:2:1: target 'push' is a batch workspace",
    ),
    (
        "bad state",
        "state: RUNNING\n" + GOOD,
        "campaigns/f.yaml:1:1: state: 'RUNNING' is not one of ACTIVE | PAUSED | STOPPED",
    ),
    (
        "alias",
        "provider: moengage\ncampaign: &a\n  channel: EMAIL\nx: *a\n",
        "campaigns/f.yaml:2:11: YAML anchors",
    ),
    (
        "custom tag",
        "provider: !!python/object moengage\ncampaign: {}\n",
        "campaigns/f.yaml:1:11: YAML tag",
    ),
    ("request_id in file", GOOD + "  request_id: x\n", "campaigns/f.yaml:6:3: campaign.request_id"),
    (
        "wrong type",
        GOOD.replace("name: Welcome", "name: [1, 2]"),
        "campaigns/f.yaml:5:5: campaign.basic_details.name",
    ),
    (
        "bad ignore path",
        "lifecycle: {ignore_changes: ['']}\n" + GOOD,
        "campaigns/f.yaml:1:13: lifecycle.ignore_changes",
    ),
    (
        "bad on_locked",
        "lifecycle: {on_locked: retry}\n" + GOOD,
        "campaigns/f.yaml:1:13: lifecycle.on_locked",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_is_located(tmp_path: Path, name: str, text: str, expected: str) -> None:
    found = problems(tmp_path, {"f.yaml": text})
    assert any(p.startswith(expected) for p in found), (name, found)


def test_binary_bom_and_yml_files(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {
            "bin.yaml": b"\x00\x01\x02",
            "bom.yaml": "\ufeff" + GOOD,
            "old.yml": GOOD,
            "latin.yaml": b"provider: moengage\ncampaign: {name: \xe9}\n",
        },
    )
    assert "campaigns/bin.yaml:1:1: binary file (NUL bytes): not YAML text" in found
    assert any(
        p.startswith("campaigns/old.yml:1:1: campaign files must end in .yaml") for p in found
    )
    assert any(p.startswith("campaigns/latin.yaml:2:18: not UTF-8 text") for p in found)
    assert not any("bom.yaml" in p for p in found)


def test_directory_named_yaml(tmp_path: Path) -> None:
    settings = setup(tmp_path, {"ok.yaml": GOOD})
    (tmp_path / "campaigns" / "x.yaml").mkdir()
    with pytest.raises(DefinitionError) as info:
        load_definitions(settings, registry.get)
    assert [str(p) for p in info.value.problems] == [
        "campaigns/x.yaml:1:1: is a directory, not a campaign file"
    ]


def test_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {
            "a.yaml": GOOD + "    nmae: x\n    tags: 3\n",
            "b.yaml": "provider: moengage\ncampaign:\n  channel: FAX\n",
            "c.yaml": GOOD,
        },
    )
    assert len([p for p in found if p.startswith("campaigns/a.yaml")]) == 2
    assert len([p for p in found if p.startswith("campaigns/b.yaml")]) == 1
    assert not any(p.startswith("campaigns/c.yaml") for p in found)


def test_same_id_pinned_twice(tmp_path: Path) -> None:
    found = problems(tmp_path, {"a.yaml": "id: X1\n" + GOOD, "b.yaml": "id: X1\n" + GOOD})
    assert any("id X1 is also pinned by campaigns/a.yaml" in p for p in found)


def test_huge_file_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, {"big.yaml": GOOD + "# " + "x" * (9 * 1024 * 1024) + "\n"})
    assert found[0].startswith("campaigns/big.yaml:1:1: file is")


def test_deep_nesting_refused(tmp_path: Path) -> None:
    found = problems(
        tmp_path, {"deep.yaml": "provider: moengage\ncampaign: " + "[" * 200 + "]" * 200}
    )
    assert "nesting deeper than 64 levels" in found[0]


def test_bad_yaml_directive_is_located_not_raised(tmp_path: Path) -> None:
    # ruamel checks the %YAML version with a bare assert; found by hypothesis.
    found = problems(tmp_path, {"v.yaml": "%YAML 1.11\n---\n" + GOOD})
    assert found[0].startswith("campaigns/v.yaml:1:1: invalid YAML: version minor part")


def test_files_come_in_path_order_not_string_order(tmp_path: Path) -> None:
    # "a-c.yaml" sorts before "a/b.yaml" as a string ("-" < "/") but after it as a path
    # (component "a" < "a-c.yaml"); keys, plans and messages follow the path order.
    names = ["b.yaml", "a-c.yaml", "a/z/x.yaml", "a/b.yaml", "a.yaml", "a/b/c.yaml", "ab/a.yaml"]
    files: dict[str, str | bytes] = {name: GOOD.replace("Welcome", name) for name in names}
    settings = setup(tmp_path, files)
    keys = [d.key for d in load_definitions(settings, registry.get)]
    assert keys == sorted(names, key=lambda key: Path(key).parts)
    assert keys == [
        str(p.relative_to(tmp_path / "campaigns"))
        for p in sorted(tmp_path / "campaigns" / name for name in names)
    ]


def test_links_are_told_apart_by_their_directory_entry(tmp_path: Path) -> None:
    settings = setup(tmp_path, {"a/real.yaml": GOOD})
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text(GOOD)
    (tmp_path / "campaigns" / "a" / "inside.yaml").symlink_to(tmp_path / "campaigns/a/real.yaml")
    (tmp_path / "campaigns" / "a" / "out.yaml").symlink_to(outside)
    (tmp_path / "campaigns" / "dir.yaml.d").symlink_to(tmp_path / "campaigns" / "a")
    with pytest.raises(DefinitionError) as info:
        load_definitions(settings, registry.get)
    found = [str(p) for p in info.value.problems]
    assert any("campaigns/a/out.yaml" in p and "outside the project" in p for p in found)
    assert any("campaigns/dir.yaml.d" in p and "link to a directory" in p for p in found)
    assert not any("inside.yaml" in p and "link" in p for p in found)
