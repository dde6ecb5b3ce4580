"""What a validation error says, in the tool's own voice, with the closest known key.

Takes a pydantic error (its `type`, `msg`, `ctx`) and, for an unknown key, the JSON Schema of
the document it sits in; returns the sentence a person reads after `path:`. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# pydantic's error types -> the house wording (the `Input should be ...` phrasing never shows).
_WORDING = {
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "dict_type": "must be a mapping (key: value lines)",
    "model_type": "must be a mapping (key: value lines)",
    "model_attributes_type": "must be a mapping (key: value lines)",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list",
    "none_required": "must be empty (null)",
    "datetime_type": "must be a date and time (ISO 8601)",
    "datetime_parsing": "must be a date and time (ISO 8601)",
    "datetime_from_date_parsing": "must be a date and time (ISO 8601)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "url_parsing": "must be a URL",
    "url_scheme": "must be a URL with an allowed scheme",
    "missing": "required key is missing",
    "extra_forbidden": "unknown key",
    "frozen_instance": "cannot be changed",
}


def wording(err: Mapping[str, Any]) -> str:
    """The sentence for one pydantic error (without the `path:` before it)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in ("literal_error", "enum"):
        return f"must be one of: {_choices(ctx.get('expected', ''))}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "more than", "greater_than_equal": "at least",
            "less_than": "less than", "less_than_equal": "at most",
        }  # fmt: skip
        bound = next(iter(ctx.values()), "")
        return f"must be {words[kind]} {bound}"
    if kind in ("too_short", "too_long"):
        least = "at least" if kind == "too_short" else "at most"
        amount = ctx.get("min_length", ctx.get("max_length", ""))
        return f"must have {least} {amount} item(s)"
    if kind in ("string_too_short", "string_too_long"):
        least = "at least" if kind == "string_too_short" else "at most"
        amount = ctx.get("min_length", ctx.get("max_length", ""))
        return f"must be {least} {amount} character(s) long"
    if kind == "string_pattern_mismatch":
        return f"does not have the expected form ({ctx.get('pattern', '')})"
    message = str(err.get("msg", "invalid value"))
    if kind == "string_type" and message.startswith("expected a string"):
        return message  # the tool's own sentence (a YAML number or date where text is needed)
    if kind in _WORDING:
        return _WORDING[kind]
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if message.startswith("Input should be "):
        return "must be " + message.removeprefix("Input should be ")
    return message


def _choices(expected: Any) -> str:
    # pydantic says "'A', 'B' or 'C'"; the house style lists choices with |.
    text = str(expected).replace(" or ", ", ")
    return " | ".join(part.strip().strip("'") for part in text.split(",") if part.strip())


def unknown_key(key: str, known: Iterable[str]) -> str:
    """`unknown key`, with the closest known key when one is close enough to be a typo."""
    import difflib  # only when a file has an unknown key: a valid one never loads it

    close = difflib.get_close_matches(key, sorted(set(known)), n=1, cutoff=0.7)
    return f"unknown key (did you mean {close[0]!r}?)" if close else "unknown key"


def schema_keys(schema: dict[str, Any], loc: Sequence[str | int]) -> set[str]:
    """The keys a JSON Schema allows in the mapping at `loc` (every branch of a union)."""
    nodes = [schema]
    for part in loc:
        nodes = [child for node in nodes for child in _children(schema, node, part)]
    return {key for node in nodes for key in _properties(schema, node)}


def _resolve(root: dict[str, Any], node: Any) -> list[dict[str, Any]]:
    if not isinstance(node, dict):
        return []
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for piece in ref[2:].split("/"):
            target = target.get(piece, {}) if isinstance(target, dict) else {}
        return _resolve(root, target)
    branches = [b for key in ("anyOf", "oneOf", "allOf") for b in node.get(key, [])]
    if branches:
        return [node] + [r for branch in branches for r in _resolve(root, branch)]
    return [node]


def _children(root: dict[str, Any], node: Any, part: str | int) -> list[Any]:
    out: list[Any] = []
    for each in _resolve(root, node):
        if isinstance(part, int):
            items = each.get("items") or each.get("prefixItems")
            out.extend(items if isinstance(items, list) else [items] if items else [])
        elif part in each.get("properties", {}):
            out.append(each["properties"][part])
        elif isinstance(each.get("additionalProperties"), dict):
            out.append(each["additionalProperties"])
    return out


def _properties(root: dict[str, Any], node: Any) -> set[str]:
    return {key for each in _resolve(root, node) for key in each.get("properties", {})}
