"""The coming offer an item is asked about when what runs now does not discount it itself.

"Is the pinca discounted yet?", "when do the egg cookies go on offer?", "anything coming for
the pinca?": the item is in a spend threshold and a members' extra now, neither of which
takes anything off the item for everyone, and an offer of its own (25 percent off) starts
next week. That coming offer is the one asked about, not the running ones.
"""

from __future__ import annotations

from knowledge_base.models import Promotion
from knowledge_base.offer_audience import members_only
from knowledge_base.resolution import Phase, PromotionTiming
from knowledge_base.rules import SpendThreshold


def spend_and_save(promotion: Promotion) -> bool:
    """The promotion takes money off a basket that reaches a spend."""
    return any(isinstance(rule, SpendThreshold) for rule in promotion.rules)


def discounts_item_for_everyone(promotion: Promotion) -> bool:
    """The offer takes money off the item itself for everyone (no spend to reach, no card)."""
    return not members_only(promotion) and not spend_and_save(promotion)


def coming_own_offer(focus: list[tuple[Promotion, PromotionTiming]]) -> Promotion | None:
    """The first coming offer of ``focus`` that discounts the item, when no running one does."""
    if any(t.phase is Phase.RUNNING and discounts_item_for_everyone(p) for p, t in focus):
        return None
    coming = [
        (t.starts, p)
        for p, t in focus
        if t.phase is Phase.UPCOMING and discounts_item_for_everyone(p)
    ]
    return min(coming, key=lambda x: x[0])[1] if coming else None
