"""MoEngage email campaigns as typed values: the `campaign:` block of a campaign file.

Takes the mapping under `campaign:` (the vendor's V1 request object, field for field) and returns a
frozen `EmailCampaign`. `model_dump(mode="json", exclude_unset=True)` gives back exactly what the
file declared, explicit nulls ("clear this field") included. Every field is optional because a file
declares only the fields it manages; what a complete request needs is checked on the merged body by
`checks.py`. Types, enums (letter case included) and formats are checked here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError


class StrictModel(BaseModel):
    """Base of every vendor object: unknown keys are errors, values are immutable."""

    # strict: YAML's `yes`, `"12"` or `1.0` must not quietly become a bool or an int.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        strict=True,
        use_attribute_docstrings=True,
    )


# ---------------------------------------------------------------------------------------------
# Scalar types


def _require_str(value: Any) -> Any:
    # YAML reads `4012`, `1.5`, `true` and `2024-06-01` as non-strings; say so instead of
    # converting, since the vendor compares these values as text.
    if isinstance(value, bool | int | float | date):
        kind = "number"
        if isinstance(value, bool):
            kind = "boolean"
        elif isinstance(value, date):
            kind = "date"
        raise PydanticCustomError(
            "string_type",
            "expected a string, but YAML read {value} as a {kind}; quote it",
            {"value": str(value), "kind": kind},
        )
    return value


Text = Annotated[str, BeforeValidator(_require_str, json_schema_input_type=str)]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_TOKEN = re.compile(r"\{\{.+?\}\}")


def _email(value: str) -> str:
    if _EMAIL.match(value) or _TOKEN.search(value):
        return value
    raise PydanticCustomError(
        "email",
        "{value} is not an email address or a {{...}} personalisation token",
        {"value": repr(value)},
    )


Email = Annotated[Text, AfterValidator(_email)]
"""An email address, or a string holding a personalisation token such as `{{from_address}}`."""


def _https(value: str) -> str:
    if value.startswith("https://") or _TOKEN.search(value):
        return value
    raise PydanticCustomError("https_url", "expected an https:// URL or a {{...}} token")


HttpsUrl = Annotated[Text, AfterValidator(_https)]

_UTC_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(Z|\+00:00)?$")
_OFFSET = re.compile(r"([+-]\d{2}:?\d{2})$")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _utc_time(value: Any) -> Any:
    # V1 reads every request time as UTC, written without an offset ("2024-06-21T12:59:00").
    # A trailing Z or +00:00 says the same thing and is dropped; any other offset is refused
    # rather than converted, so the file shows the instant that will actually be sent.
    if isinstance(value, datetime):
        if value.utcoffset() not in (None, timedelta(0)):
            sign_hours_minutes = value.strftime("%z")
            raise _offset_error(f"{sign_hours_minutes[:3]}:{sign_hours_minutes[3:5]}")
        if value.microsecond:
            raise PydanticCustomError("utc_time", "fractions of a second are not accepted")
        return value.strftime(_TIME_FORMAT)
    if isinstance(value, date):
        raise PydanticCustomError(
            "utc_time", "a date alone is not enough: write YYYY-MM-DDTHH:MM:SS"
        )
    if not isinstance(value, str):
        return value
    match = _UTC_TIME.match(value)
    if match is None:
        offset = _OFFSET.search(value)
        if offset and "T" in value:
            raise _offset_error(offset.group(1))
        raise PydanticCustomError(
            "utc_time", "expected a UTC time as YYYY-MM-DDTHH:MM:SS, e.g. 2024-06-21T12:59:00"
        )
    try:
        datetime.strptime(match.group(1), _TIME_FORMAT)
    except ValueError as exc:
        raise PydanticCustomError(
            "utc_time", "not a real date and time: {reason}", {"reason": str(exc)}
        ) from exc
    return match.group(1)


def _offset_error(offset: str) -> PydanticCustomError:
    return PydanticCustomError(
        "utc_time",
        "offset {offset} not accepted: MoEngage V1 reads times as UTC; convert the time to UTC "
        "and drop the offset",
        {"offset": offset},
    )


UtcTime = Annotated[str, BeforeValidator(_utc_time, json_schema_input_type=str)]
"""A UTC time written `YYYY-MM-DDTHH:MM:SS`; a trailing `Z` or `+00:00` is accepted and dropped."""


def _offset_time(value: Any) -> Any:
    # Gmail deal cards are the one place where the vendor wants the promotion's own offset.
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise PydanticCustomError("offset_time", "needs an offset such as Z or +05:30")
        return value.isoformat()
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "offset_time", "expected an ISO 8601 time with offset, e.g. 2026-06-01T00:00:00Z"
            ) from exc
        if parsed.utcoffset() is None:
            raise PydanticCustomError("offset_time", "needs an offset such as Z or +05:30")
    return value


OffsetTime = Annotated[str, BeforeValidator(_offset_time, json_schema_input_type=str)]


def _percentage(value: Any) -> Any:
    # The V1 example writes "50" and V5 writes 50: read both, keep integers.
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


Percentage = Annotated[
    int, BeforeValidator(_percentage, json_schema_input_type=int | str), Field(ge=0, le=100)
]

_VARIATION = re.compile(r"^variation_[1-9][0-9]*$")


def _variation_key(value: str) -> str:
    if _VARIATION.match(value):
        return value
    raise PydanticCustomError(
        "variation_key",
        "expected a variation key variation_1 ... variation_N, got {key}",
        {"key": repr(value)},
    )


VariationKey = Annotated[
    str,
    AfterValidator(_variation_key),
    WithJsonSchema({"type": "string", "pattern": _VARIATION.pattern}),
]


def _not_default(value: str) -> str:
    if value == "default":
        raise PydanticCustomError(
            "default_locale", "'default' is implied: list only the extra locales here"
        )
    return value


Locale = Annotated[Text, AfterValidator(_not_default)]


def _json_dates(value: Any) -> Any:
    # An unquoted YAML date in a filter value means the text the user typed.
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_dates(item) for item in value]
    return value


FilterValue = Annotated[JsonValue, BeforeValidator(_json_dates)]

Weekday = Literal["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
CampaignDeliveryType = Literal[
    "ONE_TIME", "PERIODIC", "EVENT_TRIGGERED", "BUSINESS_EVENT_TRIGGERED"
]
ContentType = Literal["PROMOTIONAL", "TRANSACTIONAL"]
ScheduleDeliveryType = Literal["ASAP", "AT_FIXED_TIME", "SEND_IN_BTS", "SEND_IN_USER_TIMEZONE"]
AttributeDataType = Literal["string", "double", "datetime", "bool"]
AttributeOperator = Literal[
    "is", "exists", "in", "between", "lessThan", "greaterThan", "contains",
    "containsInTheFollowing", "startWithInTheFollowing", "endsWithInTheFollowing",
    "inTheLast", "on", "before", "after", "inTheNext", "today",
]  # fmt: skip

OPERATORS_BY_DATA_TYPE: Mapping[str, tuple[str, ...]] = {
    "bool": ("is", "exists"),
    "double": ("in", "between", "lessThan", "greaterThan", "exists"),
    "string": (
        "in", "contains", "containsInTheFollowing", "startWithInTheFollowing",
        "endsWithInTheFollowing", "exists", "is",
    ),
    "datetime": ("inTheLast", "on", "between", "before", "after", "inTheNext", "exists", "today"),
}  # fmt: skip
"""The operators a user-attribute filter accepts for each `data_type` (vendor letter case)."""

# ---------------------------------------------------------------------------------------------
# Segmentation and trigger filters


class UserAttributeFilter(StrictModel):
    """Users whose attribute matches a condition."""

    filter_type: Literal["user_attributes"]
    data_type: AttributeDataType | None = None
    category: Text | None = None
    """Attribute category, e.g. "Tracked Standard Attribute"."""
    name: Text | None = None
    """Attribute name, e.g. "uid"."""
    operator: AttributeOperator | None = None
    """Allowed values depend on `data_type`."""
    value: FilterValue = None
    """Any JSON value; omitted for `exists`."""
    case_sensitive: bool | None = None
    negate: bool | None = None
    project_name: Text | None = None
    """Required when the workspace uses the Portfolio feature."""

    @field_validator("operator")
    @classmethod
    def _operator_fits_data_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        data_type = info.data.get("data_type")
        if value is not None and data_type is not None:
            allowed = OPERATORS_BY_DATA_TYPE[data_type]
            if value not in allowed:
                raise PydanticCustomError(
                    "operator_data_type", "{operator} does not apply to {data_type} attributes; "
                    "use one of: {allowed}",
                    {"operator": repr(value), "data_type": data_type,
                     "allowed": ", ".join(allowed)},
                )  # fmt: skip
        return value


class ActionExecution(StrictModel):
    """How many times the action must have happened."""

    type: Literal["atleast", "atmost", "exactly"] | None = None
    count: Annotated[int, Field(ge=0)] | None = None


class ActionFilter(StrictModel):
    """Users who did (or did not do) an event."""

    filter_type: Literal["actions"]
    action_name: Text | None = None
    """The event name."""
    execution: ActionExecution | None = None
    executed: bool | None = None
    """False selects users who did not do the event."""
    attributes: FilterGroup | None = None
    """Conditions on the event's attributes."""
    condition: Text | None = None
    """Condition type, e.g. "IF"."""


