"""The benchmark's entry point runs end to end with a tiny N and prints its figures (smoke test:
no time is asserted; the figures themselves come from `python -m bench.run`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.floor import fewest_calls, floor, schedule
from bench.run import main
from bench.workload import to_yaml
from syncer.load.yaml import read as yamlio
from syncer.providers.moengage.client import RATE_LIMITS


def test_the_benchmark_runs_and_prints_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--quick", "-n", "20", "-k", "2", "--latency-ms", "5", "--results", str(tmp_path)])
        == 0
    )
    out = capsys.readouterr().out
    for heading in ("calls", "fewest possible", "floor s", "network/floor", "peak RSS MB"):
        assert heading in out
    rows = [line for line in out.splitlines() if line.startswith("| 20 |")]
    assert [row.split(" | ")[2] for row in rows] == ["plan, first run", "apply", "plan, next run"]
    assert "2 update" in rows[1]
    assert "naive baseline" in out
    (saved,) = tmp_path.glob("*.json")
    data = json.loads(saved.read_text())
    assert data["results"][0]["settings"]["campaigns"] == 20
    assert (tmp_path / saved.name.replace(".json", ".md")).exists()


def test_generated_files_load_as_the_bodies_they_were_made_from() -> None:
    document = {"provider": "moengage", "campaign": {"html": "<p>\n  x\n</p>\n", "n": [{"a": 1}]}}
    loaded, problems = yamlio.load(to_yaml(document), "x.yaml")
    assert not problems and loaded is not None
    assert loaded.data == document


def test_the_floor_follows_every_window() -> None:
    # 100 calls a second, 1,000 a minute: 2,000 calls wait for the minute to roll over.
    assert schedule(100, RATE_LIMITS["default"], 10) == pytest.approx(0.99)
    assert schedule(2000, RATE_LIMITS["default"], 10) == pytest.approx(69.99)
    latency_bound = floor({"search": 10}, RATE_LIMITS, scale=10, latency=1.0, concurrency=1)
    assert latency_bound == pytest.approx(10.0)
    assert fewest_calls(["read", "write"], managed=40, changed=3, workspace=45) == {
        "read": 3,
        "write": 3,
        "read back": 3,
    }
