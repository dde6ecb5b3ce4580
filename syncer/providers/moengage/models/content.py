"""What a MoEngage email says: basic details, connector, content, locales and variations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from syncer.model.base import Text, VendorModel
from syncer.providers.moengage.models.values import (
    ContentType,
    Email,
    HttpsUrl,
    Locale,
    OffsetTime,
    Percentage,
    VariationKey,
)

# ---------------------------------------------------------------------------------------------
# Basic details and connector


class BasicDetails(VendorModel):
    """Name, content type and audience identifier of an email campaign."""

    name: Text | None = None
    business_event: Text | None = None
    """Required for BUSINESS_EVENT_TRIGGERED campaigns."""
    content_type: ContentType | None = None
    subscription_category: Text | None = None
    """Required for PROMOTIONAL campaigns: a category configured in the workspace."""
    tags: list[Text] | None = None
    team: Text | None = None
    user_attribute_identifier: Text | None = None
    """The user attribute holding the email address, e.g. MOE_EMAIL_ID."""
    send_only_double_opt_in_users: bool | None = None
    deduplication_attribute: Text | None = None
    """Backend attribute name used for brand deduplication, e.g. u_em; "" for single-brand."""


class Connector(VendorModel):
    """The email service provider connection configured in the workspace."""

    connector_type: Text | None = None
    """E.g. SENDGRID; passed through as written."""
    connector_name: Text | None = None


# ---------------------------------------------------------------------------------------------
# Content


class Attachment(VendorModel):
    file_type: Literal["URL", "PERSONALIZED_ATTACHMENT"] | None = None
    url: Text | None = None


class DealCard(VendorModel):
    """A Gmail Promotions-tab deal card."""

    description: Text | None = None
    discount_code: Text | None = None
    availability_starts: OffsetTime | None = None
    """ISO 8601 with the promotion's own offset, e.g. 2026-06-01T00:00:00+05:30."""
    availability_ends: OffsetTime | None = None
    """At least one hour after `availability_starts`."""

    @field_validator("availability_ends")
    @classmethod
    def _ends_an_hour_after_start(cls, value: str | None, info: ValidationInfo) -> str | None:
        starts = info.data.get("availability_starts")
        if value is not None and starts is not None:
            gap = datetime.fromisoformat(value) - datetime.fromisoformat(starts)
            if gap < timedelta(hours=1):
                raise PydanticCustomError(
                    "deal_window", "must be at least one hour after availability_starts"
                )
        return value


class CarouselProduct(VendorModel):
    id: Text | None = None
    headline: Text | None = None
    original_price: Text | None = None
    """A numeric string, e.g. "199.99"."""
    discount_value: Text | None = None
    """A numeric string: a percentage or an amount, per `discount_type`."""
    discount_type: Literal["PERCENT", "VALUE"] | None = None
    promo_url: HttpsUrl | None = None
    product_image: HttpsUrl | None = None


class CarouselManualData(VendorModel):
    currency: Text | None = None
    """ISO 4217 code applied to every product."""
    products: Annotated[list[CarouselProduct], Field(min_length=2)] | None = None


class CarouselProductSetData(VendorModel):
    product_set: Text | None = None
    """A product set id from the MoEngage catalog."""
    image_url: Text | None = None
    """Fallback image."""
    headline: Text | None = None
    promo_url: Text | None = None
    product_count: Annotated[int, Field(ge=2, le=9)] | None = None


class ProductCarousel(VendorModel):
    """A Gmail Promotions-tab product carousel: listed products or a catalog product set."""

    type: Literal["MANUAL", "PRODUCT_SET"] | None = None
    manual_data: CarouselManualData | None = None
    """Only with type MANUAL."""
    product_set_data: CarouselProductSetData | None = None
    """Only with type PRODUCT_SET."""

    @field_validator("manual_data", "product_set_data")
    @classmethod
    def _data_matches_type(cls, value: object, info: ValidationInfo) -> object:
        wanted = {"manual_data": "MANUAL", "product_set_data": "PRODUCT_SET"}[str(info.field_name)]
        declared = info.data.get("type")
        if value is not None and declared is not None and declared != wanted:
            raise PydanticCustomError(
                "carousel_type",
                "only used with type {wanted}; this carousel is {declared}",
                {"wanted": wanted, "declared": declared},
            )
        return value


