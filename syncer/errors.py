"""The one error hierarchy of campaign-syncer.

Every error carries what a user needs to act on it. The CLI maps them to exit codes in one
place (`syncer.cli.root.guarded`):

    SyncerError                      exit 1 unless noted
    ├── InputError                   bad input found before any remote call
    │   ├── DefinitionError          campaign files: a list of `file:line:col: message` problems
    │   ├── ConfigError              syncer.toml: a list of `file:line:col: message` problems
    │   └── UsageError               bad command-line usage
    ├── ApiError                     a vendor call failed: campaign, call, status, advice
    │   ├── ApiTransportError        timeout or connection failure (outcome may be unknown)
    │   └── RateLimitedError         429 after the retry budget was spent
    ├── StalePlanError               exit 4: a saved plan no longer matches
    ├── StateError                   the state store or journal cannot be read or written
    │   └── LockHeldError            another run holds the state lock
    ├── SecurityError                a setting would leak a secret or reach outside the project
    └── BrowserError                 the browser that screenshots previews failed
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a file a person wrote, located as precisely as we can."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class SyncerError(Exception):
    """Base of every error the tool raises on purpose."""

    exit_code = 1


class InputError(SyncerError):
    """Input that is wrong before anything remote is touched."""


class ProblemsError(InputError):
    """An input error made of located problems; all of them are reported at once."""

    kind = "input"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class DefinitionError(ProblemsError):
    kind = "campaign definition"


class ConfigError(ProblemsError):
    kind = "configuration"


class UsageError(InputError):
    """Bad command-line usage that the parser itself cannot detect."""


class ApiError(SyncerError):
    """A vendor call failed.

    The message says which campaign, which call, what the vendor said and what to do next.
    Secrets are never part of it: only method, path, status and the vendor's response body.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        status: int | None = None,
        vendor_message: str = "",
        advice: str = "",
        campaign: str = "",
        retry_after: float | None = None,
        attempts: int = 1,
    ) -> None:
        self.attempts = attempts
        """How many times the call was sent before this error was final."""
        self.method = method
        self.path = path
        self.status = status
        self.vendor_message = vendor_message
        self.advice = advice
        self.campaign = campaign
        self.retry_after = retry_after
        super().__init__(message)

    def describe(self) -> str:
        """A full, human sentence about the failure, for reports."""
        parts = []
        if self.campaign:
            parts.append(f"campaign {self.campaign}:")
        if self.method:
            parts.append(f"{self.method} {self.path}")
        if self.status is not None:
            parts.append(f"-> HTTP {self.status}")
        head = " ".join(parts)
        body = str(self)
        if self.vendor_message and self.vendor_message not in body:
            body = f"{body} (vendor said: {self.vendor_message})"
        text = f"{head}: {body}" if head else body
        if self.advice:
            text = f"{text}. {self.advice}"
        return text


class ApiTransportError(ApiError):
    """No HTTP answer: timeout or broken connection. A write may or may not have landed."""

    def describe(self) -> str:
        text = super().describe()
        return f"{text} ({self.attempts} tries)" if self.attempts > 1 else text


class RateLimitedError(ApiError):
    """The vendor kept answering 429 after our retry budget was spent."""


class StalePlanError(SyncerError):
    """A saved plan no longer matches what the remote holds."""

    exit_code = 4


class StateError(SyncerError):
    """The state store or the apply journal could not be used."""


class LockHeldError(StateError):
    """Another run holds the state lock."""


class SecurityError(SyncerError):
    """A setting would send a secret in clear or write outside the project."""


class BrowserError(SyncerError):
    """The Chromium or Chrome that `syncer preview` runs failed or is not there."""
