"""The names a store is known by: code, full name, city, the rest of its name, its region.

The matcher (:class:`~knowledge_base.matching.CatalogueMatcher`) indexes each store by the
names :func:`place_names` lists; the words they are made of are in
:mod:`knowledge_base.store_names`.
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING

from knowledge_base.loose_matching import FUNCTION_WORDS, LooseVocabulary
from knowledge_base.store_names import short_city_names, store_own_words, without_accents
from knowledge_base.words import compact, has_cjk

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


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
        region_names = [region.id, region.name.en]
        if region.name.zh_cn:
            region_names.append(region.name.zh_cn)
        for store in region.stores:
            names = [store.id, store.name.en]
            words = store.name.en.split()
            if len(words) > 1:
                names += [" ".join(words[:n]) for n in range(1, len(words))]
                names.append(" ".join(words[1:]))
                names += own_words.get(store.id, [])
                names += short_cities.get(store.id, [])
                rest = compact(" ".join(words[1:]))  # the name without its city
                loose.inner_place_words.update(
                    form for word in own_words.get(store.id, []) if (form := compact(word)) != rest
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
                if form in taken or form in FUNCTION_WORDS or len(form) < 2:
                    continue
                names_found.append((store.id, name))
                if len(form) >= 5 and not has_cjk(form) and not any(c.isdigit() for c in form):
                    entries = loose.places.setdefault(form[0], [])
                    if (form, store.id) not in entries:
                        entries.append((form, store.id))
    return names_found
