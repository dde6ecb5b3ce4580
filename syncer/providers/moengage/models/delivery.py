"""When and how a MoEngage campaign sends: scheduling, delivery controls, goals, control
group, UTM parameters, audience limit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from syncer.model.base import Text, VendorModel
from syncer.providers.moengage.models.values import (
    ScheduleDeliveryType,
    UtcTime,
    Weekday,
)

# ---------------------------------------------------------------------------------------------
# Scheduling and delivery


class MonthlyWeekdays(VendorModel):
    week_granularity: Literal["FIRST", "SECOND", "THIRD", "FOURTH", "LAST"] | None = None
    repeat_on_days_of_week: list[Weekday] | None = None


class PeriodicDetails(VendorModel):
    """How a PERIODIC campaign repeats."""

    sending_frequency: Literal["DAILY", "WEEKLY", "MONTHLY"] | None = None
    repeat_frequency: Annotated[int, Field(ge=1)] | None = None
    """Every N days, weeks or months."""
    no_of_occurences: Annotated[int, Field(ge=1)] | None = None
    """Number of sends (the vendor's spelling)."""
    repeat_on_date_of_month: list[Annotated[int, Field(ge=1, le=31)]] | None = None
    repeat_on_days_of_week: list[Weekday] | None = None
    repeat_on_days_of_week_for_month: list[MonthlyWeekdays] | None = None


class BtsDetails(VendorModel):
    """Best Time to Send."""

    send_in_bts: bool | None = None
    if_user_bts_is_not_available: Text | None = None
    if_user_bts_outside_time_window: Text | None = None
    window_end_time: Text | None = None
    """E.g. "6:43 am"."""


class UserTimezoneDetails(VendorModel):
    send_in_user_timezone: bool | None = None
    send_if_user_timezone_has_passed: bool | None = None


class SchedulingDetails(VendorModel):
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


class DeliveryControls(VendorModel):
    bypass_dnd: bool | None = None
    campaign_throttle_rpm: Annotated[int, Field(ge=1)] | None = None
    """Maximum emails per minute."""
    count_for_frequency_capping: bool | None = None
    ignore_frequency_capping: bool | None = None
    minimum_delay_between_two_notification_in_hour: Annotated[int, Field(ge=0)] | None = None


# ---------------------------------------------------------------------------------------------
# Goals, control group, UTM, audience limit


class GoalEventAttribute(VendorModel):
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


class Goal(VendorModel):
    goal_name: Text | None = None
    goal_event_name: Text | None = None
    goal_event_attribute: GoalEventAttribute | None = None
    is_primary_goal: bool | None = None
    revenue_attribute: Text | None = None
    revenue_currency: Text | None = None


class ConversionGoalDetails(VendorModel):
    attribution_window_in_hours: Annotated[int, Field(ge=1)] | None = None
    goals: list[Goal] | None = None


class ControlGroupDetails(VendorModel):
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


class UtmParams(VendorModel):
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


class CampaignAudienceLimit(VendorModel):
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
