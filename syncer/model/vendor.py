"""What a vendor adapter supplies to the pipeline.

A provider has a pure side (validate a campaign block, plan one campaign, write clean YAML for
a remote campaign) and an I/O side (`Session`: read remote campaigns, send planned calls).
The pipeline modules know no vendor: they only call these protocols.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pydantic import Field

from syncer.model import packed
from syncer.model.base import FrozenModel
from syncer.model.campaign import CampaignDefinition
from syncer.model.email import Email, Personalization
from syncer.model.target import TargetSettings

if TYPE_CHECKING:
    # Named in annotations only: validating campaign files loads neither plan nor state models.
    from syncer.model.plan import CampaignPlan, PlannedRequest, TargetIdentity
    from syncer.model.state import StateEntry

Location = tuple[str | int, ...]
"""Where a value sits in a YAML document: keys and list indexes from its root."""


class RemoteCampaign(FrozenModel):
    """One campaign as the vendor shows it, read tolerantly."""

    id: str
    name: str | None = None
    state: str | None = None
    """The vendor's status, upper-cased (MoEngage `ACTIVE`, Batch `RUNNING`, ...)."""
    kind: str | None = None
    """Delivery type (MoEngage `campaign_delivery_type`, Batch orchestration `type`)."""
    packed_body: packed.Packed = Field(default=packed.EMPTY_OBJECT, alias="body")
    """The vendor's object as read, unknown fields included, packed: built from `body=...`
    (a dict, or bytes from `packed.pack_json`) and read back as `.body`."""
    read_only: str | None = None
    """Set when the vendor will not let the API write this campaign: the reason."""
    write_unverified: str | None = None
    """Set when the vendor may refuse writes and a read cannot tell (MoEngage V1 updates only
    API-created campaigns): the caveat. `syncer import` adopts such campaigns read-only unless
    told otherwise."""
    content_readable: bool = True
    """False when the API cannot show the campaign's content (Batch email campaigns)."""

    @property
    def body(self) -> dict[str, Any]:
        """The vendor's object (a fresh copy on every access)."""
        value: dict[str, Any] = packed.unpack(self.packed_body)
        return value


Arrived = Callable[[RemoteCampaign, dict[str, Any] | None], None]
"""Told of each campaign as a session reads it, with its body already parsed when the reader
has it and holds it nowhere else (None: unpack `.body`). Planning a campaign as it arrives then
skips one unpack; the parsed body is not kept (it is ten times the packed size)."""


@dataclass
class RemoteSnapshot:
    """What one run read from one target."""

    by_id: dict[str, RemoteCampaign] = field(default_factory=dict)
    by_name: dict[str, list[RemoteCampaign]] = field(default_factory=dict)
    listed_all: bool = False
    """True when the whole workspace was listed (so a missing id is really absent)."""
    calls: int = 0
    workspace_size: int | None = None
    """Campaigns a listing of this read counted (a lower bound when it stopped early); None
    when it listed nothing. Remembered in the state store to choose the next read."""

    def add(self, campaign: RemoteCampaign) -> None:
        self.by_id[campaign.id] = campaign
        if campaign.name is not None:
            bucket = self.by_name.setdefault(campaign.name, [])
            if all(c.id != campaign.id for c in bucket):
                bucket.append(campaign)


@dataclass(frozen=True)
class Actor:
    """Who the vendor records as author of creations and updates."""

    updated_by: str | None
    created_by: str | None


@dataclass(frozen=True)
class PlanItem:
    """Everything the planner needs to decide about one campaign file."""

    definition: CampaignDefinition
    remote: RemoteCampaign | None
    entry: StateEntry | None
    same_name: tuple[RemoteCampaign, ...]
    """Remote campaigns carrying the definition's name that no state entry maps to."""
    actor: Actor
    id_source: str
    """Where the id came from: `file` (id:), `state`, or `none`."""
    settings: TargetSettings
    """The target's settings (the provider's own model), e.g. Batch's pinned API version,
    which its request paths carry."""
    remote_body: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    """`remote`'s body, parsed, when the reader handed it over (`Arrived`); read it through
    `remote_body(item)`, which unpacks `remote.body` otherwise. Planners do not alter it."""


def remote_body(item: PlanItem) -> dict[str, Any]:
    """The remote campaign's body for planning `item`: the parsed one handed over with it, else
    a fresh unpack. Read it once per plan (each call without a handed-over body unpacks)."""
    if item.remote_body is not None:
        return item.remote_body
    if item.remote is None:
        raise ValueError("no remote campaign to read a body from")
    return item.remote.body


def read_only_reason(item: PlanItem) -> str | None:
    """Why this campaign must not be written, if it must not (file, state store or vendor)."""
    if item.definition.read_only:
        return "the file sets read_only: true"
    if item.entry is not None and item.entry.read_only:
        return item.entry.read_only
    return item.remote.read_only if item.remote is not None else None


@dataclass(frozen=True)
class SendResult:
    """The outcome of one call the vendor accepted."""

    status: int
    new_id: str | None = None
    note: str = ""
    attempts: int = 1
    """How many times the call was sent (retries included)."""


