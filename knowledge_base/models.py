"""The knowledge-base content schema: catalogue, regions and stores, contacts, promotions.

These models describe the YAML files one to one (``docs/knowledge-base.md`` documents them
with an example). Unknown fields are refused. Money is :class:`~decimal.Decimal` (YAML
numbers are read from their text, never through ``float``). Promotion windows are *local*
wall-clock times: each store reads them in its own IANA time zone.

The schema's parts live in small modules (catalogue, regions, promotion, text, values,
windows, rules, channels, contacts) and are all importable from here, the one place callers
import content models from.
"""

from __future__ import annotations

from knowledge_base.catalogue import CatalogueFile, Category, Product
from knowledge_base.channels import Channel, Channels, OtherChannel
from knowledge_base.contacts import Contact, ContactsFile, PromotionContact
from knowledge_base.promotion import (
    ALL,
    Change,
    Faq,
    Limit,
    Promotion,
    PromotionStatus,
    RuleSet,
    Scope,
    Stacking,
)
from knowledge_base.regions import Currency, Region, RegionsFile, Store
from knowledge_base.rules import (
    AmountOff,
    BuyXGetY,
    MemberExtraPercent,
    PercentOff,
    Rule,
    SpendThreshold,
    SpendTier,
)
from knowledge_base.text import (
    LocalizedText,
    Schema,
    ShortText,
    SpokenLanguage,
    is_chinese,
    looks_like_placeholder,
)
from knowledge_base.values import (
    CurrencyCode,
    Money,
    Percent,
    Prices,
    Sku,
    Slug,
    StoreId,
    TimeZoneName,
)
from knowledge_base.windows import Window, end_text, last_day, runs_to_midnight

__all__ = [
    "ALL",
    "AmountOff",
    "BuyXGetY",
    "CatalogueFile",
    "Category",
    "Change",
    "Channel",
    "Channels",
    "Contact",
    "ContactsFile",
    "PromotionContact",
    "Currency",
    "Faq",
    "Limit",
    "LocalizedText",
    "MemberExtraPercent",
    "OtherChannel",
    "PercentOff",
    "Product",
    "Promotion",
    "PromotionStatus",
    "Region",
    "RegionsFile",
    "Rule",
    "RuleSet",
    "Schema",
    "Scope",
    "ShortText",
    "SpendThreshold",
    "SpendTier",
    "SpokenLanguage",
    "Stacking",
    "Store",
    "Window",
    "CurrencyCode",
    "Money",
    "Percent",
    "Prices",
    "Sku",
    "Slug",
    "StoreId",
    "TimeZoneName",
    "end_text",
    "is_chinese",
    "last_day",
    "looks_like_placeholder",
    "runs_to_midnight",
]
