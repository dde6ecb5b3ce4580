"""Field docstrings as JSON Schema descriptions, read only when a schema is made.

Takes a model class and the schema pydantic made of it; fills each property's `description`
from the docstring written under the field (`name: T` then `\"\"\"text\"\"\"`), as pydantic's
`use_attribute_docstrings` would. That option parses every model's source when the class is
defined, which was about 40 % of the vendor models' import time on every command; a schema is
wanted by `syncer schema` and by the did-you-mean of a refused file only.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache
from itertools import pairwise
from typing import Any

from pydantic import BaseModel


@cache
def _own(cls: type) -> dict[str, str]:
    """The docstrings of the fields `cls` itself declares, by field name."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # no source (a frozen or generated class): nothing to add
        return {}
    tree = ast.parse(source)
    found: dict[str, str] = {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    for node, after in pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found[node.target.id] = inspect.cleandoc(after.value.value)
    return found


def field_docstrings(cls: type[BaseModel]) -> dict[str, str]:
    """Every field's docstring, the nearest class of the MRO first (as inheritance reads)."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if issubclass(klass, BaseModel) and klass is not BaseModel:
            found.update(_own(klass))
    return found


def describe_fields(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """`json_schema_extra` of the vendor models: a property's docstring becomes its description
    where the field sets none of its own (`Field(description=...)` wins, as in pydantic)."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    docs = field_docstrings(cls)
    for name, field in cls.model_fields.items():
        text = docs.get(name)
        key = field.alias or name
        prop = properties.get(key)
        if text and isinstance(prop, dict) and field.description is None:
            prop["description"] = text
