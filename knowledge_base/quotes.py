"""What pricing takes and gives: a basket, and a quote with a step per change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class BasketLine:
    """``quantity`` units of one SKU."""

    sku: str
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class Basket:
    """What the customer wants to buy."""

    lines: tuple[BasketLine, ...]

    @classmethod
    def of(cls, items: Mapping[str, int] | Iterable[tuple[str, int]]) -> Basket:
        """``Basket.of({"AX-200": 2, "SK-3P": 3})``."""
        pairs = items.items() if isinstance(items, Mapping) else items
        return cls(tuple(BasketLine(sku, quantity) for sku, quantity in pairs))


@dataclass(frozen=True, slots=True)
class QuoteStep:
    """One thing that changed the price, in words, with the amount it took off."""

    description: str
    """English, with amounts written as in answers (``20 percent off 2 x AX-200``)."""
    discount: Decimal
    """Amount taken off by this step (0 for notes such as a limit)."""
    promotion_id: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """A basket line after the per-unit steps (before basket-level spend discounts)."""

    sku: str
    quantity: int
    unit_list_price: Decimal
    list_total: Decimal
    total: Decimal

    @property
    def discount(self) -> Decimal:
        """Taken off this line by per-unit steps."""
        return self.list_total - self.total


@dataclass(frozen=True, slots=True)
class Quote:
    """A priced basket."""

    store_id: str
    currency: str
    """ISO code of the store's currency."""
    member: bool
    at: datetime
    lines: tuple[QuoteLine, ...]
    steps: tuple[QuoteStep, ...]
    list_total: Decimal
    total: Decimal
    promotion_ids: tuple[str, ...] = field(default=())
    """Promotions that took money off, in order."""

    @property
    def discount(self) -> Decimal:
        """Everything taken off."""
        return self.list_total - self.total
