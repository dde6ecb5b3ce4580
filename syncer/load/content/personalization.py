"""Personalization, checked offline: a final string -> its syntax error and unknown names.

Takes a string (subject, preview text, HTML) and the vendor's `Personalization`; returns
`Finding`s at 1-based line and column of that string. `jinja`: the string is parsed (never
rendered) by a plain Jinja environment with the vendor's `{{ }}` / `{% %}` delimiters; a name
it reads without defining is reported when it is not one of the vendor's families. `braces`:
only the pairing of the delimiters is checked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import jinja2
import jinja2.nodes

from syncer.model.email import Personalization

_PARSER = jinja2.Environment(autoescape=False)
_JINJA_NAMES = frozenset(_PARSER.globals) | {"loop", "caller", "varargs", "kwargs", "self"}
_OPEN_BLOCK = re.compile(r"innermost block that needs to be closed is '(\w+)'")


@dataclass(frozen=True)
class Finding:
    line: int
    col: int
    message: str
    check: str | None = None
    """None for a syntax error (always an error); else the `[checks]` name."""
    needle: str = ""
    """Text of the string at fault, to find the same spot in the template it came from."""
    whole: bool = False
    """About the whole string (its size, a missing link): reported where the value is named."""


def check(text: str, spec: Personalization) -> list[Finding]:
    if spec.language == "braces":
        return _pairing(text)
    return _jinja(text, spec)


def _jinja(text: str, spec: Personalization) -> list[Finding]:
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return []
    names = _names(_skeleton(text))
    if names is None:
        try:
            tree = _PARSER.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            line, col = _where(text, exc)
            lines = text.splitlines()
            needle = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            return [Finding(line, col, f"personalization syntax: {exc.message}", needle=needle)]
        names = frozenset(_undeclared(tree))
    if not spec.families:
        return []
    findings = []
    for name in sorted(names - spec.families):
        line, col = _first_use(text, name)
        families = ", ".join(sorted(spec.families))
        findings.append(
            Finding(
                line,
                col,
                f"{name} is not a personalization object the vendor documents ({families})",
                check="unknown_personalization",
                needle=name,
            )
        )
    return findings


_CONSTRUCT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _skeleton(text: str) -> str:
    """The vendor syntax of `text` without the HTML around it: its tags in order, and any
    stray opener. Jinja parses a skeleton exactly when it parses the text (the rest is data),
    and emails sharing a layout share most of their skeleton."""
    parts = []
    position = 0
    for match in _CONSTRUCT.finditer(text):
        between = text[position : match.start()]
        if "{{" in between or "{%" in between or "{#" in between:
            parts.append(between)
        parts.append(match.group(0))
        position = match.end()
    rest = text[position:]
    if "{{" in rest or "{%" in rest or "{#" in rest:
        parts.append(rest)
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _names(skeleton: str) -> frozenset[str] | None:
    """The undeclared names of a skeleton, or None when it does not parse (the whole text is
    then parsed again, to say where)."""
    try:
        return frozenset(_undeclared(_PARSER.parse(skeleton)))
    except jinja2.TemplateSyntaxError:
        return None


def _undeclared(tree: jinja2.nodes.Template) -> set[str]:
    """The names a template reads and never assigns (`set`, `for`, macro parameters), nor
    Jinja provides. Coarser than `jinja2.meta` (scopes are ignored) and a tenth of its time:
    that one compiles the template."""
    declared = set(_JINJA_NAMES)
    used: set[str] = set()
    for node in tree.find_all(jinja2.nodes.Name):
        (used if node.ctx == "load" else declared).add(node.name)
    return used - declared


def _where(text: str, exc: jinja2.TemplateSyntaxError) -> tuple[int, int]:
    """Jinja reports an unclosed construct at the end of the text: point at its opening."""
    message = exc.message or ""
    if "end of template" in message:
        block = _OPEN_BLOCK.search(message)
        pattern = rf"\{{%-?\s*{block.group(1)}\b" if block else r"\{\{|\{%"
        opening = [m.start() for m in re.finditer(pattern, text)]
        if opening:
            return _position(text, opening[-1])
    line = exc.lineno or 1
    lines = text.splitlines()
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    found = max(current.rfind("{{"), current.rfind("{%"))
    return line, found + 1 if found >= 0 else 1


def _first_use(text: str, name: str) -> tuple[int, int]:
    for tag in re.finditer(r"\{\{.*?\}\}|\{%.*?%\}", text, re.S):
        inner = re.search(rf"(?<![\w.'\"]){re.escape(name)}\b", tag.group(0))
        if inner:
            return _position(text, tag.start() + inner.start())
    return 1, 1


def _pairing(text: str) -> list[Finding]:
    findings = []
    for opening, closing in (("{{", "}}"), ("{%", "%}")):
        position = 0
        while (start := text.find(opening, position)) >= 0:
            end = text.find(closing, start + 2)
            nested = text.find(opening, start + 2)
            if end < 0 or 0 <= nested < end:
                line, col = _position(text, start)
                line_text = text.splitlines()[line - 1].strip()
                findings.append(
                    Finding(
                        line,
                        col,
                        f"personalization syntax: {opening} is not closed by {closing}",
                        needle=line_text,
                    )
                )
                break
            position = end + 2
    return findings


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
