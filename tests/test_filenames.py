"""File naming for `syncer import`: slugs, collisions, sub-directories, exclusive creation."""

from __future__ import annotations

import stat
from pathlib import Path, PurePosixPath

import pytest

from syncer.errors import SecurityError, UsageError
from syncer.load.filenames import create_private, inside, slugify, subdirectory, unique_name


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Welcome email", "welcome-email"),
        ("../../etc/x", "etc-x"),
        ("/etc/passwd", "etc-passwd"),
        ("..", "campaign"),
        ("", "campaign"),
        (None, "campaign"),
        ("   ", "campaign"),
        ("Été: 20% off!", "ete-20-off"),
        ("Win-back — we miss you", "win-back-we-miss-you"),
        ("日本語のキャンペーン", "campaign"),
        ("CON", "con-campaign"),
        ("lpt1", "lpt1-campaign"),
        ("a\\b\x00c\nd", "a-b-c-d"),
        (".hidden", "hidden"),
        ("x" * 200, "x" * 80),
        ("a" * 79 + " b", "a" * 79),
    ],
)
def test_slugify(name: str | None, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("slug", "taken", "expected"),
    [
        ("welcome", set(), "welcome.yaml"),
        ("welcome", {"welcome.yaml"}, "welcome-2.yaml"),
        ("welcome", {"Welcome.yaml", "welcome-2.yaml"}, "welcome-3.yaml"),
        ("welcome", {"welcome-2.yaml"}, "welcome.yaml"),
    ],
)
def test_unique_name(slug: str, taken: set[str], expected: str) -> None:
    assert unique_name(slug, taken) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", PurePosixPath()),
        (".", PurePosixPath()),
        ("imported", PurePosixPath("imported")),
        ("a/b", PurePosixPath("a/b")),
        ("a\\b", PurePosixPath("a/b")),
        ("a/./b", PurePosixPath("a/b")),
        ("a//b", PurePosixPath("a/b")),
    ],
)
def test_subdirectory_accepts_relative_paths(text: str, expected: PurePosixPath) -> None:
    assert subdirectory(text) == expected


@pytest.mark.parametrize("text", ["/etc", "../x", "a/../../b", "..", "C:\\x\\..\\..\\y"])
def test_subdirectory_refuses_paths_that_leave(text: str) -> None:
    with pytest.raises(UsageError):
        subdirectory(text)


def test_create_private_is_owner_only_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    create_private(path, "x: 1\n", tmp_path)
    assert path.read_text() == "x: 1\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        create_private(path, "x: 2\n", tmp_path)
    assert path.read_text() == "x: 1\n"


def test_create_private_does_not_follow_a_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    link = tmp_path / "campaigns" / "x.yaml"
    link.parent.mkdir()
    link.symlink_to(victim)
    with pytest.raises(FileExistsError):
        create_private(link, "x: 1\n", tmp_path / "campaigns")
    assert victim.read_text() == "keep"


def test_create_private_refuses_a_directory_linked_outside(tmp_path: Path) -> None:
    root = tmp_path / "campaigns"
    root.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "sub").symlink_to(outside)
    assert not inside(root, root / "sub")
    with pytest.raises(SecurityError):
        create_private(root / "sub" / "x.yaml", "x: 1\n", root)
    assert list(outside.iterdir()) == []