class CustomSegmentFilter(StrictModel):
    """Users in a saved custom segment."""

    filter_type: Literal["custom_segments"]
    id: Text | None = None
    name: Text | None = None


Filter = Annotated[
    UserAttributeFilter | ActionFilter | CustomSegmentFilter, Field(discriminator="filter_type")
]
FILTER_TYPES = ("user_attributes", "actions", "custom_segments")


class FilterGroup(StrictModel):
    """Filters combined with one lower-case logical operator."""

    filter_operator: Literal["and", "or"] | None = None
    filters: list[Filter] | None = None


# ActionFilter nests a FilterGroup, which is defined after it.
ActionFilter.model_rebuild()


class TriggerAttribute(StrictModel):
    """The time anchor of a BEFORE trigger."""

    name: Text | None = None


class TriggerCondition(StrictModel):
    """The events that start an EVENT_TRIGGERED campaign."""

    included_filters: FilterGroup | None = None
    secondary_included_filters: FilterGroup | None = None
    trigger_delay_type: Literal["ASAP", "DELAY"] | None = None
    trigger_delay_value: Annotated[int, Field(ge=0)] | None = None
    """Required with DELAY."""
    trigger_delay_granularity: Literal["MINUTES", "HOURS", "DAYS"] | None = None
    """Required with DELAY."""
    trigger_relation: Literal["BEFORE", "AFTER"] | None = None
    """Required with DELAY."""
    trigger_attr: TriggerAttribute | None = None


