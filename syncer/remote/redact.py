"""REDACT: every text that may quote a credential -> the same text with `***` in its place.

Takes the run's secrets (added as sessions open); returns scrubbed strings, and a logging filter
that scrubs every record, tracebacks included. Errors, logs and `--debug` traces all pass
through one `Redactor`, so a secret never reaches the terminal in any of its encoded forms.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Sequence

MIN_LENGTH = 4
"""Shorter values are not searched for (they would mangle ordinary text): credentials are
refused below `syncer.config.credentials.MIN_SECRET`, so a real key is always searched for."""


def _url_pattern(secret: str) -> re.Pattern[str]:
    """The secret in any URL encoding: each character as itself or as `%XX` escapes in either
    case (upper, lower or mixed, as libraries and vendors differ), a space also as `+`."""
    parts = []
    for char in secret:
        escaped = "".join(f"%{byte:02x}" for byte in char.encode("utf-8"))
        options = [re.escape(char), f"(?i:{escaped})"] + (["\\+"] if char == " " else [])
        parts.append(f"(?:{'|'.join(options)})")
    return re.compile("".join(parts))


class Redactor:
    """Replaces every known secret (and its base64, JSON, repr and URL forms) with `***`."""

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        self._needles: list[str] = []
        self._patterns: list[re.Pattern[str]] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if len(secret) < MIN_LENGTH:
            return  # too short to search for without mangling ordinary text
        pattern = _url_pattern(secret)
        if pattern.pattern not in {p.pattern for p in self._patterns}:
            self._patterns.append(pattern)
        forms = {
            secret,
            base64.b64encode(secret.encode()).decode(),
            json.dumps(secret)[1:-1],
            # As Python and HTTP libraries quote values in their exceptions and debug logs.
            repr(secret)[1:-1],
            repr(secret.encode())[2:-1],
        }
        for form in forms:
            if form not in self._needles:
                self._needles.append(form)
        self._needles.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for needle in self._needles:
            text = text.replace(needle, "***")
        for pattern in self._patterns:
            text = pattern.sub("***", text)
        return text


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs secrets from every record (including --debug traces)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = self.redactor(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatted here, so that the traceback (and the exception's own text) is scrubbed
            # too: the handler's formatter would only do it after this filter.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return True
