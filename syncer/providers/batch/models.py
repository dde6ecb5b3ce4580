"""Batch campaigns as typed values: the `campaign:` block of a Batch campaign file.

Takes the mapping under `campaign:` (Batch's campaign object, field for field, without `state`:
the lifecycle state is the file's top-level `state:`) and returns the declared fields as plain
JSON values. Batch's update replaces the whole campaign, so a file declares it completely: what
Batch requires is required here, and so is `targeting`, because Batch sends to the whole user
base when it is left out. Sources: Batch's create and update pages and our notes, sections 4, 9
and 10 (`shared/reference/batch-campaigns-api.md`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    JsonValue,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from syncer.model.base import Text, VendorModel

UNKNOWN = "unknown"
"""The value of `targeting:` / `messages:` in an imported email campaign: Batch cannot show
them. Such a file validates (so that `import` then `plan` shows no change) but is never written:
the planner blocks any write until the real content is declared."""
CONTENT_KEYS = ("targeting", "messages")
FIELD_ORDER = ("name", "when", "targeting", "labels", "send_rate", "messages")
MAX_LABELS = 5
EVERYONE_HINT = (
    "targeting is required: Batch sends to the whole user base when it is left out, so say "
    "so explicitly with `targeting: {}` (everyone), or declare languages, regions or a query"
)


# ---------------------------------------------------------------------------------------------
# Scalars


NonEmptyText = Annotated[Text, Field(min_length=1)]

_UTC = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(Z|\+00:00)$")
_ZONE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_FORMAT = "%Y-%m-%dT%H:%M:%S"
_START_HINT = '"now" or a UTC date-time with its Z, e.g. "2030-03-01T10:00:00Z"'


def _start_time(value: Any) -> Any:
    # Batch documents "now" or an ISO 8601 UTC date-time. The file must say UTC explicitly (a
    # trailing Z or +00:00): a time without a zone could be read as anyone's local time.
    if value == "now":
        return value
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is None:
            raise PydanticCustomError("start_time", "no time zone: write " + _START_HINT)
        if offset != timedelta(0):
            zone = value.strftime("%z")
            raise _offset_error(f"{zone[:3]}:{zone[3:5]}")
        if value.microsecond:
            raise PydanticCustomError("start_time", "fractions of a second are not accepted")
        return value.strftime(_FORMAT) + "Z"
    if isinstance(value, date):
        raise PydanticCustomError("start_time", "a date alone is not enough: write " + _START_HINT)
    if not isinstance(value, str):
        return value
    match = _UTC.match(value.strip())
    if match is None:
        found = _ZONE.search(value.strip())
        if found and "T" in value and found.group(1) != "Z":
            raise _offset_error(found.group(1))
        raise PydanticCustomError("start_time", "expected " + _START_HINT)
    try:
        datetime.strptime(match.group(1), _FORMAT)
    except ValueError as exc:
        raise PydanticCustomError(
            "start_time", "not a real date and time: {reason}", {"reason": str(exc)}
        ) from exc
    return match.group(1) + "Z"


def _offset_error(offset: str) -> PydanticCustomError:
    return PydanticCustomError(
        "start_time",
        "offset {offset} not accepted: Batch reads start_time in UTC; convert it and write Z",
        {"offset": offset},
    )


StartTime = Annotated[
    str,
    BeforeValidator(_start_time, json_schema_input_type=str),
    WithJsonSchema({"type": "string", "description": _START_HINT}),
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _email(value: str) -> str:
    # Batch's examples send an address ({"email_address": "jane.doe@demobatch.com"}); the ""
    # of one rendered copy is that page's e-mail obfuscation, not a documented value
    # (batch-cep-api-from-docs.md, section 11, row 12).
    if _EMAIL.match(value):
        return value
    raise PydanticCustomError(
        "email",
        "{value} is not an email address (Batch documents reply_to as an address)",
        {"value": repr(value)},
    )


def _not_empty(value: Any) -> Any:
    if isinstance(value, list | dict) and not value:
        raise PydanticCustomError(
            "empty",
            "empty: it could mean nobody or everyone; leave the key out instead",
        )
    return value


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError("duplicate", "{value} is listed twice", {"value": value})
        seen.add(value)
    return values


def _json_dates(value: Any) -> Any:
    # An unquoted YAML date inside a query means the text the user typed.
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_dates(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_dates(item) for key, item in value.items()}
    return value


Codes = Annotated[list[NonEmptyText], BeforeValidator(_not_empty), AfterValidator(_unique)]
QueryValue = Annotated[JsonValue, BeforeValidator(_json_dates)]

# ---------------------------------------------------------------------------------------------
# Objects


class When(VendorModel):
    """When the campaign sends."""

    start_time: StartTime
    """"now" or an ISO 8601 UTC date-time such as 2030-03-01T10:00:00Z."""
    local_time: bool | None = None
    """True: each user receives it at start_time in their own time zone."""


class Targeting(VendorModel):
    """Who receives the campaign. `targeting: {}` declares the whole user base, explicitly.

    Only the keys Batch documents are accepted: an unknown key would be dropped or, worse,
    widen the audience (our notes, 10.5). An empty list or query is refused as ambiguous.
    """

    languages: Codes | None = None
    """Language codes, e.g. [fr, en]."""
    regions: Codes | None = None
    """Region codes, e.g. [FR]."""
    query: Annotated[dict[str, QueryValue], BeforeValidator(_not_empty)] | None = None
    """A Mongo-like profile query, e.g. {last_visit_days: {$gt: 30}}."""


class ReplyTo(VendorModel):
    """Where replies go."""

    email_address: Annotated[Text, AfterValidator(_email)]
    """An email address, e.g. support@acme.example."""


class EmailLanguage(VendorModel):
    """The content of an email message in one more language."""

    language: NonEmptyText
    """The language code these users get this content for, e.g. fr."""
    subject: NonEmptyText
    """The subject line in this language."""
    sender_identity_id: NonEmptyText
    """The sender identity for this language (each language may use another), as a string."""
    reply_to: ReplyTo
    """Where replies to this language's email go."""
    html: NonEmptyText
    """The email's HTML in this language (`{file: PATH}` for a file of templates_dir)."""


class EmailMessage(VendorModel):
    """An email. Batch cannot show its content back: campaign-syncer remembers what it sent."""

    channel_type: Literal["email"]
    """`email` for an email message."""
    subject: NonEmptyText
    """The subject line (the default language's)."""
    sender_identity_id: NonEmptyText
    """A sender identity configured in Batch (Settings), as a string: "4012"."""
    reply_to: ReplyTo
    """Where replies go. Required to create a campaign."""
    html: NonEmptyText
    """The email's HTML (`{file: PATH}` for a file of templates_dir). Batch cannot show it back."""
    languages: list[EmailLanguage] | None = None
    """Content for further languages."""


class PushMessage(VendorModel):
    """A push notification (the fields campaign-syncer models; our notes, 4.3 and 10.3)."""

    channel_type: Literal["push"]
    """`push` for a push notification (needs experimental_push = true on the target)."""
    platform_type: Annotated[
        list[Literal["ios", "android", "web"]], BeforeValidator(_not_empty), AfterValidator(_unique)
    ]
    """The platforms it goes to: ios, android, web (at least one)."""
    body: NonEmptyText
    """The notification's message body."""
    title: Text | None = None
    """The notification's title (optional)."""
    deeplink: Text | None = None
    """Where a tap leads, e.g. acme://collections/spring (optional)."""


Message = Annotated[EmailMessage | PushMessage, Field(discriminator="channel_type")]


def _allowed_unknown(info: ValidationInfo, key: str) -> bool:
    context = info.context if isinstance(info.context, dict) else {}
    return key in context.get("unknown", ())


class Campaign(VendorModel):
    """A Batch campaign, complete: Batch's update replaces the whole campaign.

    `targeting` must be declared; `targeting: {}` is how a file says "the whole user base".
    `messages` holds exactly one message. The lifecycle state is not here but in the file's
    top-level `state:` (DRAFT | RUNNING | STOPPED), which campaign-syncer puts in the body.
    """

    name: NonEmptyText
    """The campaign's name in Batch's dashboard: unique in a target (it finds the campaign
    before a create)."""
    when: When
    """When it sends: `start_time` ("now" or a UTC date-time) and `local_time`."""
    targeting: Targeting | None = Field(default=None, validate_default=True)
    """Who receives it; `{}` for everyone (required: Batch's default is everyone)."""
    labels: Annotated[list[NonEmptyText], AfterValidator(_unique)] | None = None
    """Label codes set up in Batch (Settings -> Labels); at most 5."""
    send_rate: Annotated[int, Field(ge=1000, le=1_000_000)] | None = None
    """Most messages sent per minute, 1,000 to 1,000,000."""
    messages: list[Message] | None = Field(default=None, validate_default=True)
    """Exactly one message: an email or a push."""

    # Keys of Batch's request that live elsewhere in the file: declared so the error says where.
    state: SkipJsonSchema[None] = Field(default=None, exclude=True)
    id: SkipJsonSchema[None] = Field(default=None, exclude=True)

    @field_validator("state", "id", mode="before")
    @classmethod
    def _top_level(cls, value: object, info: ValidationInfo) -> None:
        if info.field_name == "state":
            raise PydanticCustomError(
                "state_in_campaign",
                "the lifecycle state is not part of campaign: write it at the top level of "
                "the file (state: DRAFT | RUNNING | STOPPED); campaign-syncer puts it into "
                "the request",
            )
        raise PydanticCustomError(
            "id_in_campaign", "the campaign id belongs at the top level of the file (id:)"
        )

    @field_validator("targeting", mode="before")
    @classmethod
    def _targeting_declared(cls, value: object, info: ValidationInfo) -> object:
        if value is None and not _allowed_unknown(info, "targeting"):
            raise PydanticCustomError("targeting_required", EVERYONE_HINT)
        return value

    @field_validator("labels")
    @classmethod
    def _few_labels(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(value) > MAX_LABELS:
            raise PydanticCustomError(
                "too_many_labels",
                "Batch allows at most {limit} labels per campaign, not {count}",
                {"limit": MAX_LABELS, "count": len(value)},
            )
        return value

    @field_validator("messages", mode="before")
    @classmethod
    def _one_message(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            if _allowed_unknown(info, "messages"):
                return None
            raise PydanticCustomError(
                "messages_required",
                "required: a Batch campaign carries exactly one message (email or push)",
            )
        if isinstance(value, list) and len(value) != 1:
            raise PydanticCustomError(
                "one_message",
                "a Batch campaign carries exactly one message (email or push), not {count}",
                {"count": len(value)},
            )
        return value


def validate(raw: Any) -> dict[str, Any]:
    """Validate a `campaign:` block; return its fields as JSON values, in Batch's order.

    `targeting: unknown` and `messages: unknown` (written by `syncer import` for email campaigns,
    whose content Batch cannot show) are kept as the string `unknown`.

    Raises:
        pydantic.ValidationError: with locations relative to the `campaign:` block.
    """
    unknown = tuple(k for k in CONTENT_KEYS if isinstance(raw, dict) and raw.get(k) == UNKNOWN)
    data = {k: v for k, v in raw.items() if k not in unknown} if unknown else raw
    campaign = Campaign.model_validate(data, context={"unknown": unknown})
    dumped: dict[str, Any] = campaign.model_dump(mode="json", exclude_none=True)
    for key in unknown:
        dumped[key] = UNKNOWN
    return {key: dumped[key] for key in FIELD_ORDER if key in dumped}


def is_complete(campaign: dict[str, Any]) -> bool:
    """False when the block declares content as `unknown` (it cannot be written)."""
    return all(campaign.get(key) != UNKNOWN for key in CONTENT_KEYS)


def json_schema() -> dict[str, Any]:
    """JSON Schema of the `campaign:` block, for editors (`syncer schema`)."""
    schema = Campaign.model_json_schema()
    properties = schema["properties"]
    for key in CONTENT_KEYS:
        prop = properties[key]
        branches = [b for b in prop.pop("anyOf") if b.get("type") != "null"]
        prop.pop("default", None)
        branches.append(
            {"const": UNKNOWN, "description": "imported email campaign: content not readable"}
        )
        prop["anyOf"] = branches
    schema["required"] = ["name", "when", "targeting", "messages"]
    return schema
