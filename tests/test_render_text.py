"""RENDER text: symbols, reasons, the summary line; colour on a terminal only, not with NO_COLOR."""

from __future__ import annotations

import io

import pytest

from syncer.cli.output import Output
from syncer.model.plan import CampaignPlan, FieldChange, Plan, PlannedRequest, summarize
from syncer.render.text import render_plan, summary_line


def plan() -> Plan:
    campaigns = (
        CampaignPlan(
            key="a.yaml",
            provider="moengage",
            target="t",
            id="1",
            name="A",
            remote_state="ACTIVE",
            action="update",
            changes=(FieldChange(path="basic_details.name", before="A", after="B"),),
            requests=(
                PlannedRequest(
                    method="PATCH",
                    path="/core-services/v1/campaigns/1",
                    body={},
                    kind="update",
                    summary="update basic_details",
                ),
            ),
        ),
        CampaignPlan(
            key="b.yaml",
            provider="moengage",
            target="t",
            id="2",
            action="blocked",
            changes=(
                FieldChange(
                    path="segmentation_details",
                    before=1,
                    after=2,
                    blocked="ACTIVE MoEngage campaigns cannot change x",
                ),
            ),
            reasons=("ACTIVE MoEngage campaigns cannot change x. Way out: y",),
        ),
        CampaignPlan(
            key="c.yaml",
            provider="moengage",
            target="t",
            action="create",
            starts_sending="this plan starts sending campaign 'C'",
        ),
        CampaignPlan(key="d.yaml", provider="moengage", target="t", action="noop"),
    )
    return Plan(campaigns=campaigns, summary=summarize(campaigns))


def test_text_plan_reads_like_terraform() -> None:
    text = render_plan(plan()).plain
    assert "  ~ update a.yaml  ('A', 1, ACTIVE)" in text
    assert '          - "A"\n          + "B"' in text
    assert "      -> PATCH /core-services/v1/campaigns/1  update basic_details" in text
    assert "  ! blocked b.yaml" in text
    assert "~ segmentation_details [blocked]" in text
    assert "      ! ACTIVE MoEngage campaigns cannot change x. Way out: y" in text
    assert "  + create c.yaml" in text
    assert "  = 1 unchanged: d.yaml" in text
    assert text.rstrip().endswith("! this plan starts sending campaign 'C'")


def test_summary_line_counts_every_action() -> None:
    assert summary_line(plan()) == (
        "Plan: 1 to create, 1 to update, 0 state changes, 0 to replace, 1 blocked, "
        "0 to forget, 1 unchanged."
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def render(color: bool | None, stream: io.StringIO | None = None) -> str:
    out = stream if stream is not None else io.StringIO()
    Output(stdout=out, stderr=io.StringIO(), color=color).document(render_plan(plan()))
    return out.getvalue()


def test_colour_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in render(None, Terminal())
    assert "\x1b[" in render(True)


def test_no_colour_when_not_a_terminal_or_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" not in render(None)  # a StringIO is not a terminal
    assert "\x1b[" not in render(False, Terminal())


def test_no_color_environment_wins_over_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in render(None, Terminal())
