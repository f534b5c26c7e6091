"""Products found by the last word of their names: counted ("six tubes") or shared.

A product's *head* is the last word of its name or of an alias, without its plural "s"
("helmet" of "Hockey Helmet"). A count before a head that ends one product's names only
says that product ("five jerseys"); a head that ends several names says none of them on
its own ("sunglasses" of the Polar Sunglasses and the Fjell Sport Sunglasses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from knowledge_base.count_words import is_quantity
from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.loose_matching import OFFER_WORDS
from knowledge_base.mentions import EntityKind, Mention
from knowledge_base.words import compact, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

NameIndex = dict[str, dict[tuple[EntityKind, str], None]]
"""Compact name -> the entities it names (the matcher's exact index)."""
HeadIndex = dict[str, dict[str, None]]
"""Head word, without its plural "s" -> the SKUs whose names it ends."""

ARTICLES = frozenset({"the", "a", "an"})
"""Words an alias may start with that are no part of what it names ("the Polar")."""
_BEFORE_OFFER = [[w] for w in OFFER_WORDS]
"""A word followed by one of these qualifies an offer ("the bottle deal")."""

_COUNTED_NOT_ITEMS = frozenset(
    "hour hours minute minutes percent dollars dollar euros pounds yuan times people".split()
)
"""Words a count comes before that are never an item asked about."""

LISTED_AFTER = (["and"], ["plus"], ["with"])
"""Words after which a count starts another item of a list ("... and two cough syrups")."""


@dataclass(slots=True)
class SharedWords:
    """Words products' names end or start with, each to the SKUs whose names it is in."""

    heads: HeadIndex = field(default_factory=dict)
    """Last word of a product name or alias, without its plural "s" -> the SKUs it ends
    ("helmet" -> HK-HLM2, CY-HELM): what a question naming only that word may mean."""
    leads: HeadIndex = field(default_factory=dict)
    """First word of a product's own name of several words, likewise ("sierra" -> the
    Sierra Hiking Boot and the Sierra Mid Hiker): shared, it names neither on its own."""

    def add(self, sku: str, name: str, *, lead: bool = False) -> None:
        """Index the last word of ``name`` (and with ``lead``, its first) for ``sku``."""
        words = tokens(name)
        if words[-1:] and words[-1].isalpha() and len(words[-1]) >= 3:
            self.heads.setdefault(singular_form(words[-1:]), {})[sku] = None
        if words[:1] and words[0] in ARTICLES:
            words = words[1:]
        if lead and len(words) > 1 and words[0].isalpha() and len(words[0]) >= 4:
            self.leads.setdefault(singular_form(words[:1]), {})[sku] = None


def counted_products(index: NameIndex, words: list[str], found: list[Mention]) -> list[Mention]:
    """A counted category word that is one product's own name: "six tubes" -> the tube.

    A category is not counted or priced by the unit; when its word, without the plural
    "s", names exactly one product, a count before it says that product is meant.
    """
    read: list[Mention] = []
    for m in found:
        count = words[m.start - 1] if m.start > 0 else ""
        if m.kind == "category" and m.end - m.start == 1 and is_quantity(count):
            own = index.get(singular_form([words[m.start]]), {})
            skus = [key for kind, key in own if kind == "product"]
            if len(skus) == 1 and len(own) == 1:
                read.append(Mention("product", skus[0], m.start, m.end, m.heard))
                continue
        read.append(m)
    return read


def counted_article_names(
    index: NameIndex, words: list[str], found: list[Mention]
) -> list[Mention]:
    """A number that is a product's name only after "the", counted: "three fifties", "a fifty".

    "The fifty" names a lens; a bare 50 is no name, but after a count or "a" it is that
    lens counted, never a price or a count of its own.
    """
    taken = {i for m in found for i in range(m.start, m.end)}
    read = list(found)
    for i in range(1, len(words)):
        before, word = words[i - 1], words[i]
        if i in taken or i - 1 in taken or not word.isdigit():
            continue
        if not (is_quantity(before) or before in ("a", "an")):
            continue
        own = index.get("the" + word, {})
        skus = [key for kind, key in own if kind == "product"]
        if len(skus) == 1 and len(own) == 1:
            read.append(Mention("product", skus[0], i, i + 1, word))
    return read


def measured_products(heads: HeadIndex, words: list[str], found: list[Mention]) -> list[Mention]:
    """Of products one run names alike, those whose names end in the word beside it.

    "Sora Tour" names a driver and a ball dozen: "two dozen Sora Tour" (or "Sora Tour
    dozen") says the one whose name ends "Dozen". Only where that word ends some, not all.
    """
    spans: dict[tuple[int, int], list[Mention]] = {}
    for m in found:
        if m.kind == "product":
            spans.setdefault((m.start, m.end), []).append(m)
    dropped: set[tuple[str, int, int]] = set()
    for (start, end), alike in spans.items():
        if len(alike) < 2:
            continue
        beside = [words[i] for i in (start - 1, end) if 0 <= i < len(words)]
        for word in beside:
            ends = heads.get(singular_form([word]), {})
            kept = [m for m in alike if m.key in ends]
            if kept and len(kept) < len(alike):
                dropped.update((m.key, start, end) for m in alike if m not in kept)
                break
    return [m for m in found if (m.key, m.start, m.end) not in dropped or m.kind != "product"]


def counted_heads(
    index: NameIndex, heads: HeadIndex, words: list[str], found: list[Mention]
) -> list[Mention]:
    """A counted word that ends one product's names only: "five jerseys" -> the jersey."""
    taken = {i for m in found for i in range(m.start, m.end)}
    heard: list[Mention] = []
    for i in range(1, len(words)):
        word, count = words[i], words[i - 1]
        if i in taken or word in GENERIC_WORDS or word in _COUNTED_NOT_ITEMS:
            continue
        if not is_quantity(count):
            continue
        skus = heads.get(singular_form([word]), {})
        if len(skus) == 1 and singular_form([word]) not in index:
            heard.append(Mention("product", next(iter(skus)), i, i + 1, word, 0.9))
    return heard


def products_sharing(
    index: NameIndex, shared: SharedWords, words: list[str], taken: set[int]
) -> list[str]:
    """The products a lone shared word may mean ("the helmet": hockey or bike helmet).

    Only a word that ends two or more product names (or starts two or more products' own
    names: "the Sierra") and names nothing else counts, and not before an offer word: "the
    bottle deal" is about a deal.
    """
    for heads in (shared.heads, shared.leads):
        for i, word in enumerate(words):
            if i in taken or word in GENERIC_WORDS or words[i + 1 : i + 2] in _BEFORE_OFFER:
                continue
            skus = heads.get(singular_form([word]), {})
            if len(skus) > 1 and singular_form([word]) not in index:
                return list(skus)
    return []


def shared_head(shared: SharedWords, words: list[str], mention: Mention) -> bool:
    """A loose reading of one word that ends or starts several products' names.

    "sunglasses" of two sunglasses, "the Sierra" of the Sierra Hiking Boot and the Sierra
    Mid Hiker: it is nearer one name's letters, but it names neither.
    """
    run = words[mention.start : mention.end]
    if run[:1] and run[0] in ARTICLES:
        run = run[1:]
    if len(run) != 1:
        return False
    form = singular_form(run)
    return len(shared.heads.get(form, {})) > 1 or len(shared.leads.get(form, {})) > 1


def bare_heads(
    knowledge: KnowledgeBase, index: NameIndex, heads: HeadIndex
) -> list[tuple[str, str]]:
    """(SKU, word) for each alias "the <word>" whose word ends that product's names alone.

    The chain calls the Kilat Bolt Tee "the tee"; a clerk asks "tee price" or "a tee and a
    hoodie". Only a word that ends one of this product's names or aliases ("Dante wallet"
    for "the wallet"), ends no other product's and names nothing else stands for it without
    its article. An alias of an article and two words or more stands for it without its
    article when those words name nothing else.
    """
    found: list[tuple[str, str]] = []
    for product in knowledge.products.values():
        for alias in product.aliases:
            words = tokens(alias)
            if (
                len(words) > 2
                and words[0] in ARTICLES
                and compact(" ".join(words[1:])) not in index
            ):
                found.append((product.sku, " ".join(words[1:])))  # "the Dutch wax": "Dutch wax"
                continue
            if len(words) != 2 or words[0] not in ARTICLES or not words[1].isalpha():
                continue
            form = singular_form(words[1:])
            if form in index or words[1] in index:
                continue
            if list(heads.get(form, {})) == [product.sku]:
                found.append((product.sku, words[1]))
    return found


def singular_form(words: list[str]) -> str:
    """The compact form with each word's plural "s" dropped ("socks deal" -> "sockdeal")."""
    return "".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )
