"""Batch's per-state rules, as data.

`LOCKS`: per orchestration type, remote status -> what an update may not change. `TRANSITIONS`:
how the file's `state:` is reached from a remote status through the update's own `state`.
`READ_ONLY_*`: campaigns campaign-syncer never writes, and why. Sources: Batch's update page ("It
is not possible to update a completed or running campaign if not recurrent"), its `state`
description, and our notes (sections 5 and 10); assumptions are written next to the rule they
shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from syncer.plan.rules import EVERYTHING, Lock, LockTable

WRITABLE_STATES = ("DRAFT", "RUNNING", "STOPPED")
STATUSES = (*WRITABLE_STATES, "COMPLETED")
"""What `orchestrations/list` reports (upper-cased); COMPLETED is set by Batch only."""

# Batch's update page (`campaign_update.campaign`): "It is not possible to update a completed or
# running campaign if not recurrent". No page documents RUNNING -> STOPPED, for any type, and no
# route other than create, update and delete exists (batch-cep-api-from-docs.md, sections 2, 4
# and 11.10): a running one-shot campaign cannot be stopped through the API, so campaign-syncer
# never plans it (nor a replace or an orphan retirement that would depend on it).
NOT_UPDATABLE = (
    'Batch: "It is not possible to update a completed or running campaign if not recurrent", '
    "and no Batch page documents a call that stops a running one-shot campaign"
)
STOP_FIRST = (
    "stop it in Batch's dashboard, then plan again (a stopped campaign can be updated, and "
    "resumed with `state: RUNNING`); or delete it with Batch's `campaigns/delete` and let "
    "campaign-syncer create it again; or let it complete"
)
NEW_CAMPAIGN = (
    "create a new campaign instead: `lifecycle.on_locked: replace` plans it (or remove `id:` "
    "and rename the campaign)"
)

_COMPLETED = (Lock(EVERYTHING, NEW_CAMPAIGN, "Batch: completed campaigns cannot be updated"),)

LOCKS: dict[str, LockTable] = {
    # type: campaign = a one-shot campaign.
    "campaign": {
        "RUNNING": (Lock(EVERYTHING, STOP_FIRST, f"one-shot campaigns; {NOT_UPDATABLE}"),),
        "COMPLETED": _COMPLETED,
    },
    # Batch lets recurring and trigger campaigns be updated while running ("if not recurrent").
    # campaign-syncer still does not write them: see READ_ONLY_TYPES.
    "recurring": {"COMPLETED": _COMPLETED},
    "trigger": {"COMPLETED": _COMPLETED},
}
# DRAFT and STOPPED campaigns can be updated (the notes' inferred reading of section 5): no lock.


def locks_for(kind: str | None, status: str | None) -> LockTable:
    """The lock table for a campaign's type; an undocumented status locks everything."""
    table = LOCKS.get(kind or "campaign", LOCKS["campaign"])  # unknown type: the strictest
    if status is None or status in STATUSES:
        return table
    return {
        status: (
            Lock(
                EVERYTHING,
                "check the campaign in Batch's dashboard",
                f"status {status.lower()!r} is not documented by Batch",
            ),
        )
    }


@dataclass(frozen=True)
class Transition:
    """How a desired `state:` is reached from a remote status (one update carrying `state`)."""

    verb: str | None
    """start | resume | stop; None when refused."""
    starts_sending: bool = False
    refusal: str | None = None
    """Why it cannot be done, with the way out."""
    why: str = ""
    """The source, or the assumption this rule rests on."""


