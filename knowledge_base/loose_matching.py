"""Names heard imperfectly: loose comparison against the knowledge base's closed vocabulary.

Used by :class:`~knowledge_base.matching.CatalogueMatcher` when nothing exact is found;
store and city names are compared by :mod:`knowledge_base.place_matching` and promotion names
by :mod:`knowledge_base.promotion_matching` over this index. A
run that contains a number is compared with the codes and names that share that number
("ex 200", "acts 200" -> AX-200), because the digits of a code survive recognition far
better than its letters do; names without numbers, promotion names and place names are
compared by letters and by sound ("dutch often" -> Dutch oven, "Sidney" -> Sydney).
"""

from __future__ import annotations

import re
import threading
from calendar import month_abbr, month_name
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.mentions import Mention
from knowledge_base.words import sound

MAX_LOOSE_CANDIDATES = 300
"""Loose promotion matching skips a run whose first letters start more names than this."""
FUZZY_THRESHOLD = 0.72
"""Similarity (difflib ratio) a run with a code number needs to stand for that product."""
NAME_THRESHOLD = 0.85
"""Similarity a run of words needs to stand for a product name without numbers."""
SOUND_MIN = 4
"""Sound keys shorter than this are too common to compare ("kfr" is many words)."""
SOUND_FLOOR = 0.7
"""Letter similarity a run needs before its sound is compared at all."""

CLOSE_INITIALS = {"b": "v", "v": "bf", "f": "v"}
"""First letters recognition writes for one another at the start of a name ("bolt" for "volt")."""
GLUED_IN = ("in", "ing")
"""Endings of a word heard as a name run together with "in" ("harboring" for "Harbor in")."""
GLUED_SCORE = 0.9
"""Score of such a reading: below an exact name, above most loose ones."""

OFFER_WORDS = frozenset("offer offers promotion promotions sale sales deal deals".split())
"""Everyday words that stand for one another in a promotion's name ("bottle deal")."""

FUNCTION_WORDS = frozenset("a an the to of for on in is it at by and or as so no do if up".split())
"""Words too small to identify anything by themselves."""
PRONOUNS = frozenset("i we you they he she me us them my our your".split())
"""Words no product or place name holds: "i talk" is no misheard Italia."""
AUXILIARIES = frozenset("be am are was were been has had does did can will would may".split())
"""Verbs every question uses: "be" in "how much will it be" is no Belgium ("BE")."""
MONTHS = frozenset(m.lower() for m in [*month_name[1:], *month_abbr[1:]])
"""Month names and their short forms: with a day number beside them they say a date."""
_DAY = re.compile(r"\d{1,2}(?:st|nd|rd|th)?")


def in_a_date(words: list[str], start: int, end: int) -> bool:
    """Whether ``words[start:end]`` holds a month said with a day ("13 April", "April 13th").

    A date is no misheard name: "three umbrellas on 13 April in Bangkok" names no product
    ("april in" is not the code AP-RAIN heard loosely).
    """
    for i in range(start, end):
        if words[i] not in MONTHS:
            continue
        before = words[i - 1] if i > 0 else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if _DAY.fullmatch(before) or _DAY.fullmatch(after):
            return True
    return False


