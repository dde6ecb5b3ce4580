"""The cache of validated campaign files: hits skip parsing, any change is a miss, problems are
never cached, and an unusable cache only costs time."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from syncer.config import settings as config
from syncer.errors import DefinitionError
from syncer.load.definitions import load_definitions
from syncer.load.yaml import read as yamlio
from syncer.providers import registry

TOML = """
campaigns_dir = "campaigns"
default_target = "sandbox"

[targets.sandbox]
provider = "moengage"
sandbox = true
"""
CAMPAIGN = """
provider: moengage
id: 66a1f0c2e4b0a1b2c3d4e501
lifecycle:
  ignore_changes: [campaign_content.content.email.preview_text]
campaign:
  channel: EMAIL
  campaign_delivery_type: EVENT_TRIGGERED
  basic_details:
    name: Welcome email
    content_type: TRANSACTIONAL
  campaign_content:
    content:
      email:
        subject: Welcome
        html_content: |
          <p>Hello</p>
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "syncer.toml").write_text(TOML, encoding="utf-8")
    (tmp_path / "campaigns" / "a").mkdir(parents=True)
    (tmp_path / "campaigns" / "a" / "welcome.yaml").write_text(
        textwrap.dedent(CAMPAIGN).lstrip(), encoding="utf-8"
    )
    return tmp_path


