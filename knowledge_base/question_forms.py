"""The form of a question, read from its words: what it asks beyond its slots.

Part of the question reader (:mod:`knowledge_base.understanding`): "what's the Blade Pro
at?" and "what is it going for?" ask a price; "Will it still be ...?" asks yes or no; "in
white?" asks a property promotions never state; "... in <a place we do not know>?" names a
store that was not recognised.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.promotion_names import promotion_names
from knowledge_base.unknown_codes import names_unknown_code
from knowledge_base.words import tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.mentions import Mention
    from knowledge_base.models import Product

_PRICE_PHRASES = (" going for ", " selling for ", " sell for ", " sells for ", " go for ")
_NOW_WORDS = frozenset({"now", "right", "today", "currently", "moment", "the", "this", "week"})


def asks_price_idiom(words: list[str]) -> bool:
    """A price asked without a price word: "what's the Blade Pro at right now?", "going for"."""
    joined = " " + " ".join(words) + " "
    if any(phrase in joined for phrase in _PRICE_PHRASES):
        return True
    if not words or words[0] not in ("what", "whats"):
        return False
    end = len(words)
    while end > 1 and words[end - 1] in _NOW_WORDS:
        end -= 1
    return end > 2 and words[end - 1] == "at"


_WHAT_IS = (["what", "is", "the"], ["whats", "the"], ["what", "s", "the"])


def asks_what_item_is(words: list[str], mentions: list[Mention]) -> bool:
    """Whether it asks "what's the <product> ...?": what the item is at (and its offer)."""
    starts = {m.start for m in mentions if m.kind == "product"}
    return any(
        # a name may hold its "the" ("the dibek"): it starts on the opening's last word
        words[i : i + len(opening)] == opening and {i + len(opening), i + len(opening) - 1} & starts
        for opening in _WHAT_IS
        for i in range(len(words))
    )


_YES_NO_OPENINGS = frozenset(
    "is are will would does do did can could has have was were should".split()
)


def asks_yes_no(words: list[str]) -> bool:
    """A question opening with an auxiliary ("Will the big tree still be 100 off?")."""
    return bool(words) and words[0] in _YES_NO_OPENINGS


_WH_OPENINGS = frozenset("what whats when which where who why how until till".split())


def asks_still_yes_no(words: list[str]) -> bool:
    """A yes or no with its auxiliary left unsaid: "flash still on at the kiosk at 7?"."""
    return asks_yes_no(words) or ("still" in words and bool(words) and words[0] not in _WH_OPENINGS)


_WH_WORDS_ZH = ("什么", "哪", "几", "多少", "怎么")


def asks_wh_zh(text: str) -> bool:
    """A Chinese question asking what, which, how many or how ("山脊越野现在有什么优惠？").

    Its answer does not open with 是的: nothing was asked to be confirmed.
    """
    return any(w in text for w in _WH_WORDS_ZH)


_ASKED_NOW = frozenset({"yet", "now", "already", "today", "currently"})
_ASKED_NOW_ZH = ("现在", "已经", "今天")


def asks_past(words: list[str]) -> bool:
    """Asked in the past tense: "how much was the X in ...?", "what did it cost then?"."""
    return bool({"was", "were", "did"} & set(words))


def asks_now(words: list[str], text: str) -> bool:
    """The question says it is about now: "is the Brie Weekend on yet?" is not about Saturday.

    "yet", "now", "already", "today", "currently", 现在, 已经, 今天.
    """
    return bool(_ASKED_NOW & set(words)) or any(w in text for w in _ASKED_NOW_ZH)


_STATED_PERCENT = re.compile(r"\b(\d{1,2}) ?(?:percent|per cent|%)")


def stated_percents(text: str) -> set[str]:
    """Discounts the question states, as rule phrases say them: "25% off yet?" -> {"25 percent"}."""
    return {f"{n} percent" for n in _STATED_PERCENT.findall(text.lower())}


_AMOUNT_WORDS = frozenset("price prices cost costs pay total".split())


def asks_amount(words: list[str]) -> bool:
    """An amount is asked for, not a yes or no ("how much ...", "what's the member price").

    "Kaze tablets with both offers together, what's the member price?" asks the price.
    """
    if asks_yes_no(words):
        return False
    joined = " " + " ".join(words) + " "
    if " how much " in joined:
        return True
    for i, word in enumerate(words):
        if word in ("what", "whats") and _AMOUNT_WORDS.intersection(words[i + 1 : i + 5]):
            return True
    return False


_CUSTOMERS = frozenset("customer person shopper client member".split())


def asks_how_many_per_customer(words: list[str], named: set[int]) -> bool:
    """Whether the per-customer limit is asked ("how many cushions can a customer get?").

    The item counted must be one the knowledge base names: "how many mags can ..." heard
    for "bags" is not read as a limit of no item.
    """
    for i in range(len(words) - 4):
        if words[i : i + 2] != ["how", "many"] or i + 2 not in named:
            continue
        for j in range(i + 3, min(i + 6, len(words) - 2)):
            if words[j] == "can" and words[j + 2].removesuffix("s") in _CUSTOMERS:
                return True
    return False


def asks_about_here(words: list[str]) -> bool:
    """The question is about the asker's own store ("is it on here?", "in this shop")."""
    joined = " " + " ".join(words) + " "
    return any(
        f" {place} " in joined
        for place in ("here", "this store", "this shop", "our store", "our shop")
    )