class GmailAnnotations(VendorModel):
    """Gmail Promotions-tab annotations; PROMOTIONAL campaigns only, one annotation kind."""

    send_email_if_personalization_fails: bool | None = None
    sender_logo: HttpsUrl | None = None
    sender_logo_type: Literal["image_url", "uploaded_image"] | None = None
    deal_card: DealCard | None = None
    product_carousel: ProductCarousel | None = None

    @field_validator("product_carousel")
    @classmethod
    def _one_annotation(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and info.data.get("deal_card") is not None:
            raise PydanticCustomError(
                "one_annotation", "use either deal_card or product_carousel, not both"
            )
        return value


class EmailContent(VendorModel):
    """One email: headers and body (inline HTML or a saved template)."""

    subject: Text | None = None
    preview_text: Text | None = None
    sender_name: Text | None = None
    from_address: Email | None = None
    reply_to_address: Email | None = None
    cc_ids: list[Email] | None = None
    bcc_ids: list[Email] | None = None
    html_content: Text | None = None
    """Inline HTML; not together with `custom_template_id`."""
    email_editor: Literal["Froala Editor", "Ace Editor"] | None = None
    """Required for Ace Editor content; Froala Editor is the default."""
    custom_template_id: Text | None = None
    """A saved template; not together with `html_content`."""
    custom_template_version: int | None = None
    attachments: list[Attachment] | None = None
    gmail_annotations: GmailAnnotations | None = None

    @field_validator("custom_template_id")
    @classmethod
    def _template_or_html(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("html_content") is not None:
            raise PydanticCustomError(
                "template_or_html", "use either html_content or custom_template_id, not both"
            )
        return value


class VariationContent(VendorModel):
    """The email of one A/B variation."""

    email: EmailContent | None = None


class ContentByLocale(VendorModel):
    """`content`: either `{email: ...}`, or `{<locale>: {variation_N: {email: ...}}}`.

    The second form is used with locales or A/B variations; its locale keys (`default` and the
    ones listed in `locales`) are this model's extra keys, so errors name the locale and variation.
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, dict[VariationKey, VariationContent | None] | None] = Field(
        init=False
    )

    email: EmailContent | None = None
    """The single email of a campaign without locales or variations."""

    @model_validator(mode="after")
    def _one_form(self) -> ContentByLocale:
        # `email: null` beside locale keys is allowed: it clears the single-email form.
        if self.email is not None and self.model_extra:
            raise PydanticCustomError(
                "content_form",
                "use either content.email, or content.<locale>.<variation>.email with locales "
                "or variations (unexpected keys: {keys})",
                {"keys": ", ".join(sorted(self.model_extra))},
            )
        return self


class VariationDetails(VendorModel):
    """A/B test set-up."""

    distribution_type: Literal["MANUAL", "SHERPA"] | None = None
    no_of_variations: Annotated[int, Field(ge=1)] | None = None
    manual_distribution_percentage: dict[VariationKey, Percentage] | None = None
    """Share of users per variation, summing to 100; required with MANUAL."""
    sherpa_campaign_duration: Annotated[int, Field(ge=1)] | None = None
    """Hours Sherpa tests before picking a winner; required with SHERPA."""
    sherpa_distribution_metric: Literal["OPEN RATE", "CLICK RATE", "BOTH"] | None = None
    """Required with SHERPA."""

    @field_validator("manual_distribution_percentage")
    @classmethod
    def _shares(cls, value: dict[str, int] | None, info: ValidationInfo) -> dict[str, int] | None:
        if value is None:
            return value
        if sum(value.values()) != 100:
            raise PydanticCustomError(
                "percentage_sum",
                "percentages must add up to 100, not {total}",
                {"total": sum(value.values())},
            )
        count = info.data.get("no_of_variations")
        extra = sorted(k for k in value if count is not None and int(k.split("_")[1]) > count)
        if extra:
            raise PydanticCustomError(
                "unknown_variation",
                "{keys} beyond no_of_variations ({count})",
                {"keys": ", ".join(extra), "count": count},
            )
        return value


class CampaignContent(VendorModel):
    """The email (or emails, per locale and variation) that the campaign sends."""

    locales: list[Locale] | None = None
    """Locales besides `default`, each with its own content."""
    variation_details: VariationDetails | None = None
    content: ContentByLocale | None = None

    @field_validator("locales")
    @classmethod
    def _unique_locales(cls, value: list[str] | None) -> list[str] | None:
        repeated = sorted({name for name in value or [] if (value or []).count(name) > 1})
        if repeated:
            raise PydanticCustomError(
                "repeated_locale", "listed more than once: {names}", {"names": ", ".join(repeated)}
            )
        return value
