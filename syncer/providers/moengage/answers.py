"""What MoEngage's V1 answers mean (pure): the error envelope and the advice per status, the
campaigns of a search's answer, and the newest revision of a versioned campaign.

Takes answers as the HTTP client hands them (status and text, or a search's parsed items);
returns error sentences, `RemoteCampaign`s and the revision to trust.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from syncer.model import packed
from syncer.model.vendor import RemoteCampaign
from syncer.providers.moengage import normalize, revisions, rules
from syncer.remote.client import HttpResponse
from syncer.remote.session import error_reader

_ADVICE = {
    400: "fix the campaign file (or the remote campaign) as the vendor says, then plan again",
    401: "check the workspace id and API key environment variables named in syncer.toml",
    403: "the API key lacks the Campaigns scope; ask a workspace admin",
    404: "check base_url / data_center in syncer.toml",
    429: "rate limited; wait and run again",
    500: "MoEngage failed; run again later (the outcome is checked before anything is resent)",
    503: "MoEngage is unavailable; run again later",
}


def _message(response: HttpResponse) -> str:
    """The V1 envelope `{"error": {code, message, target, details[]}}`, read leniently.

    `details` entries can nest and `message` can be a list (vendor notes, 9.1 and 10.24).
    """
    data = response.json()
    if not isinstance(data, dict) or not isinstance(data.get("error"), dict):
        return ""
    error = data["error"]
    parts = [_text(error.get("message")) or _text(error.get("code")) or f"HTTP {response.status}"]
    target = _text(error.get("target"))
    if target:
        parts[0] = f"{target}: {parts[0]}"
    for detail in error.get("details") or []:
        if isinstance(detail, dict):
            text = _text(detail.get("message"))
            where = _text(detail.get("target"))
            if text:
                parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if v)
    return str(value) if value not in (None, "") else ""


read_error = error_reader(_ADVICE, _message)


Found = tuple[dict[str, Any], bytes]
"""One campaign of a search's answer: the object, and its own JSON text (packed as is)."""


def to_remote(item: dict[str, Any], text: bytes | None = None) -> RemoteCampaign | None:
    """A campaign from a search's answer; `text` (its JSON) spares encoding it again."""
    campaign_id = item.get("campaign_id")
    if not isinstance(campaign_id, str) or not campaign_id:
        return None
    basic = item.get("basic_details")
    name = basic.get("name") if isinstance(basic, dict) else None
    kind = item.get("campaign_delivery_type")
    return RemoteCampaign(
        id=campaign_id,
        name=name if isinstance(name, str) else None,
        state=normalize.status(item.get("status")),
        kind=kind if isinstance(kind, str) else None,
        body=packed.pack_json(text) if text is not None else item,
        write_unverified=rules.API_ORIGIN_UNKNOWN,
    )


def remotes_of(found: list[Found]) -> list[RemoteCampaign]:
    return [r for r in (to_remote(item, text) for item, text in found) if r is not None]


def one_revision(found: Sequence[RemoteCampaign]) -> RemoteCampaign:
    """Of several rows of one campaign (campaign versioning: they share its `campaign_id`), the
    newest revision; when the rows do not say which it is, the first, read-only, saying why."""
    if len(found) == 1:
        return found[0]
    bodies = [remote.body for remote in found]
    newest = revisions.newest_revision(bodies)
    for remote, body in zip(found, bodies, strict=True):
        if body is newest:
            return remote
    reason = revisions.VERSIONED.format(id=found[0].id)
    return found[0].model_copy(update={"read_only": reason})


def by_campaign(found: Sequence[RemoteCampaign]) -> list[RemoteCampaign]:
    """One campaign per `campaign_id`, in first-seen order (see `one_revision`)."""
    grouped: dict[str, list[RemoteCampaign]] = {}
    for remote in found:
        grouped.setdefault(remote.id, []).append(remote)
    return [one_revision(rows) for rows in grouped.values()]