class SegmentationDetails(StrictModel):
    """Who receives the campaign."""

    included_filters: FilterGroup | None = None
    excluded_filters: FilterGroup | None = None
    is_all_user_campaign: bool | None = None
    send_campaign_to_opt_out_users: bool | None = None


# ---------------------------------------------------------------------------------------------
# Basic details and connector


class BasicDetails(StrictModel):
    """Name, content type and audience identifier of an email campaign."""

    name: Text | None = None
    business_event: Text | None = None
    """Required for BUSINESS_EVENT_TRIGGERED campaigns."""
    content_type: ContentType | None = None
    subscription_category: Text | None = None
    """Required for PROMOTIONAL campaigns: a category configured in the workspace."""
    tags: list[Text] | None = None
    team: Text | None = None
    user_attribute_identifier: Text | None = None
    """The user attribute holding the email address, e.g. MOE_EMAIL_ID."""
    send_only_double_opt_in_users: bool | None = None
    deduplication_attribute: Text | None = None
    """Backend attribute name used for brand deduplication, e.g. u_em; "" for single-brand."""


class Connector(StrictModel):
    """The email service provider connection configured in the workspace."""

    connector_type: Text | None = None
    """E.g. SENDGRID; passed through as written."""
    connector_name: Text | None = None


# ---------------------------------------------------------------------------------------------
# Content


