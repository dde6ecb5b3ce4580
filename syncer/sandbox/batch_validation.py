"""Batch campaign rules (pure): the campaign object's shape, and `state` transitions.

Takes a create body (or an update's `campaign`); raises `BatchError` with the catalogue code a
client would receive. Sources: Batch's create/update pages and
`shared/reference/batch-campaigns-api.md` sections 4, 5 and 7. Batch's field-level schemas are
only partly published: where they are silent the sandbox is strict about what it models
(unknown keys are refused), so a client cannot rely on fields nobody has seen Batch accept.
"""

from __future__ import annotations

from typing import Any

from syncer.sandbox.clock import parse_instant

# name -> (HTTP status, Batch error code), from the error catalogue on the update page.
CATALOGUE = {
    "AUTHENTICATION_INVALID": (401, 10),
    "API_MISUSE": (403, 12),
    "ROUTE_NOT_FOUND": (404, 20),
    "MISSING_PARAMETER": (400, 30),
    "MALFORMED_PARAMETER": (400, 31),
    "MALFORMED_JSON_BODY": (400, 32),
    "SERVER_ERROR": (500, 1),
    "MAINTENANCE_ERROR": (503, 2),
    "TOO_MANY_REQUESTS": (429, 60),
}
STATES = ("DRAFT", "RUNNING", "STOPPED")
_CAMPAIGN_KEYS = frozenset(
    {"name", "state", "when", "targeting", "labels", "send_rate", "messages"}
)
_REQUIRED = ("name", "state", "when", "messages")
_WHEN_KEYS = frozenset({"start_time", "local_time"})
_TARGETING_KEYS = frozenset({"languages", "regions", "query"})
_EMAIL_KEYS = frozenset({"channel_type", "subject", "sender_identity_id", "reply_to", "html"})
_PUSH_KEYS = frozenset({"channel_type", "platform_type", "title", "body", "deeplink"})
_PLATFORMS = ("ios", "android", "web")

# (read status, written state) -> new read status. "A DRAFT campaign is not sent until it is
# started (updated to RUNNING)"; "a STOPPED campaign is resumed by updating it to RUNNING";
# pausing is updating a running one to STOPPED; the same state is no transition.
TRANSITIONS = {
    ("draft", "DRAFT"): "draft",
    ("draft", "RUNNING"): "running",
    ("stopped", "RUNNING"): "running",
    ("stopped", "STOPPED"): "stopped",
    ("running", "STOPPED"): "stopped",
    ("running", "RUNNING"): "running",
}
STATE_TO_STATUS = {"DRAFT": "draft", "RUNNING": "running", "STOPPED": "stopped"}


class BatchError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status, self.error_code = CATALOGUE[code]


def missing(path: str) -> BatchError:
    return BatchError("MISSING_PARAMETER", f"Missing parameter: {path}")


def malformed(path: str, why: str) -> BatchError:
    return BatchError("MALFORMED_PARAMETER", f"Malformed parameter {path}: {why}")


def as_object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise malformed(path, "must be an object")
    return value


def reject_unknown(obj: dict[str, Any], allowed: frozenset[str], path: str) -> None:
    for key in sorted(set(obj) - allowed):
        raise malformed(f"{path}{key}", "unknown parameter")


def _string(obj: dict[str, Any], key: str, path: str, *, required: bool = True) -> None:
    if key not in obj:
        if required:
            raise missing(f"{path}{key}")
        return
    if not isinstance(obj[key], str):
        raise malformed(f"{path}{key}", "must be a string")


