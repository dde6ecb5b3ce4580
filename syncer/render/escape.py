"""Escaping for the Markdown comment: text from campaign content -> Markdown or HTML that can
neither break the layout (HTML, Markdown, code fences) nor mention people or issues.

Backtick spans in the plan's own sentences (`lifecycle.on_locked: replace`) become code spans
that render, whatever they contain.
"""

from __future__ import annotations

import html
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_MENTION = re.compile(r"([@#])(?=[\w-])")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
_SPAN = re.compile(r"`([^`\n]+)`")


def clean(text: str) -> str:
    """Drop control characters; show bidirectional overrides instead of obeying them."""
    text = _CONTROL.sub("", text)
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _unlink(text: str) -> str:
    # A zero-width space after @ or # keeps GitHub/GitLab from mentioning or cross-linking.
    return _MENTION.sub("\\1\u200b", text)


def h(text: str) -> str:
    """Text for an HTML context (`<summary>`): escaped, one line, no mentions."""
    return _unlink(html.escape(" ".join(clean(text).split()), quote=True))


def _inert(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return _unlink(_MD_SPECIAL.sub(r"\\\1", escaped))


def md(text: str) -> str:
    """Text for a Markdown paragraph or list item: one line, inert, no mentions; its
    backtick spans are code spans (escaped backticks would show as backslashes and ticks)."""
    one_line = " ".join(clean(text).split())
    parts = _SPAN.split(one_line)
    # split() alternates: text outside spans at even indexes, span bodies at odd ones.
    return "".join(code(part) if i % 2 else _inert(part) for i, part in enumerate(parts))


def code(text: str, *, in_table: bool = False) -> str:
    """An inline code span that no content can close (literal, no mentions, no links)."""
    body = " ".join(clean(text).split()) or " "
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or body == " " else ""
    span = f"{fence}{pad}{body}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


def hcode(text: str) -> str:
    """Inline code for an HTML context."""
    return f"<code>{html.escape(' '.join(clean(text).split()), quote=True)}</code>"


def fenced(lines: list[str], lang: str = "diff") -> str:
    """A fenced block whose fence is longer than any backtick run inside it."""
    body = "\n".join(clean(line) for line in lines)
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{lang}\n{body}\n{fence}"
