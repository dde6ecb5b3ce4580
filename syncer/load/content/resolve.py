"""`{file: PATH}` -> text: every file reference of a campaign block replaced by its final text.

Takes the `campaign:` block (after the target's vars are applied), where it sits in its YAML
file, the target and the load's `Renderer`; returns a `Resolved`: the block with plain strings
only, the template files read (name -> sha256) and where each final string came from, or the
located problems (a missing file at the YAML line that names it, a template error at the
template's own line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from syncer.errors import Problem
from syncer.load.content.files import TemplateFileError
from syncer.load.content.render import Rendered, Renderer, RenderError
from syncer.load.yaml import read as yamlio

Loc = tuple[str | int, ...]


def _same(loc: Loc) -> Loc:
    return loc


@dataclass(frozen=True)
class Anchor:
    """Where a campaign block sits in the YAML a person wrote: the file, its tree, and `where`,
    which maps a path of the effective data (`("campaign", ...)`) to where it was written (a
    merged override is written under `overrides.<target>`)."""

    display: str
    tree: Any
    where: Callable[[Loc], Loc] = _same
    text: str = ""
    """The YAML text, for the indentation of block scalars."""

    def key(self, loc: Loc) -> tuple[int, int]:
        return yamlio.locate(self.tree, self.where(("campaign", *loc)))

    def value(self, loc: Loc) -> tuple[int, int, str | None]:
        return yamlio.value_start(self.tree, self.where(("campaign", *loc)))

    def indent(self, line: int) -> int:
        """The indentation of 1-based `line` of the YAML text (0 when unknown)."""
        lines = self.text.splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return len(text) - len(text.lstrip(" "))


@dataclass
class Resolved:
    campaign: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    """Every template file read, by name relative to `templates_dir`: its sha256."""
    origins: dict[Loc, Rendered] = field(default_factory=dict)
    """The strings that came from files, by their path in the block."""
    problems: list[Problem] = field(default_factory=list)
    failed: list[Loc] = field(default_factory=list)
    """The paths whose file could not be read or rendered (their value is None)."""


FILE_REFERENCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["file"],
    "properties": {"file": {"type": "string", "minLength": 1}},
    "description": "the text of a file of templates_dir (.j2 rendered, .mjml compiled)",
}
"""What `{file: PATH}` looks like in the JSON Schema of campaign files (`syncer schema`)."""


def accepting_references(schema: Any) -> Any:
    """A JSON Schema in which every string may also be written `{file: PATH}`."""
    if isinstance(schema, list):
        return [accepting_references(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    walked = {
        key: value
        if key in ("enum", "const", "default", "examples")
        else accepting_references(value)
        for key, value in schema.items()
    }
    if walked.get("type") == "string":
        # The field's own description stays on the field, where editors show it.
        described = {k: walked[k] for k in ("title", "description") if k in walked}
        return {**described, "anyOf": [walked, FILE_REFERENCE_SCHEMA]}
    return walked


def is_reference(value: Any) -> bool:
    """`{file: PATH}`: a mapping with the one key `file`."""
    return isinstance(value, dict) and len(value) == 1 and "file" in value


def reference_at(data: Any, target: str, path: Loc) -> str | None:
    """The file a value of a campaign file comes from: `path` (inside `campaign:`) or a value
    above or below it written as `{file: PATH}`, in `campaign:` or in `overrides.<target>`.
    None when the value is written in the YAML itself."""
    blocks: list[Any] = [data.get("campaign") if isinstance(data, dict) else None]
    overrides = data.get("overrides") if isinstance(data, dict) else None
    if isinstance(overrides, dict) and isinstance(overrides.get(target), dict):
        blocks.append(overrides[target].get("campaign"))
    for block in blocks:
        node: Any = block
        for part in path:
            if is_reference(node):
                return str(node["file"])
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                node = None
                break
        found = _first_reference(node)
        if found is not None:
            return found
    return None


def _first_reference(value: Any) -> str | None:
    if is_reference(value):
        return str(value["file"])
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    )
    for child in children:
        found = _first_reference(child)
        if found is not None:
            return found
    return None


def has_references(value: Any) -> bool:
    if is_reference(value):
        return True
    if isinstance(value, dict):
        return any(has_references(v) for v in value.values())
    if isinstance(value, list):
        return any(has_references(v) for v in value)
    return False


def resolve(
    campaign: dict[str, Any],
    anchor: Anchor,
    renderer: Renderer,
    target: str,
    variables: dict[str, Any],
) -> Resolved:
    """The block with each `{file: PATH}` replaced by that file's final text."""
    resolved = Resolved(campaign={})

    def walk(value: Any, loc: Loc) -> Any:
        if is_reference(value):
            return _reference(value["file"], loc, anchor, renderer, target, variables, resolved)
        if isinstance(value, dict):
            return {k: walk(v, (*loc, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*loc, i)) for i, v in enumerate(value)]
        return value

    resolved.campaign = walk(campaign, ())
    return resolved


def _reference(
    name: Any,
    loc: Loc,
    anchor: Anchor,
    renderer: Renderer,
    target: str,
    variables: dict[str, Any],
    resolved: Resolved,
) -> Any:
    line, col = anchor.key((*loc, "file"))
    dotted = ".".join(str(p) for p in loc)
    if not isinstance(name, str):
        resolved.problems.append(
            Problem(anchor.display, line, col, f"{dotted}: file: takes a path (a string)")
        )
        resolved.failed.append(loc)
        return None
    try:
        rendered = renderer.render(name, variables, target)
    except TemplateFileError as exc:
        resolved.problems.append(Problem(anchor.display, line, col, f"{dotted}: {exc}"))
        resolved.failed.append(loc)
        return None
    except RenderError as exc:
        message = f"{exc.message} (rendering {dotted})"
        resolved.problems.append(Problem(exc.display, exc.line, exc.col, message))
        resolved.failed.append(loc)
        return None
    resolved.origins[loc] = rendered
    for read in rendered.files:
        resolved.files[read.name] = read.sha256
    return rendered.text
