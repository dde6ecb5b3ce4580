"""A cold load in several processes gives what one process gives: the same definitions, the
same problems in the same order, the same cache (`load/parallel.py`)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.project import REPO

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forked workers: Linux only")

TOML = """
campaigns_dir = "campaigns"
default_target = "bench"

[targets.bench]
provider = "moengage"
sandbox = true
updated_by = "crm-bot@example.com"
"""


def _campaign(n: int, content_type: str = "TRANSACTIONAL") -> str:
    return textwrap.dedent(
        f"""\
        provider: moengage
        id: "{n:024x}"
        campaign:
          channel: EMAIL
          campaign_delivery_type: ONE_TIME
          basic_details: {{name: "Campaign {n}", content_type: {content_type}, user_attribute_identifier: MOE_EMAIL_ID}}
          campaign_content:
            content:
              email:
                subject: "Hi {n}"
                sender_name: Acme
                from_address: a@acme.io
                reply_to_address: a@acme.io
                html_content: '<html><body><p>Hello {n}</p><img src="http://x/{n}.png"></body></html>'
        """  # noqa: E501
    )


def _project(root: Path, files: int) -> Path:
    (root / "campaigns" / "a").mkdir(parents=True)
    (root / "syncer.toml").write_text(TOML, encoding="utf-8")
    for n in range(files):
        bad = "NOPE" if n in (3, 70, 111) else "TRANSACTIONAL"
        (root / "campaigns" / "a" / f"c{n:04d}.yaml").write_text(_campaign(n, bad))
    (root / "campaigns" / "a" / "c0050.yaml").write_text("campaign: [\n")
    return root


def _validate(project: Path, workers: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "SYNCER_LOAD_WORKERS": workers}
    return subprocess.run(
        [sys.executable, "-m", "syncer", "--debug", "validate"],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def _said(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [
        line
        for line in done.stderr.splitlines()
        if " DEBUG " not in line and "processes" not in line
    ]


def test_three_processes_say_what_one_says(tmp_path: Path) -> None:
    one = _validate(_project(tmp_path / "one", 120), "1")
    three = _validate(_project(tmp_path / "three", 120), "3")
    assert "loading 120 campaign files in 3 processes" in three.stderr
    assert "processes" not in one.stderr
    assert (one.returncode, one.stdout) == (three.returncode, three.stdout) == (1, "")
    assert _said(one) == _said(three)
    problems = [line for line in _said(three) if line.startswith("campaigns/")]
    assert [line.split(":")[0] for line in problems if "warning" not in line] == [
        "campaigns/a/c0003.yaml", "campaigns/a/c0050.yaml", "campaigns/a/c0070.yaml",
        "campaigns/a/c0111.yaml",
    ]  # fmt: skip


def test_what_the_workers_loaded_is_cached(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", 60)
    (project / "campaigns" / "a" / "c0050.yaml").write_text(_campaign(50))
    for n in (3, 70, 111):
        path = project / "campaigns" / "a" / f"c{n:04d}.yaml"
        if path.exists():
            path.write_text(_campaign(n))
    first = _validate(project, "2")
    assert first.returncode == 0, first.stderr
    assert "in 2 processes" in first.stderr
    again = _validate(project, "2")
    assert again.returncode == 0 and "processes" not in again.stderr  # every file from the cache
    assert again.stdout == first.stdout


def test_a_worker_that_dies_leaves_the_load_to_this_process(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import os, sys
        from syncer.load import parallel
        parent = os.getpid()
        def load(n):
            if os.getpid() != parent and n == 5:
                os._exit(9)  # as the kernel's OOM killer would end it
            return n * n
        print(parallel.load_all(load, list(range(12))))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "SYNCER_LOAD_WORKERS": "3"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str([n * n for n in range(12)])


def test_a_load_in_chunks_is_the_load_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syncer.config import settings as config
    from syncer.errors import DefinitionError
    from syncer.load import definitions
    from syncer.providers import registry

    def problems_of(root: Path) -> list[str]:
        settings = config.load(root / "syncer.toml", registry.target_models())
        with pytest.raises(DefinitionError) as raised:
            definitions.load_definitions(settings, registry.get)
        return [str(p) for p in raised.value.problems]

    whole = problems_of(_project(tmp_path / "whole", 120))
    monkeypatch.setattr(definitions, "CHUNK", 7)  # 18 chunks, one file in its last
    chunked = problems_of(_project(tmp_path / "chunked", 120))
    assert chunked == whole and len(whole) == 4
