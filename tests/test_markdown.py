"""The Markdown renderer: layout, HTML as visible text, escaping, and the comment size limit."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from syncer.model.plan import CampaignPlan, FieldChange, Plan, PlannedRequest, TargetIdentity
from syncer.model.plan import summarize as summarize_
from syncer.render.escape import code, fenced, md
from syncer.render.markdown import LIMIT, MARKER, NAME_CHARS, render_plan_markdown
from syncer.render.visible import html_diff, read

IDENTITY = TargetIdentity(
    provider="moengage", base_url="https://api-01.moengage.com", workspace="W1"
)
HTML_BEFORE = (
    "<html><head><style>p{color:red}</style></head><body>"
    "<h1>Spring sale</h1><p>Everything is <b>20%</b> off until Sunday.</p>"
    '<p><a href="https://acme.example/sale">Shop now</a></p>'
    '<p><a href="https://acme.example/unsubscribe">Unsubscribe</a></p></body></html>'
)
HTML_AFTER = HTML_BEFORE.replace("20%", "30%").replace("/sale", "/sale?utm=spring")


def campaign(key: str, action: str = "update", **fields: object) -> CampaignPlan:
    defaults: dict[str, object] = {
        "key": key,
        "provider": "moengage",
        "target": "prod",
        "id": "66a1f0c2e4b0a1b2c3d4e501",
        "name": key.removesuffix(".yaml"),
        "remote_state": "ACTIVE",
        "action": action,
    }
    if action in ("update", "create", "replace", "state_change"):
        defaults["requests"] = (
            PlannedRequest(method="PATCH", path="/core-services/v1/campaigns/x", kind="update"),
        )
    return CampaignPlan.model_validate({**defaults, **fields})


def plan_of(*campaigns: CampaignPlan, **fields: object) -> Plan:
    return Plan(
        campaigns=campaigns,
        summary=summarize_(campaigns),
        targets={"prod": IDENTITY},
        checksum="sha256:" + "ab" * 32,
        tool_version="0.1.0",
        **fields,
    )


def html_of(text: str) -> str:
    rendered: str = MarkdownIt("commonmark").enable("table").render(text)
    return rendered


def test_summary_table_counts_the_actions_present_and_warns_about_sending() -> None:
    plan = plan_of(
        campaign("a.yaml"),
        campaign("b.yaml", "create", starts_sending="this plan starts sending campaign 'b'"),
        campaign("c.yaml", "blocked", reasons=("ACTIVE campaigns cannot change x",)),
        campaign("d.yaml", "noop"),
    )
    text = render_plan_markdown(plan)
    assert text.startswith(MARKER)
    assert "<!-- checksum: sha256:abab" in text
    assert "| 🟡 to update | 1 |" in text and "| 🟢 to create | 1 |" in text
    assert "| 🛑 blocked | 1 |" in text and "| ▫️ unchanged | 1 |" in text
    assert "to replace" not in text and "| 0 |" not in text  # no zero rows
    assert "**⚠️ Starts sending: applying this plan starts sending 1 campaign(s):**" in text
    assert "🛑 1 blocked:** apply leaves them unchanged and exits 3" in text
    # Blocked campaigns come first and open; the others are collapsed.
    where = [text.index(f"</b> <code>{key}") for key in ("c.yaml", "b.yaml", "a.yaml")]
    assert where == sorted(where)
    assert "<details open><summary>🛑 <b>blocked</b> <code>c.yaml</code>" in text
    assert "<details open><summary>🟡 <b>update</b> <code>a.yaml</code>" in text  # few: open


def test_updates_fold_when_there_are_many() -> None:
    from syncer.render.markdown import OPEN_UP_TO

    many = plan_of(*(campaign(f"u{i:02}.yaml") for i in range(OPEN_UP_TO + 1)))
    text = render_plan_markdown(many)
    assert "<details open>" not in text
    assert text.count("<details><summary>🟡 <b>update</b>") == OPEN_UP_TO + 1
    few = render_plan_markdown(plan_of(*(campaign(f"u{i:02}.yaml") for i in range(OPEN_UP_TO))))
    assert few.count("<details open><summary>🟡 <b>update</b>") == OPEN_UP_TO


def test_the_plans_own_code_spans_render_as_code() -> None:
    reason = "ACTIVE ... `lifecycle.on_locked: replace` plans that for you"
    text = render_plan_markdown(plan_of(campaign("c.yaml", "blocked", reasons=(reason,))))
    assert "`lifecycle.on_locked: replace` plans that for you" in text
    assert "\\`" not in text


def test_json_hunks_start_with_the_keys_they_are_in() -> None:
    before = {"included_filters": {"filters": [{"name": "country", "value": ["FR", "BE"]}]}}
    after = {"included_filters": {"filters": [{"name": "country", "value": ["FR", "BE", "CH"]}]}}
    change = FieldChange(path="segmentation_details", before=before, after=after)
    text = render_plan_markdown(plan_of(campaign("a.yaml", changes=(change,))))
    hunk = text.split("```diff\n", 1)[1].split("```", 1)[0]
    assert ' "included_filters": {' in hunk
    assert '  "filters": [' in hunk
    assert '+     "CH"' in hunk


def test_no_changes_says_so() -> None:
    text = render_plan_markdown(plan_of(campaign("d.yaml", "noop")))
    assert "### campaign-syncer plan: no changes" in text


def test_says_what_the_text_renderer_says() -> None:
    change = FieldChange(path="campaign_content.content.email.subject", before="Hi", after="Hello")
    plan = plan_of(
        campaign(
            "a.yaml",
            changes=(change,),
            notes=("skipped (lifecycle.on_locked: skip): x",),
            requests=(
                PlannedRequest(
                    method="PATCH",
                    path="/core-services/v1/campaigns/1",
                    kind="update",
                    summary="update campaign_content",
                ),
            ),
        ),
        notes=("target prod: this plan creates 0 campaign(s)",),
    )
    text = render_plan_markdown(plan)
    assert '~ campaign_content.content.email.subject\n- "Hi"\n+ "Hello"' in text
    assert "note: skipped \\(lifecycle\\.on\\_locked: skip\\): x" in text
    assert "call: `PATCH /core-services/v1/campaigns/1` — update campaign\\_content" in text
    assert "> note: target prod: this plan creates 0 campaign\\(s\\)" in text
    assert "| `prod` | moengage | `https://api-01.moengage.com` | `W1` |" in text


def test_long_html_is_a_diff_of_visible_text_and_changed_links() -> None:
    change = FieldChange(
        path="campaign_content.content.email.html_content", before=HTML_BEFORE, after=HTML_AFTER
    )
    text = render_plan_markdown(plan_of(campaign("a.yaml", changes=(change,))))
    assert "(what recipients see)" in text
    assert "- Everything is 20% off until Sunday." in text
    assert "+ Everything is 30% off until Sunday." in text
    assert "- https://acme.example/sale\n+ https://acme.example/sale?utm=spring" in text
    assert "color:red" not in text  # styles are not visible text
    assert "<b>" not in text.split("```diff")[1]


def test_a_markup_only_change_says_the_visible_text_is_the_same() -> None:
    lines = html_diff("<p>Hello <b>you</b></p>", "<p>Hello <strong>you</strong></p>")
    assert lines == [
        "  (markup only: 23 -> 33 characters; the visible and hidden text, images, links, "
        "forms, scripts and styles are the same)"
    ]


def test_visible_text_reads_blocks_as_lines_and_keeps_links() -> None:
    found = read(HTML_BEFORE)
    lines, links = found.text, found.links
    assert lines == [
        "Spring sale",
        "Everything is 20% off until Sunday.",
        "Shop now",
        "Unsubscribe",
    ]
    assert links == ["https://acme.example/sale", "https://acme.example/unsubscribe"]


INJECTIONS = [
    "</summary></details><script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "``` \n</details>\n```",
    "@octocat and @acme/security please look",
    "fixes #1",
    "| a | b |\n|---|---|",
    "[click](javascript:alert(1))",
    "<!-- hidden -->",
    "\u202eevil",
    "**bold** _it_ ~~strike~~",
]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_campaign_content_cannot_inject_markup_or_mentions(evil: str) -> None:
    change = FieldChange(path="campaign_content.content.email.subject", before="x", after=evil)
    html_change = FieldChange(
        path="campaign_content.content.email.html_content",
        before=HTML_BEFORE,
        after=HTML_BEFORE.replace("Spring sale", evil),
    )
    plan = plan_of(
        campaign(
            "a.yaml",
            name=evil,
            changes=(change, html_change),
            notes=(evil,),
            reasons=(evil,),
            starts_sending=evil,
        ),
        campaign("b.yaml", "noop"),
    )
    text = render_plan_markdown(plan)
    rendered = html_of(text)
    assert "<script" not in rendered and "<img" not in rendered
    assert 'href="javascript' not in rendered
    assert rendered.count("<details") == text.count("<details") == 2
    assert rendered.count("</details>") == 2
    # GitHub links mentions and issue references everywhere but in code.
    prose = re.sub(r"<(pre|code)>.*?</\1>", "", rendered, flags=re.S)
    assert not re.search(r"(^|\s)@(octocat|acme)", prose)
    assert not re.search(r"(^|\s)#1\b", prose)
    assert "\u202e" not in text
    assert "<!-- hidden -->" not in rendered


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_content_keeps_the_layout(name: str, value: str) -> None:
    change = FieldChange(path="basic_details.name", before=value, after=name)
    plan = plan_of(campaign("a.yaml", name=name, changes=(change,), notes=(value,)))
    text = render_plan_markdown(plan)
    rendered = html_of(text)
    assert rendered.count("<details") == 1 and rendered.count("</details>") == 1
    assert "<script" not in rendered.replace("&lt;script", "")
    assert len(text) < LIMIT


def test_code_and_fences_cannot_be_closed_from_inside() -> None:
    assert code("a ` b") == "``a ` b``"
    assert code("``x``") == "``` ``x`` ```"
    assert fenced(["```", "````"]).startswith("`````diff\n")
    assert md("@team") == "@\u200bteam"


def big_plan(count: int, html_size: int) -> Plan:
    body = "".join(f"<p>Paragraph {i} of the newsletter body.</p>" for i in range(html_size))
    campaigns = []
    for index in range(count):
        change = FieldChange(
            path="campaign_content.content.email.html_content",
            before=body,
            after=body.replace("Paragraph 3 ", f"Paragraph three ({index}) "),
        )
        action = "blocked" if index % 50 == 0 else "update"
        campaigns.append(
            campaign(
                f"team-{index // 100}/campaign-{index:04d}.yaml",
                action,
                changes=(change,),
                reasons=("ACTIVE campaigns cannot change x",) if action == "blocked" else (),
                starts_sending="starts sending" if index % 97 == 0 else None,
            )
        )
    return plan_of(*campaigns)


def test_a_500_campaign_plan_stays_under_the_limit_and_points_to_the_full_plan() -> None:
    plan = big_plan(500, 60)
    url = "https://github.com/acme/campaigns/actions/runs/1/artifacts/2"
    text = render_plan_markdown(plan, artifact_url=url)
    assert len(text) < LIMIT
    assert "**This comment is shortened**" in text and f"[the full plan]({url})" in text
    detailed = text.count("<details><summary>") + text.count("<details open><summary>")
    listed = len(re.findall(r"^- \S+ (update|blocked) `", text, flags=re.M))
    counted = re.search(r"^- and (\d+) more$", text, flags=re.M)
    assert detailed + listed + (int(counted.group(1)) if counted else 0) == 500
    # Every blocked campaign is shown in detail before any update.
    assert text.count("<details open><summary>🛑") == 10
    assert html_of(text).count("</details>") == detailed


@pytest.mark.parametrize(("count", "size"), [(5000, 2), (50, 3000), (1, 20000)])
def test_extreme_plans_stay_under_the_limit(count: int, size: int) -> None:
    text = render_plan_markdown(big_plan(count, size))
    assert len(text) < LIMIT
    rendered = html_of(text)
    assert rendered.count("<details") == rendered.count("</details>")


def test_only_plain_http_urls_are_linked() -> None:
    plan = big_plan(500, 60)
    text = render_plan_markdown(plan, artifact_url="javascript:alert(1)")
    assert "javascript" not in text
    assert "the pipeline's plan artifact" in text


def test_a_campaign_in_several_targets_is_named_with_its_target() -> None:
    plan = plan_of(
        campaign("t.yaml", "create", target="staging", starts_sending="starts sending 'T (s)'"),
        campaign("t.yaml", "create", starts_sending="starts sending 'T (prod)'"),
    )
    text = render_plan_markdown(plan)
    assert "- `prod` / `t.yaml`: starts sending" in text
    assert "<code>prod</code> / <code>t.yaml</code>" in text


def test_creates_shown_in_full_still_keep_the_comment_under_the_limit() -> None:
    body = "<html><body>" + "".join(
        f"<p>Paragraph {i} " + "words " * 40 + "</p>" for i in range(80)
    )
    content = {
        "content": {"email": {"subject": "S " * 300, "sender_name": "Acme", "html_content": body}}
    }
    creates = [
        campaign(
            f"c{i:03}.yaml",
            "create",
            changes=(FieldChange(path="campaign_content", after=content),),
            starts_sending=f"this plan starts sending campaign 'c{i}' (ONE_TIME) from x",
        )
        for i in range(120)
    ]
    text = render_plan_markdown(plan_of(*creates))
    assert len(text) < LIMIT
    assert "This comment is shortened" in text
    first = text.split("</details>", 1)[0]
    assert "Paragraph 0 words" in first and "subject: " in first


def _accounted(text: str, keys: list[str]) -> int:
    """Campaigns named (by key) in the comment plus those it counts as "and N more"."""
    named = sum(1 for key in keys if f"`{key}`" in text or f"<code>{key}</code>" in text)
    counted = sum(int(n) for n in re.findall(r"- and (\d+) more", text.split("####", 1)[-1]))
    return named + counted


def test_long_names_cannot_hide_campaigns_that_start_sending() -> None:
    sending = [
        campaign(f"s{i:02d}.yaml", "create", name="N" * 5000, starts_sending="S" * 5000)
        for i in range(96)
    ]
    text = render_plan_markdown(plan_of(*sending))
    assert len(text) < LIMIT
    head = text.split("####", 1)[0]
    assert "N" * (NAME_CHARS + 1) not in head and "S" * (NAME_CHARS + 1) not in head
    assert "- and 86 more (marked ⚠️ below, or counted there)" in head
    assert "listed below" not in head
    body = text.split("####", 1)[1]
    keys = [c.key for c in sending]
    assert _accounted(body, keys) == 96  # each in a section, on a line, or counted
    assert text.count("starts sending") >= 10
    assert text.rstrip().endswith("</sub>") and "plan checksum <code>sha256:" in text


def test_a_72000_character_name_keeps_the_footer_and_checksum() -> None:
    huge = campaign("huge.yaml", "create", name="X" * 72_000, starts_sending="starts")
    others = [campaign(f"c{i}.yaml") for i in range(5)]
    text = render_plan_markdown(plan_of(huge, *others))
    assert len(text) < LIMIT
    assert "plan checksum <code>sha256:" + "ab" * 32 + "</code>" in text
    assert _accounted(text, ["huge.yaml", *[c.key for c in others]]) == 6


def test_the_last_guard_keeps_the_footer_and_closes_what_it_cut() -> None:
    notes = tuple("n" * 4000 + str(i) for i in range(40))
    text = render_plan_markdown(plan_of(campaign("a.yaml"), notes=notes), limit=3000)
    assert len(text) < 3000
    assert "plan checksum <code>sha256:" in text
    assert text.count("<details") == text.count("</details>")
