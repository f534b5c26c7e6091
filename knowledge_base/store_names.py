"""Words of store names: those that name no place alone, and those only one store has.

The matcher (:mod:`knowledge_base.matching`) indexes a store by its code, full name, city
(its leading words), the name without the city, and the words only its name has.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from knowledge_base.words import compact, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

# Words that start or end many store names and name no place by themselves.
PLACE_WORDS = frozenset(
    """city centre center central mall plaza street road avenue park square station airport
    outlet north south east west new old main market high downtown uptown flagship store shop
    shops the upper lower grand great royal village town harbour harbor bay beach hill times
    union king kings queen queens saint st port fort mount lake river garden gardens world
    national metro plus one first""".split()
)


def store_own_words(knowledge: KnowledgeBase) -> dict[str, list[str]]:
    """Store id -> the words of its English name no other store's name has.

    "Nanjing" of "Shanghai Nanjing Road" names that store alone, though it is neither the
    city nor the name without it. Short words ("Los") and place words name nothing.
    """
    names = {s.id: s.name.en.split() for r in knowledge.regions.values() for s in r.stores}
    seen: dict[str, set[str]] = {}
    for store_id, words in names.items():
        for word in words:
            seen.setdefault(compact(word), set()).add(store_id)
    return {
        store_id: [w for w in words[1:] if len(compact(w)) >= 5 and len(seen[compact(w)]) == 1]
        for store_id, words in names.items()
    }


def without_accents(text: str) -> str:
    """``text`` without its accents, as clerks type it or Whisper writes it: "Iași" -> "Iasi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def short_city_names(knowledge: KnowledgeBase) -> dict[str, list[str]]:
    """Store id -> the first word of its city where the city is hyphenated: "Cluj" of Cluj-Napoca.

    The city is the store name's first word; a clerk says its first part alone. Only a part
    of four letters or more that starts no other city and is no place word counts.
    """
    cities = {s.id: s.name.en.split()[0] for r in knowledge.regions.values() for s in r.stores}
    parts = {city: tokens(without_accents(city)) for city in cities.values()}
    short: dict[str, list[str]] = {}
    for store_id, city in cities.items():
        first = parts[city][0] if len(parts[city]) > 1 else ""
        alone = all(other == city or words[:1] != [first] for other, words in parts.items())
        if len(first) >= 4 and first not in PLACE_WORDS and alone:
            short[store_id] = [first]
    return short
