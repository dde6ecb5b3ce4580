"""The `campaign:` block models: vendor examples and our example files validate, each kind of
bad input fails at the key that caused it, and a declared subset dumps back unchanged."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from ruamel.yaml import YAML

from syncer.model.campaign import CampaignDefinition
from syncer.providers.moengage.models import (
    DELIVERY_TYPES,
    OPERATORS_BY_DATA_TYPE,
    TOP_LEVEL_OBJECTS,
    AttributeOperator,
    EmailCampaign,
    campaign_model,
    declared_loc,
    json_schema,
)
from syncer.providers.moengage.schema import openapi_document
from tests.support.project import example_definitions

TOOL_OWNED = ("request_id", "created_by", "updated_by")


def vendor_examples(path: str, method: str) -> dict[str, dict[str, Any]]:
    """The vendor's EMAIL request examples for one endpoint, minus the fields the tool sets."""
    operation = openapi_document()["paths"][path][method]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    return {
        name: {k: v for k, v in example["value"].items() if k not in TOOL_OWNED}
        for name, example in examples.items()
        if name.startswith("email")
    }


CREATE_EXAMPLES = vendor_examples("/campaigns", "post")
UPDATE_EXAMPLES = vendor_examples("/campaigns/{campaign_id}", "patch")


def dumped(body: dict[str, Any]) -> dict[str, Any]:
    return EmailCampaign.model_validate(body).model_dump(mode="json", exclude_unset=True)


def test_vendor_examples_are_found() -> None:
    assert len(CREATE_EXAMPLES) == 4
    assert list(UPDATE_EXAMPLES) == ["email_update_content"]


@pytest.mark.parametrize(
    "body", [*CREATE_EXAMPLES.values(), *UPDATE_EXAMPLES.values()],
    ids=[*CREATE_EXAMPLES, *UPDATE_EXAMPLES],
)  # fmt: skip
def test_vendor_examples_validate_and_round_trip(body: dict[str, Any]) -> None:
    assert dumped(body) == body


EXAMPLES = example_definitions("moengage")


@pytest.mark.parametrize("definition", EXAMPLES, ids=lambda d: f"{d.key}@{d.target}")
def test_example_files_validate(definition: CampaignDefinition) -> None:
    # Loaded the way the tool loads them: each target's effective block (vars, templates).
    campaign = definition.campaign
    model = EmailCampaign.model_validate(campaign)
    assert model.model_dump(mode="json", exclude_unset=True) == json.loads(json.dumps(campaign))


def test_example_files_are_found() -> None:
    # Five files, one of them for two environments.
    assert len({d.key for d in EXAMPLES}) == 5 and len(EXAMPLES) == 6


PLUS_TWO = timezone(timedelta(hours=2))

