"""LOAD CONTENT: `{file: PATH}` and build-time templates, through the real loader: the final
strings, byte for byte, and every problem located in the file a person wrote."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from syncer.model.campaign import CampaignDefinition
from tests.support.content import load, problems, write_project
from tests.test_definition_cache import Counting

TOML = """
default_target = "sandbox"

[targets.sandbox]
provider = "moengage"
sandbox = true
[targets.sandbox.vars]
brand = "Acme"

[targets.other]
provider = "moengage"
sandbox = true
[targets.other.vars]
brand = "Other"
"""
CAMPAIGN = """
provider: moengage
campaign:
  channel: EMAIL
  basic_details: {{name: W, content_type: TRANSACTIONAL}}
  campaign_content:
    content:
      email:
        subject: "Hi {{{{UserAttribute['First Name']}}}}"
        html_content: {html}
"""
LAYOUT = (
    '<html lang="en"><body>\n[% block body %][% endblock %]\n'
    '[% include "footer.j2" %]</body></html>\n'
)
FOOTER = "<p>[[ var.brand ]] ([[ target ]]) {{UserAttribute['City']}} {% if x %}y{% endif %}</p>\n"
PAGE = (
    '[% extends "layout.html.j2" %][# why #]\n'
    '[% block body %]<h1>{{ EventAttribute["x"] }}</h1>[% endblock %]\n'
)
RENDERED = (
    '<html lang="en"><body>\n<h1>{{ EventAttribute["x"] }}</h1>\n'
    "<p>Acme (sandbox) {{UserAttribute['City']}} {% if x %}y{% endif %}</p>\n</body></html>\n"
)


def project(tmp_path: Path, html: str, templates: dict[str, str], toml: str = TOML) -> Path:
    campaign = textwrap.dedent(CAMPAIGN.format(html=html)).lstrip()
    return write_project(tmp_path, toml, campaign, templates)


def html(definition: CampaignDefinition) -> str:
    value: str = definition.campaign["campaign_content"]["content"]["email"]["html_content"]
    return value


def test_a_plain_file_is_its_text_byte_for_byte(tmp_path: Path) -> None:
    text = "<p>Hi {{UserAttribute['First Name']}} {% if a %}\r\nb{% endif %}</p>\n\n"
    (definition,) = load(project(tmp_path, "{file: mails/w.html}", {"mails/w.html": text}))
    assert html(definition) == text
    assert [name for name, _ in definition.templates] == ["mails/w.html"]


def test_a_template_extends_includes_and_sees_var_and_target(tmp_path: Path) -> None:
    files = {"layout.html.j2": LAYOUT, "footer.j2": FOOTER, "page.html.j2": PAGE}
    (definition,) = load(project(tmp_path, "{file: page.html.j2}", files))
    assert html(definition) == RENDERED
    assert [name for name, _ in definition.templates] == [
        "footer.j2",
        "layout.html.j2",
        "page.html.j2",
    ]


def test_each_target_renders_with_its_own_vars(tmp_path: Path) -> None:
    files = {"layout.html.j2": LAYOUT, "footer.j2": FOOTER, "page.html.j2": PAGE}
    root = project(tmp_path, "{file: page.html.j2}", files)
    text = (root / "campaigns" / "w.yaml").read_text(encoding="utf-8")
    (root / "campaigns" / "w.yaml").write_text("targets: [sandbox, other]\n" + text)
    rendered = {d.target: html(d) for d in load(root)}
    assert rendered["sandbox"] == RENDERED
    assert "<p>Other (other) {{UserAttribute['City']}}" in rendered["other"]


def test_an_undefined_name_is_an_error_at_the_template_line(tmp_path: Path) -> None:
    footer = "<p>\n[[ var.brand ]] [[ missing ]]</p>\n"
    files = {"layout.html.j2": LAYOUT, "footer.j2": footer, "page.html.j2": PAGE}
    (problem,) = problems(project(tmp_path, "{file: page.html.j2}", files))
    assert problem.startswith("templates/footer.j2:2:20: undefined: missing is not defined")


def test_a_missing_var_is_an_error_at_the_template_line(tmp_path: Path) -> None:
    files = {"page.html.j2": "<p>\n\n  [[ var.sender ]]</p>"}
    (problem,) = problems(project(tmp_path, "{file: page.html.j2}", files))
    assert problem.startswith("templates/page.html.j2:3:10: undefined: sender is not defined")


def test_a_template_syntax_error_is_located(tmp_path: Path) -> None:
    files = {"page.html.j2": "<p>\n[% if %]</p>"}
    (problem,) = problems(project(tmp_path, "{file: page.html.j2}", files))
    assert problem.startswith("templates/page.html.j2:2:1: template syntax:")


def test_the_sandbox_refuses_unsafe_attributes(tmp_path: Path) -> None:
    files = {"page.html.j2": "[[ target.__class__.__mro__[1].__subclasses__() ]]"}
    (problem,) = problems(project(tmp_path, "{file: page.html.j2}", files))
    assert problem.startswith("templates/page.html.j2:1:1: ")
    assert "unsafe" in problem or "not defined" in problem


OUTSIDE = "is outside the templates directory (no '..', not absolute)"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("{file: nothere.html}", "templates/nothere.html not found"),
        ("{file: ../syncer.toml}", f"'../syncer.toml' {OUTSIDE}"),
        ("{file: /etc/passwd}", f"'/etc/passwd' {OUTSIDE}"),
        ("{file: 42}", "file: takes a path (a string)"),
    ],
)
def test_a_bad_reference_is_an_error_at_the_yaml_line(
    tmp_path: Path, reference: str, message: str
) -> None:
    (problem,) = problems(project(tmp_path, reference, {"ok.html": "x"}))
    assert problem == (
        f"campaigns/w.yaml:9:24: campaign_content.content.email.html_content: {message}"
    )


def test_a_link_out_of_the_templates_directory_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path, "{file: out.html}", {"ok.html": "x"})
    (tmp_path / "secret.html").write_text("secret", encoding="utf-8")
    (root / "templates" / "out.html").symlink_to(tmp_path / "secret.html")
    (problem,) = problems(root)
    assert "templates/out.html is a link out of templates: refusing to read it" in problem


def test_an_include_out_of_the_templates_directory_is_refused(tmp_path: Path) -> None:
    files = {"page.html.j2": '<p>\n[% include "../syncer.toml" %]'}
    (problem,) = problems(project(tmp_path, "{file: page.html.j2}", files))
    assert problem.startswith("templates/page.html.j2:2:1: ")
    assert "outside the templates directory" in problem


def test_the_cache_notices_a_changed_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"layout.html.j2": LAYOUT, "footer.j2": FOOTER, "page.html.j2": PAGE}
    root = project(tmp_path, "{file: page.html.j2}", files)
    parses = Counting(monkeypatch, "load")
    assert html(load(root)[0]) == RENDERED
    assert html(load(root)[0]) == RENDERED
    assert parses.count == 1  # the second load came from the cache
    (root / "templates" / "footer.j2").write_text("<p>New footer</p>\n", encoding="utf-8")
    assert "<p>New footer</p>" in html(load(root)[0])
    assert parses.count == 2  # the YAML did not change, a file it reads did
    assert "<p>New footer</p>" in html(load(root)[0])
    assert parses.count == 2
    (root / "templates" / "footer.j2").unlink()
    (problem,) = problems(root)
    assert problem.startswith("templates/layout.html.j2:3:1: ")


def test_an_override_may_take_its_content_from_another_file(tmp_path: Path) -> None:
    files = {"page.html.j2": "<p>[[ target ]]</p>", "prod.html": "<p>prod</p>"}
    root = project(tmp_path, "{file: page.html.j2}", files)
    text = (root / "campaigns" / "w.yaml").read_text(encoding="utf-8")
    override = (
        "targets: [sandbox, other]\noverrides:\n  other:\n    campaign:\n"
        "      campaign_content: {content: {email: {html_content: {file: missing.html}}}}\n"
    )
    (root / "campaigns" / "w.yaml").write_text(override + text, encoding="utf-8")
    (problem,) = problems(root)
    assert problem.startswith("campaigns/w.yaml:5:59: ")
    assert "templates/missing.html not found (target other)" in problem
    (root / "campaigns" / "w.yaml").write_text(
        override.replace("missing.html", "prod.html") + text, encoding="utf-8"
    )
    rendered = {d.target: html(d) for d in load(root)}
    assert rendered == {"sandbox": "<p>sandbox</p>", "other": "<p>prod</p>"}


def test_mjml_is_compiled_and_vendor_tokens_survive(tmp_path: Path) -> None:
    text = (
        "<mjml><mj-body><mj-section><mj-column><mj-text>"
        "Hi {{UserAttribute['First Name']}} [[ var.brand ]] {% if a %}b{% endif %}"
        "</mj-text></mj-column></mj-section></mj-body></mjml>"
    )
    (definition,) = load(project(tmp_path, "{file: w.mjml.j2}", {"w.mjml.j2": text}))
    out = html(definition)
    assert out.startswith("<!doctype html>")
    assert "Hi {{UserAttribute['First Name']}} Acme {% if a %}b{% endif %}" in out


def test_broken_mjml_is_an_error_in_its_file(tmp_path: Path) -> None:
    (problem,) = problems(project(tmp_path, "{file: w.mjml}", {"w.mjml": "<mjml><mj-body>"}))
    assert problem.startswith("templates/w.mjml:1:1: MJML: ")


def test_templates_that_include_each_other_without_end_are_an_error(tmp_path: Path) -> None:
    files = {"page.html.j2": '[% include "page.html.j2" %]'}
    (problem,) = problems(project(tmp_path, "{file: page.html.j2}", files))
    assert problem.startswith("templates/page.html.j2:1:1: templates include or extend each other")


@pytest.mark.parametrize("expression", ["'x' * 100000000", "[1] * 10000000", "2 ** 100000"])
def test_a_template_cannot_exhaust_the_machine(tmp_path: Path, expression: str) -> None:
    files = {"page.html.j2": f"[[ {expression} ]]"}
    (problem,) = problems(project(tmp_path, "{file: page.html.j2}", files))
    assert problem.startswith("templates/page.html.j2:1:1: template error: ")
    assert "not allowed" in problem


def test_a_templates_directory_leading_out_of_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", "{file: x.html}", {})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.html").write_text("secret", encoding="utf-8")
    (root / "templates").symlink_to(tmp_path / "elsewhere")
    (problem,) = problems(root)
    assert "templates leads outside the project: refusing to read it" in problem


def test_a_template_imports_macros_and_the_cache_tracks_the_macro_file(tmp_path: Path) -> None:
    files = {
        "macros.j2": (
            '[% macro button(url, text) %]<a href="[[ url ]]">[[ text ]]</a>[% endmacro %]'
        ),
        "page.html.j2": '[% import "macros.j2" as m %]<p>[[ m.button("https://a.example", "Go") ]]'
        " {{ UserAttribute['x'] }}</p>",
    }
    (definition,) = load(project(tmp_path, "{file: page.html.j2}", files))
    assert html(definition) == (
        "<p><a href=\"https://a.example\">Go</a> {{ UserAttribute['x'] }}</p>"
    )
    assert [name for name, _ in definition.templates] == ["macros.j2", "page.html.j2"]
