"""Credentials and authors, read from the environment at the edge (never from files).

Takes a target's settings; returns the account identifier (MoEngage workspace id, Batch project
key), the secret API key, and the author emails the vendor records. A missing variable is an
input error naming every variable to set; values never appear in any message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from syncer.config.settings import Settings
from syncer.errors import InputError
from syncer.model.target import TargetSettings
from syncer.model.vendor import Actor

SANDBOX_ACCOUNT = "sandbox"
SANDBOX_KEY = "sandbox-api-key"
MIN_SECRET = 8
"""Shorter API keys are refused: no vendor issues one, and a value that short could not be
redacted from output without mangling ordinary text (`syncer.remote.redact.MIN_LENGTH`)."""


@dataclass(frozen=True)
class Credentials:
    account: str
    """Workspace id (MoEngage) or project key (Batch): an identifier, shown in plans."""
    secret: str = field(repr=False)
    """The API key. Never printed, logged or written."""


def read(
    name: str, target: TargetSettings, environ: Mapping[str, str] | None = None
) -> Credentials:
    """The target's credentials from the environment (fixed values for the sandbox); the
    target's provider names the variables (`TargetSettings.credential_envs`)."""
    env = os.environ if environ is None else environ
    account_env, key_env = target.credential_envs()
    account, secret = env.get(account_env, "").strip(), env.get(key_env, "").strip()
    if target.sandbox:
        # An embedded or served sandbox accepts any non-empty credentials.
        account = account or target.sandbox_workspace or SANDBOX_ACCOUNT
        secret = secret or SANDBOX_KEY
    missing = [n for n, v in ((account_env, account), (key_env, secret)) if not v]
    if missing:
        raise InputError(
            f"target {name!r} needs the environment variable(s) {', '.join(missing)} "
            "(names set in syncer.toml; values are never read from files)"
        )
    if len(secret) < MIN_SECRET:
        raise InputError(
            f"the value of {key_env} (target {name!r}) is {len(secret)} character(s) long: "
            f"too short to be an API key (at least {MIN_SECRET}); check how the variable is set "
            "(the value is not shown)"
        )
    unsendable = [n for n, v in ((account_env, account), (key_env, secret)) if not _sendable(v)]
    if unsendable:
        # Refused here, before any HTTP library sees it: their errors quote header values.
        raise InputError(
            f"the value of {', '.join(unsendable)} (target {name!r}) cannot be sent in an HTTP "
            "header: it holds a line break, a control character or a non-ASCII character. "
            "Check how the variable is set (the value is not shown)"
        )
    return Credentials(account, secret)


def _sendable(value: str) -> bool:
    """Printable ASCII only: what every vendor's keys and ids are made of."""
    return all(" " <= char <= "~" for char in value)


def actor(settings: Settings, name: str, environ: Mapping[str, str] | None = None) -> Actor:
    """Who the vendor records as the author: config first, then the CI environment.

    Order: the target's `updated_by`, the top-level `updated_by`, `SYNCER_UPDATED_BY`,
    GitLab's `GITLAB_USER_EMAIL`, GitHub's `<GITHUB_ACTOR>@users.noreply.github.com`.
    """
    env = os.environ if environ is None else environ
    target = settings.targets[name]
    github = env.get("GITHUB_ACTOR", "").strip()
    updated = (
        target.updated_by
        or settings.updated_by
        or env.get("SYNCER_UPDATED_BY", "").strip()
        or env.get("GITLAB_USER_EMAIL", "").strip()
        or (f"{github}@users.noreply.github.com" if github else "")
        or None
    )
    return Actor(updated_by=updated, created_by=target.created_by or updated)
