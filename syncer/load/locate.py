"""LOCATE (pure): pydantic validation errors -> `file:line:col: message` problems.

Takes the errors of validating a campaign file's data (or a part of it), the YAML tree that
knows where each value was written, and optionally a function mapping a path of the validated
data to its place in the file (a merged override is validated in one place and written in
another); returns `Problem`s with a readable dotted path in each message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from syncer.errors import Problem
from syncer.load.yaml import read as yamlio
from syncer.model.messages import schema_keys, unknown_key, wording

Loc = tuple[str | int, ...]


def at(tree: Any, loc: Loc, display: str, message: str) -> Problem:
    line, col = yamlio.locate(tree, loc)
    return Problem(display, line, col, message)


def located(
    errors: Iterable[Any],
    prefix: Loc,
    tree: Any,
    display: str,
    *,
    data: Any = None,
    where: Callable[[Loc], Loc] | None = None,
    hint: Callable[[Loc, Any], str] | None = None,
    schema: dict[str, Any] | None = None,
) -> list[Problem]:
    """One problem per pydantic error. `data` is what was validated (defaults to `tree`),
    `where` maps a path of `data` to the file, `hint` adds a note to a message, and `schema`
    (the JSON Schema of the part at `prefix`) names the key an unknown key was likely meant as."""
    shape = tree if data is None else data
    problems = []
    for err in errors:
        loc = prefix + tuple(err["loc"])
        path = real_path(loc, shape)
        line, col = yamlio.locate(tree, where(path) if where else path)
        message = _message(err, path)
        if err.get("type") == "extra_forbidden" and schema is not None and path[len(prefix) :]:
            inner = path[len(prefix) :]
            message = f"{dotted(path)}: " + unknown_key(
                str(inner[-1]), schema_keys(schema, inner[:-1])
            )
        if hint is not None:
            message += hint(path, err)
        problems.append(Problem(display, line, col, message))
    return problems


def _message(err: Any, path: Loc) -> str:
    return f"{dotted(path)}: {wording(err)}"


def real_path(loc: Loc, tree: Any) -> Loc:
    """The YAML path of a pydantic location, without the union and model tags pydantic adds.

    A string part names a YAML key only if the mapping at that point has it (or it is the last
    part: a missing key); anything else is a tag such as a filter kind or a validator name.
    """
    parts: list[str | int] = []
    node = tree
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(part, int):
            parts.append(part)
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            continue
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif not last or "[" in part or part[:1].isupper():
            continue
        else:
            node = None
        parts.append(part)
    return tuple(parts)


def dotted(path: Loc) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(file)"


def value_at(tree: Any, path: Loc) -> Any:
    """The value at `path` in plain or round-trip data, or None."""
    node = tree
    for part in path:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
        else:
            return None
    return node
