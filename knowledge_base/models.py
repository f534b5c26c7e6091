"""The knowledge-base content schema: catalogue, regions and stores, contacts, promotions.

These models describe the YAML files one to one (``docs/knowledge-base.md`` documents them
with an example). Unknown fields are refused. Money is :class:`~decimal.Decimal` (YAML
numbers are read from their text, never through ``float``). Promotion windows are *local*
wall-clock times: each store reads them in its own IANA time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

ALL = "*"
"""In ``stacking.stacks_with``: combines with every other promotion."""


class Schema(BaseModel):
    """Base of every content model: strict about unknown fields, immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown IANA time zone {value!r}") from e
    return value


Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
"""Lowercase id: letters, digits and hyphens (``weekend-running``)."""
Sku = Annotated[str, Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=40)]
"""Stock-keeping unit code as printed on the tag (``AX-200``, ``SK-3P``)."""
StoreId = Annotated[str, Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=40)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
"""ISO 4217 code (``CNY``)."""
TimeZoneName = Annotated[str, AfterValidator(_zone)]
"""IANA time zone (``Asia/Shanghai``)."""
Money = Annotated[Decimal, Field(ge=0, decimal_places=2, allow_inf_nan=False)]
"""An amount in one currency, at most two decimals."""
Percent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2, allow_inf_nan=False)]
"""A percentage, 0 < p <= 100 (``20`` means 20 percent)."""
Prices = dict[CurrencyCode, Money]
"""An amount per currency: ``{CNY: 899, SGD: 169, EUR: 119}``."""


class LocalizedText(Schema):
    """Text in English (required) and Simplified Chinese (optional).

    A plain string in YAML is the English text.
    """

    en: str = Field(min_length=1)
    zh_cn: str | None = Field(default=None, alias="zh-CN", min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_english(cls, value: Any) -> Any:
        return {"en": value} if isinstance(value, str) else value

    def get(self, language: str) -> str | None:
        """The text in ``language`` (``en`` or ``zh-CN``), or ``None`` when it has none."""
        return self.zh_cn if is_chinese(language) else self.en

    def best(self, language: str) -> str:
        """The text in ``language``, falling back to English."""
        return self.get(language) or self.en


def is_chinese(language: str) -> bool:
    """True for ``zh``, ``zh-CN``, ``zh-Hans`` and friends."""
    return language.lower().startswith("zh")


# --- catalogue ---------------------------------------------------------------------------


class Category(Schema):
    """A product category (``running-shoes``) and the words a clerk uses for it."""

    id: Slug
    name: LocalizedText
    aliases: list[str] = []
    """Other spoken forms: ``runners``, ``running shoes``."""


class Product(Schema):
    """One catalogue item."""

    sku: Sku
    name: LocalizedText
    aliases: list[str] = []
    """Other names clerks say: ``Aero X``, ``AX two hundred``."""
    category: Slug
    list_price: Prices
    """List price per currency."""


class CatalogueFile(Schema):
    """``catalogue.yaml``."""

    categories: list[Category] = Field(min_length=1)
    products: list[Product] = Field(min_length=1)


# --- regions, stores, currencies -----------------------------------------------------------


class Currency(Schema):
    """A currency and how to say it."""

    code: CurrencyCode
    name: LocalizedText
    """Spoken unit, plural: ``yuan``, ``Singapore dollars``, ``euros`` / ``元``."""


class Store(Schema):
    """A shop."""

    id: StoreId
    name: LocalizedText
    time_zone: TimeZoneName | None = None
    """Overrides the region's time zone (rarely needed)."""


class Region(Schema):
    """A selling region: one currency, usually one time zone, several stores."""

    id: Slug
    name: LocalizedText
    time_zone: TimeZoneName | None = None
    """IANA zone the region's stores read promotion windows in."""
    currency: CurrencyCode
    stores: list[Store] = Field(min_length=1)


class RegionsFile(Schema):
    """``regions.yaml``."""

    currencies: list[Currency] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)


# --- contacts -------------------------------------------------------------------------------


class Contact(Schema):
    """Someone a clerk can call about a promotion."""

    id: Slug
    name: str = Field(min_length=1)
    team: LocalizedText
    """What they do, said after the name: ``east region promotions``."""
    extension: str = Field(pattern=r"^[0-9]{2,8}$")
    """Internal phone extension."""


class ContactsFile(Schema):
    """``contacts.yaml``."""

    contacts: list[Contact] = Field(min_length=1)


# --- promotions -----------------------------------------------------------------------------