_ATTRIBUTE_WORDS = frozenset(
    """white black red blue green pink yellow grey gray purple orange silver gold brown beige
    colour colours color colors size sizes stock return returns returned refund refunds
    exchange exchanges warranty guarantee receipt tax taxes hst gst pst qst vat match
    matched matching deliver delivered delivery ship shipped shipping nut nuts peanut peanuts
    allergen allergens allergy allergies gluten lactose vegan vegetarian halal kosher
    ingredient ingredients calorie calories rain raining rainy snow snowing weather forecast
    sunny""".split()
)
"""Words asking a property of an item (colour, size, stock, what it is made of: "does it
have nuts in it?"), a store policy (returns, refunds, warranty, taxes, price matching,
delivery) or the weather ("will it rain on Women's Day?") that promotions never state."""

_ASKED_IN = frozenset(
    """small medium large extra xl xxl petite leather suede cotton wool silk linen denim
    platinum titanium steel wooden plastic magnum magnums refill refills instalment
    instalments installment installments emi""".split()
)
"""Words of a size, material, format or way to pay, asked right after "in" ("the Tara ring
in platinum?", "in magnums?", "pay in EMI?"); elsewhere such a word may be a name misheard
("Quaderno Club price on the steel" for the Stilo)."""


def asks_unheld_attribute(unknown_words: list[str], words: list[str]) -> bool:
    """A word asking an item's colour, size, stock or returns that no text of the chain uses.

    ``unknown_words`` are the question's words the knowledge base never uses (as search
    terms), so a chain that names a colour ("White Trail Runner") keeps it as a name.
    """
    if any(word in _ATTRIBUTE_WORDS for word in unknown_words):
        return True
    return any(
        word in _ASKED_IN
        and "in" in words[max(0, i - 2) : i]
        and any(word.startswith(term) for term in unknown_words)
        for i, word in enumerate(words)
    )


PLACE_PREPOSITIONS = frozenset({"in", "at", "into"})
"""Words after which a question names a place ("... on in Bergen?")."""
AFTER_A_PLACE = frozenset({"too", "now", "today", "the", "store", "shop", "branch"})
"""Words around a place name that are not part of it ("in the Bergen store too")."""


