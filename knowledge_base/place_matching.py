"""Store and city names heard imperfectly, compared with the chain's own places.

Part of the loose matching (:mod:`knowledge_base.loose_matching`), over the places its
:class:`~knowledge_base.loose_matching.LooseVocabulary` indexes: "Sidney" -> Sydney,
"Manchaster" -> Manchester, "L-Passel" -> El Paso, "铜罗湾" -> 铜锣湾.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from knowledge_base.cues import cue_words
from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.loose_matching import PRONOUNS, SOUND_MIN, LooseVocabulary
from knowledge_base.mentions import Mention
from knowledge_base.question_forms import AFTER_A_PLACE, PLACE_PREPOSITIONS
from knowledge_base.words import sound, spoken_letters

PLACE_THRESHOLD = 0.8
"""Similarity a word needs to stand for a city or store name (of 5 letters or more)."""
SLOT_SOUND_THRESHOLD = 0.85
"""Sound similarity a run needs to stand for a place where the question says a place."""
SLOT_LETTER_FLOOR = 0.55
"""Letter similarity it still needs there (below it, the sound keys agree by chance)."""
_VOWELS = "aeiou"


def find_places(vocabulary: LooseVocabulary, words: list[str], taken: list[bool]) -> list[Mention]:
    """A city or store name heard imperfectly ("Sidney", "Manchaster", "L-Passel").

    Runs of up to three words are compared, since a name of two words may be heard as
    three ("Guada la Hara"). Where the question ends "in <run>" or "at <run>", a place is
    what was said, and the run is compared more loosely by sound (:func:`_slot_similarity`).
    """
    found: list[Mention] = []
    cues = cue_words()
    slot = _place_slot(words)
    for size in (3, 2, 1):
        for start in range(0, len(words) - size + 1):
            end = start + size
            if any(taken[start:end]):
                continue
            # A syllable heard as a letter is compared as said: "L-Passel" -> El Paso.
            heard = spoken_letters(words[start:end])
            if len(heard) < 5 or not heard.isalpha():
                continue
            if any(w in GENERIC_WORDS or w in cues or w in PRONOUNS for w in words[start:end]):
                # "any deal" is not a misheard "Arndale", nor "start" a misheard "Strøget":
                # question words stay.
                continue
            scored: dict[str, float] = {}
            in_slot = slot == (start, end)
            for form, store_id in _places_starting_like(vocabulary, heard):
                if form in vocabulary.inner_place_words and not (
                    in_slot or _after_a_preposition(words, start)
                ):
                    continue  # "Garmin watches" is not a misheard Grampian (Road)
                if abs(len(form) - len(heard)) > max(3 if in_slot else 2, len(form) // 4):
                    continue
                score = vocabulary.similarity(form, heard, PLACE_THRESHOLD)
                if in_slot and score < PLACE_THRESHOLD:
                    score = _slot_similarity(vocabulary, form, heard)
                if score >= PLACE_THRESHOLD and score > scored.get(store_id, 0.0):
                    scored[store_id] = score
            if scored:
                top = max(scored.values())
                for store_id, score in scored.items():
                    if score == top:
                        found.append(
                            Mention(
                                "store", store_id, start, end, " ".join(words[start:end]), score
                            )
                        )
                taken[start:end] = [True] * (end - start)
    return found


def _place_slot(words: list[str]) -> tuple[int, int] | None:
    """The words after a closing "in" or "at" ("... on in Merfors?"): where a place was said."""
    end = len(words)
    while end > 0 and words[end - 1] in AFTER_A_PLACE:
        end -= 1
    for start in range(end - 1, max(0, end - 3), -1):
        if words[start - 1] in PLACE_PREPOSITIONS:
            return start, end
        if words[start - 1] == "the" and start >= 2 and words[start - 2] in PLACE_PREPOSITIONS:
            return start, end
    return None


def _after_a_preposition(words: list[str], start: int) -> bool:
    """The run at ``start`` follows "in", "at" (or "in the", "at the"): a place is said there."""
    before = words[max(0, start - 2) : start]
    if before[-1:] and before[-1] == "the":
        before = before[:-1]
    return bool(before) and before[-1] in PLACE_PREPOSITIONS


def _slot_similarity(vocabulary: LooseVocabulary, form: str, heard: str) -> float:
    """How alike a place name and the words where a place was said sound.

    The sound keys must nearly agree ("merfors" and Miraflores, "air kippa" and Arequipa)
    while the letters may be further apart than elsewhere; short keys say too little.
    """
    known = vocabulary.sounds.get(form, "")
    heard_key = sound(heard)
    if min(len(known), len(heard_key)) < SOUND_MIN:
        return 0.0
    if SequenceMatcher(None, heard, form).ratio() < SLOT_LETTER_FLOOR:
        return 0.0
    by_sound = SequenceMatcher(None, heard_key, known).ratio()
    return by_sound if by_sound >= SLOT_SOUND_THRESHOLD else 0.0


def _places_starting_like(vocabulary: LooseVocabulary, heard: str) -> list[tuple[str, str]]:
    """Place names that may start like ``heard``: any vowel for a vowel ("Oakland")."""
    if heard[0] not in _VOWELS:
        return vocabulary.places.get(heard[0], [])
    return [entry for vowel in _VOWELS for entry in vocabulary.places.get(vowel, [])]


def find_cjk_places(
    vocabulary: LooseVocabulary, words: list[str], taken: list[bool]
) -> list[Mention]:
    """A Chinese store or city name heard with one character wrong ("铜罗湾" -> 铜锣湾).

    Chinese is one token per character; a run of free characters as long as a known
    name, differing in one character that is not the first, stands for it.
    """
    found: list[Mention] = []
    for form, store_id in vocabulary.cjk_places:
        size = len(form)
        for start in range(0, len(words) - size + 1):
            end = start + size
            if any(taken[start:end]):
                continue
            run = words[start:end]
            if any(len(w) != 1 for w in run) or run[0] != form[0]:
                continue
            if sum(a != b for a, b in zip(run, form, strict=True)) == 1:
                found.append(Mention("store", store_id, start, end, "".join(run), 0.8))
                taken[start:end] = [True] * size
    return found
