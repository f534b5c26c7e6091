"""Find products, categories, promotions and stores in text as speech recognition writes it.

Whisper writes a SKU the clerk said as "AX-200", "AX 200", "A X 200", "ax200" or
"AX two hundred", and a name as "Aero X 200" or "Aero-X". Everything is reduced to a
*compact* form (:mod:`knowledge_base.words`), and every run of up to six words of the
question is looked up in a dictionary of compact names: exact, fast (a few dozen dictionary
reads per question) and longest match first. Stores are found by code, store name, city
(the leading words of a store name: "Toronto", "New York") and region name.

When nothing exact is found, a run that contains a number is compared, loosely, with the
codes and names that share that number ("ex 200", "acts 200" -> AX-200), because the digits
of a code survive recognition far better than its letters do; names without numbers,
promotion names and place names are compared by letters and by sound ("dutch often" ->
Dutch oven, "Sidney" -> Sydney), only against this closed vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from knowledge_base.continued_names import continued_places, continued_products
from knowledge_base.cues import cue_words
from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.head_words import (
    ARTICLES,
    LISTED_AFTER,
    SharedWords,
    bare_heads,
    counted_article_names,
    counted_heads,
    counted_products,
    measured_products,
    products_sharing,
    shared_head,
    singular_form,
)
from knowledge_base.loose_matching import LooseVocabulary
from knowledge_base.membership import MEMBER_WORDS
from knowledge_base.mentions import EntityKind, Mention, ProductMatch
from knowledge_base.place_matching import find_cjk_places, find_places
from knowledge_base.promotion_matching import (
    loose_promotions,
    sound_key,
    vowel_free_key,
)
from knowledge_base.promotion_names import OFFER_NOUNS, promotion_names
from knowledge_base.store_names import PLACE_WORDS, place_names
from knowledge_base.verb_readings import without_verb_readings
from knowledge_base.words import compact, has_cjk, sound, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

__all__ = [
    "CatalogueMatcher",
    "compact",
    "has_cjk",
    "sound",
    "tokens",
]

MAX_WINDOW = 6
"""Longest run of words looked up as one name."""
MAX_CJK_WINDOW = 16
"""Longest run of tokens looked up when Chinese characters (one token each) are among them."""
MAX_PRODUCTS = 4
"""Loose matching stops looking once a question names this many products exactly."""


@dataclass(slots=True)
class CatalogueMatcher:
    """Compact-name dictionary over the catalogue and promotion names."""

    index: dict[str, dict[tuple[EntityKind, str], None]] = field(default_factory=dict)
    """Compact name -> the entities it names, in insertion order (an ordered set)."""
    singular: dict[str, dict[tuple[EntityKind, str], None]] = field(default_factory=dict)
    """Names of several words, each word without a plural "s" -> the entities they name."""
    loose: LooseVocabulary = field(default_factory=LooseVocabulary)
    """The names compared loosely when nothing matches exactly."""
    shared: SharedWords = field(default_factory=SharedWords)
    """The words that end or start products' names: what a question naming only one means."""

    @classmethod
    def build(cls, knowledge: KnowledgeBase) -> CatalogueMatcher:
        """Index every product, category and visible promotion of ``knowledge``."""
        matcher = cls()
        loose = matcher.loose
        for product in knowledge.products.values():
            names = [product.sku, product.name.en, *product.aliases]
            if product.name.zh_cn:
                names.append(product.name.zh_cn)
            for name in names:
                form = matcher.add("product", product.sku, name)
                numbers = re.findall(r"\d+", form)
                for digits in numbers:
                    loose.by_number.setdefault(digits, []).append((form, product.sku))
                if not numbers and len(form) >= 5 and not has_cjk(form):
                    loose.names_by_initial.setdefault(form[0], []).append((form, product.sku))
                matcher.shared.add(product.sku, name, lead=name == product.name.en)
            for digits in re.findall(r"\d+", product.sku):
                loose.code_numbers.setdefault(digits, []).append(product.sku)
        for category in knowledge.categories.values():
            names = [category.id, category.name.en, *category.aliases]
            if category.name.zh_cn:
                names.append(category.name.zh_cn)
            for name in names:
                matcher.add("category", category.id, name)
        for promotion in knowledge.visible_promotions():
            for name in [promotion.id, *promotion_names(promotion)]:
                form = matcher.add("promotion", promotion.id, name)
                if len(form) >= 7 and not has_cjk(form):
                    entries = loose.promotion_names_by_initial.setdefault(form[:2], [])
                    entries.append((form, promotion.id))
                    # Its first sound heard as another ("buck drop", "huck drop").
                    entries = loose.promotion_names_by_initial.setdefault("_" + form[1:3], [])
                    entries.append((form, promotion.id))
                    # A vowel heard as another ("Duwali offer").
                    entries = loose.promotion_names_by_initial.setdefault(vowel_free_key(form), [])
                    entries.append((form, promotion.id))
                    # Its first letters spelt as they sound ("crew extra" for Kru Extra).
                    entries = loose.promotion_names_by_initial.setdefault(sound_key(form), [])
                    entries.append((form, promotion.id))
        for sku, word in bare_heads(knowledge, matcher.index, matcher.shared.heads):
            matcher.add("product", sku, word)  # "tee" of the alias "the tee"
        matcher._add_places(knowledge)
        loose.index_sounds()
        return matcher

    def _add_places(self, knowledge: KnowledgeBase) -> None:
        """Index stores and regions by the names :func:`place_names` lists."""
        # Everyday and cue words never name a place ("times" of Times Square, "deal").
        taken = set(self.index) | PLACE_WORDS | GENERIC_WORDS | cue_words()
        for store_id, name in place_names(knowledge, taken, self.loose):
            self.add("store", store_id, name)

    def add(self, kind: EntityKind, key: str, name: str) -> str:
        """Index ``name`` (any spelling) for an entity; returns its compact form."""
        form = compact(name)
        if len(form) < 2:
            return form
        self.index.setdefault(form, {})[(kind, key)] = None
        words = tokens(name)
        if len(words) > 1:
            # "socks deal" for the alias "sock deal": every word without its plural "s".
            self.singular.setdefault(singular_form(words), {})[(kind, key)] = None
        return form

    def mentions(self, text: str) -> list[Mention]:
        """Every entity named in ``text``: longest runs first, no two overlapping."""
        words = tokens(text)
        taken = [False] * len(words)
        found: list[Mention] = []
        # Chinese is one token per character: its names need longer runs than words do.
        latin = [0]
        for word in words:
            latin.append(latin[-1] + (not has_cjk(word)))
        longest = MAX_CJK_WINDOW if latin[-1] < len(words) else MAX_WINDOW
        for size in range(min(longest, len(words)), 0, -1):
            for start in range(0, len(words) - size + 1):
                end = start + size
                if size > MAX_WINDOW and latin[end] - latin[start] > MAX_WINDOW:
                    continue
                if any(taken[start:end]):
                    continue
                entries = self._named(words[start:end])
                if not entries or self._article_yields(words, taken, start, end):
                    continue
                for kind, key in entries:
                    found.append(Mention(kind, key, start, end, " ".join(words[start:end])))
                for i in range(start, end):
                    taken[i] = True
        products = [m for m in found if m.kind == "product"]
        if len(products) < MAX_PRODUCTS:
            # A loosely heard product may overlap a category ("sports socks"): the product,
            # being more specific, wins.
            # Words that name a product, promotion or store exactly are not read again.
            exact = [False] * len(words)
            for m in found:
                if m.kind != "category":
                    exact[m.start : m.end] = [True] * (m.end - m.start)
            loose = [
                m
                for m in self.loose.find_products(
                    words,
                    exact,
                    numbers_alone=not products,
                    named=[(m.start, m.end) for m in found if m.kind != "product"],
                )
                if m.key not in {p.key for p in products} and not shared_head(self.shared, words, m)
            ]
            categories = [m for m in found if m.kind == "category"]
            # ... when heard over all of it, or inside it by the product's own name: "two
            # raclette grills" is the Raclette Grill, but "silver jewellery" stays a category,
            # not a "jewellery box" read from "jewellery" or "jewellery on".
            loose = [m for m in loose if all(_may_replace(m, c) for c in categories)]
            if loose:
                spans = {i for m in loose for i in range(m.start, m.end)}
                found = [
                    m
                    for m in found
                    if m.kind != "category" or not spans & set(range(m.start, m.end))
                ]
                found.extend(loose)
        found.extend(loose_promotions(self.loose, words, found))
        found = continued_places(self.loose, words, continued_products(self.loose, words, found))
        found = without_verb_readings(words, found)  # "is the deal running in Manila?"
        if not any(m.kind == "store" for m in found):
            occupied = [False] * len(words)
            for m in found:
                occupied[m.start : m.end] = [True] * (m.end - m.start)
            found.extend(find_places(self.loose, words, occupied))
            found.extend(find_cjk_places(self.loose, words, occupied))
        found = counted_products(self.index, words, found)
        found = counted_article_names(self.index, words, found)
        found = measured_products(self.shared.heads, words, found)
        if not any(m.kind == "product" for m in found):
            found.extend(counted_heads(self.index, self.shared.heads, words, found))
        else:  # "one kaze and two cough syrups": another counted item in a list
            named = {m.key for m in found if m.kind == "product"}
            found.extend(
                m
                for m in counted_heads(self.index, self.shared.heads, words, found)
                if m.key not in named and words[m.start - 2 : m.start - 1] in ([], *LISTED_AFTER)
            )
        found.sort(key=lambda m: (m.start, m.kind))
        return found

    def _named(self, run: list[str]) -> dict[tuple[EntityKind, str], None] | None:
        """The entities a run of words names exactly (a plural "s" aside), if any."""
        form = "".join(run)
        entries = self.index.get(form)
        if entries is None and form.endswith("s") and len(form) > 3:
            entries = self.index.get(form[:-1])
        if entries is None and len(run) > 1:
            entries = self.singular.get(singular_form(run))
        if entries is None and len(run) > 1 and run[-1] in ("price", "prices"):
            entries = self._offer_priced(run[:-1])
        return entries

    def _article_yields(self, words: list[str], taken: list[bool], start: int, end: int) -> bool:
        """Whether a name found with its article ("the Polar", "the titanium") gives way.

        An alias that starts with an article is found before a name as long that starts one
        word later ("polar sunglasses", "titanium weekend"); the run without the article and
        with the next word is the name said, so the article's run is not read.
        """
        if words[start] not in ARTICLES or end >= len(words) or taken[end]:
            return False
        return bool(self._named(words[start + 1 : end + 1]))

    def _offer_priced(self, name: list[str]) -> dict[tuple[EntityKind, str], None] | None:
        """A promotion "new year sale" (or offer, deal) said as "the new year price"."""
        if MEMBER_WORDS.intersection(name):
            return None  # "the club price", "member price": the member price, not an offer
        own = self._named(name) if name else None
        if own and any(kind == "product" for kind, _ in own):
            return None  # "pinca price": the price of the product, not the "pinca offer"
        if products_sharing(self.index, self.shared, name, set()):
            return None  # "orchid price" of two orchids: their prices, not the "orchid offer"
        for offer_word in OFFER_NOUNS:
            entries = self.index.get("".join([*name, offer_word]))
            if entries:
                promotions = {e: None for e in entries if e[0] == "promotion"}
                return promotions or None
        return None

    def products_sharing(self, words: list[str], taken: set[int]) -> list[str]:
        """The products a lone shared word may mean (:func:`head_words.products_sharing`)."""
        return products_sharing(self.index, self.shared, words, taken)

    def products(self, text: str) -> list[ProductMatch]:
        """Products named in ``text``, in the order heard, each once."""
        seen: dict[str, ProductMatch] = {}
        for m in self.mentions(text):
            if m.kind == "product" and m.key not in seen:
                seen[m.key] = ProductMatch(sku=m.key, heard=m.heard, score=m.score)
        return list(seen.values())

    def categories(self, text: str) -> list[str]:
        """Category ids named in ``text``, in the order heard, each once."""
        return list(dict.fromkeys(m.key for m in self.mentions(text) if m.kind == "category"))

    def promotions(self, text: str) -> list[str]:
        """Promotion ids named in ``text``, in the order heard, each once."""
        return list(dict.fromkeys(m.key for m in self.mentions(text) if m.kind == "promotion"))

    def stores(self, text: str) -> list[str]:
        """Store ids named in ``text`` by code, store name, city or region, each once."""
        return list(dict.fromkeys(m.key for m in self.mentions(text) if m.kind == "store"))


def _may_replace(product: Mention, category: Mention) -> bool:
    """Whether a loosely heard ``product`` may stand for the words of ``category``."""
    if product.end <= category.start or category.end <= product.start:
        return True  # apart
    if product.start <= category.start and category.end <= product.end:
        return True  # over all of it
    inside = category.start <= product.start and product.end <= category.end
    return inside and product.score >= 1.0
