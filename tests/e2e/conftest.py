"""End-to-end fixtures: a user's project whose targets point at the sandbox on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.project import Project


@pytest.fixture
def sandbox(sandbox_factory: Any) -> Any:
    """The served sandbox with its rate limits scaled up 20 times, like the project's targets.

    The tool paces itself by the same (scaled) windows; tests of the vendors' real limits use
    `sandbox_factory()` directly.
    """
    return sandbox_factory(rate_limit_scale=20.0)


@pytest.fixture
def project(tmp_path: Path, sandbox: Any) -> Project:
    """An empty project configured for the served sandbox (targets `sandbox`, `sandbox-batch`)."""
    proj = Project(tmp_path / "project", sandbox.base_url)
    proj.configure()
    return proj


@pytest.fixture
def demo(project: Project) -> Project:
    """The project with the repository's example campaigns."""
    project.copy_examples()
    return project
