"""Products and promotions a feedback text is about, from the catalogue and the calendar.

Products are found by the knowledge base's speech-tolerant :class:`CatalogueMatcher` (names,
aliases, SKU codes, recognition errors such as "acts 200"). The promotions in force are
those :func:`~knowledge_base.resolution.resolve` applies to each product at the clerk's store at the
moment the feedback was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from knowledge_base import catalogue_lookup, resolution
from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.loose_matching import FUNCTION_WORDS
from knowledge_base.words import compact, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

MIN_PRODUCT_SCORE = 0.5
"""Loose matches below this similarity are not counted as a mention."""
_EVERYDAY_WORDS = (
    FUNCTION_WORDS
    | GENERIC_WORDS
    | frozenset("every all each some any other more less same new old back then".split())
)
"""Words too common to name a product on their own when heard loosely."""


@dataclass(frozen=True, slots=True)
class FeedbackSubjects:
    """What a feedback text names, and the promotions running on it."""

    products: list[str]
    """SKUs, in the order heard, each once."""
    promotions_named: list[str]
    """Promotion ids named in the text (title or alias)."""
    promotions_in_force: list[str]
    """Published promotions on the named products at the store and moment."""

    @property
    def promotion(self) -> str | None:
        """The promotion the feedback is about: the one named, else the only one in force."""
        if self.promotions_named:
            return self.promotions_named[0]
        if len(self.promotions_in_force) == 1:
            return self.promotions_in_force[0]
        return None


def mentioned_products(knowledge: KnowledgeBase, text: str) -> list[str]:
    """SKUs named in ``text``.

    Feedback is free speech, not a question about a product: a loose match made only of
    everyday words and numbers ("every day" for the Everyday Tee, "get 100" for TE-100) is
    chance, not a mention. Exact names, aliases and codes always count.
    """
    found = []
    for match in catalogue_lookup.find_products(knowledge, text):
        if match.score < MIN_PRODUCT_SCORE:
            continue
        if compact(match.heard) not in catalogue_lookup.catalogue_matcher(knowledge).index and all(
            word in _EVERYDAY_WORDS or word.isdigit() for word in tokens(match.heard)
        ):
            continue
        found.append(match.sku)
    return found


def promotions_in_force(
    knowledge: KnowledgeBase, skus: list[str], *, store_id: str, at: datetime
) -> list[str]:
    """Ids of the published promotions on ``skus`` at ``store_id`` at ``at`` (aware)."""
    found: dict[str, None] = {}
    for sku in skus:
        if sku not in knowledge.products:
            continue
        for applied in resolution.resolve(knowledge, store_id=store_id, at=at, item=sku):
            found[applied.promotion.id] = None
    return list(found)


def feedback_subjects(
    knowledge: KnowledgeBase, text: str, *, store_id: str | None, at: datetime | None
) -> FeedbackSubjects:
    """Products and promotions of a feedback text (no store or moment: none in force)."""
    products = mentioned_products(knowledge, text)
    named = [p.id for p in catalogue_lookup.find_promotions(knowledge, text)]
    in_force: list[str] = []
    if store_id is not None and at is not None and store_id in knowledge.stores:
        in_force = promotions_in_force(knowledge, products, store_id=store_id, at=at)
    return FeedbackSubjects(products=products, promotions_named=named, promotions_in_force=in_force)