def _strings(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise malformed(path, "must be an array of strings")
    return value


def validate_campaign(campaign: Any, path: str = "") -> dict[str, Any]:
    """Check a campaign object; `path` prefixes field names in messages (e.g. "campaign.")."""
    obj = as_object(campaign, path.rstrip(".") or "body")
    reject_unknown(obj, _CAMPAIGN_KEYS, path)
    for key in _REQUIRED:
        if key not in obj:
            raise missing(f"{path}{key}")
    if not isinstance(obj["name"], str) or not obj["name"].strip():
        raise malformed(f"{path}name", "must be a non-empty string")
    if obj["state"] not in STATES:
        raise malformed(f"{path}state", f"must be one of {', '.join(STATES)}")
    _validate_when(as_object(obj["when"], f"{path}when"), f"{path}when.")
    messages = obj["messages"]
    # "Only one kind of message is allowed at a time": the array "can only contain one element".
    if not isinstance(messages, list) or len(messages) != 1:
        raise malformed(f"{path}messages", "must be an array of exactly one message")
    _validate_message(as_object(messages[0], f"{path}messages[0]"), f"{path}messages[0].")
    if "targeting" in obj:
        # Omitting targeting sends to everyone; unknown keys would silently widen it, so refuse.
        targeting = as_object(obj["targeting"], f"{path}targeting")
        if not targeting:
            # Batch: "This block is not required, if you omit it, Batch will consider sending
            # the campaign to the entire user base." An empty block is not documented at all,
            # so the sandbox refuses it rather than guess (a client omits the block instead).
            raise malformed(
                f"{path}targeting",
                "an empty targeting block is not documented: omit it to reach the entire user base",
            )
        reject_unknown(targeting, _TARGETING_KEYS, f"{path}targeting.")
        for key in ("languages", "regions"):
            if key in targeting:
                _strings(targeting[key], f"{path}targeting.{key}")
        if "query" in targeting:
            as_object(targeting["query"], f"{path}targeting.query")
    if "labels" in obj and len(_strings(obj["labels"], f"{path}labels")) > 5:
        raise malformed(f"{path}labels", "at most 5 labels per campaign")
    if "send_rate" in obj:
        rate = obj["send_rate"]
        if isinstance(rate, bool) or not isinstance(rate, int) or not 1000 <= rate <= 1_000_000:
            raise malformed(f"{path}send_rate", "must be an integer from 1000 to 1000000")
    return obj


def _validate_when(when: dict[str, Any], path: str) -> None:
    reject_unknown(when, _WHEN_KEYS, path)
    _string(when, "start_time", path)
    if when["start_time"] != "now":
        try:
            parse_instant(when["start_time"])
        except ValueError:
            raise malformed(f"{path}start_time", '"now" or an ISO 8601 UTC date-time') from None
    if "local_time" in when and not isinstance(when["local_time"], bool):
        raise malformed(f"{path}local_time", "must be a boolean")


def _validate_message(message: dict[str, Any], path: str) -> None:
    channel = message.get("channel_type")
    if channel == "email":
        reject_unknown(message, _EMAIL_KEYS | {"languages"}, path)
        _validate_email_content(message, path)
        languages = message.get("languages", [])
        if not isinstance(languages, list):
            raise malformed(f"{path}languages", "must be an array")
        for index, entry in enumerate(languages):
            entry_path = f"{path}languages[{index}]."
            entry = as_object(entry, entry_path.rstrip("."))
            reject_unknown(entry, _EMAIL_KEYS - {"channel_type"} | {"language"}, entry_path)
            _string(entry, "language", entry_path)
            _validate_email_content(entry, entry_path)
    elif channel == "push":
        reject_unknown(message, _PUSH_KEYS, path)
        platforms = message.get("platform_type")
        if platforms is None:
            raise missing(f"{path}platform_type")
        if not _strings(platforms, f"{path}platform_type") or not set(platforms) <= set(_PLATFORMS):
            raise malformed(f"{path}platform_type", "must list one or more of ios, android, web")
        _string(message, "body", path)
        _string(message, "title", path, required=False)
        _string(message, "deeplink", path, required=False)
    elif channel is None:
        raise missing(f"{path}channel_type")
    else:
        raise malformed(f"{path}channel_type", 'must be "email" or "push"')


def _validate_email_content(content: dict[str, Any], path: str) -> None:
    for key in ("subject", "sender_identity_id", "html"):
        # sender_identity_id is a string ("4012"), never a number.
        _string(content, key, path)
    if "reply_to" not in content:
        raise missing(f"{path}reply_to")
    reply_to = as_object(content["reply_to"], f"{path}reply_to")
    reject_unknown(reply_to, frozenset({"email_address"}), f"{path}reply_to.")
    _string(reply_to, "email_address", f"{path}reply_to.")
