"""Which words of a question say what it is about, and which no text of the chain uses.

Part of the question reader (:mod:`knowledge_base.understanding`): cue words and everyday
question words ("when", "offer", "end") say what is asked; what is left says what about
("appliance", "coffee"). A word none of the chain's texts uses is an *unknown word*: one may
be recognition noise, more say the question is about something the chain does not cover.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from knowledge_base.cues import EN
from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.question_slots import CLOCK_WORDS, DAY_NUMBER_WORDS, MONTH_WORDS, When
from knowledge_base.retrieval import search_terms
from knowledge_base.role_cues import (
    END_EN,
    FAQ_TOPICS_EN,
    LEFT_OUT_EN,
    LIST_EN,
    MEMBER_EN,
    START_EN,
)


def content_terms(text: str) -> list[str]:
    """Search terms of ``text`` that are not cue or everyday question words.

    What is left says *what* a question is about ("appliance", "coffee"), not what it
    asks ("when", "offer", "end").
    """
    cue_terms = _cue_terms()
    return [t for t in search_terms(text) if t not in cue_terms]


@lru_cache(maxsize=1)
def _cue_terms() -> frozenset[str]:
    terms: set[str] = set(GENERIC_WORDS)
    for table in (
        EN,
        {0: (*FAQ_TOPICS_EN, *START_EN, *END_EN, *LIST_EN, *MEMBER_EN)},
    ):
        for keys in table.values():
            for key in keys:
                terms.update(search_terms(key))
                terms.update(key.split())
    terms.update(search_terms(" ".join(GENERIC_WORDS)))
    return frozenset(terms)


def place_after(words: list[str], unknown_words: list[str]) -> bool:
    """An unknown word within two words after "in", "at" or "on": a place not recognised."""
    unknown = set(unknown_words)
    for i, word in enumerate(words):
        if word in ("in", "at", "on", "an") and any(
            term in unknown for later in words[i + 1 : i + 3] for term in search_terms(later)
        ):
            return True
    return False


def english_unknown_words(
    residual: str, vocabulary: Collection[str], joined: str, words: list[str], when: When | None
) -> list[str]:
    """Search terms of ``residual`` (the words outside any name) that the chain never uses.

    Words of a named day ("the 14th") or time ("7 pm") and of a phrase said as a whole
    ("left out") are no unknown words; "left" alone ("left-handed") is.
    """
    cue_terms = _cue_terms()
    said = {w for key in LEFT_OUT_EN if key in joined for w in key.split()}
    if when is not None:
        said |= DAY_NUMBER_WORDS | MONTH_WORDS | CLOCK_WORDS | {t for t in words if t.isdigit()}
    return [
        t
        for t in search_terms(residual)
        if t not in vocabulary and t not in cue_terms and t not in said
    ]
