"""The catalogue schema: categories and products, as ``catalogue.yaml`` writes them."""

from __future__ import annotations

from pydantic import Field

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
    """List price per currency."""


class CatalogueFile(Schema):
    """``catalogue.yaml``."""

    categories: list[Category] = Field(min_length=1)
    products: list[Product] = Field(min_length=1)
