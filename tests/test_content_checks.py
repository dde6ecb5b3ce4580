"""LOAD CONTENT: the final emails checked offline, through the real loader: personalization
syntax errors at the line a person wrote (YAML or template), and each email check at each of
its levels."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from syncer.config import settings as config
from syncer.errors import ConfigError
from syncer.providers import registry
from tests.support.content import load, problems, write_project

TOML = """
default_target = "sandbox"

[targets.sandbox]
provider = "moengage"
sandbox = true
[targets.sandbox-batch]
provider = "batch"
sandbox = true
"""
GOOD_HTML = '<html lang="en"><body><p>Hi</p></body></html>'


def moengage(subject: str, html: str, kind: str = "TRANSACTIONAL") -> str:
    return textwrap.dedent(
        f"""\
        provider: moengage
        campaign:
          channel: EMAIL
          basic_details: {{name: W, content_type: {kind}}}
          campaign_content:
            content:
              email:
                subject: {subject}
                html_content: {html}
        """
    )


def write(tmp_path: Path, campaign: str, templates: dict[str, str], checks: str = "") -> Path:
    toml = TOML + (f"\n[checks]\n{checks}\n" if checks else "")
    return write_project(tmp_path, toml, campaign, templates)


def warnings(root: Path) -> list[str]:
    return [w for d in load(root) for w in d.warnings]


def test_a_broken_subject_is_located_in_the_yaml(tmp_path: Path) -> None:
    root = write(tmp_path, moengage("\"Hi {{UserAttribute['First Name']\"", f"'{GOOD_HTML}'"), {})
    (problem,) = problems(root)
    assert problem.startswith(
        "campaigns/w.yaml:8:22: campaign_content.content.email.subject: personalization syntax:"
    )


def test_a_broken_token_in_a_block_scalar_is_located_on_its_line(tmp_path: Path) -> None:
    campaign = moengage("Hi", "|") + (
        '            <html lang="en"><body>\n            <p>{% if x %}</p>\n'
        "            </body></html>\n"
    )
    (problem,) = problems(write(tmp_path, campaign, {}))
    assert problem.startswith("campaigns/w.yaml:11:16: campaign_content.content.email.html_content")
    assert "'if'" in problem


def test_a_broken_token_in_a_plain_file_is_located_in_the_file(tmp_path: Path) -> None:
    files = {"w.html": '<html lang="en">\n<body>\n  <p>{{ UserAttribute[ }}</p></body></html>'}
    (problem,) = problems(write(tmp_path, moengage("Hi", "{file: w.html}"), files))
    assert problem.startswith("templates/w.html:3:6: ")


def test_a_broken_token_in_a_partial_is_located_in_the_partial(tmp_path: Path) -> None:
    files = {
        "page.html.j2": '<html lang="en"><body>[[ var | length ]]\n[% include "f.j2" %]</body>',
        "f.j2": "<p>[[ target ]]</p>\n<p>{{ EventAttribute['x'] </p>\n",
    }
    (problem,) = problems(write(tmp_path, moengage("Hi", "{file: page.html.j2}"), files))
    assert problem.startswith("templates/f.j2:2:4: campaign_content.content.email.html_content:")


def test_an_unknown_token_family_is_a_warning_where_it_is_written(tmp_path: Path) -> None:
    files = {"w.html": f"{GOOD_HTML}\n<p>{{{{ Customer.name }}}}</p>"}
    root = write(tmp_path, moengage("\"Hi {{UserAttribute['x']}}\"", "{file: w.html}"), files)
    (warning,) = warnings(root)
    assert warning.startswith(
        "templates/w.html:2:7: warning [unknown_personalization]: "
        "campaign_content.content.email.html_content: Customer is not a personalization object"
    )


def test_local_names_and_vendor_families_are_known(tmp_path: Path) -> None:
    html = (
        '<html lang="en"><body>{% set n = UserAttribute["n"] %}{{ n }}'
        "{% for p in ProductSet['x'] %}{{ p.name }}{{ loop.index }}{% endfor %}</body></html>"
    )
    root = write(tmp_path, moengage("Hi", "{file: w.html}"), {"w.html": html})
    assert warnings(root) == []


def test_batch_checks_the_pairing_of_its_delimiters(tmp_path: Path) -> None:
    campaign = textwrap.dedent(
        """\
        provider: batch
        target: sandbox-batch
        campaign:
          name: B
          when: {start_time: "2030-03-01T10:00:00Z"}
          targeting: {}
          messages:
            - channel_type: email
              subject: "Hi {{ c.first_name"
              sender_identity_id: "1"
              reply_to: {email_address: a@acme.example}
              html: {file: b.html}
        """
    )
    html = '<html lang="en"><body><a href="https://x.example/unsubscribe">Unsubscribe</a></body></html>'
    (problem,) = problems(write(tmp_path, campaign, {"b.html": html}))
    assert problem == (
        "campaigns/w.yaml:9:20: messages.0.subject: personalization syntax: {{ is not closed by }}"
    )


CHECKED = [
    (
        "insecure_link",
        '<a href="http://acme.example/x">x</a>',
        "insecure link http://acme.example/x",
    ),
    ("empty_link", '<a href="#">x</a>', "link to #"),
    ("image_alt", '<img src="https://acme.example/i.png">', "image without alt text"),
    ("duplicate_id", '<p id="a">2</p>', "id 'a' is used more than once"),
    ("script_or_form", "<form action='https://x'></form>", "<form> is removed or disabled"),
]


@pytest.mark.parametrize(("check", "snippet", "message"), CHECKED)
def test_each_check_warns_by_default_at_the_html_line(
    tmp_path: Path, check: str, snippet: str, message: str
) -> None:
    files = {"w.html": f'<html lang="en"><body>\n<p id="a">1</p>\n  {snippet}\n</body></html>'}
    (warning,) = warnings(write(tmp_path, moengage("Hi", "{file: w.html}"), files))
    assert warning.startswith(f"templates/w.html:3:3: warning [{check}]: ")
    assert message in warning


@pytest.mark.parametrize(("check", "snippet", "message"), CHECKED)
def test_each_check_at_level_error_stops_the_load(
    tmp_path: Path, check: str, snippet: str, message: str
) -> None:
    files = {"w.html": f'<html lang="en"><body><p id="a">1</p>\n{snippet}</body></html>'}
    root = write(tmp_path, moengage("Hi", "{file: w.html}"), files, f'{check} = "error"')
    (problem,) = problems(root)
    assert problem.startswith(f"templates/w.html:2:1: error [{check}]: ")


@pytest.mark.parametrize(("check", "snippet", "message"), CHECKED)
def test_each_check_can_be_turned_off(
    tmp_path: Path, check: str, snippet: str, message: str
) -> None:
    files = {"w.html": f'<html lang="en"><body><p id="a">1</p>\n{snippet}</body></html>'}
    root = write(tmp_path, moengage("Hi", "{file: w.html}"), files, f'{check} = "off"')
    assert warnings(root) == []


def test_missing_lang(tmp_path: Path) -> None:
    root = write(
        tmp_path, moengage("Hi", "{file: w.html}"), {"w.html": "<html><body></body></html>"}
    )
    (warning,) = warnings(root)
    assert warning.startswith("templates/w.html:1:1: warning [missing_lang]: ")


def test_html_over_gmails_clipping_size(tmp_path: Path) -> None:
    big = f'<html lang="en"><body>{"<p>word</p>" * 10_000}</body></html>'
    (warning,) = warnings(write(tmp_path, moengage("Hi", "{file: w.html}"), {"w.html": big}))
    assert warning.startswith("campaigns/w.yaml:9:9: warning [gmail_clipping]: ")
    assert "HTML is 107 KB" in warning


@pytest.mark.parametrize(
    ("footer", "warned"),
    [
        ("<p>Acme</p>", True),
        ('<a href="https://acme.example/unsubscribe">Leave</a>', False),
        ('<a href="https://acme.example/prefs">Unsubscribe</a>', False),
        ('<a data-msys-unsubscribe="1" href="https://api-01.moengage.com/v1/x">Leave</a>', False),
    ],
)
def test_a_promotional_email_needs_an_unsubscribe_link(
    tmp_path: Path, footer: str, warned: bool
) -> None:
    html = f'<html lang="en"><body>{footer}</body></html>'
    campaign = moengage("Hi", "{file: w.html}", kind="PROMOTIONAL")
    found = warnings(write(tmp_path, campaign, {"w.html": html}))
    if warned:
        (warning,) = found
        assert warning.startswith("campaigns/w.yaml:9:9: warning [unsubscribe_link]: ")
    else:
        assert found == []


def test_a_check_in_a_rendered_template_is_found_in_the_partial(tmp_path: Path) -> None:
    files = {
        "page.html.j2": '<html lang="en"><body>\n[% include "f.j2" %]</body></html>',
        "f.j2": '<p>[[ target ]]</p>\n<p><a href="http://acme.example/[[ target ]]">x</a></p>\n',
    }
    (warning,) = warnings(write(tmp_path, moengage("Hi", "{file: page.html.j2}"), files))
    assert warning.startswith("campaigns/w.yaml:9:9: warning [insecure_link]: ")
    assert "(line 3 of the rendered text)" in warning


def test_warnings_come_back_from_the_cache(tmp_path: Path) -> None:
    files = {"w.html": '<html><body><img src="https://a.example/i.png"></body></html>'}
    root = write(tmp_path, moengage("Hi", "{file: w.html}"), files)
    first = warnings(root)
    assert len(first) == 2
    assert warnings(root) == first


@pytest.mark.parametrize(
    ("checks", "message"),
    [
        ('insecure_link = "loud"', "syncer.toml:12:1: checks.insecure_link: must be one of"),
        ('nope = "warn"', "syncer.toml:11:1: checks: unknown check nope (known: insecure_link,"),
    ],
)
def test_a_bad_checks_table_is_a_located_config_error(
    tmp_path: Path, checks: str, message: str
) -> None:
    root = write(tmp_path, moengage("Hi", f"'{GOOD_HTML}'"), {}, checks)
    with pytest.raises(ConfigError) as info:
        config.load(root / "syncer.toml", registry.target_models())
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith(message)
