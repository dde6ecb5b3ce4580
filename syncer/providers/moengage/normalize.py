"""Normalisation of MoEngage campaign objects before diffing, and before sending.

Takes a campaign object (as declared in a file, or as returned by search) and returns a copy in
which the vendor's harmless variations are folded away, so that they never show up as changes:
read-only and server-generated fields, status case, timestamp formats, the documented
`user_attribute_identifier` alias, numeric strings in A/B percentages, and `trigger_attr` given
as a bare string. See the vendor notes, section 7 ("Normalization hazards").
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# Server-generated or read-only fields of a search result (vendor notes, section 6.1).
READ_ONLY = frozenset(
    {
        "campaign_id",
        "status",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "sent_time",
        "flow_id",
        "flow_name",
        "parent_id",
        "sender_name",
        "request_id",
    }
)
# The V5/CONT examples return "Email (Standard)" where the campaign was created with the V1
# default MOE_EMAIL_ID; the vendor accepts both. Compared as equal; written as declared.
IDENTIFIER_ALIASES = {"email (standard)": "MOE_EMAIL_ID", "moe_email_id": "MOE_EMAIL_ID"}
_TIME_FIELDS = ("start_time", "expiry_time")
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]00:?00)?$")


def request_time(value: Any) -> Any:
    """`2024-07-04 08:00:54.847000`, `2024-07-04T08:00:54Z`... -> `2024-07-04T08:00:54`.

    V1 times are UTC without an offset; both the request (ISO 8601) and the response (space,
    microseconds) forms are read, and compared at second precision.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat()
    if not isinstance(value, str):
        return value
    match = _TIME.match(value.strip())
    if not match:
        return value
    day, clock, _fraction, _zone = match.groups()
    if clock.count(":") == 1:
        clock += ":00"
    return f"{day}T{clock}"


def status(value: Any) -> str | None:
    """Search examples use title case (`Active`); the enum is upper case."""
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _scheduling(obj: dict[str, Any]) -> dict[str, Any]:
    result = dict(obj)
    for name in _TIME_FIELDS:
        if name in result:
            result[name] = request_time(result[name])
    return result


def _percentages(content: dict[str, Any]) -> dict[str, Any]:
    details = content.get("variation_details")
    if not isinstance(details, dict):
        return content
    shares = details.get("manual_distribution_percentage")
    if not isinstance(shares, dict):
        return content
    numeric = {}
    for key, value in shares.items():
        try:
            numeric[key] = int(str(value).strip())
        except ValueError:
            numeric[key] = value
    return {**content, "variation_details": {**details, "manual_distribution_percentage": numeric}}


def _trigger(obj: dict[str, Any]) -> dict[str, Any]:
    attr = obj.get("trigger_attr")
    if isinstance(attr, str):
        return {**obj, "trigger_attr": {"name": attr}}
    return obj


def for_request(name: str, obj: Any) -> Any:
    """A top-level object in the form the V1 API accepts on write."""
    if not isinstance(obj, dict):
        return obj
    if name == "scheduling_details":
        return _scheduling(obj)
    if name == "campaign_content":
        return _percentages(obj)
    if name == "trigger_condition":
        return _trigger(obj)
    return obj


def for_diff(campaign: dict[str, Any]) -> dict[str, Any]:
    """A campaign object with read-only fields dropped and harmless variations folded."""
    result: dict[str, Any] = {}
    for name, obj in campaign.items():
        if name in READ_ONLY:
            continue
        value = for_request(name, obj)
        if name == "basic_details" and isinstance(value, dict):
            ident = value.get("user_attribute_identifier")
            if isinstance(ident, str):
                canonical = IDENTIFIER_ALIASES.get(ident.strip().lower(), ident)
                value = {**value, "user_attribute_identifier": canonical}
        result[name] = value
    return result
