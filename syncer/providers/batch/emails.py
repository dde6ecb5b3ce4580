"""Where a Batch campaign's emails are, and how far their personalization can be checked.

Takes a validated campaign block; returns one `Email` for the email message and one per extra
language. Batch's campaign API documents no personalization grammar (our reference notes are
silent), so only the pairing of `{{ }}` and `{% %}` is checked: a safe minimum that never
refuses valid syntax. Batch campaigns are marketing messages (transactional email goes
through another API), so each email is promotional: it needs an unsubscribe link.
"""

from __future__ import annotations

from typing import Any

from syncer.model.email import Email, Personalization

PERSONALIZATION = Personalization(language="braces", unsubscribe=("unsubscribe",))


def emails(campaign: dict[str, Any]) -> list[Email]:
    messages = campaign.get("messages")
    found: list[Email] = []
    for index, message in enumerate(messages if isinstance(messages, list) else []):
        if not isinstance(message, dict) or message.get("channel_type") != "email":
            continue
        found.append(_email(message, ("messages", index)))
        languages = message.get("languages")
        for number, language in enumerate(languages if isinstance(languages, list) else []):
            if isinstance(language, dict):
                found.append(_email(language, ("messages", index, "languages", number)))
    return found


def _email(holder: dict[str, Any], where: tuple[str | int, ...]) -> Email:
    return Email(
        subject=(*where, "subject") if isinstance(holder.get("subject"), str) else None,
        html=(*where, "html") if isinstance(holder.get("html"), str) else None,
        promotional=True,
    )
