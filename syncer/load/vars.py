"""VARS (pure): `${var.NAME}` in a campaign file's strings -> the target's value.

Takes a string and one target's `[targets.<name>.vars]`; returns the string with every
`${var.NAME}` replaced and every `$${` written as a literal `${`, or the problems with its
references. Values are text and the result is always a string: a var never turns a string
into a number (a field that needs one then fails the vendor's validation, with a hint).

Any other `${...}` is refused rather than passed on: it is most likely a misspelt var
(`${vars.x}`, `${var.x` without its brace), and sending it would put the raw placeholder into
a real email. A literal `${` is written `$${`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_REFERENCE = re.compile(r"\$\$\{|\$\{")
_VAR = re.compile(r"var\.([A-Za-z_][A-Za-z0-9_]*)\}")


def uses_vars(text: str) -> bool:
    """True when expanding `text` could change it (it holds `${` or `$${`)."""
    return "${" in text


def expand(text: str, values: Mapping[str, str], target: str) -> tuple[str, list[str]]:
    """`text` with its references expanded for `target`, and a message per bad reference."""
    if "${" not in text:
        return text, []
    out: list[str] = []
    problems: list[str] = []
    position = 0
    for found in _REFERENCE.finditer(text):
        start = found.start()
        if start < position:
            continue  # inside a reference already consumed
        out.append(text[position:start])
        if found.group() == "$${":
            out.append("${")
            position = found.end()
            continue
        var = _VAR.match(text, found.end())
        if var is None:
            shown = text[start : text.find("}", start) + 1 or start + 12]
            problems.append(
                f"{shown!r} is not a var reference: write ${{var.NAME}}, or $${{ for a literal ${{"
            )
            out.append(found.group())
            position = found.end()
            continue
        name = var.group(1)
        if name in values:
            out.append(values[name])
        else:
            known = ", ".join(sorted(values)) or "none"
            problems.append(
                f"${{var.{name}}}: target {target!r} has no var {name!r} "
                f"(set it in [targets.{target}.vars]; it has: {known})"
            )
        position = var.end()
    out.append(text[position:])
    return "".join(out), problems


def escape(value: Any) -> Any:
    """`value` (a string, or any JSON value) as a campaign file must say it: every `${` written
    `$${`, so that loading it gives `value` back. For values written into files from a remote
    (`syncer import`, `syncer pull`), where a `${` is text, never a reference."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {key: escape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [escape(item) for item in value]
    return value
