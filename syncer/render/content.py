"""What a new campaign sends, for the person who approves it: a `CampaignPlan` of a create ->
lines naming its subject, preview text, sender, audience, schedule, when it starts sending, and
what recipients see of its HTML (Batch: its push title, body and deeplink per platform).

Pure, and a reading aid only: the fields are the vendors' own (MoEngage V1's campaign object,
Batch's campaign), looked up by their documented names; whatever is not recognised is still in
the full field list every renderer shows. Values are never cut.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from syncer.model.plan import CampaignPlan
from syncer.render.values import full
from syncer.render.visible import html_text, is_html


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _emails(content: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(locale / variation label, email) of a MoEngage `campaign_content.content`."""
    if not isinstance(content, dict):
        return
    if isinstance(content.get("email"), dict):
        yield "", content["email"]
        return
    for locale, variations in sorted(content.items()):
        for variation, body in sorted((variations or {}).items()):
            email = _get(body, "email")
            if isinstance(email, dict):
                yield f" [{locale} / {variation}]", email


def _html(label: str, html: Any) -> list[str]:
    if not isinstance(html, str):
        return []
    if not is_html(html):
        return [f"{label}: {full(html)}"]
    return [f"{label} (what recipients see):", *(f"  {line}" for line in html_text(html))]


def _email_lines(where: str, email: dict[str, Any]) -> list[str]:
    lines = []
    # A field declared null is left out of the campaign: nothing to show.
    if email.get("subject") is not None:
        lines.append(f"subject{where}: {full(email['subject'])}")
    if email.get("preview_text") is not None:
        lines.append(f"preview text{where}: {full(email['preview_text'])}")
    sender = " ".join(
        part
        for part in (
            str(email.get("sender_name") or ""),
            f"<{email['from_address']}>" if email.get("from_address") else "",
        )
        if part
    )
    if sender:
        lines.append(f"sender{where}: {sender}")
    if email.get("reply_to_address"):
        lines.append(f"reply to{where}: {email['reply_to_address']}")
    if email.get("custom_template_id"):
        lines.append(f"template{where}: {email['custom_template_id']} (a saved MoEngage template)")
    return lines + _html(f"content{where}", email.get("html_content"))


def _moengage(data: dict[str, Any]) -> list[str]:
    lines = []
    for where, email in _emails(_get(data, "campaign_content", "content")):
        lines += _email_lines(where, email)
    segments = data.get("segmentation_details")
    if isinstance(segments, dict):
        if segments.get("is_all_user_campaign"):
            lines.append("audience: ALL USERS (is_all_user_campaign: true)")
        elif "included_filters" in segments:
            lines.append(f"audience: {full(segments['included_filters'])}")
        if segments.get("excluded_filters"):
            lines.append(f"excluding: {full(segments['excluded_filters'])}")
        if segments.get("send_campaign_to_opt_out_users"):
            lines.append("also sent to users who opted out (send_campaign_to_opt_out_users)")
    if data.get("trigger_condition") is not None:
        lines.append(f"trigger: {full(data['trigger_condition'])}")
    scheduling = data.get("scheduling_details")
    if isinstance(scheduling, dict):
        # "start time", not "from": a start time in the past sends at once (the sending
        # sentence says which).
        parts = [str(scheduling.get("delivery_type") or "")]
        if scheduling.get("start_time"):
            parts.append(f"start time {scheduling['start_time']} UTC")
        if scheduling.get("end_time"):
            parts.append(f"end time {scheduling['end_time']} UTC")
        lines.append(f"schedule: {', '.join(p for p in parts if p)}")
        if scheduling.get("periodic_details"):
            lines.append(f"repeats: {full(scheduling['periodic_details'])}")
    return lines