class Session(Protocol):
    """The I/O side of a provider for one target."""

    identity: TargetIdentity

    async def read(
        self,
        ids: Sequence[str],
        names: Sequence[str],
        *,
        list_all: bool = False,
        arrived: Arrived | None = None,
    ) -> RemoteSnapshot:
        """Read the campaigns with these ids, and look these names up (for creations).

        `arrived` is handed each campaign as soon as it is read (the snapshot holds it too), so
        that the caller can work on it while the rest is read.
        """
        ...

    async def send(
        self,
        request: PlannedRequest,
        request_id: str,
        key: str,
        exclude: Collection[str] = (),
        proceed: Callable[[], bool] | None = None,
    ) -> SendResult:
        """Send one planned call (with its per-call id). Raises `ApiError` on failure.

        `exclude`: ids already known for this campaign (never mistaken for a fresh creation).
        `proceed`: asked when the rate limiter lets the call go, before anything is sent; False
        cancels it (`syncer.http.NotSent`): a Ctrl-C stops the calls still waiting their turn.
        """
        ...

    async def find_created(
        self, request: PlannedRequest, exclude: Collection[str] = ()
    ) -> str | None:
        """After a create with unknown outcome: the id of the campaign it made, if it landed."""
        ...

    def calls(self) -> int:
        """Vendor calls this session made so far (what progress bars count)."""
        ...

    def retries(self) -> Sequence[str]:
        """The retries this session made, each with its reason (the apply report lists them)."""
        ...

    async def aclose(self) -> None: ...


class Provider(Protocol):
    """The pure side of a vendor adapter."""

    name: str
    states: tuple[str, ...]
    finished: frozenset[str]
    author_required: bool
    """The vendor records an author on every write (a plan needs one before it is made)."""
    """Remote statuses of campaigns that no longer send (`import` leaves them out by default)."""
    """Values accepted in a campaign file's top-level `state:`."""
    state_only: str | None
    """What the state store holds for this vendor that its API cannot show back (None:
    nothing): said when a CI runner with a local state store would lose it."""
    personalization: Personalization
    """The language the vendor personalizes subjects and bodies with (offline checks)."""

    def emails(self, campaign: dict[str, Any]) -> list[Email]:
        """Where the emails of a validated campaign block are (none for push campaigns)."""
        ...

    def validate_campaign(self, raw: Any) -> dict[str, Any]:
        """Validate a `campaign:` block; return the declared fields (explicit nulls kept).

        Raises:
            pydantic.ValidationError: with locations relative to the `campaign:` block.
        """
        ...

    def campaign_name(self, campaign: dict[str, Any]) -> str | None: ...

    def creation_problems(self, campaign: dict[str, Any]) -> list[tuple[Location, str]]:
        """What the vendor would refuse in a create made from this file alone (a file without
        an `id:`), found offline: each problem's location in the `campaign:` block and its
        sentence. Empty when a create may be planned."""
        ...

    def plan_campaign(self, item: PlanItem) -> CampaignPlan: ...

    def orphan_requests(
        self, entry: StateEntry, remote: RemoteCampaign | None, settings: TargetSettings
    ) -> list[PlannedRequest]:
        """Calls that retire an orphaned campaign when the user asks for it explicitly
        (`settings`: its target's, e.g. the API version its paths carry)."""
        ...

    def request_target(self, request: PlannedRequest, settings: TargetSettings) -> str | None:
        """The campaign id a planned request writes to ("" for a creation), or None when its
        method, path or id fields are not a call this provider plans (a tampered saved plan).
        `settings`: the target's."""
        ...

    def to_definition(self, remote: RemoteCampaign) -> dict[str, Any]:
        """A clean campaign file body (`campaign:` and `state:`) for a remote campaign.

        `campaign` holds the writable fields in normalised form (read-only and server-generated
        fields left out); `state`, when present, is the desired state that the remote status
        satisfies (left out when no desired state describes it, e.g. a finished campaign).
        Planning the result against `remote` must show no change.
        """
        ...

    def create_budget(self) -> int | None:
        """Most creations one plan may hold (vendor quota), or None for no limit."""
        ...

    def json_schema(self) -> dict[str, Any]: ...

    def open_session(self, spec: SessionSpec) -> Session:
        """The I/O side for one target."""
        ...


ProviderLookup = Callable[[str], Provider]
"""A provider by its name (`syncer.providers.registry.get`), handed to the steps below it."""


@runtime_checkable
class SizeAware(Protocol):
    """A session whose cheapest way to read depends on how many campaigns the target holds."""

    def expect_size(self, size: int | None) -> None:
        """How many campaigns the target held when it was last listed (None: unknown)."""
        ...


class Redacting(Protocol):
    """Scrubs the run's secrets out of text (`syncer.remote.redact.Redactor`)."""

    def add(self, secret: str) -> None:
        """Scrub `secret` from now on."""
        ...

    def __call__(self, text: str) -> str: ...


@dataclass(frozen=True)
class SessionSpec:
    """Everything a provider needs to open a session to one target."""

    target: str
    settings: TargetSettings
    """The target's settings (the provider's own model)."""
    base_url: str
    account: str
    secret: str = field(repr=False)
    redactor: Redacting | None = None
    """The run's redactor (`syncer.remote.redact.Redactor`): the session adds its secrets."""
    transport: Any = None
    """An httpx transport to use instead of the network (tests)."""
    history: Path | None = None
    """The call log shared by the runs that reach this account (`syncer.call_history`)."""
