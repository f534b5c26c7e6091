"""Follow-up questions: "and for members?" is about what the previous question was about.

A question that names no product, category or promotion of its own, asks for no list and
uses no word the knowledge base does not know is read with the subject of the previous
question (:class:`~knowledge_base.answering.FollowUpContext`): its products, categories and
promotions, and the store it named unless this one names a store itself. Anything else is
read as it was said.
"""

from __future__ import annotations

import dataclasses

from knowledge_base.answering import FollowUpContext
from knowledge_base.understanding import Intent, ParsedQuestion


def follow_up(parsed: ParsedQuestion, context: FollowUpContext | None) -> ParsedQuestion:
    """``parsed`` with the subject of ``context`` filled in when it is a follow-up."""
    if context is None or context.empty or not is_follow_up(parsed):
        return parsed
    products = list(context.products)
    categories = list(context.categories)
    promotions = list(context.promotions)
    intent = parsed.intent
    if intent is Intent.UNKNOWN:
        # The same defaults as a question naming them: a product is asked about its offer.
        intent = Intent.IN_OFFER if products or categories else Intent.OVERVIEW
    stores = parsed.stores or ([context.store_id] if context.store_id else [])
    return dataclasses.replace(
        parsed,
        intent=intent,
        products=products,
        quantities=parsed.quantities or dict.fromkeys(products, 1),
        categories=categories,
        promotions=promotions,
        stores=stores,
    )


def is_follow_up(parsed: ParsedQuestion) -> bool:
    """The question names no subject of its own and says nothing the knowledge base lacks."""
    names_subject = parsed.products or parsed.categories or parsed.promotions
    return not (names_subject or parsed.asks_list or parsed.unknown_words)


def context_of(
    parsed: ParsedQuestion, promotion_ids: list[str], named_store: str | None
) -> FollowUpContext:
    """What a question (as answered) was about, for the next one's follow-up."""
    return FollowUpContext(
        products=tuple(parsed.products),
        categories=tuple(parsed.categories),
        promotions=tuple(promotion_ids or parsed.promotions),
        store_id=named_store,
    )
