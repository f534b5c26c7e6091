"""Questions that name a promotion not yet published (a draft).

Drafts are never spoken: nothing of their content may reach a clerk. A question about
nothing but a draft, named by its title or an alias ("What's the January Garden Sale?"),
must not be answered from whatever else its words resemble either; the answerer says it
does not know and names who to ask
(:meth:`~knowledge_base.grounded.GroundedAnswerer.answer_now`). A question that also names a
product ("Is the Storm Jacket in the new year offer?") is answered about the product today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge_base.per_knowledge import per_knowledge
from knowledge_base.promotion_names import promotion_names
from knowledge_base.words import tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.understanding import ParsedQuestion


@per_knowledge
def _draft_names(knowledge: KnowledgeBase) -> tuple[tuple[str, ...], ...]:
    names: list[tuple[str, ...]] = []
    for promotion in knowledge.promotions.values():
        if promotion.visible:
            continue
        for text in promotion_names(promotion):
            words = tuple(tokens(text))
            if len(words) >= 2 or (words and len(words[0]) >= 6):
                names.append(words)
    return tuple(names)


def names_draft(words: list[str], knowledge: KnowledgeBase) -> bool:
    """Whether ``words`` (a question's tokens) hold a draft promotion's title or alias."""
    for name in _draft_names(knowledge):
        size = len(name)
        if any(tuple(words[i : i + size]) == name for i in range(len(words) - size + 1)):
            return True
    return False


def names_draft_only(parsed: ParsedQuestion, knowledge: KnowledgeBase) -> bool:
    """A draft is named and no published promotion, product or category is."""
    if parsed.promotions or parsed.products or parsed.categories:
        return False
    return names_draft(parsed.words, knowledge)
