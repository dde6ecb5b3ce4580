"""Who a MoEngage campaign reaches: filters, trigger condition, segmentation."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from syncer.model.base import Text, VendorModel
from syncer.providers.moengage.models.values import (
    OPERATORS_BY_DATA_TYPE,
    AttributeDataType,
    AttributeOperator,
    FilterValue,
)

# ---------------------------------------------------------------------------------------------
# Segmentation and trigger filters


class UserAttributeFilter(VendorModel):
    """Users whose attribute matches a condition."""

    filter_type: Literal["user_attributes"]
    data_type: AttributeDataType | None = None
    category: Text | None = None
    """Attribute category, e.g. "Tracked Standard Attribute"."""
    name: Text | None = None
    """Attribute name, e.g. "uid"."""
    operator: AttributeOperator | None = None
    """Allowed values depend on `data_type`."""
    value: FilterValue = None
    """Any JSON value; omitted for `exists`."""
    case_sensitive: bool | None = None
    negate: bool | None = None
    project_name: Text | None = None
    """Required when the workspace uses the Portfolio feature."""

    @field_validator("operator")
    @classmethod
    def _operator_fits_data_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        data_type = info.data.get("data_type")
        if value is not None and data_type is not None:
            allowed = OPERATORS_BY_DATA_TYPE[data_type]
            if value not in allowed:
                raise PydanticCustomError(
                    "operator_data_type", "{operator} does not apply to {data_type} attributes; "
                    "use one of: {allowed}",
                    {"operator": repr(value), "data_type": data_type,
                     "allowed": ", ".join(allowed)},
                )  # fmt: skip
        return value


class ActionExecution(VendorModel):
    """How many times the action must have happened."""

    type: Literal["atleast", "atmost", "exactly"] | None = None
    count: Annotated[int, Field(ge=0)] | None = None


class ActionFilter(VendorModel):
    """Users who did (or did not do) an event."""

    filter_type: Literal["actions"]
    action_name: Text | None = None
    """The event name."""
    execution: ActionExecution | None = None
    executed: bool | None = None
    """False selects users who did not do the event."""
    attributes: FilterGroup | None = None
    """Conditions on the event's attributes."""
    condition: Text | None = None
    """Condition type, e.g. "IF"."""


class CustomSegmentFilter(VendorModel):
    """Users in a saved custom segment."""

    filter_type: Literal["custom_segments"]
    id: Text | None = None
    name: Text | None = None


Filter = Annotated[
    UserAttributeFilter | ActionFilter | CustomSegmentFilter, Field(discriminator="filter_type")
]
FILTER_TYPES = ("user_attributes", "actions", "custom_segments")


class FilterGroup(VendorModel):
    """Filters combined with one lower-case logical operator."""

    filter_operator: Literal["and", "or"] | None = None
    filters: list[Filter] | None = None


class TriggerAttribute(VendorModel):
    """The time anchor of a BEFORE trigger."""

    name: Text | None = None


class TriggerCondition(VendorModel):
    """The events that start an EVENT_TRIGGERED campaign."""

    included_filters: FilterGroup | None = None
    secondary_included_filters: FilterGroup | None = None
    trigger_delay_type: Literal["ASAP", "DELAY"] | None = None
    trigger_delay_value: Annotated[int, Field(ge=0)] | None = None
    """Required with DELAY."""
    trigger_delay_granularity: Literal["MINUTES", "HOURS", "DAYS"] | None = None
    """Required with DELAY."""
    trigger_relation: Literal["BEFORE", "AFTER"] | None = None
    """Required with DELAY."""
    trigger_attr: TriggerAttribute | None = None


class SegmentationDetails(VendorModel):
    """Who receives the campaign."""

    included_filters: FilterGroup | None = None
    excluded_filters: FilterGroup | None = None
    is_all_user_campaign: bool | None = None
    send_campaign_to_opt_out_users: bool | None = None
