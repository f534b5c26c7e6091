"""Whether a question is about members: a misheard "member", or the chain's name for them.

A word heard for *member* before a price word ("number price") is read as "member".
A chain's talk tracks and FAQ answers say "Green Club members get 30 percent off"; the
words before "members" name the membership. A clerk asking for the "Green Club price" asks
for the member price, even when a promotion ("Green Club Week") starts with the same words:
the question reader (:mod:`knowledge_base.understanding`) uses :func:`membership_names` to
tell a loosely heard promotion name from the membership's own name.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from knowledge_base.loose_matching import SOUND_MIN
from knowledge_base.per_knowledge import per_knowledge
from knowledge_base.words import sound

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.mentions import Mention

_NAMED_MEMBERS = re.compile(r"\b((?:[A-Z][\w'-]*\s+){0,3}[A-Z][\w'-]*)\s+[Mm]embers?\b")
"""Capitalised words just before "member(s)": "Green Club members", "Rewards member"."""

_LEADING = frozenset(
    """the our all for and yes no only in on at to if so but of when then new every do does
    did are is can could will would should what which who how why""".split()
)
"""Words that may start the capitalised run before "members" without being part of the name
(a question's first word: "Do Tessaro Club members get more off?")."""

_NOT_NAMES = _LEADING | {"club"}
"""Names too plain to be the membership's own ("Club members" names no club)."""

HEARD_LIKENESS = 0.9
"""Letter likeness (difflib ratio) of a loosely heard name to the membership's name
("green clap" for "Green Club")."""


@per_knowledge
def membership_names(knowledge: KnowledgeBase) -> frozenset[str]:
    """Lowercased names the chain's texts give its members ("green club")."""
    names: set[str] = set()
    for promotion in knowledge.promotions.values():
        texts = [promotion.talk_track.en if promotion.talk_track else ""]
        texts += [faq.answer.en for faq in promotion.faqs]
        texts += [faq.question.en for faq in promotion.faqs]
        for text in texts:
            for match in _NAMED_MEMBERS.finditer(text):
                words = match.group(1).lower().split()
                while words and words[0] in _LEADING:
                    words = words[1:]
                if words and " ".join(words) not in _NOT_NAMES:
                    names.add(" ".join(words))
    return frozenset(names)


def membership_named(
    mentions: list[Mention], knowledge: KnowledgeBase
) -> tuple[list[Mention], bool]:
    """The mentions without a loosely heard promotion or product that is the membership's name.

    "Green Club price on the paper star?": "green club" is only part of "Green Club Week",
    and the chain's texts call its members "Green Club members", so it means members (the
    ``bool``), not that promotion. A promotion's full name ("Green Club Week") always stays.
    So with a product: "Haneul Club price on the Byeol?" is no "Haneul Cap" heard loosely.
    """
    names = membership_names(knowledge)
    if not names:
        return mentions, False
    kept = [
        m
        for m in mentions
        if not (
            m.kind in ("promotion", "product") and m.score < 1.0 and _is_membership(m.heard, names)
        )
    ]
    return kept, len(kept) < len(mentions)


def membership_said(words: list[str], named: set[int], knowledge: KnowledgeBase) -> bool:
    """Whether the membership's own name is said outside any other name ("Green Club price").

    Words inside a promotion's or product's full name ("Green Club Week") do not count.
    Just before a price word the name may be heard imperfectly: "Clob and Deena price" is
    the "Club Andina price" when it sounds like it (:func:`_sounds_like_membership`).
    """
    names = membership_names(knowledge)
    for name in names:
        parts = name.split()
        for i in range(len(words) - len(parts) + 1):
            span = range(i, i + len(parts))
            if words[i : i + len(parts)] == parts and not named.intersection(span):
                return True
        # "Encore price" of the "Encore Club": the name without its noun, before a price word.
        if len(parts) < 2 or parts[-1] not in MEMBERSHIP_NOUNS:
            continue
        short = parts[:-1]
        for i in range(len(words) - len(short)):
            span = range(i, i + len(short))
            if (
                words[i : i + len(short)] == short
                and words[i + len(short)] in _PRICE_WORDS
                and not named.intersection(span)
            ):
                return True
    for i, word in enumerate(words):
        if word not in _PRICE_WORDS:
            continue
        for start in range(i - 1, max(-1, i - 1 - MAX_NAME_WORDS), -1):
            if start in named:
                break
            if _sounds_like_membership(words[start:i], names):
                return True
        if i > 0 and i - 1 not in named and _membership_noun(words, i - 1, named, names):
            return True
    return False


MEMBERSHIP_NOUNS = frozenset("card club clube rewards perks pass".split())
"""What a membership is called inside its name ("Komorebi Card", "Castle Club")."""
MEMBER_WORDS = MEMBERSHIP_NOUNS | {"member", "members", "loyalty"}
"""Words that speak of the members' offer: "<words> price" is the member price, "members
get ... on top of X" pairs X with it."""
_BEFORE_NOUN = frozenset("the a your our with for".split())


def _membership_noun(words: list[str], i: int, named: set[int], names: frozenset[str]) -> bool:
    """Whether ``words[i]`` is the membership's own noun said alone ("card price").

    "The multivitamin card price" is the Komorebi Card price: a word of the membership's
    name that names what a membership is, after a named item, a determiner or nothing
    ("memory card price" is no member's).
    """
    word = words[i]
    # A noun for memberships ("card"), or the last word of the chain's own name for its
    # members when that name has a first word too ("plus" of "Klarsyn Plus").
    last_words = {name.split()[-1] for name in names if len(name.split()) > 1}
    if word not in MEMBERSHIP_NOUNS | last_words:
        return False
    if word in MEMBERSHIP_NOUNS and not any(word in name.split() for name in names):
        return False
    return i == 0 or i - 1 in named or words[i - 1] in _BEFORE_NOUN


MAX_NAME_WORDS = 4
"""Words a membership name may be heard as before a price word ("clob and deena")."""
SOUND_LIKENESS = 0.9
"""Sound-key likeness a run before a price word needs to be heard as the membership's name."""
LETTER_FLOOR = 0.65
"""Letter likeness it still needs (below it, sound keys agree by chance)."""


def _sounds_like_membership(run: list[str], names: frozenset[str]) -> bool:
    """Whether the words ``run`` sound like one of the membership ``names``."""
    letters = "".join(run)
    heard_key = sound(letters)
    if len(heard_key) < SOUND_MIN or not letters.isalpha():
        return False
    for name in names:
        target = "".join(c for c in name if c.isalnum())
        if SequenceMatcher(None, letters, target).ratio() < LETTER_FLOOR:
            continue
        if SequenceMatcher(None, heard_key, sound(target)).ratio() >= SOUND_LIKENESS:
            return True
    return False


def _is_membership(heard: str, names: frozenset[str]) -> bool:
    """Whether ``heard`` is one of the membership ``names``, as said or misheard."""
    said = heard.lower().split()
    if said and said[-1] in ("member", "members"):
        said = said[:-1]  # "Green Club member": the name, then what it calls its people
    letters = "".join(c for c in " ".join(said) if c.isalnum())
    for name in names:
        target = "".join(c for c in name if c.isalnum())
        if letters == target or SequenceMatcher(None, letters, target).ratio() >= HEARD_LIKENESS:
            return True
    return False


_PRICE_WORDS = frozenset({"price", "prices", "discount", "discounts", "rate", "deal"})
"""Words after which a member's name or "member" asks the member price."""


MEMBER_LIKENESS = 0.6
"""Letter likeness (difflib ratio) a word before "price" needs to be heard as *member*."""


def sounds_like_member(words: list[str], i: int) -> bool:
    """A word heard for *member* just before a price word ("number price", "remember price")."""
    word = words[i]
    if i + 1 >= len(words) or words[i + 1] not in _PRICE_WORDS or len(word) < 5:
        return False
    return SequenceMatcher(None, word, "member").ratio() >= MEMBER_LIKENESS


@per_knowledge
def name_words(knowledge: KnowledgeBase) -> frozenset[str]:
    """Lowercased words of the chain's names: products, categories, promotions and aliases.

    A word of the chain's texts that is none of these ("number" of "phone number") is no
    thing sold: before "price" and sounding like *member*, it was heard for "member".
    """
    names: list[str] = []
    for product in knowledge.products.values():
        names += [product.name.en, *product.aliases]
    for category in knowledge.categories.values():
        names += [category.name.en, *category.aliases]
    for promotion in knowledge.promotions.values():
        names += [promotion.title.en, *promotion.aliases]
    return frozenset(w for name in names for w in re.findall(r"[a-z0-9']+", name.lower()))
