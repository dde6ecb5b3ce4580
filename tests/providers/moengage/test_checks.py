"""The semantic checks on final request bodies: one table of create cases, one of update cases."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from syncer.providers.moengage.checks import create_problems, update_problems
from syncer.providers.moengage.models import EmailCampaign
from syncer.providers.moengage.schema import openapi_document, schema_violations

DROP = object()
"""Marks a key to remove in `changed`."""


def changed(body: dict[str, Any], **edits: Any) -> dict[str, Any]:
    """A deep copy of `body` with `a__b__c=value` set (or removed, with `DROP`)."""
    result = copy.deepcopy(body)
    for dotted, value in edits.items():
        *parents, last = dotted.split("__")
        node = result
        for key in parents:
            node = node.setdefault(key, {})
        if value is DROP:
            node.pop(last, None)
        else:
            node[last] = value
    return result


def vendor_example(name: str) -> dict[str, Any]:
    examples = openapi_document()["paths"]["/campaigns"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]
    return {
        k: v for k, v in examples[name]["value"].items() if k not in ("request_id", "created_by")
    }


BASE = vendor_example("email_one_time_promotional")
GMAIL = vendor_example("email_with_gmail_annotations_deal_card")
ACTION = {"filter_type": "actions", "action_name": "Signed Up", "executed": True}
TRIGGER = {"included_filters": {"filter_operator": "and", "filters": [ACTION]},
           "trigger_delay_type": "ASAP"}  # fmt: skip
WINDOW = {"delivery_type": "AT_FIXED_TIME", "start_time": "2030-01-01T09:00:00",
          "expiry_time": "2030-12-31T09:00:00"}  # fmt: skip
LOCALIZED: dict[str, Any] = {
    "locales": ["fr"],
    "variation_details": {"distribution_type": "MANUAL", "no_of_variations": 2,
                          "manual_distribution_percentage": {"variation_1": 50,
                                                             "variation_2": "50"}},
    "content": {
        locale: {f"variation_{n}": {"email": BASE["campaign_content"]["content"]["email"]}
                 for n in (1, 2)}
        for locale in ("default", "fr")
    },
}  # fmt: skip

VALID_CREATES = {
    "one-time promotional": BASE,
    "event triggered with delay": changed(
        BASE, campaign_delivery_type="EVENT_TRIGGERED", scheduling_details=WINDOW,
        trigger_condition={**TRIGGER, "trigger_delay_type": "DELAY", "trigger_delay_value": 10,
                           "trigger_delay_granularity": "MINUTES", "trigger_relation": "AFTER"},
    ),
    "business event triggered": changed(
        BASE, campaign_delivery_type="BUSINESS_EVENT_TRIGGERED",
        basic_details__business_event="order_shipped", scheduling_details=WINDOW,
    ),
    "periodic": changed(
        BASE, campaign_delivery_type="PERIODIC",
        scheduling_details={**WINDOW, "periodic_details": {"sending_frequency": "WEEKLY",
                                                           "repeat_on_days_of_week": ["MONDAY"]}},
    ),
    "best time to send": changed(
        BASE, scheduling_details={**WINDOW, "delivery_type": "SEND_IN_BTS",
                                  "bts_details": {"send_in_bts": True}},
    ),
    "user timezone": changed(
        BASE, scheduling_details={**WINDOW, "delivery_type": "SEND_IN_USER_TIMEZONE",
                                  "user_timezone_details": {"send_in_user_timezone": True}},
    ),
    "all users, transactional": changed(
        BASE, basic_details__content_type="TRANSACTIONAL",
        basic_details__subscription_category=DROP,
        segmentation_details={"is_all_user_campaign": True},
    ),
    "goals, control group, utm, audience limit": changed(
        BASE,
        conversion_goal_details={"attribution_window_in_hours": 36,
                                 "goals": [{"goal_name": "Goal 1", "goal_event_name": "Bought"}]},
        control_group_details={"is_campaign_control_group_enabled": True,
                               "campaign_control_group_percentage": 5},
        utm_params={"utm_source": "moengage", "utm_medium": "email", "utm_extra": "x"},
        campaign_audience_limit={"is_campaign_audience_limit_enabled": True, "metric": "SENT",
                                 "frequency": "TOTAL", "limit": 1000},
    ),
    **{name: vendor_example(name) for name in (
        "email_with_gmail_annotations_deal_card",
        "email_with_gmail_annotations_product_carousel_manual",
        "email_with_gmail_annotations_product_carousel_product_set",
    )},
}  # fmt: skip


@pytest.mark.parametrize("body", VALID_CREATES.values(), ids=VALID_CREATES)
def test_valid_create_bodies_have_no_problems(body: dict[str, Any]) -> None:
    EmailCampaign.model_validate(body)
    assert create_problems(body) == []
    # The same bodies satisfy the vendor's own schema, so these rules do not contradict it.
    tool_fields = {"request_id": "r-1", "created_by": "bot@acme.io"}
    assert schema_violations({**body, **tool_fields}, "EmailCampaignRequest") == []


def test_saved_template_needs_no_subject_or_sender_name() -> None:
    template = {"from_address": "a@acme.io", "reply_to_address": "a@acme.io",
                "custom_template_id": "tpl-1", "custom_template_version": 2}  # fmt: skip
    body = changed(BASE, campaign_content__content__email=template)
    EmailCampaign.model_validate(body)
    assert create_problems(body) == []
    # The vendor's schema lists both as required even though its own field descriptions
    # waive them with a template; schema.py still reports that, the rules follow the descriptions.
    tool_fields = {"request_id": "r-1", "created_by": "bot@acme.io"}
    assert schema_violations({**body, **tool_fields}, "EmailCampaignRequest") == [
        "campaign_content.content.email: 'sender_name' is a required property",
        "campaign_content.content.email: 'subject' is a required property",
    ]


def test_localized_content_with_variations_is_valid() -> None:
    body = changed(BASE, campaign_content=LOCALIZED)
    EmailCampaign.model_validate(body)
    assert create_problems(body) == []


CREATE_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("no channel", changed(BASE, channel=DROP), "channel: required to create a campaign"),
    ("no delivery type", changed(BASE, campaign_delivery_type=DROP),
     "campaign_delivery_type: required to create a campaign"),
    *[(f"no {key}", changed(BASE, **{key: DROP}), f"{key}: required to create a campaign")
      for key in ("basic_details", "connector", "campaign_content", "segmentation_details",
                  "scheduling_details")],
    *[(f"no basic_details.{key}", changed(BASE, **{f"basic_details__{key}": DROP}),
       f"basic_details.{key}: required")
      for key in ("name", "content_type", "user_attribute_identifier")],
    ("connector without name", changed(BASE, connector__connector_name=DROP),
     "connector.connector_name: required"),
    ("promotional without category", changed(BASE, basic_details__subscription_category=DROP),
     "basic_details.subscription_category: required for PROMOTIONAL campaigns"),
    ("gmail annotations on transactional",
     changed(GMAIL, basic_details__content_type="TRANSACTIONAL"),
     "campaign_content.content.email.gmail_annotations: only PROMOTIONAL campaigns may carry "
     "Gmail annotations (content_type is TRANSACTIONAL)"),
    ("gmail annotations with neither annotation",
     changed(GMAIL, campaign_content__content__email__gmail_annotations__deal_card=DROP),
     "campaign_content.content.email.gmail_annotations: give exactly one of deal_card and "
     "product_carousel"),
    ("deal card without code",
     changed(GMAIL,
             campaign_content__content__email__gmail_annotations__deal_card__discount_code=DROP),
     "campaign_content.content.email.gmail_annotations.deal_card.discount_code: required"),
    ("carousel without its data",
     changed(GMAIL, campaign_content__content__email__gmail_annotations={
         **GMAIL["campaign_content"]["content"]["email"]["gmail_annotations"],
         "deal_card": None, "product_carousel": {"type": "PRODUCT_SET"}}),
     "campaign_content.content.email.gmail_annotations.product_carousel.product_set_data: "
     "required with type PRODUCT_SET"),
    *[(f"no email {key}", changed(BASE, **{f"campaign_content__content__email__{key}": DROP}),
       f"campaign_content.content.email.{key}: {why}")
      for key, why in (("subject", "required unless custom_template_id is given"),
                       ("sender_name", "required unless custom_template_id is given"),
                       ("from_address", "required"), ("reply_to_address", "required"))],
    ("neither html nor template",
     changed(BASE, campaign_content__content__email__html_content=DROP),
     "campaign_content.content.email.html_content: required unless custom_template_id is given"),
    ("html and template",
     changed(BASE, campaign_content__content__email__custom_template_id="tpl-1"),
     "campaign_content.content.email.custom_template_id: use either html_content or "
     "custom_template_id, not both"),
    ("localized without default",
     changed(BASE, campaign_content={**LOCALIZED, "content": {"fr": LOCALIZED["content"]["fr"]}}),
     "campaign_content.content.default: required: the content for users without a listed locale"),
    ("locale without content",
     changed(BASE, campaign_content={**LOCALIZED, "locales": ["fr", "es"]}),
     "campaign_content.content.es: required for a locale listed in campaign_content.locales"),
    ("content for an unlisted locale", changed(BASE, campaign_content={**LOCALIZED, "locales": []}),
     "campaign_content.content.fr: not listed in campaign_content.locales"),
    ("default listed", changed(BASE, campaign_content={**LOCALIZED, "locales": ["fr", "default"]}),
     "campaign_content.locales: 'default' is implied and must not be listed"),
    ("missing variation",
     changed(BASE, campaign_content__variation_details__no_of_variations=3,
             campaign_content__locales=[],
             campaign_content__content={"default": LOCALIZED["content"]["default"]}),
     "campaign_content.content.default.variation_3: required (3 variations)"),
    ("single form with variations",
     changed(BASE, campaign_content__variation_details=LOCALIZED["variation_details"]),
     "campaign_content.content: with locales or variations, write "
     "content.<locale>.variation_N.email, starting with content.default"),
    ("manual shares not adding up",
     changed(BASE, campaign_content={**LOCALIZED, "variation_details": {
         **LOCALIZED["variation_details"],
         "manual_distribution_percentage": {"variation_1": "50", "variation_2": 45}}}),
     "campaign_content.variation_details.manual_distribution_percentage: shares add up to 95, "
     "not 100"),
    ("variation without email",
     changed(BASE, campaign_content={**LOCALIZED, "content": {
         **LOCALIZED["content"], "fr": {"variation_1": {}, "variation_2": None}}}),
     "campaign_content.content.fr.variation_2.email: required"),
    ("variation beyond the count",
     changed(BASE, campaign_content={**LOCALIZED, "content": {
         **LOCALIZED["content"], "default": {**LOCALIZED["content"]["default"],
                                             "variation_3": {"email": {}}}}}),
     "campaign_content.content.default.variation_3: beyond no_of_variations (2)"),
    ("manual shares for other variations",
     changed(BASE, campaign_content={**LOCALIZED, "variation_details": {
         **LOCALIZED["variation_details"],
         "manual_distribution_percentage": {"variation_1": 100}}}),
     "campaign_content.variation_details.manual_distribution_percentage: give one share per "
     "variation (2)"),
    ("manual shares not numbers",
     changed(BASE, campaign_content={**LOCALIZED, "variation_details": {
         **LOCALIZED["variation_details"],
         "manual_distribution_percentage": {"variation_1": "half", "variation_2": 50}}}),
     "campaign_content.variation_details.manual_distribution_percentage: shares must be whole "
     "numbers"),
    ("carousel with one product",
     changed(GMAIL, campaign_content__content__email__gmail_annotations={
         **GMAIL["campaign_content"]["content"]["email"]["gmail_annotations"],
         "deal_card": None, "product_carousel": {"type": "MANUAL", "manual_data": {
             "currency": "USD", "products": [{"id": "p1"}]}}}),
     "campaign_content.content.email.gmail_annotations.product_carousel.manual_data.products: "
     "at least 2 products"),
    ("carousel product without price",
     changed(GMAIL, campaign_content__content__email__gmail_annotations={
         **GMAIL["campaign_content"]["content"]["email"]["gmail_annotations"],
         "deal_card": None, "product_carousel": {"type": "MANUAL", "manual_data": {
             "currency": "USD", "products": [{"id": "p1"}]}}}),
     "campaign_content.content.email.gmail_annotations.product_carousel.manual_data.products.0."
     "original_price: required"),
    ("sherpa without metric",
     changed(BASE, campaign_content={**LOCALIZED, "variation_details": {
         "distribution_type": "SHERPA", "no_of_variations": 2, "sherpa_campaign_duration": 4}}),
     "campaign_content.variation_details.sherpa_distribution_metric: required with SHERPA"),
    ("no audience", changed(BASE, segmentation_details={"is_all_user_campaign": False}),
     "segmentation_details: set is_all_user_campaign: true or give at least one included filter"),
    ("empty filter list",
     changed(BASE, segmentation_details={"included_filters": {"filter_operator": "and",
                                                              "filters": []}}),
     "segmentation_details: set is_all_user_campaign: true or give at least one included filter"),
    ("attribute filter without value",
     changed(BASE, segmentation_details__included_filters__filters=[
         {"filter_type": "user_attributes", "data_type": "string", "name": "city",
          "operator": "in"}]),
     "segmentation_details.included_filters.filters.0.value: required with operator in"),
    ("nested action filter without name",
     changed(BASE, segmentation_details__included_filters__filters=[
         {**ACTION, "attributes": {"filter_operator": "or", "filters": [
             {"filter_type": "custom_segments"}]}}]),
     "segmentation_details.included_filters.filters.0.attributes.filters.0.id: required"),
    ("operator for another data type",
     changed(BASE, segmentation_details__included_filters__filters=[
         {"filter_type": "user_attributes", "data_type": "bool", "name": "vip",
          "operator": "in", "value": [True]}]),
     "segmentation_details.included_filters.filters.0.operator: 'in' does not apply to bool "
     "attributes"),
    ("unknown filter type",
     changed(BASE, segmentation_details__included_filters__filters=[{"filter_type": "events"}]),
     "segmentation_details.included_filters.filters.0.filter_type: expected user_attributes, "
     "actions or custom_segments"),
    ("event triggered without trigger", changed(BASE, campaign_delivery_type="EVENT_TRIGGERED"),
     "trigger_condition: required for EVENT_TRIGGERED campaigns"),
    ("trigger on a one-time campaign", changed(BASE, trigger_condition=TRIGGER),
     "trigger_condition: only EVENT_TRIGGERED campaigns have one (this one is ONE_TIME)"),
    *[(f"delay without {key}",
       changed(BASE, campaign_delivery_type="EVENT_TRIGGERED",
               trigger_condition={**TRIGGER, "trigger_delay_type": "DELAY"}),
       f"trigger_condition.{key}: required when trigger_delay_type is DELAY")
      for key in ("trigger_delay_value", "trigger_delay_granularity", "trigger_relation")],
    ("business event without event",
     changed(BASE, campaign_delivery_type="BUSINESS_EVENT_TRIGGERED"),
     "basic_details.business_event: required for BUSINESS_EVENT_TRIGGERED campaigns"),
    ("periodic without periodic details",
     changed(BASE, campaign_delivery_type="PERIODIC", scheduling_details=WINDOW),
     "scheduling_details.periodic_details: required for PERIODIC campaigns"),
    ("no scheduling delivery type", changed(BASE, scheduling_details={}),
     "scheduling_details.delivery_type: required"),
    *[(f"{kind} without start time", changed(BASE, scheduling_details__delivery_type=kind),
       f"scheduling_details.start_time: required with {kind}")
      for kind in ("AT_FIXED_TIME", "SEND_IN_BTS", "SEND_IN_USER_TIMEZONE")],
    ("bts without details", changed(BASE, scheduling_details={**WINDOW,
                                                              "delivery_type": "SEND_IN_BTS"}),
     "scheduling_details.bts_details: required with SEND_IN_BTS"),
    ("user timezone without details",
     changed(BASE, scheduling_details={**WINDOW, "delivery_type": "SEND_IN_USER_TIMEZONE"}),
     "scheduling_details.user_timezone_details: required with SEND_IN_USER_TIMEZONE"),
    ("expiry before start",
     changed(BASE, scheduling_details={**WINDOW, "expiry_time": "2029-01-01T00:00:00Z"}),
     "scheduling_details.expiry_time: must be after start_time"),
    ("utm without source", changed(BASE, utm_params={"utm_medium": "email"}),
     "utm_params.utm_source: required"),
    ("utm without medium", changed(BASE, utm_params={"utm_source": "moengage"}),
     "utm_params.utm_medium: required"),
    ("control group without percentage",
     changed(BASE, control_group_details={"is_campaign_control_group_enabled": True}),
     "control_group_details.campaign_control_group_percentage: required when the campaign "
     "control group is enabled"),
    ("audience limit enabled without limit",
     changed(BASE, campaign_audience_limit={"is_campaign_audience_limit_enabled": True,
                                            "metric": "SENT", "frequency": "TOTAL"}),
     "campaign_audience_limit.limit: required when the limit is enabled"),
    ("audience limit disabled with limit",
     changed(BASE, campaign_audience_limit={"is_campaign_audience_limit_enabled": False,
                                            "limit": 10}),
     "campaign_audience_limit.limit: not sent while the limit is disabled"),
    ("audience limit in the V1 shape", changed(BASE, campaign_audience_limit={"limit": 10}),
     "campaign_audience_limit.is_campaign_audience_limit_enabled: required"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "problem"), [c[1:] for c in CREATE_CASES],
                         ids=[c[0] for c in CREATE_CASES])  # fmt: skip
def test_create_problem(body: dict[str, Any], problem: str) -> None:
    assert problem in create_problems(body)


def test_create_problems_of_an_empty_body_name_every_required_part() -> None:
    assert create_problems({}) == [
        "channel: required to create a campaign",
        "campaign_delivery_type: required to create a campaign",
        "basic_details: required to create a campaign",
        "connector: required to create a campaign",
        "campaign_content: required to create a campaign",
        "segmentation_details: required to create a campaign",
        "scheduling_details: required to create a campaign",
    ]


def test_problems_tolerate_wrongly_typed_values() -> None:
    body = changed(BASE, campaign_content__content="text",
                   segmentation_details__included_filters=[],
                   scheduling_details__start_time=12)  # fmt: skip
    assert "campaign_content.content: required" in create_problems(body)


UPDATE_EXAMPLE = {
    k: v
    for k, v in openapi_document()["paths"]["/campaigns/{campaign_id}"]["patch"]["requestBody"][
        "content"
    ]["application/json"]["examples"]["email_update_content"]["value"].items()
    if k not in ("request_id", "updated_by")
}

UPDATE_CASES: list[tuple[str, dict[str, Any], str, list[str]]] = [
    ("vendor example", UPDATE_EXAMPLE, "ONE_TIME", []),
    ("absent objects are not checked", {}, "EVENT_TRIGGERED", []),
    ("tool fields are ignored", {"request_id": "r", "updated_by": "a@b.io"}, "PERIODIC", []),
    ("unknown delivery type skips its rules", {"trigger_condition": TRIGGER}, "", []),
    ("object rules apply", {"utm_params": {"utm_source": "a"}}, "ONE_TIME",
     ["utm_params.utm_medium: required"]),
    ("business event on an update of basic details",
     {"basic_details": BASE["basic_details"]}, "BUSINESS_EVENT_TRIGGERED",
     ["basic_details.business_event: required for BUSINESS_EVENT_TRIGGERED campaigns"]),
    ("periodic scheduling without periodic details", {"scheduling_details": WINDOW}, "PERIODIC",
     ["scheduling_details.periodic_details: required for PERIODIC campaigns"]),
    ("trigger on a periodic campaign", {"trigger_condition": TRIGGER}, "PERIODIC",
     ["trigger_condition: only EVENT_TRIGGERED campaigns have one (this one is PERIODIC)"]),
    ("gmail annotations checked against content type in the same body",
     changed(GMAIL, basic_details__content_type="TRANSACTIONAL", channel=DROP,
             campaign_delivery_type=DROP, connector=DROP, segmentation_details=DROP,
             scheduling_details=DROP, delivery_controls=DROP), "ONE_TIME",
     ["campaign_content.content.email.gmail_annotations: only PROMOTIONAL campaigns may carry "
      "Gmail annotations (content_type is TRANSACTIONAL)"]),
    ("delivery type cannot change", {"campaign_delivery_type": "PERIODIC"}, "ONE_TIME",
     ["campaign_delivery_type: cannot change from ONE_TIME to PERIODIC after creation"]),
]  # fmt: skip


@pytest.mark.parametrize(("body", "delivery_type", "problems"), [c[1:] for c in UPDATE_CASES],
                         ids=[c[0] for c in UPDATE_CASES])  # fmt: skip
def test_update_problems(body: dict[str, Any], delivery_type: str, problems: list[str]) -> None:
    assert update_problems(body, delivery_type) == problems


def test_checks_do_not_modify_the_body() -> None:
    body = changed(BASE, campaign_content=LOCALIZED)
    before = copy.deepcopy(body)
    create_problems(body)
    update_problems(body, "ONE_TIME")
    assert body == before