# (case id, the `campaign:` block, expected loc, expected error type)
BAD_INPUTS: list[tuple[str, dict[str, Any], tuple[str | int, ...], str]] = [
    ("unknown top-level key", {"chanel": "EMAIL"}, ("chanel",), "extra_forbidden"),
    ("unknown nested key", {"basic_details": {"nmae": "x"}}, ("basic_details", "nmae"),
     "extra_forbidden"),
    ("bad enum", {"campaign_delivery_type": "API_TRIGGERED"}, ("campaign_delivery_type",),
     "literal_error"),
    ("content type case", {"basic_details": {"content_type": "promotional"}},
     ("basic_details", "content_type"), "literal_error"),
    ("filter operator AND",
     {"segmentation_details": {"included_filters": {"filter_operator": "AND", "filters": []}}},
     ("segmentation_details", "included_filters", "filter_operator"), "literal_error"),
    ("operator case",
     {"segmentation_details": {"included_filters": {"filters": [
         {"filter_type": "user_attributes", "data_type": "double", "operator": "lessthan"}]}}},
     ("segmentation_details", "included_filters", "filters", 0, "operator"), "literal_error"),
    ("filter data_type case",
     {"segmentation_details": {"included_filters": {"filters": [
         {"filter_type": "user_attributes", "data_type": "STRING"}]}}},
     ("segmentation_details", "included_filters", "filters", 0, "data_type"), "literal_error"),
    ("operator for another data type",
     {"segmentation_details": {"included_filters": {"filters": [
         {"filter_type": "user_attributes", "data_type": "bool", "operator": "contains"}]}}},
     ("segmentation_details", "included_filters", "filters", 0, "operator"),
     "operator_data_type"),
    ("unknown filter type",
     {"segmentation_details": {"included_filters": {"filters": [{"filter_type": "events"}]}}},
     ("segmentation_details", "included_filters", "filters", 0), "union_tag_invalid"),
    ("nested action attribute filter",
     {"trigger_condition": {"included_filters": {"filters": [
         {"filter_type": "actions", "action_name": "Bought", "attributes": {"filters": [
             {"filter_type": "user_attributes", "data_type": "double", "operator": "today"}]}}]}}},
     ("trigger_condition", "included_filters", "filters", 0, "attributes", "filters", 0,
      "operator"), "operator_data_type"),
    ("goal data_type lower case",
     {"conversion_goal_details": {"goals": [{"goal_event_attribute": {"data_type": "string"}}]}},
     ("conversion_goal_details", "goals", 0, "goal_event_attribute", "data_type"),
     "literal_error"),
    ("editor spelling",
     {"campaign_content": {"content": {"email": {"email_editor": "Ace"}}}},
     ("campaign_content", "content", "email", "email_editor"), "literal_error"),
    ("sherpa metric spelling",
     {"campaign_content": {"variation_details": {"sherpa_distribution_metric": "OPEN_RATE"}}},
     ("campaign_content", "variation_details", "sherpa_distribution_metric"), "literal_error"),
    ("occurrences spelled correctly",
     {"scheduling_details": {"periodic_details": {"no_of_occurrences": 3}}},
     ("scheduling_details", "periodic_details", "no_of_occurrences"), "extra_forbidden"),
    ("number for a string", {"connector": {"connector_name": 4012}},
     ("connector", "connector_name"), "string_type"),
    ("bool for a string", {"basic_details": {"tags": ["a", True]}},
     ("basic_details", "tags", 1), "string_type"),
    ("string for a bool", {"segmentation_details": {"is_all_user_campaign": "yes"}},
     ("segmentation_details", "is_all_user_campaign"), "bool_type"),
    ("string for an int", {"delivery_controls": {"campaign_throttle_rpm": "500"}},
     ("delivery_controls", "campaign_throttle_rpm"), "int_type"),
    ("object for a string", {"basic_details": {"name": {"en": "x"}}},
     ("basic_details", "name"), "string_type"),
    ("bad email", {"campaign_content": {"content": {"email": {"from_address": "acme.io"}}}},
     ("campaign_content", "content", "email", "from_address"), "email"),
    ("bad cc email", {"campaign_content": {"content": {"email": {"cc_ids": ["a@b.io", "b@"]}}}},
     ("campaign_content", "content", "email", "cc_ids", 1), "email"),
    ("time without seconds", {"scheduling_details": {"start_time": "2024-06-21T12:59"}},
     ("scheduling_details", "start_time"), "utc_time"),
    ("time with space", {"scheduling_details": {"start_time": "2024-06-21 12:59:00"}},
     ("scheduling_details", "start_time"), "utc_time"),
    ("time with offset", {"scheduling_details": {"expiry_time": "2024-06-21T12:59:00+05:30"}},
     ("scheduling_details", "expiry_time"), "utc_time"),
    ("impossible date", {"scheduling_details": {"start_time": "2024-02-30T12:59:00"}},
     ("scheduling_details", "start_time"), "utc_time"),
    ("date only", {"scheduling_details": {"start_time": date(2024, 6, 21)}},
     ("scheduling_details", "start_time"), "utc_time"),
    ("aware datetime with offset",
     {"scheduling_details": {"start_time": datetime(2024, 6, 21, tzinfo=PLUS_TWO)}},
     ("scheduling_details", "start_time"), "utc_time"),
    ("time with a fraction",
     {"scheduling_details": {"start_time": datetime(2024, 6, 21, 12, 0, 0, 500)}},
     ("scheduling_details", "start_time"), "utc_time"),
    ("time as a number", {"scheduling_details": {"start_time": 20240621}},
     ("scheduling_details", "start_time"), "string_type"),
    ("deal card time without offset from YAML",
     {"campaign_content": {"content": {"email": {"gmail_annotations": {"deal_card": {
         "availability_ends": datetime(2026, 6, 1)}}}}}},
     ("campaign_content", "content", "email", "gmail_annotations", "deal_card",
      "availability_ends"), "offset_time"),
    ("deal card time not a time",
     {"campaign_content": {"content": {"email": {"gmail_annotations": {"deal_card": {
         "availability_starts": "June 1st"}}}}}},
     ("campaign_content", "content", "email", "gmail_annotations", "deal_card",
      "availability_starts"), "offset_time"),
    ("expiry before start",
     {"scheduling_details": {"start_time": "2024-06-21T12:00:00",
                             "expiry_time": "2024-06-21T11:00:00"}},
     ("scheduling_details", "expiry_time"), "expiry_time"),
    ("V5 timezone", {"scheduling_details": {"timezone": "Asia/Kolkata"}},
     ("scheduling_details", "timezone"), "v5_only"),
    ("utm custom key without prefix", {"utm_params": {"utm_source": "x", "source2": "y"}},
     ("utm_params", "source2"), "utm_prefix"),
    ("utm custom value not a string", {"utm_params": {"utm_id": 7}},
     ("utm_params", "utm_id"), "string_type"),
    ("six custom utm keys", {"utm_params": {f"utm_k{n}": "v" for n in range(6)}},
     ("utm_params",), "utm_custom_count"),
    ("percentages not summing to 100",
     {"campaign_content": {"variation_details": {
         "manual_distribution_percentage": {"variation_1": "50", "variation_2": 45}}}},
     ("campaign_content", "variation_details", "manual_distribution_percentage"),
     "percentage_sum"),
    ("percentage above 100",
     {"campaign_content": {"variation_details": {
         "manual_distribution_percentage": {"variation_1": 101}}}},
     ("campaign_content", "variation_details", "manual_distribution_percentage", "variation_1"),
     "less_than_equal"),
    ("percentage not numeric",
     {"campaign_content": {"variation_details": {
         "manual_distribution_percentage": {"variation_1": "half"}}}},
     ("campaign_content", "variation_details", "manual_distribution_percentage", "variation_1"),
     "int_type"),
    ("percentage for a variation beyond the count",
     {"campaign_content": {"variation_details": {"no_of_variations": 1,
         "manual_distribution_percentage": {"variation_1": 40, "variation_2": 60}}}},
     ("campaign_content", "variation_details", "manual_distribution_percentage"),
     "unknown_variation"),
    ("bad variation key",
     {"campaign_content": {"variation_details": {
         "manual_distribution_percentage": {"A": 100}}}},
     ("campaign_content", "variation_details", "manual_distribution_percentage", "A", "[key]"),
     "variation_key"),
    ("default listed in locales", {"campaign_content": {"locales": ["fr", "default"]}},
     ("campaign_content", "locales", 1), "default_locale"),
    ("repeated locale", {"campaign_content": {"locales": ["fr", "fr"]}},
     ("campaign_content", "locales"), "repeated_locale"),
    ("both content forms",
     {"campaign_content": {"content": {"email": {"subject": "a"},
                                       "default": {"variation_1": {"email": {}}}}}},
     ("campaign_content", "content"), "content_form"),
    ("bad key in a localized email",
     {"campaign_content": {"content": {"fr": {"variation_2": {"email": {"subjet": "a"}}}}}},
     ("campaign_content", "content", "fr", "variation_2", "email", "subjet"), "extra_forbidden"),
    ("variation key in localized content",
     {"campaign_content": {"content": {"default": {"v1": {"email": {}}}}}},
     ("campaign_content", "content", "default", "v1", "[key]"), "variation_key"),
    ("html and template", {"campaign_content": {"content": {"email": {
        "html_content": "<p/>", "custom_template_id": "t1"}}}},
     ("campaign_content", "content", "email", "custom_template_id"), "template_or_html"),
    ("audience limit V1 shape", {"campaign_audience_limit": {"limit": 5, "metrics": "SENT"}},
     ("campaign_audience_limit", "metrics"), "extra_forbidden"),
    ("audience limit metric", {"campaign_audience_limit": {"metric": "OPENED"}},
     ("campaign_audience_limit", "metric"), "literal_error"),
    ("audience limit frequency", {"campaign_audience_limit": {"frequency": "DAILY"}},
     ("campaign_audience_limit", "frequency"), "literal_error"),
    ("audience limit zero", {"campaign_audience_limit": {"limit": 0}},
     ("campaign_audience_limit", "limit"), "greater_than_equal"),
    ("audience limit too large", {"campaign_audience_limit": {"limit": 10_000_000_000}},
     ("campaign_audience_limit", "limit"), "less_than_equal"),
    ("audience limit disabled but set",
     {"campaign_audience_limit": {"is_campaign_audience_limit_enabled": False,
                                  "frequency": "TOTAL"}},
     ("campaign_audience_limit", "frequency"), "audience_limit"),
    ("audience limit enabled but cleared",
     {"campaign_audience_limit": {"is_campaign_audience_limit_enabled": True, "limit": None}},
     ("campaign_audience_limit", "limit"), "audience_limit"),
    ("control group above 100",
     {"control_group_details": {"campaign_control_group_percentage": 120}},
     ("control_group_details", "campaign_control_group_percentage"), "less_than_equal"),
    ("deal card and carousel",
     {"campaign_content": {"content": {"email": {"gmail_annotations": {
         "deal_card": {"discount_code": "X"}, "product_carousel": {"type": "MANUAL"}}}}}},
     ("campaign_content", "content", "email", "gmail_annotations", "product_carousel"),
     "one_annotation"),
    ("deal card shorter than an hour",
     {"campaign_content": {"content": {"email": {"gmail_annotations": {"deal_card": {
         "availability_starts": "2026-06-01T00:00:00Z",
         "availability_ends": "2026-06-01T00:30:00Z"}}}}}},
     ("campaign_content", "content", "email", "gmail_annotations", "deal_card",
      "availability_ends"), "deal_window"),
    ("deal card without offset",
     {"campaign_content": {"content": {"email": {"gmail_annotations": {"deal_card": {
         "availability_starts": "2026-06-01T00:00:00"}}}}}},
     ("campaign_content", "content", "email", "gmail_annotations", "deal_card",
      "availability_starts"), "offset_time"),
    ("carousel data for the other type",
     {"campaign_content": {"content": {"email": {"gmail_annotations": {"product_carousel": {
         "type": "MANUAL", "product_set_data": {"product_count": 3}}}}}}},
     ("campaign_content", "content", "email", "gmail_annotations", "product_carousel",
      "product_set_data"), "carousel_type"),
    ("carousel with one product",
     {"campaign_content": {"content": {"email": {"gmail_annotations": {"product_carousel": {
         "manual_data": {"products": [{"id": "p1"}]}}}}}}},
     ("campaign_content", "content", "email", "gmail_annotations", "product_carousel",
      "manual_data", "products"), "too_short"),
    ("sender logo over http",
     {"campaign_content": {"content": {"email": {"gmail_annotations": {
         "sender_logo": "http://acme.io/logo.png"}}}}},
     ("campaign_content", "content", "email", "gmail_annotations", "sender_logo"), "https_url"),
    ("PUSH channel", {"channel": "PUSH"}, ("channel",), "channel"),
    ("lower-case channel", {"channel": "email"}, ("channel",), "channel"),
    ("request_id in the file", {"request_id": "r-1"}, ("request_id",), "tool_owned"),
    ("created_by in the file", {"created_by": "a@b.io"}, ("created_by",), "tool_owned"),
    ("updated_by in the file", {"updated_by": "a@b.io"}, ("updated_by",), "tool_owned"),
    ("campaign_id in the file", {"campaign_id": "66a1"}, ("campaign_id",), "tool_owned"),
    ("status in the file", {"status": "ACTIVE"}, ("status",), "tool_owned"),
    ("V5 delivery control", {"delivery_controls": {"limit_send_config": {"enabled": True}}},
     ("delivery_controls", "limit_send_config"), "extra_forbidden"),
    ("trigger delay type push only",
     {"trigger_condition": {"trigger_delay_type": "INTELLIGENT_DELAY"}},
     ("trigger_condition", "trigger_delay_type"), "literal_error"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "loc", "kind"), [c[1:] for c in BAD_INPUTS],
                         ids=[c[0] for c in BAD_INPUTS])  # fmt: skip
