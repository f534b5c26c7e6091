"""Promotion names heard imperfectly, compared with the chain's own offers' names.

Part of the loose matching (:mod:`knowledge_base.loose_matching`), over the promotion names
its :class:`~knowledge_base.loose_matching.LooseVocabulary` indexes by their first letters,
by a vowel-free key and by a sound key: "the weakened offer" -> Weekend Offer, "Duwali
offer" -> Diwali, "crew extra" -> Kru Extra, "run fast" -> Run Fest.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.loose_matching import (
    FUNCTION_WORDS,
    MAX_LOOSE_CANDIDATES,
    OFFER_WORDS,
    SOUND_FLOOR,
    LooseVocabulary,
)
from knowledge_base.mentions import Mention
from knowledge_base.words import sound

PROMOTION_THRESHOLD = 0.8
"""Similarity a run of words needs to stand for a promotion name (of 7 letters or more)."""
SOUND_KEY_SCORE = 0.95
"""Likeness a promotion name found only by its sound key needs (the keys all but equal)."""
SECOND_PROMOTION_SCORE = 0.85
"""Loose score a second offer, heard beside one named exactly, needs to count."""


def loose_promotions(
    vocabulary: LooseVocabulary, words: list[str], found: list[Mention]
) -> list[Mention]:
    """Offers heard imperfectly, beside the names ``found`` exactly.

    None named: one heard loosely, outside the products' words. One named: a second only
    when read closely ("does based camp we go on top of the tent clearance").
    """
    named = {m.key for m in found if m.kind == "promotion"}
    if len(named) > 1 or sum(m.kind == "promotion" for m in found) > 1:
        return []
    kinds = ("product", "promotion") if named else ("product",)
    occupied = [False] * len(words)
    for m in found:
        if m.kind in kinds:
            occupied[m.start : m.end] = [True] * (m.end - m.start)
    heard = find_promotions(vocabulary, words, occupied)
    if named:
        return [m for m in heard if m.key not in named and m.score >= SECOND_PROMOTION_SCORE]
    return heard


def priced_category_not_offer(
    vocabulary: LooseVocabulary, mentions: list[Mention], words: list[str]
) -> list[Mention]:
    """``mentions`` of a price question less an offer heard loosely in a category's name.

    "How much are the splashes?" asks the category's prices (splashes: body mists); that
    "the splashes" also sounds like "the splash deal" does not make it that offer. Kept
    when another word of the offer's name is said ("a third bed frame at the bonus price").
    """
    return [
        m
        for m in mentions
        if m.kind != "promotion"
        or m.score >= 1.0
        or not only_category_words(m, mentions, words)
        or _more_of_its_name(vocabulary, m, words)
    ]


def _more_of_its_name(vocabulary: LooseVocabulary, loose: Mention, words: list[str]) -> bool:
    """Another word of the offer's name said elsewhere: "bed frame at the bonus price"."""
    forms = {
        form
        for entries in vocabulary.promotion_names_by_initial.values()
        for form, key in entries
        if key == loose.key
    }
    outside = [
        w
        for i, w in enumerate(words)
        if not loose.start <= i < loose.end and len(w) >= 4 and w not in FUNCTION_WORDS
    ]
    return any(w in form for w in outside for form in forms)


