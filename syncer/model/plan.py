"""The plan as data: frozen, ordered, typed actions that renderers and apply consume.

`Plan.model_dump(mode="json")` is the brief's plan JSON (`format_version: 1`). Request bodies are
the exact payloads apply sends, except per-call ids (`request_id`), which apply adds and the
journal records, and secrets, which never enter a plan.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SerializationInfo, SerializerFunctionWrapHandler, model_serializer

from syncer.model.base import FrozenModel

Action = Literal["noop", "create", "update", "state_change", "replace", "blocked", "orphan"]
ACTIONS: tuple[Action, ...] = (
    "create",
    "update",
    "state_change",
    "replace",
    "blocked",
    "orphan",
    "noop",
)
INERT: frozenset[Action] = frozenset({"noop", "blocked"})
"""Actions apply never carries out: a no-op has nothing to do, a blocked campaign stays as it is
(whatever requests a hand-edited plan puts in it)."""
CallKind = Literal["create", "update", "status", "delete"]
# Placeholder for the id a `create` earlier in the same campaign's requests returns.
NEW_ID = "{new_id}"
NOT_READABLE = "remote content not readable"
"""How the `before` of a change begins when the vendor cannot show the remote value (Batch
email content): renderers then show the change's `after` in full, as content, not a diff."""


class FieldChange(FrozenModel):
    path: str
    """Dotted path in the vendor's campaign object (`campaign_content.content.email.subject`)."""
    before: Any = None
    after: Any = None
    blocked: str | None = None
    """Why this change cannot be made in the campaign's current state, and the way out."""


class PlannedRequest(FrozenModel):
    method: str
    path: str
    body: dict[str, Any] | None = None
    kind: CallKind
    summary: str = ""
    """One line for people: what this call does."""
    if_failed: str | None = None
    """Said with this call's failure, loudly: what the vendor is left doing when it does not
    land (a campaign created by the call before, which now sends while the file says it
    should not). `{new_id}` in it is that campaign's id."""

    @model_serializer(mode="wrap")
    def _drop_unset(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        # Most calls have nothing to add when they fail: keep their JSON as it always was.
        data: dict[str, Any] = handler(self)
        if data.get("if_failed") is None:
            data.pop("if_failed", None)
        return data


class CampaignPlan(FrozenModel):
    key: str
    """Path of the campaign file relative to the campaigns directory."""
    provider: str
    target: str
    id: str | None = None
    name: str | None = None
    remote_state: str | None = None
    remote_digest: str | None = None
    """sha256 of the remote data this plan relied on (every object it will re-send whole)."""
    action: Action
    changes: tuple[FieldChange, ...] = ()
    requests: tuple[PlannedRequest, ...] = ()
    reasons: tuple[str, ...] = ()
    """Why the campaign is blocked (each with the rule and the way out)."""
    notes: tuple[str, ...] = ()
    """Things a reviewer must see: remote content unknown, read-only, skipped changes, risks."""
    starts_sending: str | None = None
    """Set when applying this plan starts sending the campaign: the sentence to show."""
    desired_digest: str | None = None
    """Digest of the desired campaign this plan applies (recorded in the state store)."""
    observed: dict[str, Any] | None = None
    """Remote fields expected after apply (for vendors whose content cannot be read back)."""
    relied_on: dict[str, str] = Field(default_factory=dict)
    """Per remote object this plan depends on, its digest (names what changed when stale)."""
    relied_fields: dict[str, str] = Field(default_factory=dict)
    """Per leaf field of those objects (dotted path), a short digest: says which field changed."""

    @property
    def executes(self) -> bool:
        """Whether apply acts on this campaign: sends its calls, or (an orphan without calls)
        forgets its state entry. The one answer to "what will apply do?": apply, the saved-plan
        checks, the journal's digest, progress and `--detailed-exitcode` all ask it."""
        return self.action not in INERT

    @property
    def to_send(self) -> tuple[PlannedRequest, ...]:
        """The calls apply sends for this campaign, in order (none when it does not execute)."""
        return self.requests if self.executes else ()


class TargetIdentity(FrozenModel):
    """What identifies a target without revealing a secret."""

    provider: str
    base_url: str
    workspace: str | None = None
    """MoEngage workspace id or Batch project key; both are identifiers, not credentials."""
    sandbox: bool = False


class Plan(FrozenModel):
    format_version: Literal[1] = 1
    campaigns: tuple[CampaignPlan, ...] = ()
    summary: dict[str, int] = Field(default_factory=dict)
    tool_version: str = ""
    created_at: str = ""
    targets: dict[str, TargetIdentity] = Field(default_factory=dict)
    definitions_digest: str = ""
    notes: tuple[str, ...] = ()
    """Plan-wide remarks (creation budgets, targets skipped)."""
    checksum: str = ""
    """sha256 of everything else in the plan (set by `syncer.saved.seal`): binds a saved plan
    file to its content, so that an edited file is refused."""
    signature: str = ""
    """HMAC-SHA256 of `checksum` with the key in `SYNCER_PLAN_SIGNING_KEY`, when it was set
    (`syncer.workflows.tampering`): proves who made the plan, which a checksum cannot."""

    def count(self, action: Action) -> int:
        return sum(1 for c in self.campaigns if c.action == action)

    @property
    def has_changes(self) -> bool:
        """Whether applying this plan does anything (`CampaignPlan.executes`)."""
        return any(c.executes for c in self.campaigns)

    @property
    def has_blocked(self) -> bool:
        return any(c.action == "blocked" for c in self.campaigns)


def summarize(campaigns: tuple[CampaignPlan, ...]) -> dict[str, int]:
    """Counts by action, every action present (zeros included) in a fixed order."""
    return {action: sum(1 for c in campaigns if c.action == action) for action in ACTIONS}
