"""What the catalogue matcher finds in text: products, categories, promotions, stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityKind = Literal["product", "category", "promotion", "store"]


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity found in the text."""

    kind: EntityKind
    key: str
    """SKU, category id or promotion id."""
    start: int
    """First token index."""
    end: int
    """Token index after the last."""
    heard: str
    """The words matched, as normalised tokens."""
    score: float = 1.0
    """1.0 for an exact match, lower for a loose one."""


@dataclass(frozen=True, slots=True)
class ProductMatch:
    """A product named in a question."""

    sku: str
    heard: str
    score: float
