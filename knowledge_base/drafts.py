"""Questions that name a promotion not yet published (a draft).

Drafts are never spoken: nothing of their content may reach a clerk. A question about
nothing but a draft, named by its title or an alias ("What's the January Garden Sale?"),
must not be answered from whatever else its words resemble either; the answerer says it
does not know and names who to ask
(:meth:`~knowledge_base.grounded.GroundedAnswerer.answer_now`). A question that also names a
product ("Is the Storm Jacket in the new year offer?") is answered about the product today, but
never with another offer's terms (:func:`names_draft_beside`).
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
    return bool(_draft_spans(words, knowledge))


def _draft_spans(words: list[str], knowledge: KnowledgeBase) -> list[range]:
    """Where ``words`` hold a draft's title or alias, each word's plural "s" aside."""
    said = [_singular(w) for w in words]
    spans: list[range] = []
    for name in _draft_names(knowledge):
        size = len(name)
        wanted = [_singular(w) for w in name]
        spans.extend(
            range(i, i + size) for i in range(len(words) - size + 1) if said[i : i + size] == wanted
        )
    return spans


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def names_draft_only(parsed: ParsedQuestion, knowledge: KnowledgeBase) -> bool:
    """A draft is named and no published promotion, product or category is.

    A category said inside the draft's name ("the easter toy offer" of the draft "Easter
    Toys") is part of that name, not a second thing asked about.
    """
    if parsed.promotions or parsed.products:
        return False
    spans = _draft_spans(parsed.words, knowledge)
    if not spans:
        return False
    inside = {i for span in spans for i in span}
    return all(
        set(range(m.start, m.end)) <= inside for m in parsed.mentions if m.kind == "category"
    )


def names_draft_beside(parsed: ParsedQuestion, knowledge: KnowledgeBase) -> bool:
    """A draft is named beside an item and no published promotion is.

    "Are sneakers 40 percent off for the Hot Sale?" asks the draft's terms: an answer with
    the terms of another offer running on sneakers is about something else than asked
    ("No, the Black Week ended" is not).
    """
    return not parsed.promotions and names_draft(parsed.words, knowledge)


def offers_outside_drafts(parsed: ParsedQuestion, knowledge: KnowledgeBase) -> list[str]:
    """``parsed.promotions`` less those heard loosely in words that say a draft's name.

    "When does the Dia del Padre sale start?", the draft's own alias, resembles the
    published "Dia de la Madre sale": the draft was named, and the look-alike offer is not
    what was asked (its dates would be a confident answer about another offer). So is an
    offer whose alias is part of the draft's name said ("the new year camera sale").
    """
    spans = _draft_spans(parsed.words, knowledge)
    if not spans:
        return parsed.promotions
    inside = {i for span in spans for i in span}
    misread = {
        m.key
        for m in parsed.mentions
        if m.kind == "promotion"
        and (
            (m.score < 1.0 and inside & set(range(m.start, m.end)))
            or any(_within(m.start, m.end, span) for span in spans)
        )
    }
    return [p for p in parsed.promotions if p not in misread]


def _within(start: int, end: int, span: range) -> bool:
    """Whether words ``start:end`` are part of a longer draft name, not all of it.

    "camera sale" of "new year camera sale": said inside the draft's name, the offer's
    alias names the draft.
    """
    return span.start <= start and end <= span.stop and end - start < len(span)
