"""The one store an offer runs at, when a clerk elsewhere asks about it.

"Is there a limit at the Bali opening?" asked in Jakarta is about the opening's own store:
its rules, prices and clock are that store's. A question that asks whether the offer runs
here ("is the opening on here?") stays at the asker's store.
"""

from __future__ import annotations

from knowledge_base.cues import Intent
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.parsed_question import ParsedQuestion
from knowledge_base.question_forms import asks_about_here

_ABOUT_THE_OFFER = frozenset(
    {
        Intent.LIMIT,
        Intent.FAQ,
        Intent.CONTACT,
        Intent.CHANGES,
        Intent.DATES,
        Intent.PRICE,
        Intent.DISCOUNT,
        Intent.OVERVIEW,
    }
)
"""Intents whose answer is the offer's own, wherever it is asked; whether it runs at the
asker's store (in_offer, where) is not among them."""


def offer_home_store(parsed: ParsedQuestion, knowledge: KnowledgeBase, store_id: str) -> str | None:
    """The store a question about an offer that runs at a single other store is about.

    Offers asked to combine ("does the Kru Extra stack with the grand opening?") combine
    where both run: the one store they share. ``None`` when the question names a store or
    no offer, asks about the asker's own store, or the offers run at the asker's store or
    share several stores.
    """
    if parsed.stores or not parsed.promotions or asks_about_here(parsed.words):
        return None
    if len(parsed.promotions) > 1 and not parsed.asks_stacking:
        return None
    # "Is the Kota in the Bali opening?" is about the opening's store too; "is the Bali
    # opening on?" alone may be asking about the asker's.
    item_in_offer = parsed.intent is Intent.IN_OFFER and bool(parsed.products or parsed.categories)
    if parsed.intent not in _ABOUT_THE_OFFER and not (parsed.asks_stacking or item_in_offer):
        return None
    promotions = [knowledge.promotions.get(p) for p in parsed.promotions]
    shared: frozenset[str] | None = None
    for promotion in promotions:
        if promotion is None:
            return None
        stores = knowledge.scope_stores(promotion)
        shared = stores if shared is None else shared & stores
    if shared is None or store_id in shared or len(shared) != 1:
        return None
    return next(iter(shared))