@dataclass(slots=True)
class LooseVocabulary:
    """Product, promotion and place names indexed for loose comparison."""

    by_number: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Digits -> (compact form, SKU) of products whose code or name holds those digits."""
    names_by_initial: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """First letter -> (compact form, SKU) of product names and aliases without digits."""
    code_numbers: dict[str, list[str]] = field(default_factory=dict)
    """Digits of a SKU code -> the SKUs with those digits (``200`` -> AX-200, AX-200-LE)."""
    promotion_names_by_initial: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """First two letters -> (compact form, promotion id) of promotion names of 8 letters or more;
    also ``"_"`` + the second and third letters, for a first sound heard as another, and
    :func:`vowel_free_key`, for a vowel heard as another."""
    places: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """First letter -> (compact form, store id) of city, store and region names (5+ letters)."""
    inner_place_words: set[str] = field(default_factory=set)
    """Compact forms of one word inside a store's name ("grampian" of Aviemore Grampian Road,
    not a name's whole rest as "fisketorvet" of Copenhagen Fisketorvet): loosely matched
    only where the question says a place ("in ...", "at ...")."""
    cjk_places: list[tuple[str, str]] = field(default_factory=list)
    """(Chinese store name of 3+ characters without its trailing 店, store id)."""
    sounds: dict[str, str] = field(default_factory=dict)
    """Compact form -> its :func:`sound` key, for the loosely matched names."""
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def index_sounds(self) -> None:
        """Key every loosely matched name by its sound (once all names are added)."""
        for entries in [*self.names_by_initial.values(), *self.places.values()]:
            for form, _ in entries:
                self.sounds[form] = sound(form)
        for entries in self.promotion_names_by_initial.values():
            for form, _ in entries:
                self.sounds[form] = sound(form)

    def find_products(
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
        2. A run of up to four words is compared with names without numbers ("everyday
           tea", "esmerelda eau de parfum"); where both readings cover the same words, the
           closer one wins.
        3. A three-digit number that belongs to exactly one code family stands for it
           ("the road? no, the 300" -> RN-300).
        """
        best: dict[str, Mention] = {}
        exact_spans = named or []

        def consider(start: int, end: int, forms: list[tuple[str, str]], threshold: float) -> None:
            heard = "".join(words[start:end])
            offer_words = [w for w in words[start:end] if w in OFFER_WORDS]
            # Over words that already name something exactly, only letters are evidence
            # enough: a sound match must not undo an exact one ("knives still" != knife set).
            by_sound = not any(start < e and s < end for s, e in exact_spans)
            for form, sku in forms:
                if abs(len(form) - len(heard)) > max(3, len(form) // 3):
                    continue
                if any(w not in form for w in offer_words):
                    continue  # "the January Garden Sale" is a promotion, not the garden hose
                score = self.similarity(form, heard, threshold, by_sound=by_sound)
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
                    if letters and not all(w in FUNCTION_WORDS for w in letters):
                        consider(start, end, forms, FUZZY_THRESHOLD)
        for size in (4, 3, 2, 1):  # four: a whole name like the Esmeralda Eau de Parfum
            for start in range(0, len(words) - size + 1):
                end = start + size
                if any(taken[start:end]) or any(w.isdigit() for w in words[start:end]):
                    continue
                if in_a_date(words, start, end):
                    continue
                run = words[start:end]
                if size == 4 and any(w in FUNCTION_WORDS or len(w) < 2 for w in run):
                    continue  # "the mother s day" is no misheard "the Mother's Day set"
                if PRONOUNS.intersection(run) or all(
                    w in FUNCTION_WORDS or w in GENERIC_WORDS for w in run
                ):
                    continue  # "the price" is no misheard Beatrice
                heard = "".join(run)
                if len(heard) >= 5:
                    # Speech recognition rarely gets the first sound of a name wrong, save
                    # for a close one ("bolt line" for the Voltline).
                    for initial in heard[0] + CLOSE_INITIALS.get(heard[0], ""):
                        consider(start, end, self.names_by_initial.get(initial, []), NAME_THRESHOLD)
                if size == 1 and heard.endswith(GLUED_IN):
                    # "the harboring El Paso": a name with the "in" after it run together.
                    stem = heard.removesuffix("g").removesuffix("in")
                    for form, sku in self.names_by_initial.get(heard[0], []):
                        if form == stem and GLUED_SCORE > best.get(sku, _NONE).score:
                            best[sku] = Mention("product", sku, start, end, heard, GLUED_SCORE)
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
        # A stretch two products fit equally well names neither: "vitamin" is as near the
        # vitamin C as the vitamin D, and guessing one would answer about the wrong product.
        return [k for k in kept if not any(_tied(k, m) for m in best.values())]

    def similarity(
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


_NONE = Mention("product", "", 0, 0, "", 0.0)


def _tied(kept: Mention, other: Mention) -> bool:
    """Whether ``other`` reads the same words as ``kept`` as another product, as closely."""
    return (
        other.key != kept.key
        and (other.start, other.end) == (kept.start, kept.end)
        and other.score == kept.score
    )
