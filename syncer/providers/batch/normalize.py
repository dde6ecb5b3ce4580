"""Normalisation of Batch campaigns before comparing them (pure).

Takes a declared `campaign:` block, an `orchestrations/list` item or a push campaign's
`orchestrations/view`, and returns comparable values in which Batch's harmless variations are
folded away (our notes, section 9): status case, a `start_time` of "now" against the time Batch
shows once the campaign started, date-times as UTC instants, labels and codes as sets. It also
splits a campaign into what the list shows (`listed`) and its content (`leaves`), which Batch
shows back for push campaigns only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from syncer.model.digest import digest
from syncer.providers.batch import models

LISTED_PATHS = {"name": "name", "labels": "labels", "start_time": "when.start_time"}
"""The campaign fields `orchestrations/list` shows (besides `status`), by list key -> path."""
VIEW_KEYS = ("local_time", "targeting", "send_rate", "messages")
"""Content that `orchestrations/view` returns for push campaigns (list keys)."""
_SETS = frozenset({"targeting.languages", "targeting.regions", "messages[0].platform_type"})
_ATOMIC = frozenset({"targeting.query"})
_PUSH_FIELDS = frozenset(models.PushMessage.model_fields)
_TARGETING_FIELDS = frozenset(models.Targeting.model_fields)
# "now" is satisfied by any start time Batch shows that is not in the future; a little slack
# absorbs clock differences between Batch and the machine that plans.
NOW_SKEW = dt.timedelta(minutes=5)


def status(value: Any) -> str | None:
    """Batch reads statuses in lower case (`running`); the write enum is upper case."""
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def instant(value: Any) -> dt.datetime | None:
    """An ISO 8601 date-time as an aware UTC instant (no offset means UTC), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(microsecond=0)


def same_start(desired: Any, remote: Any, now: dt.datetime) -> bool:
    """Does the start time Batch shows satisfy the declared one?

    "now" is satisfied by no start time yet (a draft) or by any start not in the future;
    a date-time by the same instant, whatever its format.
    """
    if desired == "now":
        if remote is None or remote == "now":
            return True
        started = instant(remote)
        return started is not None and started <= now + NOW_SKEW
    wanted = instant(desired)
    return wanted is not None and wanted == instant(remote)


def labels(value: Any) -> list[str]:
    """Labels compare as a set (Batch may return them in any order)."""
    if not isinstance(value, list):
        return []
    return sorted({str(item) for item in value})


def listed(campaign: dict[str, Any]) -> dict[str, Any]:
    """The listed fields of a declared campaign, by list key."""
    when = campaign.get("when") or {}
    return {
        "name": campaign.get("name"),
        "labels": labels(campaign.get("labels")),
        "start_time": when.get("start_time"),
    }


def listed_remote(body: dict[str, Any]) -> dict[str, Any]:
    """The listed fields of an `orchestrations/list` item, by list key.

    A campaign with no start time yet is a draft that starts when started: "now".
    """
    return {
        "name": body.get("name"),
        "labels": labels(body.get("labels")),
        "start_time": body.get("start_time") or "now",
    }


def same_listed(key: str, desired: Any, remote: Any, now: dt.datetime) -> bool:
    if key == "start_time":
        return same_start(desired, remote, now)
    if key == "labels":
        return labels(desired) == labels(remote)
    return bool(desired == remote)


def content(campaign: dict[str, Any]) -> dict[str, Any]:
    """What a campaign holds besides its listed fields (Batch shows it for push only)."""
    result: dict[str, Any] = {}
    when = campaign.get("when") or {}
    # Batch's examples send local_time: false; an undeclared local_time is taken as false.
    result["when"] = {"local_time": bool(when.get("local_time", False))}
    for key in ("targeting", "send_rate", "messages"):
        if key in campaign:
            result[key] = campaign[key]
    return result


def viewed_content(body: dict[str, Any]) -> dict[str, Any] | None:
    """The content of a push campaign as `orchestrations/view` returned it, or None.

    Batch's view page documents summary fields only (`PushCampaignDetails`: id, type, name,
    status, source, labels, dates, start_time); object fields can be neither confirmed nor ruled
    out (batch-cep-api-from-docs.md, 7.2 and 11.1). So content is trusted only where the view
    carries it: without `messages` or `targeting` (or with either null) it is unknown, never
    "no message" or "everyone", and the campaign is compared with the last apply instead. An
    absent `send_rate` or `local_time` reads as unset (assumption: both are optional scalars,
    and a wrong guess shows as a difference to write, never as a silent match of the audience).
    A view holding fields campaign-syncer does not model counts as unreadable: a full replace
    built from the modelled fields would drop them (our notes, 10.3).
    """
    messages = body.get("messages")
    if not isinstance(messages, list) or len(messages) != 1 or not isinstance(messages[0], dict):
        return None
    message = {k: v for k, v in messages[0].items() if v is not None}
    targeting = body.get("targeting")
    if (
        message.get("channel_type") != "push"
        or set(message) - _PUSH_FIELDS
        or not isinstance(targeting, dict)
        or not targeting  # an empty block is as undocumented as a missing one
        or set(targeting) - _TARGETING_FIELDS
    ):
        return None
    viewed: dict[str, Any] = {
        "when": {"local_time": bool(body.get("local_time", False))},
        "targeting": {k: v for k, v in targeting.items() if v is not None},
        "messages": [message],
    }
    if body.get("send_rate") is not None:
        viewed["send_rate"] = body["send_rate"]
    return viewed


def leaves(value: dict[str, Any]) -> dict[str, Any]:
    """`{"messages": [{"subject": "Hi"}]}` -> `{"messages[0].subject": "Hi"}`.

    Lists are single leaves (sets sorted), except the one-element `messages`; `targeting.query`
    is one leaf; an empty mapping (`targeting: {}`) is a leaf of its own.
    """
    found: dict[str, Any] = {}
    _flatten(value, "", found)
    return found


def _flatten(value: Any, path: str, found: dict[str, Any]) -> None:
    if isinstance(value, dict) and value and path not in _ATOMIC:
        for key in sorted(value):
            _flatten(value[key], f"{path}.{key}" if path else key, found)
    elif isinstance(value, list) and path == "messages":
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{index}]", found)
    elif path in _SETS and isinstance(value, list):
        found[path] = sorted(value, key=str)
    else:
        found[path] = value


def ignored(path: str, paths: tuple[str, ...]) -> bool:
    """Is `path` at or under one of `paths` (`lifecycle.ignore_changes`)?"""
    return any(path == p or path.startswith((p + ".", p + "[")) for p in paths)


def without(found: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """Leaves minus those at or under an ignored path."""
    return {path: value for path, value in found.items() if not ignored(path, paths)}


def short_digest(value: Any) -> str:
    """A 16-hex digest: enough to tell two values of one field apart, small in the state."""
    return digest(value).removeprefix("sha256:")[:16]


def digests(found: dict[str, Any]) -> dict[str, str]:
    return {path: short_digest(value) for path, value in found.items()}
