"""Find products, categories, promotions and stores in text as speech recognition writes it.

Whisper writes a SKU the clerk said as "AX-200", "AX 200", "A X 200", "ax200" or
"AX two hundred", and a name as "Aero X 200" or "Aero-X". Everything is reduced to a
*compact* form (:mod:`knowledge_base.words`), and every run of up to six words of the
question is looked up in a dictionary of compact names: exact, fast (a few dozen dictionary
reads per question) and longest match first. Stores are found by code, store name, city
(the first word of a store name) and region name.

When nothing exact is found, a run that contains a number is compared, loosely, with the
codes and names that share that number ("ex 200", "acts 200" -> AX-200), because the digits
of a code survive recognition far better than its letters do; names without numbers,
promotion names and place names are compared by letters and by sound ("dutch often" ->
Dutch oven, "Sidney" -> Sydney), only against this closed vocabulary.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Literal

from knowledge_base.cues import GENERIC_WORDS, cue_words
from knowledge_base.words import compact, has_cjk, sound, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

__all__ = [
    "CatalogueMatcher",
    "Mention",
    "ProductMatch",
    "compact",
    "has_cjk",
    "sound",
    "tokens",
]

EntityKind = Literal["product", "category", "promotion", "store"]
MAX_WINDOW = 6
"""Longest run of words looked up as one name."""
MAX_CJK_WINDOW = 16
"""Longest run of tokens looked up when Chinese characters (one token each) are among them."""
MAX_LOOSE_CANDIDATES = 300
"""Loose promotion matching skips a run whose first letters start more names than this."""
MAX_PRODUCTS = 4
"""Loose matching stops looking once a question names this many products exactly."""
FUZZY_THRESHOLD = 0.72
"""Similarity (difflib ratio) a run with a code number needs to stand for that product."""
NAME_THRESHOLD = 0.85
"""Similarity a run of words needs to stand for a product name without numbers."""
PROMOTION_THRESHOLD = 0.8
"""Similarity a run of words needs to stand for a promotion name (of 8 letters or more)."""
PLACE_THRESHOLD = 0.8
"""Similarity a word needs to stand for a city or store name (of 5 letters or more)."""
SOUND_MIN = 4
"""Sound keys shorter than this are too common to compare ("kfr" is many words)."""
SOUND_FLOOR = 0.7
"""Letter similarity a run needs before its sound is compared at all."""

_FUNCTION_WORDS = frozenset("a an the to of for on in is it at by and or as so no do if up".split())
# Words that start or end many store names and name no place by themselves.
_PLACE_WORDS = frozenset(
    """city centre center central mall plaza street road avenue park square station airport
    outlet north south east west new old main market high downtown uptown flagship store shop
    shops the upper lower grand great royal village town harbour harbor bay beach hill times
    union king kings queen queens saint st port fort mount lake river garden gardens world
    national metro plus one first""".split()
)


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity found in the text."""

    kind: EntityKind
    key: str
    """SKU, category id or promotion id."""
    start: int
    """First token index."""
    end: int
    """Token index after the last."""
    heard: str
    """The words matched, as normalised tokens."""
    score: float = 1.0
    """1.0 for an exact match, lower for a loose one."""


@dataclass(frozen=True, slots=True)
class ProductMatch:
    """A product named in a question."""

    sku: str
    heard: str
    score: float


