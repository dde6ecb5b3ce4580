"""Issue 7, secrets, unit level: the redactor knows every form a secret travels in, and the
logging filter scrubs tracebacks too (they are formatted after filters run)."""

from __future__ import annotations

import base64
import io
import json
import logging
import re
from urllib.parse import quote, quote_plus

import pytest

from syncer.remote.redact import RedactingFilter, Redactor

SECRET = "k3y/with+odd=chars\nand a line break"


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        base64.b64encode(SECRET.encode()).decode(),
        json.dumps(SECRET)[1:-1],
        quote(SECRET, safe=""),
        re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(SECRET, safe="")),
        quote(SECRET),  # `/` left as it is
        quote_plus(SECRET),  # spaces as `+`
        "".join(f"%{b:02x}" for b in SECRET.encode()),  # every byte escaped, lower case
        repr(SECRET)[1:-1],
        repr(SECRET.encode())[2:-1],
    ],
)
def test_every_form_is_redacted(form: str) -> None:
    assert Redactor([SECRET])(f"before {form} after") == "before *** after"


def test_short_values_are_not_searched_for() -> None:
    # Credentials that short are refused when read (tests/e2e/test_hostile_vendor.py).
    assert Redactor(["abc"])("abcdef") == "abcdef"


def test_a_secret_cut_by_a_later_step_is_gone_before_the_cut() -> None:
    text = Redactor([SECRET])("x" * 295 + SECRET)
    assert text[:300] == "x" * 295 + "***"


def test_log_records_and_their_tracebacks_are_scrubbed() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(Redactor([SECRET])))
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("tests.redaction")
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            raise ValueError(f"header value {SECRET!r} refused")
        except ValueError:
            log.exception("failed with %s", SECRET, stack_info=True)
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert "Traceback" in text and "ValueError" in text
    for form in (SECRET, repr(SECRET)[1:-1]):
        assert form not in text