class Attachment(StrictModel):
    file_type: Literal["URL", "PERSONALIZED_ATTACHMENT"] | None = None
    url: Text | None = None


class DealCard(StrictModel):
    """A Gmail Promotions-tab deal card."""

    description: Text | None = None
    discount_code: Text | None = None
    availability_starts: OffsetTime | None = None
    """ISO 8601 with the promotion's own offset, e.g. 2026-06-01T00:00:00+05:30."""
    availability_ends: OffsetTime | None = None
    """At least one hour after `availability_starts`."""

    @field_validator("availability_ends")
    @classmethod
    def _ends_an_hour_after_start(cls, value: str | None, info: ValidationInfo) -> str | None:
        starts = info.data.get("availability_starts")
        if value is not None and starts is not None:
            gap = datetime.fromisoformat(value) - datetime.fromisoformat(starts)
            if gap < timedelta(hours=1):
                raise PydanticCustomError(
                    "deal_window", "must be at least one hour after availability_starts"
                )
        return value


class CarouselProduct(StrictModel):
    id: Text | None = None
    headline: Text | None = None
    original_price: Text | None = None
    """A numeric string, e.g. "199.99"."""
    discount_value: Text | None = None
    """A numeric string: a percentage or an amount, per `discount_type`."""
    discount_type: Literal["PERCENT", "VALUE"] | None = None
    promo_url: HttpsUrl | None = None
    product_image: HttpsUrl | None = None


class CarouselManualData(StrictModel):
    currency: Text | None = None
    """ISO 4217 code applied to every product."""
    products: Annotated[list[CarouselProduct], Field(min_length=2)] | None = None


class CarouselProductSetData(StrictModel):
    product_set: Text | None = None
    """A product set id from the MoEngage catalog."""
    image_url: Text | None = None
    """Fallback image."""
    headline: Text | None = None
    promo_url: Text | None = None
    product_count: Annotated[int, Field(ge=2, le=9)] | None = None


class ProductCarousel(StrictModel):
    """A Gmail Promotions-tab product carousel: listed products or a catalog product set."""

    type: Literal["MANUAL", "PRODUCT_SET"] | None = None
    manual_data: CarouselManualData | None = None
    """Only with type MANUAL."""
    product_set_data: CarouselProductSetData | None = None
    """Only with type PRODUCT_SET."""

    @field_validator("manual_data", "product_set_data")
    @classmethod
    def _data_matches_type(cls, value: object, info: ValidationInfo) -> object:
        wanted = {"manual_data": "MANUAL", "product_set_data": "PRODUCT_SET"}[str(info.field_name)]
        declared = info.data.get("type")
        if value is not None and declared is not None and declared != wanted:
            raise PydanticCustomError(
                "carousel_type",
                "only used with type {wanted}; this carousel is {declared}",
                {"wanted": wanted, "declared": declared},
            )
        return value