TRANSITIONS: dict[tuple[str, str], Transition] = {
    # (remote status, desired state)
    ("DRAFT", "RUNNING"): Transition(
        "start", True, why='Batch: "A DRAFT campaign is not sent until it is started"'
    ),
    ("STOPPED", "RUNNING"): Transition(
        "resume", True, why='Batch: "a STOPPED campaign is resumed by updating it to RUNNING"'
    ),
    # Undocumented (see NOT_UPDATABLE): refused, with the ways out Batch does document.
    ("RUNNING", "STOPPED"): Transition(
        None,
        refusal=f"{NOT_UPDATABLE}. Way out: {STOP_FIRST}",
        why="batch-cep-api-from-docs.md 4: RUNNING -> STOPPED is not documented",
    ),
    ("RUNNING", "DRAFT"): Transition(
        None, refusal="a campaign that has started cannot go back to DRAFT: use state: STOPPED"
    ),
    ("STOPPED", "DRAFT"): Transition(
        None,
        refusal="Batch documents no way back to DRAFT: keep state: STOPPED (it sends nothing)",
    ),
    ("DRAFT", "STOPPED"): Transition(
        None,
        refusal="Batch documents no DRAFT -> STOPPED change, and a draft sends nothing: keep "
        "state: DRAFT",
    ),
    ("COMPLETED", "DRAFT"): Transition(
        None, refusal=f"completed campaigns cannot be updated (Batch). Way out: {NEW_CAMPAIGN}"
    ),
}

SATISFIES: dict[str, frozenset[str]] = {
    "DRAFT": frozenset({"DRAFT"}),
    # A completed campaign has sent (RUNNING reached its end) and sends no more (as STOPPED):
    # Batch sets it, it has no write equivalent, and it is never drift (our notes, section 9).
    "RUNNING": frozenset({"RUNNING", "COMPLETED"}),
    "STOPPED": frozenset({"STOPPED", "COMPLETED"}),
}


def transition(desired: str | None, remote: str | None) -> Transition | None:
    """The state change that turns `remote` into `desired`; None when nothing is to do."""
    if desired is None or remote is None or remote in SATISFIES.get(desired, frozenset()):
        return None
    found = TRANSITIONS.get((remote, desired))
    if found is not None:
        return found
    return Transition(None, refusal=f"no Batch update turns a {remote} campaign into {desired}")


READ_ONLY_SOURCES: dict[str, str] = {
    "dashboard": (
        "Batch lists it with source: dashboard; campaigns made in Batch's dashboard are "
        "read-only for campaign-syncer (create it from a campaign file to manage it)"
    ),
}
# Assumption (our notes 10.2): Batch does not document the `when` of recurring and trigger
# orchestrations; a full-replace update built from the fields campaign-syncer models could drop
# their schedule. Batch itself would accept the update; campaign-syncer refuses to send it.
READ_ONLY_TYPES: dict[str, str] = {
    "recurring": (
        "recurring orchestrations are read-only for campaign-syncer: Batch does not document "
        "their schedule, and a full-replace update could drop fields the tool does not model"
    ),
    "trigger": (
        "trigger orchestrations are read-only for campaign-syncer: Batch does not document "
        "their trigger, and a full-replace update could drop fields the tool does not model"
    ),
}
READ_ONLY_STATUSES: dict[str, str] = {
    "COMPLETED": f"completed campaigns cannot be updated (Batch). Way out: {NEW_CAMPAIGN}",
}


KNOWN_TYPES = frozenset({"campaign", *READ_ONLY_TYPES})


def _unknown_type(kind: str | None) -> str | None:
    # The list text names campaign, recurring and trigger; the stats page also names warmup
    # orchestrations (batch-cep-api-from-docs.md, 11.6). A type campaign-syncer does not know
    # is read, never written.
    if kind is None or kind in KNOWN_TYPES:
        return None
    return f"{kind!r} orchestrations are read-only for campaign-syncer (a type it does not model)"


def read_only(status: str | None, kind: str | None, source: str | None) -> str | None:
    """Why campaign-syncer must not write this campaign, if it must not."""
    reasons = [
        READ_ONLY_SOURCES.get(source or ""),
        READ_ONLY_TYPES.get(kind or "") or _unknown_type(kind),
        READ_ONLY_STATUSES.get(status or ""),
    ]
    found = [r for r in reasons if r]
    return "; ".join(found) if found else None
