"""The S3 state backend against moto's S3 server on 127.0.0.1: documents, lock, journal, errors."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from syncer.config.settings import StateConfig, load
from syncer.errors import ConfigError, LockHeldError, StateError
from syncer.model.state import StateEntry, TargetState
from syncer.providers import registry
from syncer.state.s3 import S3Backend
from tests.support.moto_s3 import BUCKET, serve_s3


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with serve_s3() as url:
        yield url


@pytest.fixture
def backend(endpoint: str, request: pytest.FixtureRequest) -> S3Backend:
    prefix = f"t/{request.node.name}"
    store = S3Backend(
        StateConfig(backend="s3", bucket=BUCKET, endpoint_url=endpoint, prefix=prefix)
    )
    store.poll_seconds = 0.05
    return store


def keys(endpoint: str, prefix: str) -> list[str]:
    client = boto3.session.Session().client("s3", endpoint_url=endpoint)
    page = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in page.get("Contents", []))


def test_state_round_trips_and_starts_empty(backend: S3Backend, endpoint: str) -> None:
    assert backend.load("prod") == TargetState(target="prod")
    state = TargetState(target="prod").with_entry("a.yaml", StateEntry(id="c1", origin="created"))
    backend.save(state)
    assert backend.load("prod") == state
    assert keys(endpoint, backend.prefix) == [f"{backend.prefix}/state/prod.json"]


def test_a_held_lock_names_its_holder_and_since_when(backend: S3Backend) -> None:
    with backend.lock("prod", "ci@runner-1 (pid 7, CI job 42)"):
        with pytest.raises(LockHeldError) as caught, backend.lock("prod", "someone else"):
            pass
        message = str(caught.value)
        assert "locked by ci@runner-1 (pid 7, CI job 42), since 20" in message
        assert "syncer state unlock --target prod" in message
    with backend.lock("prod", "someone else"):  # released on exit
        assert "someone else" in (backend.lock_holder("prod") or "")


def test_targets_lock_independently(backend: S3Backend) -> None:
    with backend.lock("prod", "a"), backend.lock("staging", "b"):
        assert backend.lock_holder("prod") is not None
        assert backend.lock_holder("staging") is not None


def test_a_second_run_waits_for_the_lock_up_to_lock_timeout(backend: S3Backend) -> None:
    backend.lock_timeout = 5
    held = threading.Event()

    def first() -> None:
        with backend.lock("prod", "first"):
            held.set()
            time.sleep(0.4)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    started = time.monotonic()
    with backend.lock("prod", "second"):
        waited = time.monotonic() - started
        assert "second" in (backend.lock_holder("prod") or "")
    thread.join()
    assert 0.2 < waited < 4


def test_the_wait_ends_with_a_clear_error(backend: S3Backend) -> None:
    backend.lock_timeout = 0.3
    with backend.lock("prod", "first"):
        started = time.monotonic()
        with (
            pytest.raises(LockHeldError, match=r"locked by first.*\(waited 0.3s\)"),
            backend.lock("prod", "second"),
        ):
            pass
        assert time.monotonic() - started >= 0.3


def test_unlock_removes_a_dead_runs_lock(backend: S3Backend) -> None:
    assert backend.unlock("prod") is False
    lock = backend.lock("prod", "a run that died")
    lock.__enter__()  # never exited: the process was killed
    assert backend.unlock("prod") is True
    with backend.lock("prod", "next run"):
        assert "next run" in (backend.lock_holder("prod") or "")
    assert backend.lock_holder("prod") is None


def test_release_keeps_a_lock_taken_by_someone_else(backend: S3Backend) -> None:
    lock = backend.lock("prod", "first")
    lock.__enter__()
    backend.unlock("prod")
    other = backend.lock("prod", "second")
    other.__enter__()
    lock.__exit__(None, None, None)
    assert "second" in (backend.lock_holder("prod") or "")
    other.__exit__(None, None, None)
    assert backend.lock_holder("prod") is None


def test_journal_keeps_append_order_across_pages(backend: S3Backend) -> None:
    backend.page = 7
    for index in range(23):
        backend.journal_append("prod", {"t": "call", "index": index})
    backend.journal_append("staging", {"t": "other"})
    assert [r["index"] for r in backend.journal_read("prod")] == list(range(23))
    backend.journal_clear("prod")
    assert backend.journal_read("prod") == []
    assert backend.journal_read("staging") == [{"t": "other"}]


def test_a_missing_bucket_is_a_clear_state_error(endpoint: str) -> None:
    store = S3Backend(StateConfig(backend="s3", bucket="no-such-bucket", endpoint_url=endpoint))
    with pytest.raises(StateError, match=r"s3://no-such-bucket/.*NoSuchBucket.*create the bucket"):
        store.save(TargetState(target="prod"))


def test_missing_credentials_are_a_clear_state_error(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    store = S3Backend(StateConfig(backend="s3", bucket=BUCKET, endpoint_url=endpoint))
    with pytest.raises(StateError, match="no AWS credentials found"):
        store.load("prod")


def test_without_boto3_the_error_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(StateError, match=r"campaign-syncer\[s3\]"):
        S3Backend(StateConfig(backend="s3", bucket=BUCKET))


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (
            'backend = "s3"\nbucket = "b"\naws_secret_access_key = "x"',
            "never read from syncer.toml",
        ),
        ('backend = "s3"\nbucket = "b"\nendpoint_url = "http://minio.internal:9000"', "loopback"),
        ('backend = "s3"', "needs a bucket"),
    ],
)
def test_state_config_problems(tmp_path: Path, state: str, message: str) -> None:
    config = tmp_path / "syncer.toml"
    config.write_text(
        f'[targets.sandbox]\nprovider = "moengage"\nsandbox = true\n\n[state]\n{state}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load(config, registry.target_models())
    assert message in str(caught.value)
    assert "syncer.toml:" in str(caught.value)
