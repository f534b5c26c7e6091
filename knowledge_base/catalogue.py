"""The catalogue schema: categories and products, as ``catalogue.yaml`` writes them."""

from __future__ import annotations

from pydantic import Field

from knowledge_base.measures import MeasureUnit
from knowledge_base.text import Aliases, Schema, ShortText
from knowledge_base.values import Prices, Sku, Slug


class Category(Schema):
    """A product category (``running-shoes``) and the words a clerk uses for it."""

    id: Slug
    name: ShortText
    aliases: Aliases = []
    """Other spoken forms: ``runners``, ``running shoes``."""


class Product(Schema):
    """One catalogue item."""

    sku: Sku
    name: ShortText
    aliases: Aliases = []
    """Other names clerks say: ``Aero X``, ``AX two hundred``."""
    category: Slug
    list_price: Prices
    """List price per currency (per ``sold_by`` unit, when given)."""
    sold_by: MeasureUnit | None = None
    """The unit a loose item is sold by (``kg``, ``lb``, ``m``, ``l``): its list prices are
    per unit, and a basket counts whole units ("4 kilos of salmon" is 4)."""


class CatalogueFile(Schema):
    """``catalogue.yaml``."""

    categories: list[Category] = Field(min_length=1)
    products: list[Product] = Field(min_length=1)
