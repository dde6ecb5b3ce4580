"""The state store in an S3-compatible bucket, for CI runners that start empty.

Keeps the same documents as the local backend under `<prefix>/`:

    state/<target>.json               the target's state (key -> id, last applied, plan progress)
    locks/<target>.lock               who holds the target's lock, since when (JSON)
    journal/<target>/<seq>.json       one object per journal record, in append order

The lock is a conditional write (`If-None-Match: *`): of two runs, exactly one creates the lock
object; the other sees 412 and waits up to `[state] lock_timeout` seconds, then fails naming the
holder. Credentials come only from the standard AWS chain (environment, shared config, SSO,
instance or task role), never from syncer.toml. boto3 is the optional `campaign-syncer[s3]`.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from syncer.config.settings import StateConfig
from syncer.errors import LockHeldError, StateError
from syncer.model.state import TargetState, parse_state, utcnow

POLL_SECONDS = 1.0
PAGE = 1000  # S3's largest listing page and delete batch


def _client(config: StateConfig) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise StateError(
            "the s3 state backend needs boto3: pip install 'campaign-syncer[s3]'"
        ) from None
    options: dict[str, Any] = {"retries": {"max_attempts": 5, "mode": "standard"}}
    if config.addressing_style != "auto":
        options["s3"] = {"addressing_style": config.addressing_style}
    return boto3.session.Session().client(
        "s3",
        endpoint_url=config.endpoint_url,
        region_name=config.region,
        config=Config(**options),
    )


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        return str(error.get("Code") or response.get("ResponseMetadata", {}).get("HTTPStatusCode"))
    return ""


class S3Backend:
    """State documents, locks and journals as objects in one bucket."""

    def __init__(self, config: StateConfig, client: Any = None) -> None:
        if not config.bucket:
            raise StateError("the s3 state backend needs [state] bucket in syncer.toml")
        self.bucket = config.bucket
        self.prefix = config.prefix.strip("/")
        self.lock_timeout = config.lock_timeout
        self.poll_seconds = POLL_SECONDS
        self.page = PAGE
        self.client = client if client is not None else _client(config)
        self.description = f"s3://{self.bucket}/{self.prefix}"
        self._last_seq = 0

    # --- plumbing ----------------------------------------------------------------------

    def _key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def _call(self, what: str, key: str, method: str, **kwargs: Any) -> Any:
        """One S3 call; every failure becomes a `StateError` naming the object."""
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except Exception as exc:
            code = _code(exc)
            if code in ("NoSuchKey", "404", "PreconditionFailed", "412"):
                raise
            hint = {
                "NoSuchBucket": "create the bucket, or fix [state] bucket in syncer.toml",
                "AccessDenied": "the AWS identity in use lacks s3 permissions on this prefix",
                "403": "the AWS identity in use lacks s3 permissions on this prefix",
                "InvalidAccessKeyId": "check the AWS credentials in the environment",
                "SignatureDoesNotMatch": "check the AWS credentials in the environment",
            }.get(code, "check [state] in syncer.toml and the AWS credentials (env or profile)")
            kind = type(exc).__name__
            if kind == "NoCredentialsError":
                hint = "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                hint += "AWS_PROFILE, or run where a role is available"
            elif kind in ("EndpointConnectionError", "ConnectTimeoutError"):
                hint = "the S3 endpoint cannot be reached: check [state] endpoint_url and region"
            raise StateError(
                f"state backend: cannot {what} s3://{self.bucket}/{key} ({code or kind}): {hint}"
            ) from None

    def _get(self, key: str) -> bytes | None:
        try:
            response = self._call("read", key, "get_object", Key=key)
        except Exception as exc:
            if _code(exc) in ("NoSuchKey", "404"):
                return None
            raise
        body: bytes = response["Body"].read()
        return body

    def _put(self, key: str, data: bytes, **extra: Any) -> None:
        self._call(
            "write", key, "put_object", Key=key, Body=data, ContentType="application/json", **extra
        )

    # --- state documents ---------------------------------------------------------------

    def load(self, target: str) -> TargetState:
        key = self._key("state", f"{target}.json")
        raw = self._get(key)
        if raw is None:
            return TargetState(target=target)
        return parse_state(raw, target, f"s3://{self.bucket}/{key}")

    def save(self, state: TargetState) -> None:
        data = state.model_dump_json(indent=2).encode() + b"\n"
        self._put(self._key("state", f"{state.target}.json"), data)

    # --- lock ----------------------------------------------------------------------------

    def _lock_key(self, target: str) -> str:
        return self._key("locks", f"{target}.lock")

    def _try_lock(self, key: str, document: bytes) -> bool:
        try:
            self._put(key, document, IfNoneMatch="*")
        except Exception as exc:
            if _code(exc) in ("PreconditionFailed", "412", "ConditionalRequestConflict", "409"):
                return False
            raise
        return True

    @contextlib.contextmanager
    def lock(self, target: str, holder: str) -> Iterator[None]:
        key = self._lock_key(target)
        token = uuid.uuid4().hex
        document = json.dumps(
            {"holder": holder, "since": utcnow().isoformat(), "id": token}, sort_keys=True
        ).encode()
        deadline = time.monotonic() + self.lock_timeout
        while not self._try_lock(key, document):
            if time.monotonic() >= deadline:
                waited = f" (waited {self.lock_timeout:g}s)" if self.lock_timeout else ""
                raise LockHeldError(
                    f"the state of target {target!r} is locked by "
                    f"{self.lock_holder(target) or 'another run'}{waited}; wait for it to "
                    f"finish (or, if that run is dead, run `syncer state unlock --target "
                    f"{target}`)"
                )
            time.sleep(min(self.poll_seconds, max(0.0, deadline - time.monotonic())))
        try:
            yield
        finally:
            self._release(key, token)

    def _release(self, key: str, token: str) -> None:
        raw = self._get(key)
        try:
            mine = raw is not None and json.loads(raw).get("id") == token
        except (ValueError, AttributeError):
            mine = False
        if mine:  # never remove a lock someone else took after `state unlock`
            self._call("release the lock", key, "delete_object", Key=key)

    def lock_holder(self, target: str) -> str | None:
        raw = self._get(self._lock_key(target))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            holder, since = str(data["holder"]), data.get("since")
        except (ValueError, KeyError, TypeError):
            return "an unreadable lock object"
        return holder if not since or "since" in holder else f"{holder}, since {since}"

    def unlock(self, target: str) -> bool:
        key = self._lock_key(target)
        if self._get(key) is None:
            return False
        self._call("remove the lock", key, "delete_object", Key=key)
        return True

    # --- journal -------------------------------------------------------------------------

    def _journal_prefix(self, target: str) -> str:
        return self._key("journal", target) + "/"

    def _next_seq(self) -> int:
        # Monotonic within this process (one run holds the lock, so no other process appends).
        self._last_seq = max(self._last_seq + 1, time.time_ns())
        return self._last_seq

    def journal_append(self, target: str, record: dict[str, Any]) -> None:
        key = f"{self._journal_prefix(target)}{self._next_seq():020d}.json"
        self._put(key, json.dumps(record, sort_keys=True, separators=(",", ":")).encode())

    def _journal_keys(self, target: str) -> list[str]:
        keys: list[str] = []
        prefix = self._journal_prefix(target)
        token: str | None = None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self._call(
                "list", prefix, "list_objects_v2", Prefix=prefix, MaxKeys=self.page, **extra
            )
            keys.extend(item["Key"] for item in page.get("Contents", []))
            if not page.get("IsTruncated"):
                return sorted(keys)
            token = page.get("NextContinuationToken")

    def journal_read(self, target: str) -> list[dict[str, Any]]:
        records = []
        for key in self._journal_keys(target):
            raw = self._get(key)
            if raw is None:
                continue
            try:
                records.append(json.loads(raw))
            except ValueError:
                continue  # an unreadable record: the call it announced stays "unknown"
        return records

    def journal_clear(self, target: str) -> None:
        keys = self._journal_keys(target)
        for start in range(0, len(keys), PAGE):
            chunk = [{"Key": key} for key in keys[start : start + PAGE]]
            self._call(
                "clear the journal",
                self._journal_prefix(target),
                "delete_objects",
                Delete={"Objects": chunk, "Quiet": True},
            )
