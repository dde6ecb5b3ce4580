"""REDACT: every text that may quote a credential -> the same text with `***` in its place.

Takes the run's secrets (added as sessions open); returns scrubbed strings, and a logging filter
that scrubs every record, tracebacks included. Errors, logs and `--debug` traces all pass
through one `Redactor`, so a secret never reaches the terminal in any of its encoded forms.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Sequence
from urllib.parse import quote


class Redactor:
    """Replaces every known secret (and its base64 and URL forms) with `***`."""

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        self._needles: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if len(secret) < 4:
            return  # too short to search for without mangling ordinary text
        forms = {
            secret,
            base64.b64encode(secret.encode()).decode(),
            json.dumps(secret)[1:-1],
            quote(secret, safe=""),
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