class PromotionStatus(StrEnum):
    """Lifecycle of a promotion: only published (and retired, as history) are ever spoken."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


END_OF_DAY = time(23, 59)


def _local_datetime(value: Any, *, default_time: time) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("window times are local to each store; remove the UTC offset")
        return value
    if isinstance(value, date):
        return datetime.combine(value, default_time)
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), default_time)
            parsed = datetime.fromisoformat(text)
        except ValueError as e:
            raise ValueError(
                f"not a date or local date-time: {value!r} (write 2026-11-27 or 2026-11-27T00:00)"
            ) from e
        if parsed.tzinfo is not None:
            raise ValueError("window times are local to each store; remove the UTC offset")
        return parsed
    return value


class Window(Schema):
    """When a promotion runs, in each store's local time.

    A bare date means 00:00 for ``start`` and 23:59 for ``end``. ``end`` is the last minute
    the promotion is on: a window ending 23:59 runs until midnight.
    """

    start: datetime
    end: datetime

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: Any) -> Any:
        return _local_datetime(value, default_time=time(0, 0))

    @field_validator("end", mode="before")
    @classmethod
    def _end(cls, value: Any) -> Any:
        return _local_datetime(value, default_time=END_OF_DAY)

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if isinstance(start, datetime) and end <= start:
            raise ValueError(
                f"window ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})"
            )
        return end


class Scope(Schema):
    """Which items a promotion covers: categories and SKUs, minus exclusions."""

    categories: list[Slug] = []
    skus: list[Sku] = []
    exclude_skus: list[Sku] = []

    @model_validator(mode="after")
    def _not_empty(self) -> Scope:
        if not self.categories and not self.skus:
            raise ValueError("scope needs at least one category or SKU")
        return self


class PercentOff(Schema):
    """``percent`` off each item in scope; members get ``member_percent`` instead, if set."""

    kind: Literal["percent_off"]
    percent: Percent
    member_percent: Percent | None = None


class AmountOff(Schema):
    """A fixed amount off each item in scope."""

    kind: Literal["amount_off"]
    amount: Prices
    members_only: bool = False


class MemberExtraPercent(Schema):
    """Members get a further ``percent`` off the already discounted price."""

    kind: Literal["member_extra_percent"]
    percent: Percent


class SpendTier(Schema):
    """Spend at least ``spend`` on items in scope, get ``off`` off."""

    spend: Prices
    off: Prices


class SpendThreshold(Schema):
    """Spend-and-save: the highest tier reached applies, once per basket."""

    kind: Literal["spend_threshold"]
    tiers: list[SpendTier] = Field(min_length=1)
    members_only: bool = False


class BuyXGetY(Schema):
    """Buy ``buy`` items in scope, get ``get`` more (the cheapest) ``percent_off`` off."""

    kind: Literal["buy_x_get_y"]
    buy: int = Field(ge=1)
    get: int = Field(ge=1)
    percent_off: Percent = Decimal(100)
    """100 means free."""


Rule = Annotated[
    PercentOff | AmountOff | MemberExtraPercent | SpendThreshold | BuyXGetY,
    Field(discriminator="kind"),
]


class Limit(Schema):
    """How many items one customer may buy at the promotion price."""

    per_customer: int = Field(ge=1)
    unit: LocalizedText = LocalizedText(en="items")
    """Spoken unit, plural: ``pairs`` / ``双``."""


class Stacking(Schema):
    """Which other promotions this one combines with on the same item.

    Two promotions on the same item combine when either names the other (or ``"*"``) in
    ``stacks_with``; they never combine when either is ``exclusive`` or names the other in
    ``not_with``. Anything else is *undefined*: the loader warns, and pricing applies only
    the better of the two for the customer.
    """

    exclusive: bool = False
    stacks_with: list[Annotated[str, Field(pattern=r"^(\*|[a-z0-9][a-z0-9-]*)$")]] = []
    not_with: list[Slug] = []


class Faq(Schema):
    """A question customers ask, and what the clerk answers."""

    question: LocalizedText
    answer: LocalizedText


class Change(Schema):
    """Human-written notes on what a version changed."""

    version: int = Field(ge=1)
    notes: list[LocalizedText] = Field(min_length=1)


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str | dict) else value


class Promotion(Schema):
    """One promotion, as written in ``promotions/<id>.yaml``."""

    id: Slug
    version: int = Field(ge=1)
    status: PromotionStatus
    title: LocalizedText
    aliases: list[str] = []
    """Other names clerks use: ``weekend offer``, ``weekend deal``."""
    window: Window
    regions: list[Slug] = Field(min_length=1)
    stores: list[StoreId] = []
    """Only these stores of the regions take part; empty means all of them."""
    scope: Scope
    rules: list[Rule] = Field(min_length=1)
    limit: Limit | None = None
    stacking: Stacking = Stacking()
    contact: Slug | None = None
    """Contact id from ``contacts.yaml``; unset means the default contact."""
    talk_track: LocalizedText | None = None
    """What a clerk says (clerk and up)."""
    faqs: list[Faq] = []
    store_manager_notes: Annotated[list[LocalizedText], BeforeValidator(_one_or_many)] = []
    """Execution and staffing notes (store managers and up)."""
    regional_manager_targets: Annotated[list[LocalizedText], BeforeValidator(_one_or_many)] = []
    """Targets (regional managers and headquarters)."""
    changes: list[Change] = []
    """What each version changed, newest first."""

    @model_validator(mode="after")
    def _changes_fit_version(self) -> Promotion:
        seen: set[int] = set()
        for change in self.changes:
            if change.version > self.version:
                raise ValueError(
                    f"changes mention version {change.version} but the promotion is version"
                    f" {self.version}"
                )
            if change.version in seen:
                raise ValueError(f"changes list version {change.version} twice")
            seen.add(change.version)
        return self

    @property
    def visible(self) -> bool:
        """Drafts are never spoken to anyone."""
        return self.status is not PromotionStatus.DRAFT

    def changes_for(self, version: int) -> Change | None:
        """The change notes of ``version``, if written."""
        return next((c for c in self.changes if c.version == version), None)
