"""Where a question about a named offer is answered, and which offer of a shared name it means.

"Is there a limit at the Bali opening?" asked in Jakarta is about the opening's own store:
its rules, prices and clock are that store's. A question that asks whether the offer runs
here ("is the opening on here?") stays at the asker's store. "Back to School" asked in New
Zealand is the Back to School NZ, when the chain runs one of that name there.
"""

from __future__ import annotations

from knowledge_base.cues import Intent
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.parsed_question import ParsedQuestion
from knowledge_base.question_forms import asks_about_here
from knowledge_base.words import tokens

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
"""Intents whose answer is the offer's own, wherever it is asked. Whether it runs at the
asker's store (in_offer with no item named) is not among them."""


def offers_here(parsed: ParsedQuestion, knowledge: KnowledgeBase, store_id: str) -> list[str]:
    """The named promotions, each read as the one of its name that runs at ``store_id``.

    A chain may give offers in two countries one name ("Back to School" in Australia, "Back
    to School NZ" in New Zealand): at a store in New Zealand, "back to school" means its
    own. The full title of an offer that does not run at the store stands for the one offer
    there whose title holds it; an alias ("the bike sale") stays the offer it names.
    """
    here: dict[str, str] = {}
    for m in parsed.mentions:
        if m.kind != "promotion" or m.key not in knowledge.promotions:
            continue
        said = tokens(m.heard)
        if _runs_at(knowledge, m.key, store_id):
            continue
        if said != tokens(knowledge.promotions[m.key].title.en):
            continue
        others = [
            p.id
            for p in knowledge.visible_promotions()
            if p.id != m.key
            and _runs_at(knowledge, p.id, store_id)
            and _holds(tokens(p.title.en), said)
        ]
        if len(others) == 1:
            here[m.key] = others[0]
    return list(dict.fromkeys(here.get(p, p) for p in parsed.promotions))


def _holds(name: list[str], said: list[str]) -> bool:
    """Whether the words ``said`` run, in order, inside ``name``."""
    return any(name[i : i + len(said)] == said for i in range(len(name) - len(said) + 1))


def _runs_at(knowledge: KnowledgeBase, promotion_id: str, store_id: str) -> bool:
    return store_id in knowledge.scope_stores(knowledge.promotions[promotion_id])


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
