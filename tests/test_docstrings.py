"""Field docstrings become JSON Schema descriptions when a schema is made (model/docstrings.py)."""

from __future__ import annotations

from pydantic import Field

from syncer.model.base import Text, VendorModel


class Parent(VendorModel):
    inherited: Text | None = None
    """Declared by the parent."""


class Child(Parent):
    own: Text | None = None
    """Declared here,
    on two lines."""
    explicit: Text | None = Field(default=None, description="set by Field")
    """Not used: Field's description wins."""
    aliased: Text | None = Field(default=None, alias="by-alias")
    """Found under its alias."""
    bare: Text | None = None


def test_docstrings_fill_descriptions_of_own_inherited_and_aliased_fields() -> None:
    properties = Child.model_json_schema()["properties"]
    assert properties["own"]["description"] == "Declared here,\non two lines."
    assert properties["inherited"]["description"] == "Declared by the parent."
    assert properties["explicit"]["description"] == "set by Field"
    assert properties["by-alias"]["description"] == "Found under its alias."
    assert "description" not in properties["bare"]


def test_defining_a_vendor_model_reads_no_source() -> None:
    # The point of docstrings.py: pydantic's use_attribute_docstrings parsed every model's
    # source at class definition, on every command's start.
    assert VendorModel.model_config.get("use_attribute_docstrings") is not True
    assert Child.model_fields["own"].description is None
