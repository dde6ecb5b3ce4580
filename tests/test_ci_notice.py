"""`workflows.ci`: the one note about what a CI runner with local state loses."""

from __future__ import annotations

from pathlib import Path

from syncer.config import settings as config
from syncer.providers import registry
from syncer.workflows.ci import ci_notice, in_ci

TARGETS = """
[targets.sandbox]
provider = "moengage"
sandbox = true
[targets.prod]
provider = "moengage"
data_center = "01"
[targets.push]
provider = "batch"
"""


def settings(tmp_path: Path, top: str = "", extra: str = "") -> config.Settings:
    (tmp_path / "syncer.toml").write_text(top + TARGETS + extra)
    return config.load(tmp_path / "syncer.toml", registry.target_models())


def test_ci_is_the_ci_variable_set_to_something_true() -> None:
    assert in_ci({"CI": "true"}) and in_ci({"CI": "1"})
    assert not in_ci({}) and not in_ci({"CI": ""}) and not in_ci({"CI": "false"})


def test_only_ci_with_local_state_and_a_real_target_gets_the_note(tmp_path: Path) -> None:
    local = settings(tmp_path)
    assert ci_notice(local, ["prod"], {}) is None
    assert ci_notice(local, ["sandbox"], {"CI": "true"}) is None
    note = ci_notice(local, ["prod"], {"CI": "true"})
    assert note is not None and "unless the pinned campaign files it writes are committed" in note
    assert "last-applied digests" not in note
    both = ci_notice(local, ["prod", "push"], {"CI": "true"})
    assert both is not None and "batch's last-applied digests" in both
    shared = settings(tmp_path, extra='[state]\nbackend = "s3"\nbucket = "b"\n')
    assert ci_notice(shared, ["prod"], {"CI": "true"}) is None


def test_without_pinning_the_note_says_ids_stay_in_the_state_only(tmp_path: Path) -> None:
    note = ci_notice(settings(tmp_path, top="pin_ids = false\n"), ["prod"], {"CI": "true"})
    assert note is not None and "pin_ids = false keeps them there only" in note