def _batch(data: dict[str, Any]) -> list[str]:
    lines = []
    for message in data.get("messages") or []:
        if not isinstance(message, dict):
            continue
        if message.get("channel_type") == "push":
            platforms = ", ".join(message.get("platform_type") or []) or "all platforms"
            lines.append(f"push title: {full(message.get('title'))}")
            lines.append(f"push body: {full(message.get('body'))}")
            lines.append(f"deeplink ({platforms}): {full(message.get('deeplink'))}")
        else:
            lines.append(f"subject: {full(message.get('subject'))}")
            lines.append(f"sender identity: {full(message.get('sender_identity_id'))}")
            reply = _get(message, "reply_to", "email_address")
            if reply:
                lines.append(f"reply to: {reply}")
            lines += _html("content", message.get("html"))
            for language in message.get("languages") or []:
                lang = f" [{_get(language, 'language')}]"
                lines.append(f"subject{lang}: {full(_get(language, 'subject'))}")
                lines += _html(f"content{lang}", _get(language, "html"))
    targeting = data.get("targeting")
    if targeting == {}:
        lines.append("audience: ALL USERS (targeting: {})")
    elif targeting is not None:
        lines.append(f"audience: {full(targeting)}")
    when = data.get("when")
    if isinstance(when, dict):
        local = " (each user's local time)" if when.get("local_time") else ""
        lines.append(f"schedule: start time {when.get('start_time')}{local}")
    return lines


def created_content(campaign: CampaignPlan) -> list[str]:
    """What the created campaign sends, in words (empty when nothing is recognised)."""
    data = {change.path: change.after for change in campaign.changes}
    lines = _batch(data) if campaign.provider == "batch" else _moengage(data)
    if not lines:
        return []
    # What starts sending is said by every renderer on its own line: only its absence here.
    if not campaign.starts_sending:
        state = data.get("state")
        lines.append("sending: nothing when applied" + (f" (created {state})" if state else ""))
    return lines


Facts = tuple[tuple[str, str], ...]


def _moengage_facts(email: dict[str, Any]) -> Facts:
    sender = f"{email.get('sender_name') or ''} <{email.get('from_address') or ''}>".strip()
    facts = [
        ("subject", email.get("subject")),
        ("preview text", email.get("preview_text")),
        ("from", sender if sender != "<>" else None),
        ("reply to", email.get("reply_to_address")),
        ("template", email.get("custom_template_id")),
    ]
    return tuple((k, str(v)) for k, v in facts if v)


def _push_card(message: dict[str, Any]) -> str:
    """A push message drawn as a notification, so that it can be previewed like an email."""
    title = html.escape(str(message.get("title") or ""))
    body = html.escape(str(message.get("body") or ""))
    link = html.escape(str(message.get("deeplink") or "(no deeplink)"))
    return (
        '<div style="font-family:sans-serif;max-width:340px;margin:16px;padding:12px;'
        'border-radius:12px;background:#f2f2f2;box-shadow:0 1px 3px #999">'
        f"<b>{title}</b><p>{body}</p><small>opens {link}</small></div>"
    )


def emails_of(provider: str, campaign: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """(locale / variation label, (facts, HTML or None)) of each email a campaign object sends;
    a Batch push message counts as one, drawn as a notification."""
    found: list[tuple[str, Any]] = []
    if not isinstance(campaign, dict):
        return found
    if provider != "batch":
        for where, email in _emails(_get(campaign, "campaign_content", "content")):
            body = email.get("html_content")
            found.append((where.strip(" []"), (_moengage_facts(email), _text_or_none(body))))
        return found
    for message in campaign.get("messages") or []:
        if not isinstance(message, dict):
            continue
        if message.get("channel_type") == "push":
            platforms = ", ".join(message.get("platform_type") or []) or "all platforms"
            push: Facts = (("push", platforms), ("deeplink", str(message.get("deeplink") or "")))
            found.append(("push", (push, _push_card(message))))
            continue
        facts = tuple(
            (k, str(v))
            for k, v in (
                ("subject", message.get("subject")),
                ("sender identity", message.get("sender_identity_id")),
                ("reply to", _get(message, "reply_to", "email_address")),
            )
            if v
        )
        found.append(("", (facts, _text_or_none(message.get("html")))))
        for language in message.get("languages") or []:
            lang = str(_get(language, "language"))
            subject = (("subject", str(_get(language, "subject"))),)
            found.append((lang, (subject, _text_or_none(_get(language, "html")))))
    return found


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
