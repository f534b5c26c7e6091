"""Store names: the names a store is known by, and the words of them that name a place.

The matcher (:mod:`knowledge_base.matching`) indexes a store by the names
:func:`place_names` lists: its code, full name, aliases, city (its leading words), the name
without the city, the words only its name has, and its region's names and aliases.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Set
from typing import TYPE_CHECKING

from knowledge_base.loose_matching import AUXILIARIES, FUNCTION_WORDS
from knowledge_base.words import compact, has_cjk, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.loose_matching import LooseVocabulary

# Words that start or end many store names and name no place by themselves.
PLACE_WORDS = frozenset(
    """city centre center central mall plaza street road avenue park square station airport
    outlet north south east west new old main market high downtown uptown flagship store shop
    shops the upper lower grand great royal village town harbour harbor bay beach hill times
    union king kings queen queens saint st port fort mount lake river garden gardens world
    national metro plus one first""".split()
)


def store_own_words(knowledge: KnowledgeBase) -> dict[str, list[str]]:
    """Store id -> the words and short runs of its English name no other store's name has.

    "Nanjing" of "Shanghai Nanjing Road" names that store alone, though it is neither the
    city nor the name without it; so do "BGC" of "Manila BGC High Street" (an acronym) and
    "Dong Khoi" of "Ho Chi Minh City Dong Khoi" (two short words together). Short words
    ("Los"), place words and runs that start or end with one name nothing.
    """
    runs = {
        s.id: _name_runs(s.name.en.split()) for r in knowledge.regions.values() for s in r.stores
    }
    seen: dict[str, set[str]] = {}
    for store_id, store_runs in runs.items():
        for run in store_runs:
            seen.setdefault(compact(run), set()).add(store_id)
    return {
        store_id: [run for run in store_runs if len(seen[compact(run)]) == 1]
        for store_id, store_runs in runs.items()
    }


def _name_runs(words: list[str]) -> list[str]:
    """The runs of one to three words after a store name's first that could name it alone."""
    runs: list[str] = []
    for size in (1, 2, 3):
        for start in range(1, len(words) - size + 1):
            run = words[start : start + size]
            form = compact(" ".join(run))
            if size == 1:
                acronym = run[0].isupper() and run[0].isalpha() and len(run[0]) >= 3
                if len(form) >= 5 or acronym:
                    runs.append(run[0])
            elif len(form) >= 5 and not {compact(run[0]), compact(run[-1])} & PLACE_WORDS:
                runs.append(" ".join(run))
    return runs


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


def place_names(
    knowledge: KnowledgeBase, taken: Set[str], loose: LooseVocabulary
) -> list[tuple[str, str]]:
    """Each store's names to index (store id, name): code, full name, city and the rest.

    The city is a store name's leading words: each of its prefixes is indexed ("New
    York" of "New York Flatiron"; a lone "New" is a place word and names nothing), and
    so is the name without its first word. A city or region names every store in it
    ("Shanghai" -> SH-01, SH-02); the reader picks among them. A place word that already
    names a product, category or promotion is left to that entity: a name whose compact
    form is in ``taken`` is not listed. The forms compared loosely go into ``loose``.
    """
    names_found: list[tuple[str, str]] = []
    own_words = store_own_words(knowledge)
    short_cities = short_city_names(knowledge)
    for region in knowledge.regions.values():
        region_names = [region.id, region.name.en, *region.aliases]
        if region.name.zh_cn:
            region_names.append(region.name.zh_cn)
        for store in region.stores:
            names = [store.id, store.name.en, *store.aliases]
            words = store.name.en.split()
            own_runs: set[str] = set()
            if len(words) > 1:
                names += [" ".join(words[:n]) for n in range(1, len(words))]
                names.append(" ".join(words[1:]))
                own_runs = {r for r in own_words.get(store.id, []) if " " in r} - set(names)
                names += own_words.get(store.id, [])
                names += short_cities.get(store.id, [])
                rest = compact(" ".join(words[1:]))  # the name without its city
                loose.inner_place_words.update(
                    form
                    for word in own_words.get(store.id, [])
                    if " " not in word and (form := compact(word)) != rest
                )
            if store.name.zh_cn:
                names.append(store.name.zh_cn)
                # The city leads a Chinese store name (上海南京路店, 墨尔本伯克街店): its
                # first two or three characters, and the name without the trailing 店.
                zh = store.name.zh_cn
                names.append(zh.removesuffix("店"))
                bare = zh.removesuffix("店")
                if len(bare) >= 3 and (bare, store.id) not in loose.cjk_places:
                    loose.cjk_places.append((bare, store.id))
                names += [zh[:n] for n in (2, 3) if len(zh) > n + 1]
            # Each name also as typed or heard without its accents ("Iasi" for Iași).
            plain = [without_accents(n) for n in [*names, *region_names]]
            for name in dict.fromkeys([*names, *region_names, *plain]):
                form = compact(name)
                if form in taken or form in FUNCTION_WORDS | AUXILIARIES or len(form) < 2:
                    continue
                names_found.append((store.id, name))
                if name in own_runs:
                    continue  # compared exactly only: "long does" is not a misheard "Los Andes"
                if len(form) >= 5 and not has_cjk(form) and not any(c.isdigit() for c in form):
                    entries = loose.places.setdefault(form[0], [])
                    if (form, store.id) not in entries:
                        entries.append((form, store.id))
    return names_found
