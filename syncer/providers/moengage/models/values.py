"""Shared pieces of the MoEngage models: value checks and the operator table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    JsonValue,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from syncer.model.base import Text

# ---------------------------------------------------------------------------------------------
# Scalar types


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
