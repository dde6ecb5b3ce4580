"""PULL (pure): planner changes -> edits of the file, for declared fields only."""

from __future__ import annotations

from typing import Any

import pytest

from syncer.load.pullmerge import pull_edits
from syncer.load.yaml.edit import Edit
from syncer.model.plan import FieldChange
from tests.support.builders import definition, email

DECLARED = {
    "basic_details": {"name": "Welcome", "tags": ["a"]},
    "campaign_content": {"content": {"email": {"subject": "Hi", "preview_text": None}}},
}


def edits(changes: list[FieldChange], **kwargs: Any) -> tuple[Edit, ...]:
    d = definition(DECLARED, id=kwargs.pop("id", "c1"), state=kwargs.pop("state", None))
    defaults: dict[str, Any] = {"remote_state": None, "campaign_id": "c1"}
    return pull_edits(d, changes, **{**defaults, **kwargs}).edits


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            FieldChange(path="campaign_content.content.email.subject", before="Hello", after="Hi"),
            Edit(("campaign", "campaign_content", "content", "email", "subject"), "Hello"),
        ),
        (
            FieldChange(path="basic_details.tags", before=["a", "b"], after=["a"]),
            Edit(("campaign", "basic_details", "tags"), ["a", "b"]),
        ),
        (
            FieldChange(path="basic_details.tags", before=None, after=["a"]),
            Edit(("campaign", "basic_details", "tags"), delete=True),
        ),
        (
            FieldChange(
                path="campaign_content.content.email.preview_text", before="Read", after=None
            ),
            Edit(("campaign", "campaign_content", "content", "email", "preview_text"), "Read"),
        ),
    ],
)
def test_each_change_takes_the_remote_value(change: FieldChange, expected: Edit) -> None:
    assert edits([change]) == (expected,)


@pytest.mark.parametrize(
    ("file_state", "remote_state", "expected"),
    [
        ("ACTIVE", "PAUSED", (Edit(("state",), "PAUSED"),)),
        ("ACTIVE", "ACTIVE", ()),
        ("ACTIVE", None, ()),
        (None, "PAUSED", ()),
    ],
)
def test_state_follows_the_remote_only_when_the_file_manages_it(
    file_state: str | None, remote_state: str | None, expected: tuple[Edit, ...]
) -> None:
    assert edits([], state=file_state, remote_state=remote_state) == expected


def test_a_pin_on_a_replaced_campaign_moves_to_its_replacement() -> None:
    assert edits([], id="old", campaign_id="new") == (Edit(("id",), "new"),)
    assert edits([], id="same", campaign_id="same") == ()


def test_a_file_without_a_pin_gets_none() -> None:
    d = definition(email())
    assert pull_edits(d, [], remote_state=None, campaign_id="c9").edits == ()


def test_changes_that_are_not_fields_of_the_file_are_reported_not_edited() -> None:
    d = definition(DECLARED, id="c1")
    result = pull_edits(
        d,
        [FieldChange(path="(content)", before="(unknown)", after="sha256:x")],
        remote_state=None,
        campaign_id="c1",
    )
    assert result.edits == ()
    assert result.skipped == ("(content)",)


# --- files with targets: every pulled value goes under overrides.<target> -----------------

MULTI = {
    "provider": "moengage",
    "targets": ["staging", "prod"],
    "overrides": {
        "prod": {"campaign": {"basic_details": {"tags": ["p"]}, "utm_params": {"utm_source": "x"}}}
    },
    "campaign": DECLARED,
}


def multi_edits(changes: list[FieldChange], data: Any = MULTI, **kwargs: Any) -> tuple[Edit, ...]:
    effective = {
        **DECLARED,
        "basic_details": {"name": "Welcome", "tags": ["p"]},
        "utm_params": {"utm_source": "x"},
    }
    d = definition(
        effective, id=kwargs.pop("id", None), state=kwargs.pop("state", None), target="prod"
    )
    defaults: dict[str, Any] = {"remote_state": None, "campaign_id": "c1", "data": data}
    return pull_edits(d, changes, **{**defaults, **kwargs}).edits


def test_a_shared_value_is_overridden_not_changed() -> None:
    change = FieldChange(path="campaign_content.content.email.subject", before="Yo", after="Hi")
    assert multi_edits([change]) == (
        Edit(
            ("overrides", "prod", "campaign", "campaign_content"),
            {"content": {"email": {"subject": "Yo"}}},
        ),
    )


def test_an_overridden_value_is_edited_in_place() -> None:
    change = FieldChange(path="basic_details.tags", before=["q"], after=["p"])
    assert multi_edits([change]) == (
        Edit(("overrides", "prod", "campaign", "basic_details", "tags"), ["q"]),
    )


def test_a_value_the_remote_lacks_is_cleared_in_the_override_only() -> None:
    shared = FieldChange(path="basic_details.name", before=None, after="Welcome")
    only_here = FieldChange(path="utm_params.utm_source", before=None, after="x")
    assert multi_edits([shared, only_here]) == (
        Edit(("overrides", "prod", "campaign", "utm_params", "utm_source"), delete=True),
        Edit(("overrides", "prod", "campaign", "basic_details", "name"), None),
    )


def test_a_first_override_creates_the_keys_it_needs() -> None:
    data = {k: v for k, v in MULTI.items() if k != "overrides"}
    subject = FieldChange(path="campaign_content.content.email.subject", before="Yo", after="Hi")
    name = FieldChange(path="basic_details.name", before="W2", after="Welcome")
    assert multi_edits([subject, name], data=data, state="ACTIVE", remote_state="PAUSED") == (
        Edit(
            ("overrides",),
            {
                "prod": {
                    "state": "PAUSED",
                    "campaign": {
                        "campaign_content": {"content": {"email": {"subject": "Yo"}}},
                        "basic_details": {"name": "W2"},
                    },
                }
            },
        ),
    )


def test_an_item_of_a_list_overrides_the_whole_list() -> None:
    change = FieldChange(path="basic_details.tags[0]", before="q", after="p")
    assert multi_edits([change]) == (
        Edit(("overrides", "prod", "campaign", "basic_details", "tags"), ["q"]),
    )


def test_a_moved_pin_goes_into_the_target_s_entry() -> None:
    data = {**MULTI, "id": {"staging": "s1", "prod": "old"}}
    assert multi_edits([], data=data, id="old", campaign_id="new") == (Edit(("id", "prod"), "new"),)


def test_a_remote_dollar_brace_is_written_as_a_literal() -> None:
    change = FieldChange(path="campaign_content.content.email.subject", before="${x}", after="Hi")
    assert edits([change]) == (
        Edit(("campaign", "campaign_content", "content", "email", "subject"), "$${x}"),
    )
