"""Semantic checks on a final MoEngage email request body: the rules field types cannot express.

Takes the body about to be sent (a plain JSON-like dict: the remote object with the declared
fields laid over it, `request_id` and the author fields optional) and returns its problems as
`dotted.path: message` strings, in document order; an empty list means the body may be sent.
Required fields live here rather than in `models.py` because a file may declare only part of an
object. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from syncer.providers.moengage.models import OPERATORS_BY_DATA_TYPE

_REQUIRED_ON_CREATE = (
    "basic_details",
    "connector",
    "campaign_content",
    "segmentation_details",
    "scheduling_details",
)
_NEEDS_START_TIME = ("AT_FIXED_TIME", "SEND_IN_BTS", "SEND_IN_USER_TIMEZONE")
# Operators that compare against nothing: the vendor says `value` is omitted for `exists`.
_VALUELESS_OPERATORS = ("exists", "today")
_GMAIL_REQUIRED = {
    "deal_card": ("description", "discount_code", "availability_starts", "availability_ends"),
    "manual_data": ("currency", "products"),
    "product": (
        "id", "headline", "original_price", "discount_value", "discount_type", "promo_url",
        "product_image",
    ),
    "product_set_data": ("product_set", "image_url", "headline", "promo_url", "product_count"),
}  # fmt: skip


def create_problems(body: Mapping[str, Any]) -> list[str]:
    """Problems that would make MoEngage refuse `body` as a new email campaign.

    Args:
        body: the complete create request (`POST /campaigns`).

    Returns:
        One `dotted.path: message` string per problem; empty when the body is complete.
    """
    problems: list[str] = []
    for key in ("channel", "campaign_delivery_type"):
        if body.get(key) is None:
            problems.append(f"{key}: required to create a campaign")
    for key in _REQUIRED_ON_CREATE:
        if _obj(body.get(key)) is None:
            problems.append(f"{key}: required to create a campaign")
    delivery_type = body.get("campaign_delivery_type")
    if delivery_type == "EVENT_TRIGGERED" and _obj(body.get("trigger_condition")) is None:
        problems.append("trigger_condition: required for EVENT_TRIGGERED campaigns")
    problems.extend(_object_problems(body, delivery_type))
    return problems


def update_problems(body: Mapping[str, Any], delivery_type: str) -> list[str]:
    """Problems in the objects an update (`PATCH /campaigns/{id}`) carries.

    Each object present is checked whole, as it replaces the remote one; absent objects are
    left as they are on the remote and not checked.

    Args:
        body: the complete update request.
        delivery_type: the campaign's `campaign_delivery_type`, which an update cannot change;
            "" when unknown (rules that depend on it are then skipped).

    Returns:
        One `dotted.path: message` string per problem; empty when the body may be sent.
    """
    problems: list[str] = []
    declared = body.get("campaign_delivery_type")
    if declared is not None and delivery_type and declared != delivery_type:
        problems.append(
            f"campaign_delivery_type: cannot change from {delivery_type} to {declared} "
            "after creation"
        )
    problems.extend(_object_problems(body, delivery_type))
    return problems


def _object_problems(body: Mapping[str, Any], delivery_type: Any) -> Iterator[str]:
    basic = _obj(body.get("basic_details"))
    content_type = basic.get("content_type") if basic else None
    if basic is not None:
        yield from _basic_details(basic, delivery_type)
    if (trigger := _obj(body.get("trigger_condition"))) is not None:
        yield from _trigger_condition(trigger, delivery_type)
    if (connector := _obj(body.get("connector"))) is not None:
        yield from _required(connector, "connector", "connector_type", "connector_name")
    if (content := _obj(body.get("campaign_content"))) is not None:
        yield from _campaign_content(content, content_type)
    if (segmentation := _obj(body.get("segmentation_details"))) is not None:
        yield from _segmentation(segmentation)
    if (scheduling := _obj(body.get("scheduling_details"))) is not None:
        yield from _scheduling(scheduling, delivery_type)
    if (utm := _obj(body.get("utm_params"))) is not None:
        yield from _required(utm, "utm_params", "utm_source", "utm_medium")
    control = _obj(body.get("control_group_details"))
    if control is not None and control.get("is_campaign_control_group_enabled") is True:
        yield from _required(
            control, "control_group_details", "campaign_control_group_percentage",
            why="required when the campaign control group is enabled",
        )  # fmt: skip
    if (limit := _obj(body.get("campaign_audience_limit"))) is not None:
        yield from _audience_limit(limit)


def _basic_details(basic: Mapping[str, Any], delivery_type: Any) -> Iterator[str]:
    yield from _required(
        basic, "basic_details", "name", "content_type", "user_attribute_identifier"
    )
    if basic.get("content_type") == "PROMOTIONAL":
        yield from _required(
            basic, "basic_details", "subscription_category",
            why="required for PROMOTIONAL campaigns",
        )  # fmt: skip
    if delivery_type == "BUSINESS_EVENT_TRIGGERED":
        yield from _required(
            basic, "basic_details", "business_event",
            why="required for BUSINESS_EVENT_TRIGGERED campaigns",
        )  # fmt: skip


def _trigger_condition(trigger: Mapping[str, Any], delivery_type: Any) -> Iterator[str]:
    path = "trigger_condition"
    if delivery_type and delivery_type != "EVENT_TRIGGERED":
        yield f"{path}: only EVENT_TRIGGERED campaigns have one (this one is {delivery_type})"
        return
    yield from _required(trigger, path, "included_filters", why="required: the triggering event")
    if trigger.get("trigger_delay_type") == "DELAY":
        yield from _required(
            trigger, path, "trigger_delay_value", "trigger_delay_granularity", "trigger_relation",
            why="required when trigger_delay_type is DELAY",
        )  # fmt: skip
    for key in ("included_filters", "secondary_included_filters"):
        if (group := _obj(trigger.get(key))) is not None:
            yield from _filter_group(group, f"{path}.{key}")


def _segmentation(segmentation: Mapping[str, Any]) -> Iterator[str]:
    path = "segmentation_details"
    included = _obj(segmentation.get("included_filters"))
    has_filter = bool(included and included.get("filters"))
    if segmentation.get("is_all_user_campaign") is not True and not has_filter:
        yield f"{path}: set is_all_user_campaign: true or give at least one included filter"
    for key in ("included_filters", "excluded_filters"):
        if (group := _obj(segmentation.get(key))) is not None:
            yield from _filter_group(group, f"{path}.{key}")


def _filter_group(group: Mapping[str, Any], path: str) -> Iterator[str]:
    yield from _required(group, path, "filter_operator", "filters")
    filters = group.get("filters")
    for index, item in enumerate(filters if isinstance(filters, list) else []):
        if (found := _obj(item)) is not None:
            yield from _filter(found, f"{path}.filters.{index}")


def _filter(item: Mapping[str, Any], path: str) -> Iterator[str]:
    kind = item.get("filter_type")
    if kind == "user_attributes":
        yield from _required(item, path, "data_type", "name", "operator")
        operator, data_type = item.get("operator"), item.get("data_type")
        allowed = OPERATORS_BY_DATA_TYPE.get(data_type, ()) if isinstance(data_type, str) else ()
        if operator is not None and allowed and operator not in allowed:
            yield f"{path}.operator: {operator!r} does not apply to {data_type} attributes"
        if operator is not None and operator not in _VALUELESS_OPERATORS:
            yield from _required(item, path, "value", why=f"required with operator {operator}")
    elif kind == "actions":
        yield from _required(item, path, "action_name")
        if (attributes := _obj(item.get("attributes"))) is not None:
            yield from _filter_group(attributes, f"{path}.attributes")
    elif kind == "custom_segments":
        yield from _required(item, path, "id")
    else:
        yield f"{path}.filter_type: expected user_attributes, actions or custom_segments"


def _scheduling(scheduling: Mapping[str, Any], delivery_type: Any) -> Iterator[str]:
    path = "scheduling_details"
    yield from _required(scheduling, path, "delivery_type")
    when = scheduling.get("delivery_type")
    if when in _NEEDS_START_TIME:
        yield from _required(scheduling, path, "start_time", why=f"required with {when}")
    if when == "SEND_IN_BTS":
        yield from _required(scheduling, path, "bts_details", why=f"required with {when}")
    if when == "SEND_IN_USER_TIMEZONE":
        yield from _required(scheduling, path, "user_timezone_details", why=f"required with {when}")
    if delivery_type == "PERIODIC":
        yield from _required(
            scheduling, path, "periodic_details", why="required for PERIODIC campaigns"
        )
    if (periodic := _obj(scheduling.get("periodic_details"))) is not None:
        yield from _required(periodic, f"{path}.periodic_details", "sending_frequency")
    start, expiry = _time(scheduling.get("start_time")), _time(scheduling.get("expiry_time"))
    if start is not None and expiry is not None and expiry <= start:
        yield f"{path}.expiry_time: must be after start_time"


def _campaign_content(campaign_content: Mapping[str, Any], content_type: Any) -> Iterator[str]:
    path = "campaign_content"
    raw_locales = campaign_content.get("locales")
    locales = (
        [x for x in raw_locales if isinstance(x, str)] if isinstance(raw_locales, list) else []
    )
    if "default" in locales:
        yield f"{path}.locales: 'default' is implied and must not be listed"
    variations = _obj(campaign_content.get("variation_details"))
    count = variations.get("no_of_variations") if variations else None
    count = count if isinstance(count, int) else 1
    if variations is not None:
        yield from _variation_details(variations, f"{path}.variation_details")
    content = _obj(campaign_content.get("content"))
    if content is None:
        yield f"{path}.content: required"
        return
    emails: list[tuple[str, Mapping[str, Any] | None]] = []
    if content.get("email") is not None:
        if locales or count > 1:
            yield (
                f"{path}.content: with locales or variations, write "
                "content.<locale>.variation_N.email, starting with content.default"
            )
        emails.append((f"{path}.content.email", _obj(content["email"])))
    else:
        emails.extend(_localized_emails(content, f"{path}.content"))
        yield from _localized_keys(content, locales, count, f"{path}.content")
    for email_path, email in emails:
        if email is None:
            yield f"{email_path}: required"
        else:
            yield from _email(email, email_path, content_type)


def _localized_emails(
    content: Mapping[str, Any], path: str
) -> Iterator[tuple[str, Mapping[str, Any] | None]]:
    for locale, by_variation in content.items():
        for variation, item in (_obj(by_variation) or {}).items():
            found = _obj(item)
            yield f"{path}.{locale}.{variation}.email", _obj(found.get("email")) if found else None


def _localized_keys(
    content: Mapping[str, Any], locales: list[str], count: int, path: str
) -> Iterator[str]:
    expected = [f"variation_{n}" for n in range(1, count + 1)]
    if "default" not in content:
        yield f"{path}.default: required: the content for users without a listed locale"
    for locale in ["default", *(name for name in locales if name != "default")]:
        by_variation = _obj(content.get(locale))
        if by_variation is None:
            if locale != "default":
                yield f"{path}.{locale}: required for a locale listed in campaign_content.locales"
            continue
        for variation in expected:
            if variation not in by_variation:
                yield f"{path}.{locale}.{variation}: required ({count} variations)"
    for locale, by_variation in content.items():
        if locale != "default" and locale not in locales:
            yield f"{path}.{locale}: not listed in campaign_content.locales"
        for variation in _obj(by_variation) or {}:
            if variation not in expected:
                yield f"{path}.{locale}.{variation}: beyond no_of_variations ({count})"


def _variation_details(variations: Mapping[str, Any], path: str) -> Iterator[str]:
    yield from _required(variations, path, "distribution_type", "no_of_variations")
    kind = variations.get("distribution_type")
    if kind == "SHERPA":
        yield from _required(
            variations, path, "sherpa_campaign_duration", "sherpa_distribution_metric",
            why="required with SHERPA",
        )  # fmt: skip
    if kind != "MANUAL":
        return
    yield from _required(
        variations, path, "manual_distribution_percentage", why="required with MANUAL"
    )
    shares = _obj(variations.get("manual_distribution_percentage"))
    count = variations.get("no_of_variations")
    if shares is None:
        return
    if isinstance(count, int) and set(shares) != {f"variation_{n}" for n in range(1, count + 1)}:
        yield f"{path}.manual_distribution_percentage: give one share per variation ({count})"
    # The V1 example writes "50" and V5 writes 50: compare numerically.
    try:
        total = sum(int(share) for share in shares.values())
    except (TypeError, ValueError):
        yield f"{path}.manual_distribution_percentage: shares must be whole numbers"
        return
    if total != 100:
        yield f"{path}.manual_distribution_percentage: shares add up to {total}, not 100"


def _email(email: Mapping[str, Any], path: str, content_type: Any) -> Iterator[str]:
    yield from _required(email, path, "from_address", "reply_to_address")
    if email.get("custom_template_id") is None:
        yield from _required(
            email, path, "subject", "sender_name", "html_content",
            why="required unless custom_template_id is given",
        )  # fmt: skip
    elif email.get("html_content") is not None:
        yield f"{path}.custom_template_id: use either html_content or custom_template_id, not both"
    if (annotations := _obj(email.get("gmail_annotations"))) is not None:
        if content_type is not None and content_type != "PROMOTIONAL":
            yield (
                f"{path}.gmail_annotations: only PROMOTIONAL campaigns may carry Gmail "
                f"annotations (content_type is {content_type})"
            )
        yield from _gmail_annotations(annotations, f"{path}.gmail_annotations")


def _gmail_annotations(annotations: Mapping[str, Any], path: str) -> Iterator[str]:
    yield from _required(
        annotations, path, "send_email_if_personalization_fails", "sender_logo", "sender_logo_type"
    )
    deal, carousel = _obj(annotations.get("deal_card")), _obj(annotations.get("product_carousel"))
    if (deal is None) == (carousel is None):
        yield f"{path}: give exactly one of deal_card and product_carousel"
    if deal is not None:
        yield from _required(deal, f"{path}.deal_card", *_GMAIL_REQUIRED["deal_card"])
    if carousel is None:
        return
    path = f"{path}.product_carousel"
    yield from _required(carousel, path, "type")
    kind = carousel.get("type")
    data_key = {"MANUAL": "manual_data", "PRODUCT_SET": "product_set_data"}.get(str(kind))
    if data_key is None:
        return
    data = _obj(carousel.get(data_key))
    if data is None:
        yield f"{path}.{data_key}: required with type {kind}"
        return
    yield from _required(data, f"{path}.{data_key}", *_GMAIL_REQUIRED[data_key])
    products = data.get("products") if data_key == "manual_data" else None
    if isinstance(products, list):
        if len(products) < 2:
            yield f"{path}.manual_data.products: at least 2 products"
        for index, product in enumerate(products):
            if (found := _obj(product)) is not None:
                product_path = f"{path}.manual_data.products.{index}"
                yield from _required(found, product_path, *_GMAIL_REQUIRED["product"])


def _audience_limit(limit: Mapping[str, Any]) -> Iterator[str]:
    path = "campaign_audience_limit"
    enabled = limit.get("is_campaign_audience_limit_enabled")
    yield from _required(limit, path, "is_campaign_audience_limit_enabled")
    if enabled is True:
        yield from _required(
            limit, path, "metric", "frequency", "limit", why="required when the limit is enabled"
        )
    elif enabled is False:
        for key in ("metric", "frequency", "limit"):
            if limit.get(key) is not None:
                yield f"{path}.{key}: not sent while the limit is disabled"


def _required(
    obj: Mapping[str, Any], path: str, *keys: str, why: str = "required"
) -> Iterator[str]:
    for key in keys:
        if obj.get(key) is None:
            yield f"{path}.{key}: {why}"


def _obj(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # V1 times without an offset are UTC.
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
