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