def test_bad_input_fails_at_the_offending_key(
    body: dict[str, Any], loc: tuple[str | int, ...], kind: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        EmailCampaign.model_validate(body)
    errors = [(declared_loc(e["loc"]), e["type"]) for e in caught.value.errors()]
    assert (loc, kind) in errors


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"channel": "PUSH"}, "EMAIL campaigns only; PUSH is not supported"),
        ({"request_id": "r"}, "generated by the tool"),
        ({"status": "ACTIVE"}, "top-level state:"),
        ({"scheduling_details": {"timezone": "UTC"}}, "V1 reads start_time and expiry_time as UTC"),
        ({"connector": {"connector_name": 4012}}, "YAML read 4012 as a number; quote it"),
        ({"scheduling_details": {"start_time": "2024-06-21T12:59:00-07:00"}}, "offset -07:00"),
    ],
)
def test_messages_say_what_to_do(body: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        EmailCampaign.model_validate(body)


def test_declared_subset_round_trips_with_explicit_nulls() -> None:
    body = {
        "campaign_content": {"content": {"email": {"subject": "Hi", "preview_text": None}}},
        "utm_params": {"utm_term": None, "utm_extra": None},
        "scheduling_details": {"expiry_time": None},
        "control_group_details": None,
        "segmentation_details": {"included_filters": {"filters": [
            {"filter_type": "user_attributes", "name": "plan", "value": None},
        ]}},
    }  # fmt: skip
    assert dumped(body) == body


def test_lenient_inputs_are_normalised() -> None:
    body = {
        "scheduling_details": {
            "start_time": datetime(2030, 1, 1, 9, tzinfo=UTC),
            "expiry_time": "2030-02-01T09:00:00Z",
        },
        "campaign_content": {"variation_details": {
            "manual_distribution_percentage": {"variation_1": "60", "variation_2": 40},
        }},
        "segmentation_details": {"included_filters": {"filters": [
            {"filter_type": "user_attributes", "data_type": "datetime", "operator": "on",
             "value": date(2030, 1, 1)},
        ]}},
    }  # fmt: skip
    assert dumped(body) == {
        "scheduling_details": {
            "start_time": "2030-01-01T09:00:00",
            "expiry_time": "2030-02-01T09:00:00",
        },
        "campaign_content": {"variation_details": {
            "manual_distribution_percentage": {"variation_1": 60, "variation_2": 40},
        }},
        "segmentation_details": {"included_filters": {"filters": [
            {"filter_type": "user_attributes", "data_type": "datetime", "operator": "on",
             "value": "2030-01-01"},
        ]}},
    }  # fmt: skip


def test_unquoted_yaml_timestamps() -> None:
    doc = YAML(typ="rt").load(
        "scheduling_details:\n"
        "  start_time: 2024-06-21T12:59:00\n"
        "  expiry_time: 2024-07-01T00:00:00Z\n"
    )
    assert dumped(doc)["scheduling_details"] == {
        "start_time": "2024-06-21T12:59:00",
        "expiry_time": "2024-07-01T00:00:00",
    }
    with pytest.raises(ValidationError, match="offset"):
        EmailCampaign.model_validate(
            YAML(typ="rt").load("scheduling_details:\n  start_time: 2024-06-21T12:59:00+05:30\n")
        )


def test_personalisation_tokens_pass_as_emails() -> None:
    email = {"from_address": "{{from_address}}", "cc_ids": ["{{UserAttribute['Manager']}}"]}
    body = {"campaign_content": {"content": {"email": email}}}
    assert dumped(body) == body


def test_models_are_frozen() -> None:
    model = EmailCampaign.model_validate({"channel": "EMAIL"})
    with pytest.raises(ValidationError):
        model.channel = None  # type: ignore[misc]


def test_constants_match_the_model() -> None:
    assert campaign_model() is EmailCampaign
    assert DELIVERY_TYPES == ("ONE_TIME", "PERIODIC", "EVENT_TRIGGERED", "BUSINESS_EVENT_TRIGGERED")
    assert set(TOP_LEVEL_OBJECTS) <= set(EmailCampaign.model_fields)
    assert set(get_args(AttributeOperator)) == {
        op for ops in OPERATORS_BY_DATA_TYPE.values() for op in ops
    }


def test_json_schema_describes_the_block() -> None:
    schema = json_schema()
    json.dumps(schema)
    assert set(schema["properties"]) == {"channel", "campaign_delivery_type", *TOP_LEVEL_OBJECTS}
    assert schema["additionalProperties"] is False
    filters = schema["$defs"]["FilterGroup"]["properties"]["filters"]["anyOf"][0]["items"]
    assert set(filters["discriminator"]["mapping"]) == {
        "user_attributes",
        "actions",
        "custom_segments",
    }
    assert "timezone" not in schema["$defs"]["SchedulingDetails"]["properties"]
    assert schema["$defs"]["UtmParams"]["propertyNames"] == {"pattern": "^utm_"}


def test_declared_loc_drops_filter_tags_only() -> None:
    loc = ("segmentation_details", "included_filters", "filters", 0, "actions", "attributes",
           "filters", 2, "user_attributes", "operator")  # fmt: skip
    assert declared_loc(loc) == (
        "segmentation_details", "included_filters", "filters", 0, "attributes", "filters", 2,
        "operator",
    )  # fmt: skip
    assert declared_loc(("utm_params", "actions")) == ("utm_params", "actions")


# ---------------------------------------------------------------------------------------------
# Property: any valid declared body round-trips unchanged


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def partial(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict declaring any subset of `fields`."""
    return st.fixed_dictionaries({}, optional=fields)


TEXT = st.text(max_size=12)
EMAIL = st.from_regex(r"[a-z0-9._+-]{1,8}@[a-z0-9-]{1,8}\.[a-z]{2,4}", fullmatch=True) | st.just(
    "{{reply_to}}"
)
TIMES = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)).map(
    lambda t: t.replace(microsecond=0)
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def user_attribute_filters(draw: st.DrawFn) -> dict[str, Any]:
    data_type = draw(st.sampled_from(sorted(OPERATORS_BY_DATA_TYPE)))
    body = draw(partial(category=maybe(TEXT), name=TEXT, value=JSON, negate=maybe(st.booleans())))
    body.update(
        filter_type="user_attributes",
        data_type=data_type,
        operator=draw(st.sampled_from(OPERATORS_BY_DATA_TYPE[data_type])),
    )
    return body


FILTER_GROUPS: st.SearchStrategy[dict[str, Any]] = st.deferred(
    lambda: partial(
        filter_operator=st.sampled_from(["and", "or"]),
        filters=st.lists(
            user_attribute_filters()
            | partial(action_name=TEXT, executed=st.booleans(), attributes=FILTER_GROUPS,
                      execution=partial(type=st.sampled_from(["atleast", "exactly"]),
                                        count=st.integers(0, 5)))
            .map(lambda f: {"filter_type": "actions", **f})
            | partial(id=TEXT, name=maybe(TEXT))
            .map(lambda f: {"filter_type": "custom_segments", **f}),
            max_size=3,
        ),
    )
)  # fmt: skip

EMAILS = partial(
    subject=maybe(TEXT), preview_text=maybe(TEXT), sender_name=TEXT, from_address=EMAIL,
    reply_to_address=maybe(EMAIL), cc_ids=st.lists(EMAIL, max_size=2), html_content=TEXT,
    email_editor=st.sampled_from(["Froala Editor", "Ace Editor"]),
    attachments=st.lists(partial(file_type=st.just("URL"), url=TEXT), max_size=1),
    gmail_annotations=partial(
        sender_logo=st.just("https://acme.io/l.png"), sender_logo_type=st.just("image_url"),
        deal_card=TIMES.map(lambda t: {
            "description": "d", "availability_starts": t.isoformat() + "+05:30",
            "availability_ends": (t + timedelta(hours=2)).isoformat() + "+05:30",
        }),
    ),
)  # fmt: skip


@st.composite
def variation_details(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1)))
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return {
        "distribution_type": "MANUAL",
        "no_of_variations": count,
        "manual_distribution_percentage": {f"variation_{n + 1}": s for n, s in enumerate(shares)},
    }


LOCALIZED = st.dictionaries(
    st.sampled_from(["default", "fr", "de-DE"]),
    st.dictionaries(st.sampled_from(["variation_1", "variation_2"]),
                    maybe(partial(email=maybe(EMAILS))), max_size=2),
    min_size=1, max_size=3,
)  # fmt: skip


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(TIMES)
    return draw(
        partial(
            delivery_type=st.sampled_from(["ASAP", "AT_FIXED_TIME", "SEND_IN_BTS"]),
            start_time=st.just(start.strftime("%Y-%m-%dT%H:%M:%S")),
            expiry_time=st.just((start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")),
            periodic_details=partial(
                sending_frequency=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]),
                no_of_occurences=st.integers(1, 9),
                repeat_on_days_of_week=st.lists(st.sampled_from(["MONDAY", "SUNDAY"]), max_size=2),
                repeat_on_date_of_month=st.lists(st.integers(1, 31), max_size=2),
            ),
            bts_details=partial(send_in_bts=st.booleans(), window_end_time=st.just("6:43 am")),
        )
    )  # fmt: skip


BODIES = partial(
    channel=st.just("EMAIL"),
    campaign_delivery_type=st.sampled_from(DELIVERY_TYPES),
    basic_details=partial(
        name=TEXT, content_type=st.sampled_from(["PROMOTIONAL", "TRANSACTIONAL"]),
        tags=st.lists(TEXT, max_size=2), send_only_double_opt_in_users=maybe(st.booleans()),
    ),
    trigger_condition=partial(
        included_filters=FILTER_GROUPS, trigger_delay_type=st.sampled_from(["ASAP", "DELAY"]),
        trigger_delay_value=st.integers(0, 100), trigger_relation=st.sampled_from(["AFTER"]),
        trigger_attr=partial(name=TEXT),
    ),
    connector=partial(connector_type=TEXT, connector_name=maybe(TEXT)),
    campaign_content=partial(locales=st.lists(st.sampled_from(["fr", "de-DE"]), unique=True),
                             variation_details=variation_details(),
                             content=partial(email=EMAILS) | LOCALIZED),
    segmentation_details=partial(included_filters=FILTER_GROUPS,
                                 excluded_filters=maybe(FILTER_GROUPS),
                                 is_all_user_campaign=st.booleans()),
    scheduling_details=schedules(),
    delivery_controls=partial(campaign_throttle_rpm=st.integers(1, 10**6),
                              bypass_dnd=st.booleans()),
    conversion_goal_details=partial(
        attribution_window_in_hours=st.integers(1, 72),
        goals=st.lists(partial(goal_name=TEXT, goal_event_attribute=partial(
            data_type=st.sampled_from(["STRING", "ARRAY_OBJECT"]), value=TEXT)), max_size=2),
    ),
    control_group_details=partial(campaign_control_group_percentage=st.integers(0, 100),
                                  is_campaign_control_group_enabled=st.booleans()),
    utm_params=partial(utm_source=TEXT, utm_medium=TEXT, utm_custom=maybe(TEXT))
    | st.dictionaries(st.sampled_from([f"utm_x{n}" for n in range(8)]), TEXT, max_size=5),
    campaign_audience_limit=st.just({"is_campaign_audience_limit_enabled": False})
    | st.fixed_dictionaries({
        "is_campaign_audience_limit_enabled": st.just(True), "metric": st.just("SENT"),
        "frequency": st.sampled_from(["TOTAL", "INSTANCE"]), "limit": st.integers(1, 9_999_999_999),
    }),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(body=BODIES)
def test_valid_bodies_round_trip_unchanged(body: dict[str, Any]) -> None:
    assert dumped(copy.deepcopy(body)) == body
