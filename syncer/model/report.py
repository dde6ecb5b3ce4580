"""The outcome of an apply, as data: every planned call applied, failed, not attempted or
unknown, plus what was verified afterwards."""

from __future__ import annotations

from typing import Literal

from syncer.model.base import FrozenModel

Outcome = Literal["applied", "failed", "not_attempted", "unknown"]
OUTCOMES: tuple[Outcome, ...] = ("applied", "failed", "not_attempted", "unknown")


class CallOutcome(FrozenModel):
    key: str
    target: str
    index: int
    method: str
    path: str
    kind: str
    summary: str = ""
    outcome: Outcome
    status: int | None = None
    message: str = ""
    """For failures: the vendor's message and what to do next."""
    new_id: str | None = None
    attempts: int = 1
    """How many times the call was sent: more than 1 after retries (0: never sent)."""


class Verification(FrozenModel):
    key: str
    target: str
    converged: bool
    remaining: tuple[str, ...] = ()


class PinnedFile(FrozenModel):
    """A campaign file that an apply's new id was written into, or why it was not."""

    file: str
    """The file as shown to people (relative to the project)."""
    target: str
    id: str
    written: bool
    problem: str = ""
    """Why the file was not written (then only the state store holds the id)."""


class ApplyReport(FrozenModel):
    format_version: Literal[1] = 1
    calls: tuple[CallOutcome, ...] = ()
    blocked: tuple[str, ...] = ()
    """`target/key` of each campaign the plan blocked (nothing was sent for it)."""
    forgotten: tuple[str, ...] = ()
    """`target/key` of each orphan whose state entry apply dropped."""
    verification: tuple[Verification, ...] = ()
    reconciled: tuple[str, ...] = ()
    """What settling an interrupted earlier run found."""
    retries: tuple[str, ...] = ()
    interrupted: bool = False
    pinned: tuple[PinnedFile, ...] = ()
    """The new ids written into campaign files (`pin_ids`): the files to commit."""

    def count(self, outcome: Outcome) -> int:
        return sum(1 for c in self.calls if c.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in OUTCOMES}

    @property
    def retried(self) -> list[CallOutcome]:
        """The calls that were sent more than once (after transient failures)."""
        return [c for c in self.calls if c.attempts > 1]

    @property
    def ok(self) -> bool:
        return (
            self.count("failed") == 0
            and self.count("unknown") == 0
            and all(v.converged for v in self.verification)
        )