@dataclass(slots=True)
class CatalogueMatcher:
    """Compact-name dictionary over the catalogue and promotion names."""

    index: dict[str, dict[tuple[EntityKind, str], None]] = field(default_factory=dict)
    """Compact name -> the entities it names, in insertion order (an ordered set)."""
    by_number: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Digits -> (compact form, SKU) of products whose code or name holds those digits."""
    names_by_initial: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """First letter -> (compact form, SKU) of product names and aliases without digits."""
    code_numbers: dict[str, list[str]] = field(default_factory=dict)
    """Digits of a SKU code -> the SKUs with those digits (``200`` -> AX-200, AX-200-LE)."""
    promotion_names_by_initial: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """First two letters -> (compact form, promotion id) of promotion names of 8 letters or more."""
    singular: dict[str, dict[tuple[EntityKind, str], None]] = field(default_factory=dict)
    """Names of several words, each word without a plural "s" -> the entities they name."""
    places: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """First letter -> (compact form, store id) of city, store and region names (5+ letters)."""
    sounds: dict[str, str] = field(default_factory=dict)
    """Compact form -> its :func:`sound` key, for the loosely matched names."""
    _local: threading.local = field(default_factory=threading.local, repr=False)

    @classmethod
    def build(cls, knowledge: KnowledgeBase) -> CatalogueMatcher:
        """Index every product, category and visible promotion of ``knowledge``."""
        matcher = cls()
        for product in knowledge.products.values():
            names = [product.sku, product.name.en, *product.aliases]
            if product.name.zh_cn:
                names.append(product.name.zh_cn)
            for name in names:
                form = matcher.add("product", product.sku, name)
                numbers = re.findall(r"\d+", form)
                for digits in numbers:
                    matcher.by_number.setdefault(digits, []).append((form, product.sku))
                if not numbers and len(form) >= 5:
                    matcher.names_by_initial.setdefault(form[0], []).append((form, product.sku))
            for digits in re.findall(r"\d+", product.sku):
                matcher.code_numbers.setdefault(digits, []).append(product.sku)
        for category in knowledge.categories.values():
            names = [category.id, category.name.en, *category.aliases]
            if category.name.zh_cn:
                names.append(category.name.zh_cn)
            for name in names:
                matcher.add("category", category.id, name)
        for promotion in knowledge.visible_promotions():
            names = [promotion.id, promotion.title.en, *promotion.aliases]
            if promotion.title.zh_cn:
                names.append(promotion.title.zh_cn)
            for name in names:
                form = matcher.add("promotion", promotion.id, name)
                if len(form) >= 8 and not has_cjk(form):
                    entries = matcher.promotion_names_by_initial.setdefault(form[:2], [])
                    entries.append((form, promotion.id))
        matcher._add_places(knowledge)
        for entries in [*matcher.names_by_initial.values(), *matcher.places.values()]:
            for form, _ in entries:
                matcher.sounds[form] = sound(form)
        for entries in matcher.promotion_names_by_initial.values():
            for form, _ in entries:
                matcher.sounds[form] = sound(form)
        return matcher

    def _add_places(self, knowledge: KnowledgeBase) -> None:
        """Index stores by code, full name, city (first word) and the rest; regions by name.

        A city or region names every store in it ("Shanghai" -> SH-01, SH-02); the reader
        picks among them. A place word that already names a product, category or promotion
        is left to that entity.
        """
        # Everyday and cue words never name a place ("times" of Times Square, "deal").
        taken = set(self.index) | _PLACE_WORDS | GENERIC_WORDS | cue_words()
        for region in knowledge.regions.values():
            region_names = [region.id, region.name.en]
            if region.name.zh_cn:
                region_names.append(region.name.zh_cn)
            for store in region.stores:
                names = [store.id, store.name.en]
                words = store.name.en.split()
                if len(words) > 1:
                    names += [words[0], " ".join(words[1:])]
                if store.name.zh_cn:
                    names.append(store.name.zh_cn)
                    # The city leads a Chinese store name (上海南京路店, 墨尔本伯克街店): its
                    # first two or three characters, and the name without the trailing 店.
                    zh = store.name.zh_cn
                    names.append(zh.removesuffix("店"))
                    names += [zh[:n] for n in (2, 3) if len(zh) > n + 1]
                for name in [*names, *region_names]:
                    form = compact(name)
                    if form in taken or form in _FUNCTION_WORDS or len(form) < 2:
                        continue
                    self.add("store", store.id, name)
                    if len(form) >= 5 and not has_cjk(form) and not any(c.isdigit() for c in form):
                        entries = self.places.setdefault(form[0], [])
                        if (form, store.id) not in entries:
                            entries.append((form, store.id))

    def add(self, kind: EntityKind, key: str, name: str) -> str:
        """Index ``name`` (any spelling) for an entity; returns its compact form."""
        form = compact(name)
        if len(form) < 2:
            return form
        self.index.setdefault(form, {})[(kind, key)] = None
        words = tokens(name)
        if len(words) > 1:
            # "socks deal" for the alias "sock deal": every word without its plural "s".
            self.singular.setdefault(_singular(words), {})[(kind, key)] = None
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
                form = "".join(words[start:end])
                entries = self.index.get(form)
                if entries is None and form.endswith("s") and len(form) > 3:
                    entries = self.index.get(form[:-1])
                if entries is None and size > 1:
                    entries = self.singular.get(_singular(words[start:end]))
                if not entries:
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
                for m in self._loose_products(
                    words,
                    exact,
                    numbers_alone=not products,
                    named=[(m.start, m.end) for m in found if m.kind != "product"],
                )
                if m.key not in {p.key for p in products}
            ]
            if loose:
                spans = {i for m in loose for i in range(m.start, m.end)}
                found = [
                    m
                    for m in found
                    if m.kind != "category" or not spans & set(range(m.start, m.end))
                ]
                found.extend(loose)
        if not any(m.kind == "promotion" for m in found):
            occupied = [False] * len(words)
            for m in found:
                if m.kind == "product":
                    occupied[m.start : m.end] = [True] * (m.end - m.start)
            found.extend(self._loose_promotions(words, occupied))
        if not any(m.kind == "store" for m in found):
            occupied = [False] * len(words)
            for m in found:
                occupied[m.start : m.end] = [True] * (m.end - m.start)
            found.extend(self._loose_places(words, occupied))
        found.sort(key=lambda m: (m.start, m.kind))
        return found

    def _loose_promotions(self, words: list[str], taken: list[bool]) -> list[Mention]:
        """A promotion name heard imperfectly ("the weakened offer", "we can offer")."""
        best: Mention | None = None
        for size in (4, 3, 2):
            for start in range(0, len(words) - size + 1):
                end = start + size
                if any(taken[start:end]):
                    continue
                heard = "".join(words[start:end])
                forms = self.promotion_names_by_initial.get(heard[:2], [])
                if len(forms) > MAX_LOOSE_CANDIDATES:
                    continue  # thousands of similar names ("offer 1", "offer 2"): too ambiguous
                for form, key in forms:
                    if abs(len(form) - len(heard)) > len(form) // 3:
                        continue
                    score = self._similarity(form, heard, PROMOTION_THRESHOLD)
                    if score >= PROMOTION_THRESHOLD and (best is None or score > best.score):
                        best = Mention(
                            "promotion", key, start, end, " ".join(words[start:end]), score
                        )
        return [best] if best else []

    def _loose_products(
        self,
        words: list[str],
        taken: list[bool],
        *,
        numbers_alone: bool,
        named: list[tuple[int, int]] | None = None,
    ) -> list[Mention]:
        """Products heard imperfectly; tried only when nothing matched exactly.

        1. A run with a number is compared with the codes and names holding that number, or
           one digit off it ("x200", "arrow x200", "ax 203" -> AX-200).
        2. A run of words is compared with names without numbers ("everyday tea"); where
           both readings cover the same words, the closer one wins.
        3. A three-digit number that belongs to exactly one code family stands for it
           ("the road? no, the 300" -> RN-300).
        """
        best: dict[str, Mention] = {}
        exact_spans = named or []

        def consider(start: int, end: int, forms: list[tuple[str, str]], threshold: float) -> None:
            heard = "".join(words[start:end])
            # Over words that already name something exactly, only letters are evidence
            # enough: a sound match must not undo an exact one ("knives still" != knife set).
            by_sound = not any(start < e and s < end for s, e in exact_spans)
            for form, sku in forms:
                if abs(len(form) - len(heard)) > max(3, len(form) // 3):
                    continue
                score = self._similarity(form, heard, threshold, by_sound=by_sound)
                if score >= threshold and score > best.get(sku, _NONE).score:
                    best[sku] = Mention(
                        "product", sku, start, end, " ".join(words[start:end]), score
                    )

        for i, word in enumerate(words):
            if taken[i] or not word.isdigit():
                continue
            forms = self.by_number.get(word) or self._near_numbers(word)
            if not forms:
                continue
            for before in (0, 1, 2, 3):
                start = i - before
                if start < 0 or any(taken[start:i]):
                    break
                for after in (0, 1, 2):
                    end = i + 1 + after
                    if end > len(words) or any(taken[i + 1 : end]):
                        break
                    letters = [w for w in words[start:end] if not w.isdigit()]
                    # A bare number, or one after "to"/"of", is too little to go on here.
                    if letters and not all(w in _FUNCTION_WORDS for w in letters):
                        consider(start, end, forms, FUZZY_THRESHOLD)
        for size in (3, 2, 1):
            for start in range(0, len(words) - size + 1):
                end = start + size
                if any(taken[start:end]) or any(w.isdigit() for w in words[start:end]):
                    continue
                heard = "".join(words[start:end])
                if len(heard) >= 5:
                    # Speech recognition rarely gets the first sound of a name wrong.
                    consider(start, end, self.names_by_initial.get(heard[0], []), NAME_THRESHOLD)
        if not best and numbers_alone:
            for i, word in enumerate(words):
                family = self.code_numbers.get(word)
                # Only where a product would be named: "the 300", not "next to 100".
                after_article = i == 0 or words[i - 1] in ("the", "a", "an")
                if not taken[i] and len(word) >= 3 and family and after_article:
                    sku = min(family, key=len)
                    best[sku] = Mention("product", sku, i, i + 1, word, 0.5)
        # Keep the best reading of each stretch of words, not every product it resembles.
        kept: list[Mention] = []
        for mention in sorted(best.values(), key=lambda m: -m.score):
            if all(mention.end <= k.start or mention.start >= k.end for k in kept):
                kept.append(mention)
        return kept

    def _similarity(
        self, form: str, heard: str, threshold: float, *, by_sound: bool = True
    ) -> float:
        """How alike a known name and a heard run are: by letters, else by sound.

        The sound key counts only when it is long enough to mean something and the letters
        are not far off either ("dutch often" -> "Dutch oven", not "dish" -> "Dutch").
        """
        matcher = self._sequence_matcher(form)
        matcher.set_seq1(heard)
        quick = matcher.quick_ratio()
        if quick < SOUND_FLOOR:
            return 0.0
        score = matcher.ratio() if quick >= threshold else 0.0
        if score >= threshold or not by_sound:
            return score
        known = self.sounds.get(form)
        if known is None or len(known) < SOUND_MIN or matcher.ratio() < SOUND_FLOOR:
            return score
        heard_key = sound(heard)
        if len(heard_key) < SOUND_MIN:
            return score
        return max(score, SequenceMatcher(None, heard_key, known).ratio())

    def _loose_places(self, words: list[str], taken: list[bool]) -> list[Mention]:
        """A city or store name heard imperfectly ("Sidney", "Manchaster")."""
        found: list[Mention] = []
        for size in (2, 1):
            for start in range(0, len(words) - size + 1):
                end = start + size
                if any(taken[start:end]):
                    continue
                heard = "".join(words[start:end])
                if len(heard) < 5 or not heard.isalpha():
                    continue
                scored: dict[str, float] = {}
                for form, store_id in self.places.get(heard[0], []):
                    if abs(len(form) - len(heard)) > max(2, len(form) // 4):
                        continue
                    score = self._similarity(form, heard, PLACE_THRESHOLD)
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

    def _sequence_matcher(self, form: str) -> SequenceMatcher[str]:
        """A difflib matcher with ``form`` as its fixed side, cached per thread.

        difflib indexes the second sequence; keeping one matcher per form avoids rebuilding
        that index for every run of words compared with it.
        """
        cache: dict[str, SequenceMatcher[str]] | None = getattr(self._local, "matchers", None)
        if cache is None:
            cache = self._local.matchers = {}
        matcher = cache.get(form)
        if matcher is None:
            matcher = cache[form] = SequenceMatcher(None, "", form)
        return matcher

    def _near_numbers(self, digits: str) -> list[tuple[str, str]]:
        """Forms whose number differs from ``digits`` in one digit of the same length."""
        near: list[tuple[str, str]] = []
        for number, forms in self.by_number.items():
            if len(number) == len(digits) and len(digits) >= 3:
                if sum(a != b for a, b in zip(number, digits, strict=True)) == 1:
                    near.extend(forms)
        return near

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


_NONE = Mention("product", "", 0, 0, "", 0.0)


def _singular(words: list[str]) -> str:
    """The compact form with each word's plural "s" dropped ("socks deal" -> "sockdeal")."""
    return "".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )
