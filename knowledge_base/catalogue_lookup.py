"""A chain's catalogue matcher, built once per loaded knowledge base, and what it finds.

Everything that reads products, categories or promotions out of text goes through
:func:`catalogue_matcher`, so the speech-tolerant index of a chain is built once and dropped
with the knowledge base it belongs to (after a reload nothing keeps the old one alive).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge_base.matching import CatalogueMatcher
from knowledge_base.per_knowledge import per_knowledge

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.mentions import ProductMatch
    from knowledge_base.models import Category, Promotion


@per_knowledge
def catalogue_matcher(knowledge: KnowledgeBase) -> CatalogueMatcher:
    """The speech-tolerant matcher over ``knowledge``'s product, category and promotion names."""
    return CatalogueMatcher.build(knowledge)


def find_products(knowledge: KnowledgeBase, text: str) -> list[ProductMatch]:
    """Products named in ``text`` as speech recognition writes them ("a x 200", "aero x")."""
    return catalogue_matcher(knowledge).products(text)


def find_categories(knowledge: KnowledgeBase, text: str) -> list[Category]:
    """Categories named in ``text``, in the order heard, each once."""
    return [knowledge.categories[c] for c in catalogue_matcher(knowledge).categories(text)]


def find_promotions(knowledge: KnowledgeBase, text: str) -> list[Promotion]:
    """Promotions named in ``text``, in the order heard, each once."""
    return [knowledge.promotions[p] for p in catalogue_matcher(knowledge).promotions(text)]
