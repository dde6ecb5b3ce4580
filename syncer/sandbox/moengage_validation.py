"""MoEngage V1 request validation (pure): mandatory keys, unknown keys, schema, cross-field rules.

Takes request bodies (or the merged campaign after a PATCH); raises `MoeError`, which the route
layer renders as the V1 error envelope. Sources: the vendor's OpenAPI file (via
`providers/moengage/schema.py`) and `shared/reference/moengage-campaigns-api.md` section 4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from syncer.providers.moengage.schema import schema_violations
from syncer.sandbox.clock import parse_instant

_REQUIRED_PROPERTY = re.compile(r"^'([^']+)' is a required property$")
# What each scheduling delivery_type needs besides itself (reference section 4.6).
_SCHEDULING_NEEDS = {
    "AT_FIXED_TIME": ("start_time",),
    "SEND_IN_BTS": ("start_time", "bts_details"),
    "SEND_IN_USER_TIMEZONE": ("start_time", "user_timezone_details"),
}


class MoeError(Exception):
    """A request the vendor would refuse with 400: rendered as the V1 `{"error": ...}` envelope."""

    def __init__(
        self, message: str, *, target: str = "", details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.target = target
        self.details = details if details is not None else [{"target": target, "message": message}]


@dataclass(frozen=True)
class Problem:
    target: str
    """The top-level object at fault: the envelope's `target`."""
    field: str
    """The dotted path of the offending field: the detail's `target`."""
    message: str


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        details = [{"target": p.field, "message": p.message} for p in problems]
        raise MoeError(problems[0].message, target=problems[0].target, details=details)


def require(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise MoeError(f"{key} key is mandatory field", target=key)
    return value


def reject_unknown_keys(body: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(body) - allowed)
    raise_problems([Problem(key, key, f"{key} is not a valid field") for key in unknown])


def check_schema(body: dict[str, Any], schema_name: str) -> None:
    problems = []
    for violation in schema_violations(body, schema_name):
        path, _, message = violation.partition(": ")
        if path == "(body)":
            missing = _REQUIRED_PROPERTY.match(message)
            path = missing.group(1) if missing else ""
        problems.append(Problem(path.split(".")[0], path, message))
    raise_problems(problems)


def instant(value: Any) -> float | None:
    """A request date-time as epoch seconds; None when absent or unparsable."""
    if not isinstance(value, str):
        return None
    try:
        return parse_instant(value)
    except ValueError:
        return None


def semantic_problems(body: dict[str, Any]) -> list[Problem]:
    """Cross-field rules the schema cannot express, checked on the whole campaign."""
    found: list[Problem] = []

    def problem(target: str, field: str, message: str) -> None:
        found.append(Problem(target, field, message))

    kind = body.get("campaign_delivery_type")
    basic = body.get("basic_details") or {}
    email = ((body.get("campaign_content") or {}).get("content") or {}).get("email") or {}
    trigger = body.get("trigger_condition") or {}
    if basic.get("content_type") == "PROMOTIONAL" and not basic.get("subscription_category"):
        problem(
            "basic_details",
            "basic_details.subscription_category",
            "subscription_category is required for PROMOTIONAL campaigns",
        )
    if basic.get("content_type") == "TRANSACTIONAL" and "gmail_annotations" in email:
        # The vendor's own example error, target and all.
        problem(
            "campaign_content.content",
            "gmail_annotations",
            "gmail_annotations is not supported for TRANSACTIONAL content type. "
            "It is only supported for PROMOTIONAL campaigns.",
        )
    if kind == "BUSINESS_EVENT_TRIGGERED" and not basic.get("business_event"):
        problem(
            "basic_details",
            "basic_details.business_event",
            "business_event is required for BUSINESS_EVENT_TRIGGERED campaigns",
        )
    if kind == "EVENT_TRIGGERED" and not trigger:
        problem(
            "trigger_condition",
            "trigger_condition",
            "trigger_condition is required for EVENT_TRIGGERED campaigns",
        )
    if trigger.get("trigger_delay_type") == "DELAY":
        for key in ("trigger_delay_value", "trigger_delay_granularity", "trigger_relation"):
            if trigger.get(key) is None:
                problem(
                    "trigger_condition",
                    f"trigger_condition.{key}",
                    f"{key} is required when trigger_delay_type is DELAY",
                )
    found += _scheduling_problems(kind, body.get("scheduling_details") or {})
    if "html_content" in email and "custom_template_id" in email:
        problem(
            "campaign_content",
            "campaign_content.content.email",
            "html_content and custom_template_id are mutually exclusive",
        )
    elif email and "html_content" not in email and "custom_template_id" not in email:
        problem(
            "campaign_content",
            "campaign_content.content.email",
            "one of html_content or custom_template_id is required",
        )
    segments = body.get("segmentation_details")
    if (
        isinstance(segments, dict)
        and not segments.get("is_all_user_campaign")
        and not (segments.get("included_filters") or {}).get("filters")
    ):
        # AUD: the minimum audience is all users or at least one included filter.
        problem(
            "segmentation_details",
            "segmentation_details",
            "the audience needs is_all_user_campaign: true or at least one included filter",
        )
    control = body.get("control_group_details") or {}
    if control.get("is_campaign_control_group_enabled") and (
        control.get("campaign_control_group_percentage") is None
    ):
        problem(
            "control_group_details",
            "control_group_details.campaign_control_group_percentage",
            "campaign_control_group_percentage is required when the control group is enabled",
        )
    return found


def _scheduling_problems(kind: Any, scheduling: dict[str, Any]) -> list[Problem]:
    found = []
    delivery = str(scheduling.get("delivery_type"))
    if kind == "PERIODIC" and not scheduling.get("periodic_details"):
        found.append(
            Problem(
                "scheduling_details",
                "scheduling_details.periodic_details",
                "periodic_details is required for PERIODIC campaigns",
            )
        )
    for key in _SCHEDULING_NEEDS.get(delivery, ()):
        if not scheduling.get(key):
            found.append(
                Problem(
                    "scheduling_details",
                    f"scheduling_details.{key}",
                    f"{key} is required when delivery_type is {delivery}",
                )
            )
    for key in ("start_time", "expiry_time"):
        # The schema declares `format: date-time` but format is not asserted; the vendor parses.
        if key in scheduling and instant(scheduling[key]) is None:
            found.append(
                Problem(
                    "scheduling_details",
                    f"scheduling_details.{key}",
                    f"{key} must be an ISO 8601 date-time in UTC",
                )
            )
    return found
