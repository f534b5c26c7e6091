"""Questions that name nothing to answer about: "how much is it?", "is the sale on?".

Said with nothing before them, they are asked back ("Which item do you mean?", "Which
offer do you mean: ...?") rather than answered with every offer's terms.
"""

from __future__ import annotations

from knowledge_base.parsed_question import ParsedQuestion

_BARE_PRICE_WORDS = frozenset(
    """how much is it its it's s the a price prices what whats cost costs does do they
    that this one in at for please now right today""".split()
)
"""Words of a price question that name no item ("how much is it?", "what's the price?")."""
_BARE_OFFER_WORDS = frozenset(
    """is it s the a sale on offer deal promotion promo still there any going running now
    today right in at are they this that here""".split()
)
"""Words of an is-it-on question that name no offer ("is the sale on?", "is it on sale?")."""


def asks_bare_price(parsed: ParsedQuestion) -> bool:
    """A price asked of no item: nothing named, nothing else said but where."""
    return _names_nothing(parsed) and _only(parsed, _BARE_PRICE_WORDS)


def asks_bare_offer(parsed: ParsedQuestion) -> bool:
    """Whether an offer is on, asked of no offer and no item, nothing else said but where."""
    return _names_nothing(parsed) and _only(parsed, _BARE_OFFER_WORDS)


def bare_offer_words(words: list[str], named: set[int]) -> bool:
    """The words of "is the sale on?" and nothing else but a place: an is-it-on question."""
    said = [w for i, w in enumerate(words) if i not in named]
    return bool({"on", "running", "going"} & set(said)) and all(
        w in _BARE_OFFER_WORDS for w in said
    )


_BARE_ITEM_WORDS = frozenset(
    """in at the a for this today now monday tuesday wednesday thursday friday saturday
    sunday""".split()
)
"""Words besides names in an item said bare, with where and when ("moka pot in ghent")."""


def bare_item_words(words: list[str], named: set[int]) -> bool:
    """Nothing said but names, where and when: "moka pot in ghent" asks what the item costs."""
    return all(w in _BARE_ITEM_WORDS for i, w in enumerate(words) if i not in named)


def _names_nothing(parsed: ParsedQuestion) -> bool:
    return not (
        parsed.chinese
        or parsed.products
        or parsed.categories
        or parsed.promotions
        or parsed.product_choices
        or parsed.unknown_words
    )


def _only(parsed: ParsedQuestion, allowed: frozenset[str]) -> bool:
    named = parsed.named_positions
    return all(w in allowed for i, w in enumerate(parsed.words) if i not in named)
