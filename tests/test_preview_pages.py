"""Preview pages (pure): offline documents, paths, and emails paired by locale and variation."""

from __future__ import annotations

from syncer.model.plan import CampaignPlan
from syncer.render.preview import (
    CSP,
    Email,
    Preview,
    documents,
    email_document,
    offline,
    page_path,
    page_url,
    pairs_of,
    personalize,
)


def _campaign(key: str = "onboarding/welcome.yaml", action: str = "update") -> CampaignPlan:
    return CampaignPlan.model_validate(
        {"key": key, "provider": "moengage", "target": "prod", "action": action}
    )


def test_remote_images_become_placeholders_and_nothing_can_load() -> None:
    body = (
        '<img src="https://t.example/p.gif" srcset="https://t.example/p2.gif 2x">'
        "<img src='data:image/png;base64,AAAA' alt=x>"
    )
    out = offline(body)
    assert "https://t.example/p.gif" not in out.split("data:image/svg+xml,")[0]
    assert "srcset" not in out
    assert "data:image/png;base64,AAAA" in out
    document = email_document(Email(html=body))
    assert f'content="{CSP}"' in document
    assert "img-src data:;" in CSP and "default-src 'none'" in CSP


def test_page_paths_stay_inside_the_directory() -> None:
    assert page_path(_campaign()) == "prod/onboarding/welcome.html"
    assert page_path(_campaign("../../etc/x y.yaml")) == "prod/etc/x_y.html"
    url = page_url("https://ci.example/p/", _campaign("a b.yaml"))
    assert url == "https://ci.example/p/prod/a_b.html"
    assert page_url("https://ci.example/p/", _campaign(action="blocked")) is None
    assert page_url("https://x.example/f/{page}?raw=1", _campaign()) == (
        "https://x.example/f/prod/onboarding/welcome.html?raw=1"
    )
    # An archive (a GitHub artifact): one link for every campaign.
    assert page_url("https://ci.example/a/7", _campaign()) == "https://ci.example/a/7"


def test_emails_are_paired_per_locale_and_variation() -> None:
    def content(subject: str) -> dict[str, object]:
        email = {"subject": subject, "html_content": f"<p>{subject}</p>"}
        return {
            "campaign_content": {
                "content": {
                    "default": {"variation_1": {"email": email}},
                    "fr": {"variation_1": {"email": {**email, "subject": subject + " (fr)"}}},
                }
            }
        }

    pairs = pairs_of("moengage", content("Hi"), content("Hello"), "unused")
    assert [p.label for p in pairs] == ["default / variation_1", "fr / variation_1"]
    assert pairs[1].before.facts == (("subject", "Hi (fr)"),)
    assert pairs[1].after.html == "<p>Hello</p>"
    docs = documents([Preview(_campaign(), pairs)], shots=True)
    assert len(docs.shots) == 8  # 2 emails x before/after x 600/375
    assert "prod/onboarding/welcome/2-after.html" in docs.files
    assert "fr / variation_1" in docs.files["prod/onboarding/welcome.html"]


def test_a_create_has_no_before() -> None:
    after = {"campaign_content": {"content": {"email": {"subject": "Hi", "html_content": "<p>"}}}}
    (pair,) = pairs_of("moengage", None, after, "a new campaign")
    assert pair.before.html is None and pair.before.note == "a new campaign"
    assert "a new campaign" in email_document(pair.before)


def test_a_sample_profile_fills_tokens_and_their_defaults() -> None:
    body = (
        "Hi {{UserAttribute['First Name']}} / {{ UserAttribute['City'] | default('there') }} / "
        "{{UserAttribute['Plan'] | upper}} / {{UserAttribute['Tag']}}"
    )
    filled = personalize(body, {"First Name": "<Ada>"})
    assert (
        filled
        == "Hi &lt;Ada&gt; / there / {{UserAttribute['Plan'] | upper}} / {{UserAttribute['Tag']}}"
    )
    assert personalize(body, None) == body
