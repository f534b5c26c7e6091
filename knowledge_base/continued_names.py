"""Names heard in part, then continued by misheard words: "Porto Liger", "Slicker Rush".

A name recognised exactly on its first words may go on in words recognition got wrong.
When those words sound like the rest of a longer name of the same entity, the mention grows
over them: a city that leads several stores' names is narrowed to the store whose name goes
on that way ("Porto Liger" -> Porto Alegre), and a product named by part of its name
followed by the rest misheard ("Slicker Rush" -> Slicker Brush) is not taken for another
model. Only names of the closed vocabulary are compared, by letters and sound together.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.loose_matching import SOUND_MIN, LooseVocabulary
from knowledge_base.mentions import Mention
from knowledge_base.words import sound, spoken_letters

CONTINUED_LETTERS = 0.7
"""Letter likeness of a place heard in part plus the words after it to a longer place name."""
CONTINUED_SOUND = 0.85
"""Sound-key likeness it needs too ("porto liger" and Porto Alegre: both "prtlkr")."""
MAX_CONTINUATION = 2
"""Words after a place heard in part that may be the rest of its name."""


def continued_places(
    vocabulary: LooseVocabulary, words: list[str], found: list[Mention]
) -> list[Mention]:
    """``found`` with a place that names several stores narrowed by the words after it.

    "Porto" leads both "Porto Santa Catarina" and "Porto Alegre Moinhos"; in "in Porto
    Liger" the words after it sound like the rest of one of them, which is then the store
    meant (the mention grows over those words). A place that names one store, or whose
    following words continue none of its stores' names or several alike, stays as found.
    """
    taken = {i for m in found for i in range(m.start, m.end)}
    spans: dict[tuple[int, int], set[str]] = {}
    for m in found:
        if m.kind == "store":
            spans.setdefault((m.start, m.end), set()).add(m.key)
    for (start, end), stores in spans.items():
        if len(stores) < 2:
            continue
        head = "".join(words[start:end])
        candidates = [
            (form, store_id)
            for form, store_id in vocabulary.places.get(head[:1], [])
            if store_id in stores and form.startswith(head) and len(form) > len(head)
        ]
        best: dict[str, tuple[float, int]] = {}
        for size in range(1, MAX_CONTINUATION + 1):
            after = range(end, end + size)
            if after.stop > len(words) or taken & set(after):
                break
            if any(w in GENERIC_WORDS for w in words[end : end + size]):
                break
            heard = head + spoken_letters(words[end : end + size])
            if not heard.isalpha():
                break
            for form, store_id in candidates:
                score = _continuation_likeness(form, heard)
                if score > best.get(store_id, (0.0, 0))[0]:
                    best[store_id] = (score, end + size)
        if not best:
            continue
        top = max(score for score, _ in best.values())
        winners = [store_id for store_id, (score, _) in best.items() if score == top]
        if len(winners) != 1:
            continue  # continues two names alike: the reader's ambiguity stays
        store_id = winners[0]
        new_end = best[store_id][1]
        found = [m for m in found if not (m.kind == "store" and (m.start, m.end) == (start, end))]
        found.append(
            Mention(
                "store", store_id, start, new_end, " ".join(words[start:new_end]), min(top, 0.95)
            )
        )
    return found


def _continuation_likeness(form: str, heard: str) -> float:
    """How alike a place name and a heard run are, by letters and sound together; else 0."""
    if SequenceMatcher(None, heard, form).ratio() < CONTINUED_LETTERS:
        return 0.0
    known, heard_key = sound(form), sound(heard)
    if min(len(known), len(heard_key)) < SOUND_MIN:
        return 0.0
    by_sound = SequenceMatcher(None, heard_key, known).ratio()
    return by_sound if by_sound >= CONTINUED_SOUND else 0.0


def continued_products(
    vocabulary: LooseVocabulary, words: list[str], found: list[Mention]
) -> list[Mention]:
    """``found`` with a product named in part grown over the misheard rest of its name.

    "The Slicker Rush" where "Slicker" is an alias of the Slicker Brush: "rush" is the rest
    of its name heard imperfectly, not another model of the chain's slicker.
    """
    taken = {i for m in found for i in range(m.start, m.end)}
    grown: list[Mention] = []
    for m in found:
        end = m.end
        if m.kind != "product" or end in taken or end >= len(words):
            grown.append(m)
            continue
        after = words[end]
        head = "".join(words[m.start : m.end])
        if after in GENERIC_WORDS or not after.isalpha() or len(after) < 3:
            grown.append(m)
            continue
        forms = [
            form
            for form, sku in vocabulary.names_by_initial.get(head[:1], [])
            if sku == m.key and form.startswith(head) and len(form) > len(head)
        ]
        if any(_continued_product_name(form, head, after) for form in forms):
            grown.append(Mention("product", m.key, m.start, end + 1, f"{m.heard} {after}", 0.95))
            taken.add(end)
        else:
            grown.append(m)
    return grown


PRODUCT_LETTERS = 0.85
"""Letter likeness of a product named in part plus the next word to a longer name of it."""
REST_LETTERS = 0.75
"""Letter likeness that next word needs to the rest of that name ("rush" / "brush")."""


def _continued_product_name(form: str, head: str, after: str) -> bool:
    """Whether ``after`` is the rest of the product name ``form`` heard imperfectly.

    By letters: sound keys of a name's tail are too short to tell "rush" for "brush" from
    "pro" (another model).
    """
    whole = SequenceMatcher(None, head + after, form).ratio()
    rest = SequenceMatcher(None, after, form[len(head) :]).ratio()
    return whole >= PRODUCT_LETTERS and rest >= REST_LETTERS
