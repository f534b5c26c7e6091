"""Cue words heard a little wrong, read as the cue: "todal" -> "total", "number price"."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from knowledge_base.cue_speller import CueSpeller
from knowledge_base.cues import cue_words
from knowledge_base.membership import MEMBER_WORDS, name_words, sounds_like_member
from knowledge_base.question_forms import capitalised_words

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


@lru_cache(maxsize=1)
def _speller() -> CueSpeller:
    return CueSpeller(cue_words())


def cues_heard(
    words: list[str],
    named: set[int],
    text: str,
    knowledge: KnowledgeBase,
    vocabulary: frozenset[str] | None,
) -> dict[str, str]:
    """Words of an English question read as the cue word they are a slip of.

    Never a word inside a name (``named``: positions), one the knowledge base's texts use
    (``vocabulary``), nor one written with a capital after the first word: "Chanel" is a
    name, not "change" heard wrong (a cue glued to its end still counts: "Watsmertotel").
    "number price" is "member price" where no name of the chain says "number".
    """
    corrected: dict[str, str] = {}
    speller = _speller()
    things = name_words(knowledge)
    proper = capitalised_words(text)
    for i, word in enumerate(words):
        if i in named:
            continue
        if sounds_like_member(words, i) and word not in things and word not in MEMBER_WORDS:
            corrected[word] = "member"
            continue
        if vocabulary is not None and word in vocabulary:
            continue
        cue = speller.glued(word) if word in proper else speller.correct(word)
        if cue is not None:
            corrected[word] = cue
    return corrected
