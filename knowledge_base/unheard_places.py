"""A place said at the end of a question but not recognised ("... on in virgin?").

Then an answer for the caller's own store would be about the wrong store: the answerer asks
which store instead (:meth:`~knowledge_base.grounded.GroundedAnswerer.answer_now`).
"""

from __future__ import annotations

from knowledge_base.generic_words import GENERIC_WORDS, MONEY_WORDS
from knowledge_base.question_forms import AFTER_A_PLACE, PLACE_PREPOSITIONS
from knowledge_base.words import tokens

_HEARD_FOR_IN = frozenset({"an", "and"})
"""Words recognition writes for an unstressed "in" ("on offer an L-Passle"): a place after
them counts only when it was written as a name (capitalised), never for "and the strings"."""
_CLOCK_WORDS = frozenset({"am", "pm", "noon", "midday", "midnight", "clock", "oclock"})
"""Words of a time of day: "on Saturday at 7pm" names a time, not a place."""
_NO_PLACE = GENERIC_WORDS | MONEY_WORDS | _CLOCK_WORDS
"""Words that are never a place not heard: question words, what one pays in ("euros"), and
the words of a time of day ("at 7 pm")."""


def unheard_place(
    words: list[str],
    named: set[int],
    unknown_words: list[str],
    text: str = "",
    name_words: frozenset[str] = frozenset(),
) -> bool:
    """The question ends "in <something>" or "at <something>" that names nothing we know.

    "Is the tree offer on in virgin?" ("in Bergen" misheard): a place was said but not
    recognised, so an answer for the caller's own store would be about the wrong store. It
    ends in a word the chain never uses that is none of its ``name_words`` (a name heard in
    part keeps its last word), and holds no question word. In
    ``text`` as recognition wrote it, "an" or "and" before capitalised unknown words ("the
    Harbor and Elpazzle?") is read the same way.
    """
    unknown = set(unknown_words)
    capitalised = {
        token for word in text.split()[1:] if word[:1].isupper() for token in tokens(word)
    }
    for i in range(len(words) - 1, _last_words_start(words, PLACE_WORDS_MAX) - 1, -1):
        if words[i] not in PLACE_PREPOSITIONS | _HEARD_FOR_IN:
            continue
        after = [j for j in range(i + 1, len(words)) if words[j] not in AFTER_A_PLACE]
        heard = [words[j] for j in after if not words[j].isdigit()]
        # Ending in a word the chain never uses, with no question word: "in air equivalent"
        # (Arequipa) is a place not heard; "in the pock drop" ends in a word of a name.
        if not heard or named & set(after) or any(w in _NO_PLACE for w in heard):
            return False
        if not _unknown_word(heard[-1], unknown) or heard[-1] in name_words:
            return False
        return words[i] in PLACE_PREPOSITIONS or all(w in capitalised for w in heard)
    return False


PLACE_WORDS_MAX = 4
"""Words from the end of a question within which a place is looked for ("in air equivalent")."""


def _last_words_start(words: list[str], count: int) -> int:
    """Where the last ``count`` words start, a name spelled out in letters counting as one.

    Recognition writes a place it does not know letter by letter ("in V-N-E-L-MA" for Viña
    del Mar): those letters are one word said, not four.
    """
    start, said = len(words), 0
    while start > 0 and said < count:
        start -= 1
        if not (len(words[start]) == 1 and start > 0 and len(words[start - 1]) == 1):
            said += 1
    return start


def _unknown_word(word: str, unknown: set[str]) -> bool:
    """Whether ``word`` is one of the ``unknown`` search terms, as said or as its stem.

    Unknown words are search terms, stemmed: "Manos" (Manaus misheard) is among them as "mano".
    """
    from knowledge_base.retrieval import search_terms  # retrieval -> matching -> this module

    return word in unknown or any(term in unknown for term in search_terms(word))