def name_words(knowledge: KnowledgeBase) -> frozenset[str]:
    """Every word of a product, category or promotion name or alias of ``knowledge``."""
    names: list[str] = []
    for product in knowledge.products.values():
        names += [product.name.en, *product.aliases]
    for category in knowledge.categories.values():
        names += [category.name.en, *category.aliases]
    for promotion in knowledge.visible_promotions():
        names += promotion_names(promotion)
    return frozenset(word for name in names for word in tokens(name) if word.isalpha())


def code_letters(knowledge: KnowledgeBase) -> frozenset[str]:
    """The letters that start product codes ("pz" of PZ-FARM) and are no word of a name.

    Said alone where a place goes ("discounted in PZ?", Pécs misheard) they name nothing.
    """
    starts = {tokens(sku)[0] for sku in knowledge.products if "-" in sku and tokens(sku)}
    return frozenset(w for w in starts if w.isalpha()) - name_words(knowledge)


_ARTICLES = (["the"], ["a"], ["an"])


def capitalised_words(text: str) -> set[str]:
    """The words written with a capital after the first word: names, brands, models."""
    return {token for word in text.split()[1:] if word[:1].isupper() for token in tokens(word)}


def names_unknown_model(
    words: list[str],
    mentions: list[Mention],
    unknown_words: list[str],
    knowledge: KnowledgeBase,
    text: str,
) -> bool:
    """A product named by part of its name next to a capitalised word the chain never uses.

    "Is the Kindle Scribe in it?" where the chain sells only the Kindle Paperwhite, known
    also as "Kindle": "Scribe" makes it another model, not a misheard Paperwhite. So does
    a brand between the article and the name: "the Barbie Dreamhouse" of a chain whose
    Luna Dream Dollhouse is also called "dream house" (unless the word is one of the
    product's own misheard: "the Hopty Bunny"). A whole name heard ("Kindle Paperwhite")
    is that product whatever is next to it, and an ordinary word next to a name ("the
    Stagebox during ...", "the kit plus ...") is no model name.
    """
    unknown = set(unknown_words)
    capitalised = capitalised_words(text)
    for mention in mentions:
        if mention.kind != "product":
            continue
        product = knowledge.products[mention.key]
        if mention.heard == " ".join(tokens(product.name.en)):
            continue
        after = words[mention.end] if mention.end < len(words) else ""
        if _another_model_word(after, unknown, capitalised):
            return True
        before = words[mention.start - 1] if mention.start >= 2 else ""
        if (
            words[mention.start - 2 : mention.start - 1] in _ARTICLES
            and _another_model_word(before, unknown, capitalised)
            and not _like_any(before, product)
        ):
            return True
    return names_unknown_code(words, knowledge)  # "the Nova Z3" of a chain with the Z5


def _like_any(word: str, product: Product) -> bool:
    """Whether ``word`` is a word of the product's own names misheard ("Hopty" for Hopsy)."""
    own = {w for name in [product.name.en, *product.aliases] for w in tokens(name)}
    return any(SequenceMatcher(None, word, w).ratio() >= MISHEARD_NAME_WORD for w in own)


MISHEARD_NAME_WORD = 0.6
"""Letter likeness at which a word next to a product is its own name misheard ("Don" Dom)."""


def _another_model_word(word: str, unknown: set[str], capitalised: set[str]) -> bool:
    """A capitalised word the chain never uses, of three letters or more: a brand or model."""
    if word not in unknown or word not in capitalised or word in GENERIC_WORDS:
        return False
    return word.isalpha() and len(word) >= 3


_STORE_WORDS = frozenset("store stores shop shops branch branches".split())


def asks_which_place_stores(words: list[str], mentions: list[Mention]) -> bool:
    """Whether a place is named between "which" and "stores" ("which Tokyo stores ...")."""
    for m in mentions:
        if m.kind != "store" or m.start == 0 or words[m.start - 1] not in ("which", "what"):
            continue
        if words[m.end - 1] in _STORE_WORDS or words[m.end : m.end + 1] in (["stores"], ["shops"]):
            return True
    return False