class GmailAnnotations(StrictModel):
    """Gmail Promotions-tab annotations; PROMOTIONAL campaigns only, one annotation kind."""

    send_email_if_personalization_fails: bool | None = None
    sender_logo: HttpsUrl | None = None
    sender_logo_type: Literal["image_url", "uploaded_image"] | None = None
    deal_card: DealCard | None = None
    product_carousel: ProductCarousel | None = None

    @field_validator("product_carousel")
    @classmethod
    def _one_annotation(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and info.data.get("deal_card") is not None:
            raise PydanticCustomError(
                "one_annotation", "use either deal_card or product_carousel, not both"
            )
        return value


class EmailContent(StrictModel):
    """One email: headers and body (inline HTML or a saved template)."""

    subject: Text | None = None
    preview_text: Text | None = None
    sender_name: Text | None = None
    from_address: Email | None = None
    reply_to_address: Email | None = None
    cc_ids: list[Email] | None = None
    bcc_ids: list[Email] | None = None
    html_content: Text | None = None
    """Inline HTML; not together with `custom_template_id`."""
    email_editor: Literal["Froala Editor", "Ace Editor"] | None = None
    """Required for Ace Editor content; Froala Editor is the default."""
    custom_template_id: Text | None = None
    """A saved template; not together with `html_content`."""
    custom_template_version: int | None = None
    attachments: list[Attachment] | None = None
    gmail_annotations: GmailAnnotations | None = None

    @field_validator("custom_template_id")
    @classmethod
    def _template_or_html(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("html_content") is not None:
            raise PydanticCustomError(
                "template_or_html", "use either html_content or custom_template_id, not both"
            )
        return value


class VariationContent(StrictModel):
    """The email of one A/B variation."""

    email: EmailContent | None = None


class ContentByLocale(StrictModel):
    """`content`: either `{email: ...}`, or `{<locale>: {variation_N: {email: ...}}}`.

    The second form is used with locales or A/B variations; its locale keys (`default` and the
    ones listed in `locales`) are this model's extra keys, so errors name the locale and variation.
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, dict[VariationKey, VariationContent | None] | None] = Field(
        init=False
    )

    email: EmailContent | None = None
    """The single email of a campaign without locales or variations."""

    @model_validator(mode="after")
    def _one_form(self) -> ContentByLocale:
        # `email: null` beside locale keys is allowed: it clears the single-email form.
        if self.email is not None and self.model_extra:
            raise PydanticCustomError(
                "content_form",
                "use either content.email, or content.<locale>.<variation>.email with locales "
                "or variations (unexpected keys: {keys})",
                {"keys": ", ".join(sorted(self.model_extra))},
            )
        return self


class VariationDetails(StrictModel):
    """A/B test set-up."""

    distribution_type: Literal["MANUAL", "SHERPA"] | None = None
    no_of_variations: Annotated[int, Field(ge=1)] | None = None
    manual_distribution_percentage: dict[VariationKey, Percentage] | None = None
    """Share of users per variation, summing to 100; required with MANUAL."""
    sherpa_campaign_duration: Annotated[int, Field(ge=1)] | None = None
    """Hours Sherpa tests before picking a winner; required with SHERPA."""
    sherpa_distribution_metric: Literal["OPEN RATE", "CLICK RATE", "BOTH"] | None = None
    """Required with SHERPA."""

    @field_validator("manual_distribution_percentage")
    @classmethod
    def _shares(cls, value: dict[str, int] | None, info: ValidationInfo) -> dict[str, int] | None:
        if value is None:
            return value
        if sum(value.values()) != 100:
            raise PydanticCustomError(
                "percentage_sum",
                "percentages must add up to 100, not {total}",
                {"total": sum(value.values())},
            )
        count = info.data.get("no_of_variations")
        extra = sorted(k for k in value if count is not None and int(k.split("_")[1]) > count)
        if extra:
            raise PydanticCustomError(
                "unknown_variation",
                "{keys} beyond no_of_variations ({count})",
                {"keys": ", ".join(extra), "count": count},
            )
        return value


class CampaignContent(StrictModel):
    """The email (or emails, per locale and variation) that the campaign sends."""

    locales: list[Locale] | None = None
    """Locales besides `default`, each with its own content."""
    variation_details: VariationDetails | None = None
    content: ContentByLocale | None = None

    @field_validator("locales")
    @classmethod
    def _unique_locales(cls, value: list[str] | None) -> list[str] | None:
        repeated = sorted({name for name in value or [] if (value or []).count(name) > 1})
        if repeated:
            raise PydanticCustomError(
                "repeated_locale", "listed more than once: {names}", {"names": ", ".join(repeated)}
            )
        return value


# ---------------------------------------------------------------------------------------------
# Scheduling and delivery


class MonthlyWeekdays(StrictModel):
    week_granularity: Literal["FIRST", "SECOND", "THIRD", "FOURTH", "LAST"] | None = None
    repeat_on_days_of_week: list[Weekday] | None = None


class PeriodicDetails(StrictModel):
    """How a PERIODIC campaign repeats."""

    sending_frequency: Literal["DAILY", "WEEKLY", "MONTHLY"] | None = None
    repeat_frequency: Annotated[int, Field(ge=1)] | None = None
    """Every N days, weeks or months."""
    no_of_occurences: Annotated[int, Field(ge=1)] | None = None
    """Number of sends (the vendor's spelling)."""
    repeat_on_date_of_month: list[Annotated[int, Field(ge=1, le=31)]] | None = None
    repeat_on_days_of_week: list[Weekday] | None = None
    repeat_on_days_of_week_for_month: list[MonthlyWeekdays] | None = None


class BtsDetails(StrictModel):
    """Best Time to Send."""

    send_in_bts: bool | None = None
    if_user_bts_is_not_available: Text | None = None
    if_user_bts_outside_time_window: Text | None = None
    window_end_time: Text | None = None
    """E.g. "6:43 am"."""


class UserTimezoneDetails(StrictModel):
    send_in_user_timezone: bool | None = None
    send_if_user_timezone_has_passed: bool | None = None


class SchedulingDetails(StrictModel):
    """When the campaign sends. V1 times are UTC."""

    delivery_type: ScheduleDeliveryType | None = None
    start_time: UtcTime | None = None
    """Required for AT_FIXED_TIME, SEND_IN_BTS and SEND_IN_USER_TIMEZONE."""
    expiry_time: UtcTime | None = None
    """End of the sending window (periodic and triggered campaigns)."""
    periodic_details: PeriodicDetails | None = None
    bts_details: BtsDetails | None = None
    user_timezone_details: UserTimezoneDetails | None = None
    timezone: SkipJsonSchema[None] = Field(default=None, exclude=True)

    @field_validator("timezone", mode="before")
    @classmethod
    def _no_timezone(cls, value: object) -> None:
        raise PydanticCustomError(
            "v5_only", "timezone is a V5 field: MoEngage V1 reads start_time and expiry_time as "
            "UTC, so write them in UTC and remove timezone",
        )  # fmt: skip

    @field_validator("expiry_time")
    @classmethod
    def _expiry_after_start(cls, value: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("start_time")
        if value is not None and start is not None and value <= start:
            raise PydanticCustomError(
                "expiry_time", "must be after start_time ({start})", {"start": start}
            )
        return value


class DeliveryControls(StrictModel):
    bypass_dnd: bool | None = None
    campaign_throttle_rpm: Annotated[int, Field(ge=1)] | None = None
    """Maximum emails per minute."""
    count_for_frequency_capping: bool | None = None
    ignore_frequency_capping: bool | None = None
    minimum_delay_between_two_notification_in_hour: Annotated[int, Field(ge=0)] | None = None


# ---------------------------------------------------------------------------------------------
# Goals, control group, UTM, audience limit


class GoalEventAttribute(StrictModel):
    """A condition on the goal event's attribute. Values are strings, as in the vendor schema."""

    name: Text | None = None
    condition: Text | None = None
    """E.g. "is", "contains", "between"."""
    data_type: (
        Literal[
            "STRING", "DOUBLE", "BOOL", "NUMBER", "GEOPOINT", "DATETIME",
            "ARRAY_DOUBLE", "ARRAY_STRING", "OBJECT", "ARRAY_OBJECT",
        ]
        | None
    ) = None  # fmt: skip
    value: Text | None = None
    value1: Text | None = None
    """Second value, for conditions such as "between"."""
    negate: bool | None = None
    value_type: Text | None = None
    array_filter_type: Text | None = None
    filters: list[dict[str, JsonValue]] | None = None
    """Sub-filters for OBJECT and ARRAY_OBJECT attributes."""
    is_case_sensitive: bool | None = None


class Goal(StrictModel):
    goal_name: Text | None = None
    goal_event_name: Text | None = None
    goal_event_attribute: GoalEventAttribute | None = None
    is_primary_goal: bool | None = None
    revenue_attribute: Text | None = None
    revenue_currency: Text | None = None


class ConversionGoalDetails(StrictModel):
    attribution_window_in_hours: Annotated[int, Field(ge=1)] | None = None
    goals: list[Goal] | None = None


class ControlGroupDetails(StrictModel):
    is_campaign_control_group_enabled: bool | None = None
    campaign_control_group_percentage: Annotated[int, Field(ge=0, le=100)] | None = None
    """Share of users held out; required when the campaign control group is enabled."""
    is_global_control_group_enabled: bool | None = None


MAX_CUSTOM_UTM_KEYS = 5


def _utm_key(value: str) -> str:
    # The vendor docs disagree on whether custom keys need the prefix; requiring it is valid
    # under both readings (moengage-campaigns-api.md §10 #10).
    if not value.startswith("utm_"):
        raise PydanticCustomError(
            "utm_prefix", "unknown key: custom UTM parameters must start with utm_"
        )
    return value


class UtmParams(StrictModel):
    """UTM parameters; `utm_source` and `utm_medium` whenever the object is sent.

    Up to five further custom keys may be added; each must start with `utm_`.
    """

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "propertyNames": {"pattern": "^utm_"},
            "maxProperties": 6 + MAX_CUSTOM_UTM_KEYS,
        },
    )
    __pydantic_extra__: dict[Annotated[str, AfterValidator(_utm_key)], Text | None] = Field(
        init=False
    )

    utm_source: Text | None = None
    utm_medium: Text | None = None
    utm_campaign: Text | None = None
    utm_term: Text | None = None
    utm_content: Text | None = None
    utm_custom: Text | None = None

    @model_validator(mode="after")
    def _custom_key_count(self) -> UtmParams:
        if self.model_extra and len(self.model_extra) > MAX_CUSTOM_UTM_KEYS:
            raise PydanticCustomError(
                "utm_custom_count", "at most {limit} custom UTM keys, found {count}: {keys}",
                {"limit": MAX_CUSTOM_UTM_KEYS, "count": len(self.model_extra),
                 "keys": ", ".join(self.model_extra)},
            )  # fmt: skip
        return self


class CampaignAudienceLimit(StrictModel):
    """Cap on users reached (feature-flagged), in the V5 shape.

    When enabled, `metric`, `frequency` and `limit` are all needed; when disabled none is sent.
    """

    is_campaign_audience_limit_enabled: bool | None = None
    metric: Literal["SENT"] | None = None
    frequency: Literal["TOTAL", "INSTANCE"] | None = None
    """TOTAL over the campaign's life, or per INSTANCE of a periodic or triggered campaign."""
    limit: Annotated[int, Field(ge=1, le=9_999_999_999)] | None = None

    @field_validator("metric", "frequency", "limit")
    @classmethod
    def _fits_enabled(cls, value: object, info: ValidationInfo) -> object:
        enabled = info.data.get("is_campaign_audience_limit_enabled")
        if enabled is False and value is not None:
            raise PydanticCustomError(
                "audience_limit", "not sent while is_campaign_audience_limit_enabled is false"
            )
        if enabled is True and value is None:
            raise PydanticCustomError(
                "audience_limit", "required while is_campaign_audience_limit_enabled is true"
            )
        return value


# ---------------------------------------------------------------------------------------------
# The campaign

_TOOL_OWNED = {
    "request_id": "request_id is generated by the tool for every call; remove it",
    "created_by": "created_by is set by the tool from the target's updated_by setting; remove it",
    "updated_by": "updated_by is set by the tool from the target's updated_by setting; remove it",
    "campaign_id": "the remote id goes in the file's top-level id:, not under campaign:",
    "status": "the desired lifecycle state goes in the file's top-level state:, not under "
    "campaign:",
}


class EmailCampaign(StrictModel):
    """A MoEngage EMAIL campaign: the vendor's V1 request object, every field optional."""

    channel: Literal["EMAIL"] | None = None
    campaign_delivery_type: CampaignDeliveryType | None = None
    """Fixed once the campaign is scheduled; not `scheduling_details.delivery_type`."""
    basic_details: BasicDetails | None = None
    trigger_condition: TriggerCondition | None = None
    """Required for EVENT_TRIGGERED campaigns."""
    connector: Connector | None = None
    campaign_content: CampaignContent | None = None
    segmentation_details: SegmentationDetails | None = None
    scheduling_details: SchedulingDetails | None = None
    delivery_controls: DeliveryControls | None = None
    conversion_goal_details: ConversionGoalDetails | None = None
    control_group_details: ControlGroupDetails | None = None
    utm_params: UtmParams | None = None
    campaign_audience_limit: CampaignAudienceLimit | None = None
    """Sent only when declared: the feature is behind a workspace flag."""

    # Keys of the vendor request that the tool owns: declared so the error names the right place.
    request_id: SkipJsonSchema[None] = Field(default=None, exclude=True)
    created_by: SkipJsonSchema[None] = Field(default=None, exclude=True)
    updated_by: SkipJsonSchema[None] = Field(default=None, exclude=True)
    campaign_id: SkipJsonSchema[None] = Field(default=None, exclude=True)
    status: SkipJsonSchema[None] = Field(default=None, exclude=True)

    @field_validator(*_TOOL_OWNED, mode="before")
    @classmethod
    def _tool_owned(cls, value: object, info: ValidationInfo) -> None:
        raise PydanticCustomError("tool_owned", _TOOL_OWNED[str(info.field_name)])

    @field_validator("channel", mode="before")
    @classmethod
    def _email_only(cls, value: object) -> object:
        if isinstance(value, str) and value != "EMAIL":
            if value.upper() == "EMAIL":
                raise PydanticCustomError("channel", "write EMAIL in upper case")
            raise PydanticCustomError(
                "channel",
                "this version manages EMAIL campaigns only; {channel} is not supported",
                {"channel": value},
            )
        return value


DELIVERY_TYPES: tuple[str, ...] = get_args(CampaignDeliveryType)
"""The values of `campaign_delivery_type`."""

TOP_LEVEL_OBJECTS: tuple[str, ...] = (
    "basic_details",
    "trigger_condition",
    "connector",
    "campaign_content",
    "segmentation_details",
    "scheduling_details",
    "delivery_controls",
    "conversion_goal_details",
    "control_group_details",
    "utm_params",
    "campaign_audience_limit",
)
"""The top-level objects a PATCH may carry; each is sent whole when anything in it changes."""


def campaign_model() -> type[EmailCampaign]:
    """The model of the `campaign:` block of a MoEngage campaign file."""
    return EmailCampaign


def json_schema() -> dict[str, Any]:
    """JSON Schema of the `campaign:` block, for editors (`syncer schema`)."""
    return EmailCampaign.model_json_schema()


def declared_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The path of a validation error as written in the file.

    Pydantic puts the `filter_type` of a filter into the error location
    (`filters, 0, user_attributes, operator`); the file has no such key, so it is dropped.
    """
    path: list[int | str] = []
    for index, part in enumerate(loc):
        after_filter_index = (
            index >= 2 and loc[index - 2] == "filters" and isinstance(loc[index - 1], int)
        )
        if not (after_filter_index and part in FILTER_TYPES):
            path.append(part)
    return tuple(path)
