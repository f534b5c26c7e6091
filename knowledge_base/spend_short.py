"""How far a priced basket falls short of a spend threshold it was asked with.

"One Madre Querida set with the spend and save": the set comes to 263200 pesos with its own
sale, under the 300000 the spend and save starts at. The threshold asked about takes
nothing off, and that is the answer's news beside the price: never its terms alone, as if
they priced the set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from knowledge_base.models import Promotion
from knowledge_base.quotes import Quote
from knowledge_base.resolution import resolve, stacking_relation
from knowledge_base.rules import SpendThreshold

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


def first_spend(promotion: Promotion, currency: str) -> Decimal | None:
    """The lowest spend ``promotion`` takes money off at, in ``currency`` (None: no tier)."""
    spends = [
        tier.spend[currency]
        for rule in promotion.rules
        if isinstance(rule, SpendThreshold) and not rule.members_only
        for tier in rule.tiers
        if currency in tier.spend and currency in tier.off
    ]
    return min(spends, default=None)


def short_of_spend(
    threshold: Promotion, quote: Quote, covered: frozenset[str], own: list[Promotion]
) -> Decimal | None:
    """The first spend of ``threshold`` when ``quote`` reaches none of its tiers, else None.

    ``covered``: the SKUs the threshold counts; ``own``: the offers that priced the quote.
    None as well when the threshold did take money off, when no line counts towards it, or
    when an offer that priced the lines does not stack with it (it is not the spend that
    falls short there, it is the offers that do not combine).
    """
    if threshold.id in quote.promotion_ids:
        return None
    if any(stacking_relation(threshold, p) != "stack" for p in own if p.id != threshold.id):
        return None
    counted = [line for line in quote.lines if line.sku in covered]
    spend = first_spend(threshold, quote.currency)
    if not counted or spend is None:
        return None
    spent = sum((line.total for line in counted), Decimal(0))
    return spend if spent < spend else None


def running_threshold(
    kb: KnowledgeBase, skus: Sequence[str], store_id: str, at: datetime
) -> Promotion | None:
    """The first spend threshold running on any of ``skus`` at ``store_id`` at ``at``."""
    for sku in skus:
        for applied in resolve(kb, store_id=store_id, at=at, item=sku):
            if any(isinstance(rule, SpendThreshold) for rule in applied.promotion.rules):
                return applied.promotion
    return None