class Counting:
    """The files `yamlio.<name>` was called for (their display paths), in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.paths: list[str] = []
        real = getattr(yamlio, name)

        def counted(subject: Any, display: str) -> Any:
            self.paths.append(display)
            return real(subject, display)

        monkeypatch.setattr(yamlio, name, counted)

    @property
    def count(self) -> int:
        return len(self.paths)


def test_a_hit_gives_the_same_definition_without_parsing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = config.load(project / "syncer.toml", registry.target_models())
    parses = Counting(monkeypatch, "load")
    first = load_definitions(settings, registry.get)
    again = load_definitions(settings, registry.get)
    assert parses.count == 1
    assert again == first
    assert again[0].key == "a/welcome.yaml"
    assert again[0].lifecycle.ignore_changes == ("campaign_content.content.email.preview_text",)
    assert (project / ".syncer" / "cache" / "definitions.sqlite").exists()


def test_moved_files_hit_and_keep_their_new_key(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = config.load(project / "syncer.toml", registry.target_models())
    load_definitions(settings, registry.get)
    (project / "campaigns" / "a" / "welcome.yaml").rename(project / "campaigns" / "hello.yaml")
    parses = Counting(monkeypatch, "load")
    (moved,) = load_definitions(settings, registry.get)
    assert parses.count == 0
    assert (moved.key, moved.file) == ("hello.yaml", "campaigns/hello.yaml")


def test_an_edited_file_or_changed_settings_is_a_miss(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = config.load(project / "syncer.toml", registry.target_models())
    load_definitions(settings, registry.get)
    parses = Counting(monkeypatch, "load")
    path = project / "campaigns" / "a" / "welcome.yaml"
    path.write_text(path.read_text().replace("subject: Welcome", "subject: Hi"))
    (edited,) = load_definitions(settings, registry.get)
    assert parses.count == 1
    assert edited.campaign["campaign_content"]["content"]["email"]["subject"] == "Hi"
    other = TOML + '\n[targets.other]\nprovider = "batch"\nsandbox = true\n'
    (project / "syncer.toml").write_text(other, encoding="utf-8")
    load_definitions(config.load(project / "syncer.toml", registry.target_models()), registry.get)
    assert parses.count == 2


def test_problems_are_found_every_time(project: Path) -> None:
    path = project / "campaigns" / "a" / "welcome.yaml"
    path.write_text(path.read_text().replace("channel: EMAIL", "channel: EMAIL\n  nmae: x"))
    settings = config.load(project / "syncer.toml", registry.target_models())
    for _ in range(2):
        with pytest.raises(DefinitionError) as raised:
            load_definitions(settings, registry.get)
        assert "campaign.nmae: unknown key" in str(raised.value)


def test_an_unusable_cache_only_costs_time(project: Path) -> None:
    (project / ".syncer").mkdir()
    (project / ".syncer" / "cache").write_text("not a directory")
    settings = config.load(project / "syncer.toml", registry.target_models())
    assert [d.name for d in load_definitions(settings, registry.get)] == ["Welcome email"]


def test_a_corrupt_cache_file_is_not_used(project: Path) -> None:
    cache = project / ".syncer" / "cache"
    cache.mkdir(parents=True)
    (cache / "definitions.sqlite").write_bytes(b"garbage" * 100)
    settings = config.load(project / "syncer.toml", registry.target_models())
    assert [d.name for d in load_definitions(settings, registry.get)] == ["Welcome email"]


def test_many_files_looked_up_in_batches_keep_their_order(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More files than one query looks up, hits and misses interleaved: each file gets its
    # own entry back, in order, and only the misses are parsed.
    from syncer.load import definitions

    monkeypatch.setattr(definitions, "LOOK_UP", 4)
    campaigns = project / "campaigns" / "a"
    for index in range(11):
        text = CAMPAIGN.replace("e501", f"f{index:03d}").replace("Welcome email", f"Mail {index}")
        (campaigns / f"m{index:02d}.yaml").write_text(textwrap.dedent(text).lstrip())
    settings = config.load(project / "syncer.toml", registry.target_models())
    first = load_definitions(settings, registry.get)
    for index in (1, 5, 6, 10):  # edited: misses among hits
        path = campaigns / f"m{index:02d}.yaml"
        path.write_text(path.read_text().replace("subject: Welcome", "subject: Edited"))
    loads = Counting(monkeypatch, "load")
    again = load_definitions(settings, registry.get)
    assert loads.count == 4
    assert [d.key for d in again] == [d.key for d in first]
    assert [d.id for d in again] == [d.id for d in first]
    edited = {
        d.key
        for d in again
        if d.campaign["campaign_content"]["content"]["email"]["subject"] == "Edited"
    }
    assert edited == {f"a/m{index:02d}.yaml" for index in (1, 5, 6, 10)}


def test_a_file_unchanged_since_it_was_read_is_not_read_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syncer.load import cache

    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # every file here changed before it was read
    settings = config.load(project / "syncer.toml", registry.target_models())
    first = load_definitions(settings, registry.get)
    reads = Counting(monkeypatch, "read_bytes")
    assert load_definitions(settings, registry.get) == first
    assert reads.paths == []
    # An edit of the same size changes the file's change time: read again, the edit seen.
    path = project / "campaigns" / "a" / "welcome.yaml"
    path.write_text(path.read_text().replace("subject: Welcome", "subject: Wel_ome"))
    edited = load_definitions(settings, registry.get)
    assert reads.paths == ["campaigns/a/welcome.yaml"]
    assert edited[0].campaign["campaign_content"]["content"]["email"]["subject"] == "Wel_ome"
    # So is a file put back in place of another one (another inode), even with old times.
    stat = path.stat()
    replacement = path.with_name("new.tmp")
    replacement.write_text(path.read_text().replace("Wel_ome", "Welcome"))
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    replacement.replace(path)
    again = load_definitions(settings, registry.get)
    assert reads.paths == ["campaigns/a/welcome.yaml"] * 2
    assert again[0].campaign["campaign_content"]["content"]["email"]["subject"] == "Welcome"


def test_a_file_changed_just_before_it_was_read_is_read_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Changed within a tick of the clock, a file could change again with the same times: it
    # is trusted only once it has settled (git's racily clean entries).
    settings = config.load(project / "syncer.toml", registry.target_models())
    load_definitions(settings, registry.get)
    reads = Counting(monkeypatch, "read_bytes")
    load_definitions(settings, registry.get)
    assert reads.paths == ["campaigns/a/welcome.yaml"]
