"""The one place questions are read: a structured reading of what a question asks.

A reading has an intent and slots: promotions, products, categories, stores (by code,
store name, city or region), member, quantities. Every slot is matched against the
knowledge base's own vocabulary by :class:`~knowledge_base.matching.CatalogueMatcher`,
tolerant to recognition errors (loose spelling and sound over that closed vocabulary). Cue
words (:mod:`knowledge_base.cues`) decide the intent; a word one letter off a cue word
("todal", "menber") counts as that cue when it is no word of the knowledge base.

Rules, not a model: a question is short, the vocabulary of the shop floor is small, and the
rules are fast (well under a millisecond) and explainable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge_base import catalogue_lookup
from knowledge_base.bare_questions import bare_item_words, bare_offer_words
from knowledge_base.chinese_reading import corrected_cues as zh_corrected_cues
from knowledge_base.chinese_reading import unknown_words as zh_unknown_words
from knowledge_base.contacts import asks_for_person
from knowledge_base.cue_rewrites import read_as_asked
from knowledge_base.cues import EN, ORDER, Intent
from knowledge_base.cues_zh import (
    END_ZH,
    FAQ_TOPICS_ZH,
    LEFT_OUT_ZH,
    LIST_ZH,
    MEMBER_ZH,
    NON_MEMBER_ZH,
    STACK_ZH,
    START_ZH,
    UPCOMING_ZH,
    WHERE_ZH,
    WHICH_ZH,
    ZH,
)
from knowledge_base.heard_cues import cues_heard
from knowledge_base.homophones import heard_as_offer_words
from knowledge_base.matching import has_cjk, tokens
from knowledge_base.membership import (
    membership_named,
    membership_said,
)
from knowledge_base.mentions import Mention
from knowledge_base.parsed_question import ParsedQuestion
from knowledge_base.promotion_matching import priced_category_not_offer
from knowledge_base.question_counts import counts_heard, one_of_each, one_product_categories
from knowledge_base.question_forms import (
    asks_how_many_per_customer,
    asks_price_idiom,
    asks_unheld_attribute,
    asks_what_item_is,
    asks_which_place_stores,
    asks_yes_no,
    names_unknown_model,
)
from knowledge_base.question_slots import (
    When,
    when_named,
)
from knowledge_base.question_terms import english_unknown_words, place_after
from knowledge_base.role_cues import (
    END_EN,
    FAQ_TOPICS_EN,
    LEFT_OUT_EN,
    LIST_EN,
    MEMBER_EN,
    NON_MEMBER_EN,
    STACK_EN,
    START_EN,
    UPCOMING_EN,
    WHERE_EN,
    WHICH_EN,
)
from knowledge_base.shelf_questions import asks_opening_hours, asks_stock
from knowledge_base.unknown_brands import names_unknown_brand

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

__all__ = ["Intent", "ParsedQuestion", "When", "understand"]

MAX_QUESTION_CHARS = 600
"""Only this much of a question is read: a spoken question is far shorter, and the time a
reading takes grows with its length (bounded work on hostile input)."""

UNKNOWN_WORDS_MAX = 1
"""A question without an intent cue that has more words than this which no part of the
knowledge base uses ("return", "receipt") is not about promotions, whatever it names."""


def understand(
    text: str,
    knowledge: KnowledgeBase,
    *,
    chinese: bool | None = None,
    vocabulary: frozenset[str] | None = None,
) -> ParsedQuestion:
    """Read ``text`` (as transcribed) into a :class:`ParsedQuestion`.

    ``vocabulary``: the search terms of the knowledge base's texts
    (:attr:`~knowledge_base.retrieval.Retriever.vocabulary`). With it, words the knowledge
    base uses are never "corrected" into cue words, and a question full of words it never
    uses is not mistaken for a question about the product it happens to name.
    """
    text = heard_as_offer_words(text[:MAX_QUESTION_CHARS], vocabulary)
    is_chinese = has_cjk(text) if chinese is None else chinese or has_cjk(text)
    words = tokens(text)
    mentions, membership = membership_named(
        catalogue_lookup.catalogue_matcher(knowledge).mentions(text), knowledge
    )
    named = {i for m in mentions for i in range(m.start, m.end)}
    corrected = {} if is_chinese else cues_heard(words, named, text, knowledge, vocabulary)
    heard = [corrected.get(w, w) for w in words]
    # Cue words inside a promotion's name ("pay" of "Buy 3 Pay 2") ask nothing.
    joined = " " + " ".join(_names_as_offer(heard, mentions)).replace(" s ", "s ") + " "
    zh_heard = text
    if is_chinese:
        # A Chinese cue heard one character off counts ("会圆价" -> 会员价), never inside a name.
        compact = "".join(words)
        named_chars = {
            offset
            for i, word in enumerate(words)
            for offset in range(len("".join(words[:i])), len("".join(words[:i])) + len(word))
            if i in named
        }
        fixes = zh_corrected_cues(compact, named_chars, vocabulary)
        if fixes:
            zh_heard = text + " " + " ".join(fixes)

    def has(keys: tuple[str, ...], zh: tuple[str, ...]) -> bool:
        return any(k in joined for k in keys) or any(k in zh_heard for k in zh)

    joined = read_as_asked(joined)  # "still on sale", "at the till"
    if heard and heard[-1] == "over":  # "is the autumn sale over"
        joined += "is it over "
    if asks_price_idiom(heard):
        joined += "how much is "
    intent = Intent.UNKNOWN
    for candidate in ORDER:
        if has(EN[candidate], ZH[candidate]):
            intent = candidate
            break
    if intent is Intent.PRICE and " how much off " in joined:
        intent = Intent.DISCOUNT
    if heard[:1] == ["who"] and "person" in heard:
        intent = Intent.CONTACT  # "who's the Run Fest person for Vietnam?"
    if asks_for_person(heard, knowledge.contacts.values()):
        intent = Intent.CONTACT  # "whats dana's number"
    if asks_how_many_per_customer(heard, named):
        intent = Intent.LIMIT
    faq_topic = has(FAQ_TOPICS_EN, FAQ_TOPICS_ZH)
    if intent in (Intent.IN_OFFER, Intent.OVERVIEW, Intent.DISCOUNT, Intent.UNKNOWN) and faq_topic:
        intent = Intent.FAQ

    if intent is Intent.PRICE:  # "how much are the splashes": the category, not the splash deal
        loose = catalogue_lookup.catalogue_matcher(knowledge).loose
        mentions = priced_category_not_offer(loose, mentions, words)
    mentions = one_product_categories(words, mentions, knowledge, priced=intent is Intent.PRICE)
    products = list(dict.fromkeys(m.key for m in mentions if m.kind == "product"))
    choices: list[str] = []
    if len(products) > 1 and len({(m.start, m.end) for m in mentions if m.kind == "product"}) == 1:
        choices, products = products, []  # "the classic": one name two products share
    counts, counted = counts_heard(words, mentions, knowledge)
    categories = list(dict.fromkeys(m.key for m in mentions if m.kind == "category"))
    if each := one_of_each(words, mentions, knowledge):  # "one of each body mist": a basket
        products, choices, categories = each, [], []
    promotions = list(dict.fromkeys(m.key for m in mentions if m.kind == "promotion"))
    stores = list(dict.fromkeys(m.key for m in mentions if m.kind == "store"))
    # A count before an item ("3 manchego") is no unknown word.
    residual = " ".join(w for i, w in enumerate(heard) if i not in named and i not in counted)
    when = when_named(words, named)  # its words ("the 14th") are no unknown words
    unknown_words: list[str] = []
    if vocabulary is not None and not is_chinese:
        unknown_words = english_unknown_words(residual, vocabulary, joined, words, when)
    elif vocabulary is not None:
        unknown_words = zh_unknown_words(residual.replace(" ", ""), vocabulary)
    # Chinese is typed or heard by a Chinese recogniser: a word the chain never uses is no
    # recognition noise, so one is enough when no product or promotion is named ("苹果手机"
    # is not our phones); English allows one misheard word.
    most_unknown = 0 if is_chinese and not (products or promotions) else UNKNOWN_WORDS_MAX
    unheld = asks_unheld_attribute(unknown_words, words)  # "poinsettias in white?": no colour here
    unheld = unheld or asks_stock(words, named)
    unheld = unheld or asks_opening_hours(words, bool(stores))  # no hours in any file
    # "the Kindle Scribe" of a chain that sells the Kindle Paperwhite: a product not here.
    unheld = unheld or names_unknown_model(words, mentions, unknown_words, knowledge, text)
    # "are Makita drills in Drill Days?": a brand the chain does not sell.
    unheld = unheld or names_unknown_brand(words, mentions, unknown_words, text, knowledge)
    # "Is delivery free with the X?", "why is <word> in the X?": a yes or no (or a why) about
    # the offer on a word none of the chain's texts uses is not a request for the offer.
    unstated = (
        intent in (Intent.UNKNOWN, Intent.OVERVIEW)
        and bool(promotions)
        and not (products or categories or stores)
        and (asks_yes_no(words) or "why" in words)
        and bool(unknown_words)
        and not place_after(words, unknown_words)  # "on in Manos?": a place, asked back
    )
    unheld = unheld or unstated
    unnamed_item = (
        intent in (Intent.IN_OFFER, Intent.DISCOUNT, Intent.PRICE)
        and not (products or categories)
        and len(unknown_words) > most_unknown
    )  # "Are <brand> sunglasses in the X?": an item the catalogue does not have
    if (
        unheld
        or unnamed_item
        or (intent is Intent.OVERVIEW and not promotions and len(unknown_words) > most_unknown)
    ):
        intent = Intent.UNKNOWN  # "what is the trade-in credit?": about something not here
    if intent is Intent.UNKNOWN and (unheld or len(unknown_words) > most_unknown):
        pass  # about something the knowledge base does not cover: stay unknown
    elif (
        intent in (Intent.UNKNOWN, Intent.OVERVIEW, Intent.DISCOUNT)
        and not promotions
        and (len(products) > 1 or any(n > 1 for n in counts.values()))
    ):
        # "Two bike helmets?", "the tent and the bag together?", "What's it for three
        # tents?", "two lonas, do they get the discount?": a total, however it was asked.
        intent = Intent.PRICE
    elif intent is Intent.UNKNOWN and products and not promotions and bare_item_words(words, named):
        # "moka pot in ghent": an item named bare asks what it costs, with its offer.
        intent = Intent.PRICE
    elif intent is Intent.UNKNOWN and (products or categories):
        intent = Intent.IN_OFFER
    elif intent is Intent.UNKNOWN and promotions:
        intent = Intent.OVERVIEW
    non_member = has(NON_MEMBER_EN, NON_MEMBER_ZH)
    member = not non_member and (
        membership or has(MEMBER_EN, MEMBER_ZH) or membership_said(words, named, knowledge)
    )
    if intent in (Intent.OVERVIEW, Intent.IN_OFFER) and products and not promotions:
        if member and intent is Intent.OVERVIEW or asks_what_item_is(words, mentions):
            # "What's the Polar Glow for members?", "What's the slicker brush in Seattle?",
            # "What's the dibek on Saturday?": what the item costs (there, then), with the
            # offer that prices it.
            intent = Intent.PRICE
    asks_upcoming = has(UPCOMING_EN, UPCOMING_ZH)
    asks_list = has(LIST_EN, LIST_ZH) or asks_upcoming
    if intent is Intent.DATES and asks_upcoming and not (promotions or products or categories):
        intent = Intent.UNKNOWN  # "anything new starting this week?": which offers, not dates
    if intent is Intent.UNKNOWN and asks_list and not unknown_words:
        intent = Intent.OVERVIEW  # "现在有什么优惠？", "what's coming up next?"
    if intent is Intent.UNKNOWN and not unknown_words and bare_offer_words(words, named):
        intent = Intent.IN_OFFER  # "is the sale on?": which one is asked back

    return ParsedQuestion(
        text=text,
        chinese=is_chinese,
        intent=intent,
        words=words,
        mentions=mentions,
        products=products,
        quantities=counts,
        categories=categories,
        promotions=promotions,
        member=member,
        non_member=non_member,
        asks_start=has(START_EN, START_ZH),
        asks_end=has(END_EN, END_ZH),
        faq_topic=faq_topic,
        asks_list=asks_list,
        asks_upcoming=asks_upcoming,
        stores=stores,
        unknown_words=unknown_words,
        asks_unstated=unstated,
        corrected=corrected,
        when=when,
        # "X with the Y, both?": two offers named and "both" ask whether they combine.
        asks_stacking=has(STACK_EN, STACK_ZH) or (len(promotions) > 1 and "both" in heard),
        asks_still=has((" still ",), ("还有", "还在", "还能", "还可以", "仍然")),
        asks_which=has(WHICH_EN, WHICH_ZH),
        product_choices=choices
        if choices or products
        else catalogue_lookup.catalogue_matcher(knowledge).products_sharing(words, named),
        asks_where=has(WHERE_EN, WHERE_ZH) or asks_which_place_stores(words, mentions),
        asks_left_out=has(LEFT_OUT_EN, LEFT_OUT_ZH),
    )


def _names_as_offer(heard: list[str], mentions: list[Mention]) -> list[str]:
    """The words with promotion names heard as "offer", product or category names as "item".

    Cue words inside a name ask nothing: "pay" of "Buy 3 Pay 2", "contact" of "contact
    lenses". Only names heard exactly: a loosely heard one may have taken question words
    with it.
    """
    ends = {
        m.start: (m.end, "offer" if m.kind == "promotion" else "item")
        for m in mentions
        if m.score >= 1.0
        and (m.kind == "promotion" or (m.kind in ("product", "category") and m.end - m.start > 1))
    }
    words: list[str] = []
    i = 0
    while i < len(heard):
        end, word = ends.get(i, (i + 1, heard[i]))
        words.append(word)
        i = end
    return words
