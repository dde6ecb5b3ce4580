"""Where a MoEngage campaign's emails are, and the language they are personalized in.

Takes a validated campaign block; returns one `Email` per email it declares (the single
`content.email`, or one per locale and A/B variation). MoEngage personalizes with Jinja
(help.moengage.com, "Jinja Templating Language"); the names below are the objects it documents.
"""

from __future__ import annotations

from typing import Any

from syncer.model.email import Email, Loc, Personalization

PERSONALIZATION = Personalization(
    language="jinja",
    families=frozenset(
        {
            "UserAttribute",
            "EventAttribute",
            "ProductSet",
            "Recommendation",
            "AuxiliaryData",
            "ContentApi",
            "ContentBlock",
        }
    ),
    # MoEngage's own tracking marks its link with data-msys-unsubscribe; SendGrid's tag.
    unsubscribe=("data-msys-unsubscribe", "[unsubscribe_here]", "unsubscribe"),
)


def emails(campaign: dict[str, Any]) -> list[Email]:
    basic = campaign.get("basic_details")
    kind = basic.get("content_type") if isinstance(basic, dict) else None
    promotional = {"PROMOTIONAL": True, "TRANSACTIONAL": False}.get(str(kind))
    outer = campaign.get("campaign_content")
    content = outer.get("content") if isinstance(outer, dict) else None
    if not isinstance(content, dict):
        return []
    found: list[Email] = []
    base: Loc = ("campaign_content", "content")
    if isinstance(content.get("email"), dict):
        found.append(_email(content["email"], (*base, "email"), promotional))
    for locale, variations in content.items():
        if locale == "email" or not isinstance(variations, dict):
            continue
        for variation, holder in variations.items():
            if isinstance(holder, dict) and isinstance(holder.get("email"), dict):
                where = (*base, locale, variation, "email")
                found.append(_email(holder["email"], where, promotional))
    return found


def _email(email: dict[str, Any], where: Loc, promotional: bool | None) -> Email:
    def path(key: str) -> Loc | None:
        return (*where, key) if isinstance(email.get(key), str) else None

    return Email(
        subject=path("subject"),
        preview=path("preview_text"),
        html=path("html_content"),
        promotional=promotional,
    )