def find_promotions(
    vocabulary: LooseVocabulary, words: list[str], taken: list[bool]
) -> list[Mention]:
    """A promotion name heard imperfectly ("the weakened offer", "we can offer")."""
    best: Mention | None = None
    # A run's sound key is read from its first two words: once per start, not per run.
    sound_keys = [sound_key("".join(words[i : i + 2])) for i in range(len(words))]
    for size in (4, 3, 2):
        for start in range(0, len(words) - size + 1):
            end = start + size
            if any(taken[start:end]):
                continue
            if all(w in FUNCTION_WORDS or w in GENERIC_WORDS for w in words[start:end]):
                continue  # "the sale" is no misheard "the saldi"
            heard = "".join(words[start:end])
            forms = vocabulary.promotion_names_by_initial.get(heard[:2], [])
            forms = forms + [
                entry
                for entry in vocabulary.promotion_names_by_initial.get("_" + heard[1:3], [])
                if entry not in forms
            ]
            forms = forms + [
                entry
                for entry in vocabulary.promotion_names_by_initial.get(vowel_free_key(heard), [])
                if entry not in forms and same_consonants(entry[0], heard)
            ]
            # Found by sound alone ("crew extra"): the whole sound keys must agree.
            by_sound = [
                entry
                for entry in vocabulary.promotion_names_by_initial.get(sound_keys[start], [])
                if entry not in forms
            ]
            forms = forms + by_sound
            if len(forms) > MAX_LOOSE_CANDIDATES:
                continue  # thousands of similar names ("offer 1", "offer 2"): too ambiguous
            for form, key in forms:
                if abs(len(form) - len(heard)) > len(form) // 3:
                    continue
                if any(_foreign(w, form) for w in words[start:end]):
                    continue  # "members pay for" is no misheard "members offer"
                if _loose_edge(words[start], words[end - 1], form):
                    continue  # "candles at" is no misheard "candle day"
                if _only_the_customer(words[start:end], form):
                    continue  # "a club member buys four" is no misheard "Member Days"
                score = vocabulary.similarity(form, heard, PROMOTION_THRESHOLD)
                if (form, key) in by_sound and score < SOUND_KEY_SCORE:
                    continue  # "self event" sounds near Sleep Event, not the same
                if score >= PROMOTION_THRESHOLD and (best is None or score > best.score):
                    best = Mention("promotion", key, start, end, " ".join(words[start:end]), score)
    return [best] if best else []


def vowel_free_key(form: str) -> str:
    """``~``, the first letter and the next consonant: "duwali" and "diwali" share ``~dw``.

    Indexes promotion names so a vowel heard as another early in a name ("the Duwali offer")
    still finds its candidates; the similarity threshold then decides.
    """
    rest = _consonants(form[1:])
    return "~" + form[:1] + rest[:1]


def sound_key(form: str) -> str:
    """``^`` and the first two letters of its :func:`sound` key: "crewextra" and "kruextra"."""
    return "^" + sound(form)[:2]


def same_consonants(form: str, heard: str, count: int = 3) -> bool:
    """The first ``count`` consonants agree: only vowels were heard as others.

    "duwalioffer" keeps d-w-l of "diwalioffer"; "selfevent" (s-l-f) is no "sleepevent" (s-l-p).
    """
    return _consonants(form)[:count] == _consonants(heard)[:count]


def _consonants(form: str) -> str:
    return "".join(c for c in form if c.isalpha() and c not in "aeiouy")


def _foreign(word: str, form: str) -> bool:
    """An everyday question word a promotion's name does not hold ("pay" for "members offer").

    Held in part counts as held: "member weekend" is still a misheard "Member Week".
    """
    return word in GENERIC_WORDS and word not in OFFER_WORDS and word[:4] not in form


CUSTOMER_WORDS = ("members", "member", "loyalty")
"""Words that say who the customer is: in a name heard loosely they are not evidence."""


def _only_the_customer(run: list[str], form: str) -> bool:
    """A run whose likeness to a promotion's name rests on a word saying who the customer is.

    "member buys 4" is as long as "member days" and shares "member": the rest of the name
    ("days") must be heard too, alike by letters, for the run to be that promotion.
    """
    if not any(w in CUSTOMER_WORDS for w in run):
        return False
    rest_heard = "".join(w for w in run if w not in CUSTOMER_WORDS)
    rest_form = form
    for word in CUSTOMER_WORDS:
        rest_form = rest_form.replace(word, "")
    if not rest_heard or not rest_form:
        return True
    return SequenceMatcher(None, rest_form, rest_heard).ratio() < SOUND_FLOOR


def _loose_edge(first: str, last: str, form: str) -> bool:
    """A run that starts or ends with a small word the name does not start or end with."""
    return (first in FUNCTION_WORDS and not form.startswith(first)) or (
        last in FUNCTION_WORDS and not form.endswith(last)
    )


_ARTICLES = frozenset(("the", "a", "an"))


def only_category_words(loose: Mention, found: list[Mention], words: list[str]) -> bool:
    """A promotion heard loosely in nothing but a category's own name (and an article).

    "How much are the splashes?" says the category (splashes: body mists) exactly; that
    "the splashes" also sounds like "the splash deal" does not make it that offer.
    """
    said = {i for m in found if m.kind == "category" for i in range(m.start, m.end)}
    return bool(said) and all(
        i in said or words[i] in _ARTICLES for i in range(loose.start, loose.end)
    )
