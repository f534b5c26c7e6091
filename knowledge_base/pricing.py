"""Price a basket at a store and moment, step by step, from the promotions that apply.

Order of application (each step rounds the unit's new price to cents, half up; the amount
taken off is what is left):

1. per-customer limits pick which units a promotion covers (the dearest first);
2. ``percent_off`` and ``amount_off`` on each covered unit (members get ``member_percent``
   instead of ``percent`` when it is set);
3. ``member_extra_percent`` on the already discounted price (members only);
4. ``buy_x_get_y``: in each group of ``buy + get`` covered units, ordered dearest first at
   their current price, the ``get`` cheapest are ``percent_off`` off;
5. ``spend_threshold``: the highest tier reached by the covered units' current total comes
   off the basket, once.

A promotion with several rule sets prices each unit with the rule set in force for its item
at that moment (:func:`knowledge_base.resolution.rule_set_at`); the per-customer limit is
shared by all of them, and spend and buy-x-get-y rules count the units of their own rule set.

Promotions that apply to the same item combine only when their stacking says so. When two
do not combine (or their stacking is undefined), each combination that keeps them apart is
priced and the one cheapest for the customer is quoted; a step says so.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from knowledge_base import resolution
from knowledge_base.errors import PricingError
from knowledge_base.models import Promotion
from knowledge_base.price_steps import Placements, Unit, price_units
from knowledge_base.quotes import Basket, BasketLine, Quote, QuoteLine, QuoteStep
from knowledge_base.resolution import stacking_relation

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

__all__ = [
    "MAX_COMBINED_PROMOTIONS",
    "Basket",
    "BasketLine",
    "Quote",
    "QuoteLine",
    "QuoteStep",
    "quote",
]

MAX_COMBINED_PROMOTIONS = 12
"""More promotions than this on one basket is refused rather than searched."""


def quote(
    knowledge: KnowledgeBase, *, basket: Basket, store_id: str, at: datetime, member: bool
) -> Quote:
    """Price ``basket`` at ``store_id`` at ``at`` (aware), for a member or not.

    Raises:
        PricingError: empty basket, bad quantity, missing price, or too many overlaps.
        UnknownEntityError: unknown store or SKU.
        ResolutionError: the store has no time zone, or ``at`` is naive.
    """
    if not basket.lines:
        raise PricingError("the basket is empty")
    currency = knowledge.currency_of(store_id)
    code = currency.code
    candidates: dict[str, Promotion] = {}
    placements: Placements = {}
    for line in basket.lines:
        if line.quantity < 1:
            raise PricingError(f"quantity of {line.sku} must be at least 1 (got {line.quantity})")
        product = knowledge.product(line.sku)
        if code not in product.list_price:
            raise PricingError(f"{line.sku} has no list price in {code}")
        for applied in resolution.resolve(knowledge, store_id=store_id, at=at, item=line.sku):
            candidates.setdefault(applied.promotion.id, applied.promotion)
            placements[(applied.promotion.id, line.sku)] = (
                applied.rule_set_index,
                applied.rule_set,
            )

    promotions = list(candidates.values())
    active = {p.id: {sku for (pid, sku) in placements if pid == p.id} for p in promotions}
    conflicts = {
        (a.id, b.id)
        for a, b in itertools.combinations(promotions, 2)
        if stacking_relation(a, b) != "stack" and active[a.id] & active[b.id]
    }
    unit_name = currency.name.en

    def price(chosen: list[Promotion]) -> tuple[list[QuoteStep], list[Unit], Decimal]:
        return price_units(knowledge, basket, chosen, placements, code, unit_name, member)

    if not conflicts:
        steps, units, basket_off = price(promotions)
    else:
        if len(promotions) > MAX_COMBINED_PROMOTIONS:
            raise PricingError(f"{len(promotions)} overlapping promotions; too many to combine")
        best: tuple[list[QuoteStep], list[Unit], Decimal, list[Promotion]] | None = None
        for chosen in _compatible_sets(promotions, conflicts):
            priced = price(chosen)
            total = sum((u.price for u in priced[1]), Decimal(0)) - priced[2]
            if best is None or total < sum((u.price for u in best[1]), Decimal(0)) - best[2]:
                best = (*priced, chosen)
        assert best is not None
        steps, units, basket_off, chosen = best
        chosen_ids = {p.id for p in chosen}
        for a_id, b_id in sorted(conflicts):
            kept = a_id if a_id in chosen_ids else b_id
            steps.insert(
                0,
                QuoteStep(
                    description=(
                        f"{candidates[a_id].title.en} and {candidates[b_id].title.en} do not"
                        f" combine; {candidates[kept].title.en} saves the customer more"
                    ),
                    discount=Decimal(0),
                ),
            )

    lines = []
    for line in basket.lines:
        mine = [u for u in units if u.sku == line.sku]
        list_price = knowledge.product(line.sku).list_price[code]
        lines.append(
            QuoteLine(
                sku=line.sku,
                quantity=line.quantity,
                unit_list_price=list_price,
                list_total=list_price * line.quantity,
                total=sum((u.price for u in mine), Decimal(0)),
            )
        )
    list_total = sum((line.list_total for line in lines), Decimal(0))
    total = sum((line.total for line in lines), Decimal(0)) - basket_off
    used: list[str] = []
    for step in steps:
        if step.promotion_id and step.discount > 0 and step.promotion_id not in used:
            used.append(step.promotion_id)
    return Quote(
        store_id=store_id,
        currency=code,
        member=member,
        at=at,
        lines=tuple(lines),
        steps=tuple(steps),
        list_total=list_total,
        total=total,
        promotion_ids=tuple(used),
    )


def _compatible_sets(
    promotions: list[Promotion], conflicts: set[tuple[str, str]]
) -> list[list[Promotion]]:
    """Maximal sets of promotions with no conflicting pair, largest first."""
    sets: list[list[Promotion]] = []
    for size in range(len(promotions), 0, -1):
        for combo in itertools.combinations(promotions, size):
            ids = {p.id for p in combo}
            if any(a in ids and b in ids for a, b in conflicts):
                continue
            if any(ids < {p.id for p in bigger} for bigger in sets):
                continue
            sets.append(list(combo))
    return sets
