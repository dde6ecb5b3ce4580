"""What the content checks need to know about a vendor's emails, as plain data.

A provider says where the emails of a campaign block are (`Email`: the paths of subject,
preview text and HTML, and whether the email is promotional) and which personalization
language its final strings are written in (`Personalization`). The checks themselves
(`syncer.load.content`) know no vendor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Email:
    """One email of a campaign block: the paths of its parts inside the block."""

    subject: Loc | None = None
    preview: Loc | None = None
    html: Loc | None = None
    promotional: bool | None = None
    """True for marketing email (an unsubscribe link is due); None when the block does not say."""


@dataclass(frozen=True)
class Personalization:
    """A vendor's personalization language, for offline checks of the final strings."""

    language: Literal["jinja", "braces"]
    """`jinja`: parsed as Jinja (MoEngage). `braces`: only `{{ }}` / `{% %}` pairing is checked,
    for a language whose grammar is not published."""
    families: frozenset[str] = frozenset()
    """The top-level names the vendor defines (`UserAttribute`, ...); any other name a
    `jinja` string uses without defining it is a warning. Empty: not checked."""
    unsubscribe: tuple[str, ...] = ()
    """Texts (lower case) that stand for the vendor's unsubscribe link in an email."""
