"""Issue 17's proof, end to end: campaigns whose email comes from templates/ (layouts,
partials, MJML), planned and applied by the real CLI against the sandbox on 127.0.0.1, with
the exact requests it received: rendered bytes with vendor tokens intact, a partial's change
updating exactly its campaigns, every error located with nothing sent, the checks' levels,
import --split-content then plan = 0, and pull leaving templates alone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.project import Project

CREATE = "/core-services/v1/campaigns"
LAYOUT = """\
<html lang="en"><body>
[% block body %][% endblock %]
[% include "partials/footer.html.j2" %]
</body></html>
"""
FOOTER = (
    '<p>[[ var.brand ]] · <a href="https://acme.example/unsubscribe">Unsubscribe</a> '
    "{% if UserAttribute['vip'] %}VIP{% endif %}</p>\n"
)
PAGE = (
    '[% extends "layouts/base.html.j2" %]\n[% block body %]'
    "<h1>{{ UserAttribute['First Name'] | default('there') }}, [[ title ]]</h1>[% endblock %]\n"
)


def campaign(name: str, html: str, subject: str = "Hi {{UserAttribute['First Name']}}") -> str:
    return f"""\
provider: moengage
campaign:
  channel: EMAIL
  campaign_delivery_type: ONE_TIME
  basic_details:
    name: {name}
    content_type: PROMOTIONAL
    subscription_category: newsletter
    user_attribute_identifier: MOE_EMAIL_ID
  connector: {{connector_type: SENDGRID, connector_name: default}}
  campaign_content:
    content:
      email:
        subject: "{subject}"
        sender_name: Acme
        from_address: news@acme.example
        reply_to_address: support@acme.example
        html_content: {html}
  segmentation_details: {{is_all_user_campaign: true}}
  scheduling_details: {{delivery_type: AT_FIXED_TIME, start_time: "2030-01-01T09:00:00"}}
"""


def page(title: str) -> str:
    return PAGE.replace("[[ title ]]", title)


def writes(sandbox: Any) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] != "GET" and not r["path"].endswith("/search")
    ]


def html_of(body: dict[str, Any]) -> str:
    value: str = body["campaign_content"]["content"]["email"]["html_content"]
    return value


@pytest.fixture
def shared(project: Project) -> Project:
    """Two campaigns on the shared layout and footer, one with its own plain HTML file."""
    project.template("layouts/base.html.j2", LAYOUT)
    project.template("partials/footer.html.j2", FOOTER)
    project.template("news/april.html.j2", page("April"))
    project.template("news/may.html.j2", page("May"))
    project.template(
        "solo.html",
        '<html lang="en"><body><a href="https://acme.example/unsubscribe">Unsubscribe</a>'
        "{{UserAttribute['City']}}</body></html>",
    )
    project.write("news/april.yaml", campaign("April news", "{file: news/april.html.j2}"))
    project.write("news/may.yaml", campaign("May news", "{file: news/may.html.j2}"))
    project.write("solo.yaml", campaign("Solo", "{file: solo.html}"))
    return project


def test_bodies_carry_the_rendered_html_with_vendor_tokens_intact(
    shared: Project, sandbox: Any
) -> None:
    sandbox.clear_requests()
    result = shared.run("apply", "--auto-approve")
    assert result.code == 0, result.all
    assert "warning [" not in result.err
    bodies = {r["body"]["basic_details"]["name"]: r["body"] for r in writes(sandbox)}
    assert [r["path"] for r in writes(sandbox)] == [CREATE] * 3
    assert html_of(bodies["April news"]).encode() == (
        '<html lang="en"><body>\n'
        "<h1>{{ UserAttribute['First Name'] | default('there') }}, April</h1>\n"
        '<p>Acme · <a href="https://acme.example/unsubscribe">Unsubscribe</a> '
        "{% if UserAttribute['vip'] %}VIP{% endif %}</p>\n\n</body></html>\n"
    ).encode()
    assert html_of(bodies["Solo"]) == (
        '<html lang="en"><body><a href="https://acme.example/unsubscribe">Unsubscribe</a>'
        "{{UserAttribute['City']}}</body></html>"
    )
    email = bodies["May news"]["campaign_content"]["content"]["email"]
    assert email["subject"] == "Hi {{UserAttribute['First Name']}}"
    assert shared.run("plan", "--detailed-exitcode").code == 0


def test_a_partial_change_updates_exactly_the_campaigns_that_use_it(
    shared: Project, sandbox: Any
) -> None:
    assert shared.run("apply", "--auto-approve").code == 0
    assert shared.run("plan", "--detailed-exitcode").code == 0  # the cache is warm now
    shared.template("partials/footer.html.j2", FOOTER.replace("Unsubscribe</a>", "Leave</a>"))
    plan = shared.run("plan")
    assert "Plan: 0 to create, 2 to update" in plan.out, plan.all
    sandbox.clear_requests()
    applied = shared.run("apply", "--auto-approve")
    assert applied.code == 0, applied.all
    sent = writes(sandbox)
    assert sorted(r["method"] for r in sent) == ["PATCH", "PATCH"]
    for request in sent:
        assert set(request["body"]) == {"request_id", "updated_by", "campaign_content"}
        email = request["body"]["campaign_content"]["content"]["email"]
        # One complete object: the siblings of the changed HTML travel with it.
        assert email["subject"] == "Hi {{UserAttribute['First Name']}}"
        assert email["from_address"] == "news@acme.example"
        assert ">Leave</a> {% if UserAttribute['vip'] %}" in email["html_content"]
    assert shared.run("plan", "--detailed-exitcode").code == 0


APRIL = "{file: news/april.html.j2}"


@pytest.mark.parametrize(
    ("template", "reference", "where"),
    [
        (page("[[ nope ]]"), APRIL, "templates/news/april.html.j2:2:78: undefined: nope"),
        (page("April"), "{file: ../syncer.toml}", "campaigns/news/april.yaml:18:24: "),
        (page("{{ UserAttribute[ }}"), APRIL, "templates/news/april.html.j2:2:75: "),
        (page("April"), "{file: news/missing.html}", "campaigns/news/april.yaml:18:24: "),
    ],
    ids=["undefined name", "path escape", "broken personalization", "missing file"],
)
def test_each_error_is_located_and_nothing_is_sent(
    shared: Project, sandbox: Any, template: str, reference: str, where: str
) -> None:
    shared.template("news/april.html.j2", template)
    shared.write("news/april.yaml", campaign("April news", reference))
    sandbox.clear_requests()
    for command in (("validate",), ("plan",), ("apply", "--auto-approve")):
        result = shared.run(*command)
        assert result.code == 1, result.all
        assert where in result.err, result.err
        assert "nothing was sent" in result.err
    assert sandbox.requests() == []


@pytest.mark.parametrize(
    ("level", "code", "sent"), [("warn", 0, 1), ("error", 1, 0), ("off", 0, 1)]
)
def test_a_check_at_each_level(
    project: Project, sandbox: Any, level: str, code: int, sent: int
) -> None:
    project.configure(f'[checks]\ninsecure_link = "{level}"\n')
    project.template(
        "w.html",
        '<html lang="en"><body>\n<a href="http://acme.example/x">x</a>\n'
        '<a href="https://acme.example/unsubscribe">Unsubscribe</a></body></html>',
    )
    project.write("w.yaml", campaign("W", "{file: w.html}"))
    sandbox.clear_requests()
    result = project.run("apply", "--auto-approve")
    assert result.code == code, result.all
    assert len(writes(sandbox)) == sent
    validated = project.run("validate")
    if level == "warn":
        assert validated.code == 0 and "1 warning(s) about their content" in validated.err
    line = "templates/w.html:2:1: {} [insecure_link]: "
    if level == "off":
        assert "insecure_link" not in result.err
    else:
        assert line.format("warning" if level == "warn" else "error") in result.err


def test_import_split_content_then_plan_shows_zero_changes(
    project: Project, sandbox: Any
) -> None:
    result = project.run("import", "--split-content")
    assert result.code == 0, result.all
    assert "+ templates/sandbox/welcome-email.html" in result.out
    welcome = project.read("sandbox/welcome-email.yaml")
    assert "<h1>" not in welcome
    assert "file: sandbox/welcome-email.html\n" in welcome
    stored = {c["name"]: c for c in sandbox.campaigns()["moengage"]["sandbox"]}
    written = (project.root / "templates" / "sandbox" / "welcome-email.html").read_bytes()
    assert written == html_of(stored["Welcome email"]["body"]).encode()
    sandbox.clear_requests()
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.code == 0, plan.all
    assert "Plan: 0 to create, 0 to update" in plan.out


def test_pull_never_inlines_a_template_and_says_the_remote_differs(
    shared: Project, moengage_http: httpx.Client
) -> None:
    assert shared.run("apply", "--auto-approve").code == 0
    campaign_id = shared.state()["campaigns"]["news/april.yaml"]["id"]
    found = moengage_http.post(
        "/core-services/v1/campaigns/search",
        json={"request_id": "r1", "limit": 1, "page": 1, "campaign_fields": {"id": campaign_id}},
    ).json()[0]
    content = found["campaign_content"]
    content["content"]["email"]["html_content"] = "<p>edited in the dashboard</p>"
    content["content"]["email"]["subject"] = "Edited subject"
    response = moengage_http.patch(
        f"/core-services/v1/campaigns/{campaign_id}",
        json={"request_id": "r2", "updated_by": "a@acme.example", "campaign_content": content},
    )
    assert response.is_success, response.text
    before = (shared.root / "templates" / "news" / "april.html.j2").read_text()
    result = shared.run("pull", "news/april.yaml")
    assert result.code == 1, result.all
    assert "comes from templates/news/april.html.j2 and the remote differs" in result.err
    after = shared.read("news/april.yaml")
    assert "html_content: {file: news/april.html.j2}" in after
    assert 'subject: "Edited subject"' in after  # what the YAML holds is still pulled
    assert (shared.root / "templates" / "news" / "april.html.j2").read_text() == before
    saved = shared.run("pull", "--save-remote", "news/april.yaml")
    assert "the remote text is in templates/news/april.remote.html" in saved.err
    remote = (shared.root / "templates" / "news" / "april.remote.html").read_text()
    assert remote == "<p>edited in the dashboard</p>"
