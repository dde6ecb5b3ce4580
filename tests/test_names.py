"""Names are unique per target: two files declaring one campaign name for one target are an
error of `validate` (both files named), unless every such file pins an id."""

from __future__ import annotations

from pathlib import Path

from syncer.config import settings as config
from syncer.load.definitions import load_definitions
from syncer.providers import registry
from tests.test_definitions import GOOD, problems, setup


def test_two_files_with_one_name_in_one_target_name_both(tmp_path: Path) -> None:
    found = problems(tmp_path, {"a/welcome.yaml": GOOD, "b/copy.yaml": GOOD})
    assert found == [
        "campaigns/b/copy.yaml:2:1: campaign name 'Welcome' is also declared by "
        "campaigns/a/welcome.yaml for target 'prod': one name, one file (a second file would "
        "create the campaign again, or fight over it). Rename one, or delete the copy"
    ]


def test_one_pinned_and_one_not_is_still_an_error(tmp_path: Path) -> None:
    found = problems(tmp_path, {"a.yaml": GOOD, "imported/welcome.yaml": "id: X1\n" + GOOD})
    assert len(found) == 1 and "also declared by campaigns/a.yaml" in found[0]


def test_the_same_name_in_two_targets_or_pinned_everywhere_is_fine(tmp_path: Path) -> None:
    legacy = "id: {}\n" + GOOD.replace("Welcome", "Legacy")
    files: dict[str, str | bytes] = {
        "a.yaml": GOOD,
        "b.yaml": "target: staging\n" + GOOD,
        "legacy/one.yaml": legacy.format("L1"),
        "legacy/two.yaml": legacy.format("L2"),
    }
    setup(tmp_path, files)
    with (tmp_path / "syncer.toml").open("a") as handle:
        handle.write('[targets.staging]\nprovider = "moengage"\ndata_center = "01"\n')
    settings = config.load(tmp_path / "syncer.toml", registry.target_models())
    assert len(load_definitions(settings, registry.get)) == 4
