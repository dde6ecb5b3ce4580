"""EXPLAIN (pure): a YAML parser's complaint at a line -> what a person did wrong there.

Parsers report an indentation mistake where they notice it (`expected <block end>` at the next
token, `mapping values are not allowed here` at a colon). Takes the text and the parser's line;
returns a sentence about the indentation of that line against its siblings and parent, with the
column of the line's first character, or None when indentation does not explain the error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explained:
    line: int
    col: int
    message: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def explain(text: str, line: int, problem: str) -> Explained | None:
    """Explain the parser's `problem` reported at 1-based `line` of `text`, if indentation does."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines) or not _meaningful(lines[line - 1]):
        return None
    here = lines[line - 1]
    indent = _indent(here)
    above = [(n, lines[n - 1]) for n in range(line - 1, 0, -1) if _meaningful(lines[n - 1])]
    if not above:
        return None
    previous_no, previous = above[0]
    previous_indent = _indent(previous)
    what = f"line {line} ({here.strip()[:30]!r}) is indented {indent} space(s)"
    if "expected <block end>" in problem and indent < previous_indent:
        levels = _levels(above, previous_indent)
        if indent not in levels:
            shown = " or ".join(f"{lvl} (like line {n})" for lvl, n in sorted(levels.items())[::-1])
            return Explained(
                line, indent + 1, f"{what}, between the levels above it: indent it {shown}"
            )
    if "mapping values are not allowed" in problem and indent > previous_indent:
        key, _, value = previous.strip().partition(":")
        if value.strip() and not value.strip().startswith(("|", ">", "&", "!")):
            return Explained(
                line,
                indent + 1,
                f"{what}, deeper than line {previous_no} ({key.strip()}: holds a value, not a "
                f"block): indent it {previous_indent} space(s) like its sibling, or quote the "
                "value if the text belongs to it",
            )
    if "mapping values are not allowed" in problem:
        return Explained(
            line,
            indent + 1,
            f"line {line}: a value containing ': ' must be quoted (\"...\") or the key is "
            "missing a line break",
        )
    return None


def _levels(above: list[tuple[int, str]], start: int) -> dict[int, int]:
    """The indentation levels open at the error: the previous line's and each enclosing
    block's (indent -> the nearest line number at that indent)."""
    levels: dict[int, int] = {}
    ceiling = start + 1
    for number, text in above:
        indent = _indent(text)
        if indent < ceiling:
            levels.setdefault(indent, number)
            ceiling = indent
        if indent == 0:
            break
    return levels
