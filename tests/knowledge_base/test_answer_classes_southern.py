"""Classes of answers found missing on the Southern Spokes chain, each shown on its files.

Southern Spokes became a development chain after it was measured unseen; each rule here is
one class of behaviour (not one question's wording) that must hold on any chain. The
questions are worded differently from the chain's question set on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT, ask_at

from knowledge_base.answering import Answer, AnswerSource
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.homophones import heard_as_offer_words
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from knowledge_base.retrieval import search_terms

PROJECT = Path(__file__).resolve().parents[2]
SOUTHERN = PROJECT / "knowledge_base" / "samples" / "southern-spokes"
AT = "2026-12-05T11:00"
"""Saturday 5 December: Summer Ride Sale, Helmet Head Start, Tube Stock-Up, Spoke Club
Weekend and Kiwi Kids Christmas are on."""


@pytest.fixture(scope="module")
def southern_kb() -> KnowledgeBase:
    return load_knowledge_base(SOUTHERN)


@pytest.fixture(scope="module")
def southern(southern_kb: KnowledgeBase) -> GroundedAnswerer:
    return GroundedAnswerer(knowledge=southern_kb, default_contact=DEFAULT_CONTACT)


def _ask(answerer: GroundedAnswerer, text: str, store: str = "SYD-01", at: str = AT) -> Answer:
    return ask_at(answerer, text, store, at)


# --- the membership's own name asks for the member price, not for a promotion -------------------


def test_the_membership_name_alone_asks_for_the_member_price(southern) -> None:
    # "Spoke Club" names the members (the chain's texts say "Spoke Club members"); lights get
    # the members' further 10 percent: 39.95 less 10 percent is 35.96.
    answer = _ask(southern, "Spoke Club price on the Glowtail?")
    assert "35.96" in answer.text


def test_a_member_of_the_club_is_priced_from_the_offer_on_the_item(southern) -> None:
    # The members-only weekend does not cover mountain bikes; the bike sale's member rate
    # does (1899 less 20 percent). Saying "not in the members weekend" would be about
    # another promotion than the one that prices the bike.
    answer = _ask(southern, "Ridgeback for a Spoke Club member, what's the price?")
    assert "1519.20" in answer.text
    assert answer.promotion_ids == ["summer-ride"]
    assert answer.source is AnswerSource.GROUNDED


# --- a word several products share does not hide an answer that holds for all of them -----------


def test_a_limit_counted_in_the_unit_said_needs_no_product(southern) -> None:
    # "bikes" could be any of four bikes, but only one offer in force counts its limit in
    # bikes: that offer's limit is the answer, named, not "which bike do you mean?".
    answer = _ask(southern, "How many bikes can each shopper get on offer?")
    assert answer.source is AnswerSource.GROUNDED
    assert answer.promotion_ids == ["summer-ride"]
    assert "1 bike" in answer.text


def test_the_chains_faq_answers_before_asking_which_product(southern) -> None:
    answer = _ask(southern, "Could a customer get two bikes at the sale price?")
    assert answer.source is AnswerSource.GROUNDED
    assert "one bike per customer" in answer.text


def test_an_offer_without_a_limit_says_there_is_no_limit(southern) -> None:
    answer = _ask(southern, "Any cap on how many tyres they can buy?", "BNE-01")
    assert "no limit" in answer.text


@pytest.mark.parametrize(
    "text", ["Who should I ring about the tube deal?", "Who do I phone about tyres?"]
)
def test_ringing_or_phoning_someone_asks_for_the_contact(southern, text: str) -> None:
    answer = _ask(southern, text, "BNE-01")
    assert "Mia Nguyen" in answer.text


# --- a counted category word that is one product's own name means that product -----------------


def test_a_count_before_a_category_word_that_names_one_product_prices_that_product(
    southern,
) -> None:
    # "tubes" is both the tyre category's alias and, singular, the inner tube's own name;
    # counted, it is the tube: 4 tubes at 12.95, 3 for 2 makes one free: 38.85.
    answer = _ask(southern, "What do 4 tubes cost?", "SYD-02")
    assert "38.85" in answer.text
    assert answer.promotion_ids == ["tube-stock-up"]


# --- what changed says when, and every note of the revision -------------------------------------


def test_what_changed_says_when_the_version_was_published_and_all_its_notes(southern) -> None:
    answer = _ask(southern, "Has anything changed in the summer ride?", "PER-01")
    # Published at 08:30 on 3 December, Sydney time: still 3 December in Perth.
    assert "published on Thursday 3 December" in answer.text
    assert "15 percent" in answer.text  # the first note
    assert "Newcastle" in answer.text  # the second
    assert "Kea Week" in answer.text  # and the third, which used to be cut off


# --- a named part of an offer still to come is dated on its own ---------------------------------


def test_asking_when_a_named_later_part_begins_gives_its_own_day_and_terms(southern) -> None:
    # The sale itself started on 1 December; its named part for one bike starts later.
    answer = _ask(southern, "When does the Kea deal begin?", "AKL-01")
    assert "Saturday 12 December" in answer.text
    assert "25 percent" in answer.text
    assert "1 December" not in answer.text


# --- a figure stated in the question is checked against the day it holds ------------------------


def test_a_discount_the_item_gets_only_later_is_not_yet(southern) -> None:
    answer = _ask(southern, "Has the Kea Enduro gone to 25% off already?", "WLG-01")
    assert answer.text.startswith("Not yet")
    assert "15 percent" in answer.text  # what it is today
    assert "Saturday 12 December" in answer.text
    assert "yes" not in answer.text.lower()


def test_a_discount_that_holds_today_is_answered_as_usual(southern) -> None:
    answer = _ask(southern, "Is the Ridgeback 15 percent off?", "WLG-01")
    assert answer.text.startswith("Yes")


def test_an_ordinal_day_without_a_month_is_the_next_such_day(southern) -> None:
    answer = _ask(southern, "And the Kea Enduro on the 14th, how much off?", "PER-01")
    assert "Monday 14 December" in answer.text
    assert "25 percent" in answer.text


# --- a city heard with another first vowel is still that city -----------------------------------


def test_a_city_heard_with_a_different_first_vowel_is_matched_by_sound(southern) -> None:
    # Recognisers write Auckland as "Oakland": the same sounds, another first letter. The
    # answer is for the store there, and says so.
    answer = _ask(southern, "Is the Pip on offer at Oakland?")
    assert answer.text.startswith("Yes, at Auckland")
    assert answer.promotion_ids == ["kiwi-kids-christmas"]


# --- "will it still be on <day>?" is answered yes or no for that day ----------------------------


def test_an_offer_still_on_the_day_asked_about_is_a_yes_for_that_day(southern) -> None:
    answer = _ask(southern, "Will the tube stock-up still be on this Friday?", "PER-01")
    assert answer.text.startswith("Yes, on Friday 11 December")


def test_the_member_discount_over_by_the_day_asked_about_is_a_no(southern) -> None:
    # No item named: "the members' discount" is the offer only members get, over on
    # Sunday evening; not the chain's FAQ on joining, nor the bike sale's member rate.
    answer = _ask(southern, "Can members still get their member discount on Tuesday?", "AKL-01")
    assert answer.text.startswith("No, on Tuesday 8 December")
    assert answer.promotion_ids == ["spoke-club-weekend"]


# --- a price of a word a few products share: each one's price, not "which one?" -----------------


def test_a_price_of_a_shared_word_says_each_of_a_few_products_price(southern) -> None:
    # Two kids bikes, both 25 percent off in New Zealand: 329 -> 246.75 and 169 -> 126.75.
    answer = _ask(southern, "What's a kids bike going for?", "CHC-01")
    assert "246.75" in answer.text
    assert "126.75" in answer.text
    assert answer.promotion_ids == ["kiwi-kids-christmas"]
    assert answer.source is AnswerSource.GROUNDED


# --- "why is there no deal on X here?" gets the chain's reason, from the offer covering X -------


def test_why_an_items_offer_does_not_run_here_is_answered_from_its_faq(southern) -> None:
    # The tyre 3 for 2 runs in Australia only; asked in New Zealand about tubes, the chain's
    # own reason is the answer, not "no offer here" alone.
    answer = _ask(southern, "Why is there no deal on tubes in New Zealand?", "CHC-01")
    assert "supplier" in answer.text


# --- an everyday paraphrase of an FAQ's wording still finds it ----------------------------------


def test_someone_else_and_another_person_are_one_wording_for_the_faqs() -> None:
    assert search_terms("Is it for somebody else?") == search_terms("Is it for another person?")
    assert search_terms("for a different person") == search_terms("for someone else")


def test_each_price_names_an_offer_on_them_that_one_alone_does_not_reduce(southern) -> None:
    # One helmet is at its shelf price; the second-one-half-price offer is still worth saying.
    answer = _ask(southern, "What's a helmet going for?", "BNE-01")
    assert "149 Australian dollars" in answer.text
    assert "Helmet Head Start is on" in answer.text


# --- misheard speech: an offer word written as a same-sounding word -----------------------------


def test_sail_heard_for_sale_is_read_as_sale(southern) -> None:
    # Not "which store do you mean?" for an unknown word "sail": the chain never says it.
    answer = _ask(southern, "Is the Ridgeback in the sail?", "PER-01")
    assert answer.source is AnswerSource.GROUNDED
    assert answer.promotion_ids == ["summer-ride"]


def test_a_same_sounding_word_the_chain_uses_is_kept() -> None:
    assert heard_as_offer_words("sail covers on sale?", frozenset({"sail"})) == (
        "sail covers on sale?"
    )
    assert heard_as_offer_words("bikes in the sail", frozenset()) == "bikes in the sale"
