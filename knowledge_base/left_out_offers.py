"""The offer that would discount an item but leaves it out: the item excluded, or the store.

When only a spend threshold (a basket offer) covers an item at a store, a question about
the item's price or offers is first about the item's own discount that does not apply there:
"How much is the Sora driver at the Gangnam Fitting Studio?" (the Spring Tee-Off Sale leaves
that store out), "member price on the Titan" (the sale excludes the Titan). The answer says
that, and the shelf price, before the spend threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from knowledge_base.coming_offers import spend_and_save
from knowledge_base.models import Promotion
from knowledge_base.phrasing import ends_phrase, the_title
from knowledge_base.resolution import Phase, PromotionTiming

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

Timing = Callable[[Promotion], PromotionTiming]
"""Where a promotion stands at the question's store and moment."""


def leaving_out(
    kb: KnowledgeBase, sku: str, store_id: str, timing: Timing
) -> tuple[Promotion, bool] | None:
    """A running item discount that would cover ``sku`` but leaves it out at ``store_id``.

    The ``bool`` is True when the store is what it leaves out (its region holds the store,
    ``exclude_stores`` names it), False when it excludes the item (``exclude_skus``).
    Spend thresholds are not such discounts: they take money off a basket.
    """
    for promotion in kb.promotions_for_sku(sku):
        if store_id not in promotion.exclude_stores or not promotion.visible:
            continue
        if not spend_and_save(promotion) and timing(promotion).phase is Phase.RUNNING:
            return promotion, True
    category = kb.products[sku].category
    for promotion in kb.promotions_for_category(category):
        if sku not in promotion.scope.exclude_skus or not promotion.visible:
            continue
        if spend_and_save(promotion) or store_id not in kb.scope_stores(promotion):
            continue
        if timing(promotion).phase is Phase.RUNNING:
            return promotion, False
    return None


class LeftOut(NamedTuple):
    """The item discount a price leaves out, and why: the store, the item, or its end."""

    promotion: Promotion
    store: bool
    """The store is what it leaves out (else the item, or ``ended``)."""
    ended: datetime | None = None
    """When it ended, earlier on the day asked ("z5 price sunday at 20:30")."""

    def reason(self, store_name: str, now: datetime) -> str:
        """``the X does not run at Y`` / ``it is excluded from the X`` / ``the X ended at ...``."""
        offer = the_title(self.promotion, False)
        if self.ended is not None:
            return f"{offer} {ends_phrase(self.ended, now, False, past=True)}"
        return (
            f"{offer} does not run at {store_name}"
            if self.store
            else f"it is excluded from {offer}"
        )


def priced_left_out(kb: KnowledgeBase, sku: str, store_id: str, timing: Timing) -> LeftOut | None:
    """What leaves ``sku``'s own discount out of a price only a spend threshold makes.

    An excluded store or item (:func:`leaving_out`), or a sale on it that ended earlier on
    the day asked: "z5 price sunday at 20:30" after a sale that ran until 20:00.
    """
    left = leaving_out(kb, sku, store_id, timing)
    if left is not None:
        return LeftOut(*left)
    for promotion in kb.promotions.values():
        if not promotion.visible or spend_and_save(promotion):
            continue
        if sku not in kb.scope_skus(promotion) or store_id not in kb.scope_stores(promotion):
            continue
        placed = timing(promotion)
        ended = placed.phase is Phase.ENDED and placed.ends <= placed.local_now
        if ended and placed.ends.date() == placed.local_now.date():
            return LeftOut(promotion, store=False, ended=placed.ends)
    return None


def asks_receipt(words: list[str]) -> bool:
    """Whether a question asks what the receipt comes to ("total for a Z5 at the airport").

    A total is about the offers that price it; a sale leaving the item out is a note then.
    """
    return "total" in words


def only_basket_offers(promotions: list[Promotion]) -> bool:
    """Every offer pricing the item is a spend threshold (none lowers the item's own price)."""
    return bool(promotions) and all(spend_and_save(p) for p in promotions)
