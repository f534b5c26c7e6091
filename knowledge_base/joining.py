"""Questions about joining the chain's membership ("is it free to join Klarsyn Plus?").

Chains answer them in an FAQ of a members' offer ("Can a customer join the Castle Club at
the till?"), worded unlike the clerk's question: the FAQ is found by what it is about,
joining, not by the words the two share.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge_base.membership import membership_names

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.models import Faq, Promotion

_JOINING = re.compile(r"\b(?:join|joins|joining|sign(?:s|ing)? ?up|signup|enrol+(?:s|ing)?)\b")
"""Words for becoming a member: "join", "sign up", "enrol"."""


def asks_joining(text: str, words: list[str], member: bool, knowledge: KnowledgeBase) -> bool:
    """Whether a question asks about joining the membership.

    It holds a joining word and says the membership: a member word, or a word of the
    chain's own name for its members ("sign up for the club").
    """
    if not _JOINING.search(text.lower()):
        return False
    name_words = {w for name in membership_names(knowledge) for w in name.split()}
    return member or bool(name_words.intersection(words))


def joining_faq(promotions: list[Promotion]) -> tuple[Promotion, Faq] | None:
    """The first FAQ of ``promotions`` whose question is about joining, with its promotion."""
    for promotion in promotions:
        for faq in promotion.faqs:
            if _JOINING.search(faq.question.best("en").lower()):
                return promotion, faq
    return None
