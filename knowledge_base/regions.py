"""The regions schema: currencies, selling regions and their stores (``regions.yaml``)."""

from __future__ import annotations

from pydantic import Field

from knowledge_base.text import Aliases, Schema, ShortText, SpokenLanguage
from knowledge_base.values import CurrencyCode, Slug, StoreId, TimeZoneName


class Currency(Schema):
    """A currency and how to say it."""

    code: CurrencyCode
    name: ShortText
    """Spoken unit, plural: ``yuan``, ``Singapore dollars``, ``euros`` / ``元``."""


class Store(Schema):
    """A shop."""

    id: StoreId
    name: ShortText
    aliases: Aliases = []
    """Other names clerks say for it: an English exonym ("Athens" for Athína), an old name.
    An alias on two stores of one city names both, as the city does."""
    time_zone: TimeZoneName | None = None
    """Overrides the region's time zone (rarely needed)."""
    language: SpokenLanguage | None = None
    """Overrides the region's language (``en``, ``zh-CN``)."""


class Region(Schema):
    """A selling region: one currency, usually one time zone, several stores."""

    id: Slug
    name: ShortText
    aliases: Aliases = []
    """Other names clerks say for the region ("Hellas" for Greece)."""
    time_zone: TimeZoneName | None = None
    """IANA zone the region's stores read promotion windows in."""
    language: SpokenLanguage | None = None
    """What its stores' sessions speak: answers, notices, quizzes, confirmations (``en``,
    ``zh-CN``; unset: ``en``, see :meth:`KnowledgeBase.language`)."""
    currency: CurrencyCode
    stores: list[Store] = Field(min_length=1)


class RegionsFile(Schema):
    """``regions.yaml``."""

    currencies: list[Currency] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)
