"""The Batch `campaign:` block: complete campaigns validate and dump back unchanged; each kind of
bad input fails at the key that caused it, with a message that says what to write."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import PurePosixPath
from typing import Any

import pytest
from pydantic import ValidationError

from syncer.model.campaign import CampaignDefinition
from syncer.providers.batch import models
from tests.providers.batch.helpers import EMAIL, PUSH, email, push, with_message
from tests.support.project import example_definitions

EXAMPLES = example_definitions("batch")


def test_example_files_are_found() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("definition", EXAMPLES, ids=lambda d: PurePosixPath(d.key).stem)
def test_example_files_validate_and_round_trip(definition: CampaignDefinition) -> None:
    # Loaded the way the tool loads them: the effective block (templates rendered).
    campaign = definition.campaign
    assert models.validate(campaign) == campaign


GOOD = {
    "email": EMAIL,
    "push": PUSH,
    "everyone": email(targeting={}),
    "now": push(when={"start_time": "now"}),
    "yaml datetime in UTC": push(when={"start_time": dt.datetime(2030, 4, 1, 8, tzinfo=dt.UTC)}),
    "send rate bounds": email(send_rate=1000),
    "email languages": with_message(
        email(),
        languages=[
            {
                "language": "en",
                "subject": "Hi",
                "sender_identity_id": "4013",
                "reply_to": {"email_address": "a@acme.example"},
                "html": "<p>Hi</p>",
            }
        ],
    ),
    "query with a YAML date": email(targeting={"query": {"since": {"$gt": dt.date(2024, 1, 1)}}}),
    "imported email": email(targeting="unknown", messages="unknown"),
}


@pytest.mark.parametrize("block", GOOD.values(), ids=GOOD.keys())
def test_good_blocks_validate(block: dict[str, Any]) -> None:
    result = models.validate(copy.deepcopy(block))
    assert list(result) == [k for k in models.FIELD_ORDER if k in result]
    assert json.loads(json.dumps(result)) == result


def test_declared_values_dump_back_unchanged() -> None:
    assert models.validate(copy.deepcopy(EMAIL)) == EMAIL
    assert models.validate(copy.deepcopy(PUSH)) == PUSH


def test_start_time_forms_are_written_the_same_way() -> None:
    for value in (
        "2030-04-01T08:00:00+00:00",
        dt.datetime(2030, 4, 1, 8, tzinfo=dt.UTC),
        dt.datetime(2030, 4, 1, 8, tzinfo=dt.timezone(dt.timedelta(0), "Z")),
    ):
        result = models.validate(push(when={"start_time": value}))
        assert result["when"] == {"start_time": "2030-04-01T08:00:00Z"}


def test_explicit_nulls_are_left_out() -> None:
    result = models.validate(with_message(push(), title=None, deeplink=None))
    assert "title" not in result["messages"][0]


PLUS_TWO = dt.timezone(dt.timedelta(hours=2))

# (case id, the `campaign:` block, expected loc, expected error type)
BAD: list[tuple[str, dict[str, Any], tuple[str | int, ...], str]] = [
    ("state inside campaign", email(state="RUNNING"), ("state",), "state_in_campaign"),
    ("id inside campaign", email(id="orchestration_x"), ("id",), "id_in_campaign"),
    ("unknown key", email(nmae="x"), ("nmae",), "extra_forbidden"),
    ("name missing", {k: v for k, v in EMAIL.items() if k != "name"}, ("name",), "missing"),
    ("when missing", {k: v for k, v in EMAIL.items() if k != "when"}, ("when",), "missing"),
    ("targeting missing", {k: v for k, v in EMAIL.items() if k != "targeting"}, ("targeting",),
     "targeting_required"),
    ("targeting null", email(targeting=None), ("targeting",), "targeting_required"),
    ("messages missing", {k: v for k, v in EMAIL.items() if k != "messages"}, ("messages",),
     "messages_required"),
    ("two messages", email(messages=EMAIL["messages"] * 2), ("messages",), "one_message"),
    # Batch's examples give an address; "" is a rendered page's obfuscation, not a value.
    ("empty reply-to", with_message(email(), reply_to={"email_address": ""}),
     ("messages", 0, "email", "reply_to", "email_address"), "email"),
    ("no message", email(messages=[]), ("messages",), "one_message"),
    ("unknown targeting key", email(targeting={"segments": ["vip"]}), ("targeting", "segments"),
     "extra_forbidden"),
    ("empty language list", email(targeting={"languages": []}), ("targeting", "languages"),
     "empty"),
    ("empty query", email(targeting={"query": {}}), ("targeting", "query"), "empty"),
    ("duplicate region", email(targeting={"regions": ["FR", "FR"]}), ("targeting", "regions"),
     "duplicate"),
    ("six labels", email(labels=list("abcdef")), ("labels",), "too_many_labels"),
    ("duplicate label", email(labels=["a", "a"]), ("labels",), "duplicate"),
    ("send rate too low", email(send_rate=999), ("send_rate",), "greater_than_equal"),
    ("send rate too high", email(send_rate=1_000_001), ("send_rate",), "less_than_equal"),
    ("send rate as text", email(send_rate="5000"), ("send_rate",), "int_type"),
    ("sender id as a number", with_message(email(), sender_identity_id=4012),
     ("messages", 0, "email", "sender_identity_id"), "string_type"),
    ("subject missing", email(messages=[{k: v for k, v in EMAIL["messages"][0].items()
                                         if k != "subject"}]),
     ("messages", 0, "email", "subject"), "missing"),
    ("reply-to not an email", with_message(email(), reply_to={"email_address": "support"}),
     ("messages", 0, "email", "reply_to", "email_address"), "email"),
    ("unknown channel", with_message(email(), channel_type="sms"), ("messages", 0),
     "union_tag_invalid"),
    ("no platform", with_message(push(), platform_type=[]),
     ("messages", 0, "push", "platform_type"), "empty"),
    ("bad platform", with_message(push(), platform_type=["windows"]),
     ("messages", 0, "push", "platform_type", 0), "literal_error"),
    ("push field on email", with_message(email(), body="x"),
     ("messages", 0, "email", "body"), "extra_forbidden"),
    ("local_time as text", push(when={"start_time": "now", "local_time": "yes"}),
     ("when", "local_time"), "bool_type"),
    ("start time without zone", push(when={"start_time": "2030-04-01T08:00:00"}),
     ("when", "start_time"), "start_time"),
    ("start time with offset", push(when={"start_time": "2030-04-01T08:00:00+02:00"}),
     ("when", "start_time"), "start_time"),
    ("YAML datetime with offset",
     push(when={"start_time": dt.datetime(2030, 4, 1, 8, tzinfo=PLUS_TWO)}),
     ("when", "start_time"), "start_time"),
    ("YAML datetime without zone", push(when={"start_time": dt.datetime(2030, 4, 1, 8)}),
     ("when", "start_time"), "start_time"),
    ("date only", push(when={"start_time": dt.date(2030, 4, 1)}), ("when", "start_time"),
     "start_time"),
    ("impossible date", push(when={"start_time": "2030-02-30T08:00:00Z"}),
     ("when", "start_time"), "start_time"),
    ("misspelt unknown", email(messages="unknwon"), ("messages",), "list_type"),
]  # fmt: skip


@pytest.mark.parametrize(("block", "loc", "kind"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_blocks_fail_at_the_offending_key(
    block: dict[str, Any], loc: tuple[str | int, ...], kind: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        models.validate(block)
    errors = [(e["loc"], e["type"]) for e in caught.value.errors()]
    assert (loc, kind) in errors, errors


def test_messages_say_what_to_write() -> None:
    def message(block: dict[str, Any]) -> str:
        with pytest.raises(ValidationError) as caught:
            models.validate(block)
        return str(caught.value.errors()[0]["msg"])

    assert "`targeting: {}`" in message({k: v for k, v in EMAIL.items() if k != "targeting"})
    assert "quote it" in message(with_message(email(), sender_identity_id=4012))
    assert "top level" in message(email(state="DRAFT"))
    assert "convert it and write Z" in message(
        push(when={"start_time": "2030-04-01T08:00:00+02:00"})
    )


def test_json_schema_requires_the_complete_campaign() -> None:
    schema = models.json_schema()
    assert schema["required"] == ["name", "when", "targeting", "messages"]
    assert {"const": "unknown"}.items() <= schema["properties"]["messages"]["anyOf"][-1].items()
    assert "state" not in schema["properties"]
