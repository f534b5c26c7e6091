"""Classes of answers found missing on the Northbound Sports chain, each shown on its files.

Northbound Sports became a development chain after it was measured unseen; each rule here
is one class of behaviour (not one question's wording) that must hold on any chain.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT, ask_at

from knowledge_base.answering import Answer
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

PROJECT = Path(__file__).resolve().parents[2]
NORTHBOUND = PROJECT / "knowledge_base" / "samples" / "northbound-sports"
AT = "2026-10-31T14:00"
"""Saturday of the fall-back weekend: Puck Drop, Camp Season, Ride Safe and the bottle offer on."""


@pytest.fixture(scope="module")
def northbound() -> GroundedAnswerer:
    return GroundedAnswerer(
        knowledge=load_knowledge_base(NORTHBOUND), default_contact=DEFAULT_CONTACT
    )


def _ask(answerer: GroundedAnswerer, text: str, store: str = "TOR-01", at: str = AT) -> Answer:
    return ask_at(answerer, text, store, at)


# --- a city of several words names its stores -------------------------------------------------


def test_a_city_of_several_words_names_its_store(northbound) -> None:
    answer = _ask(northbound, "When does the hockey sale end in New York?")
    assert answer.detail["store_id"] == "NYC-01"
    assert answer.text.startswith("At New York Flatiron")


def test_a_basket_in_a_named_city_is_priced_there_in_its_currency(northbound) -> None:
    answer = _ask(northbound, "Family tent plus a sleeping bag in New York, how much?")
    assert "503 US dollars" in answer.text
    assert "Canadian" not in answer.text


# --- a bare list of items asks for their total --------------------------------------------------


@pytest.mark.parametrize(
    ("question", "total"),
    [
        ("Two bike helmets?", "178.50 Canadian dollars"),
        ("Three big Summit bottles?", "70 Canadian dollars"),
        ("Ridgeline 2 and the Alpine Zero together?", "488 Canadian dollars"),
    ],
)
def test_items_named_with_a_count_and_no_question_word_ask_for_their_total(
    northbound, question: str, total: str
) -> None:
    assert total in _ask(northbound, question).sentences()[0]


def test_a_size_before_the_item_is_not_its_count(northbound) -> None:
    answer = _ask(
        northbound, "Customer wants six of the one litre Summit bottles, what do they pay?"
    )
    assert "140 Canadian dollars" in answer.sentences()[0]
    answer = _ask(northbound, "Three one liter Summit bottles, what's the total?", store="NYC-01")
    assert "56 US dollars" in answer.sentences()[0]


@pytest.mark.parametrize(
    "question", ["What's the Blade Pro at right now?", "What's the Blade Pro going for?"]
)
def test_a_price_asked_in_everyday_words_gets_the_price(northbound, question: str) -> None:
    assert "171.75 Canadian dollars" in _ask(northbound, question).sentences()[0]


# --- everyday words are never a misheard promotion name; a shared word is asked back ------------


def test_question_words_around_member_are_not_a_misheard_members_offer(northbound) -> None:
    answer = _ask(northbound, "What do members pay for a Guardian helmet?")
    assert answer.promotion_ids[0] == "puck-drop"
    assert "111.30 Canadian dollars" in answer.sentences()[0]


def test_a_word_several_products_share_is_asked_back_naming_them(northbound) -> None:
    answer = _ask(northbound, "Is the helmet on offer?")
    assert answer.source.value == "clarify"
    assert "Guardian Hockey Helmet" in answer.text and "Velo Air Bike Helmet" in answer.text


def test_the_price_of_a_word_a_few_products_share_is_each_ones_price(northbound) -> None:
    # Nothing to ask back: saying both prices answers whichever helmet was meant.
    answer = _ask(northbound, "How much is the helmet?")
    assert answer.source.value == "grounded"
    assert "Guardian Hockey Helmet is 119.25" in answer.text
    assert "Velo Air Bike Helmet is 119" in answer.text


def test_a_shared_word_before_an_offer_word_names_the_offer_not_a_product(northbound) -> None:
    answer = _ask(northbound, "Is the bottle deal on in Boston?")
    assert answer.source.value == "grounded"
    assert answer.promotion_ids == ["bottle-3for2"]


# --- the words that name an offer say which offer, not what about it ---------------------------


def test_an_faq_naming_its_offer_matches_a_question_naming_it_by_that_name(northbound) -> None:
    answer = _ask(northbound, "What's this Grand Sunday stick deal?")
    assert "40 percent" in answer.text


def test_a_pitch_for_an_offer_named_in_part_is_its_talk_track_not_another_offers_faq(
    northbound,
) -> None:
    answer = _ask(northbound, "How do I pitch the bottle deal?")
    assert answer.promotion_ids[0] == "bottle-3for2"
    assert "pay for two" in answer.text
    tent = _ask(northbound, "Do they get a free bottle with the tent?")
    assert "free Summit Steel Bottle 500 ml" in tent.text


def test_a_cue_word_inside_an_offers_name_asks_nothing(northbound) -> None:
    answer = _ask(northbound, "Does the small Summit bottle count in the buy 3 pay 2?")
    assert answer.text.startswith("Yes, the HY-BOT5 is in the Summit Bottle Buy 3 Pay 2")


def test_what_to_say_about_a_named_offer_is_its_faq_covering_most_of_the_question(
    northbound,
) -> None:
    answer = _ask(northbound, "Can they mix helmets and lights in Ride Safe?")
    assert "cheaper of each pair" in answer.text


def test_an_everyday_verb_shared_with_an_faq_is_no_topic(northbound) -> None:
    # "use" is in the team-discount FAQ too; the question is about app coupons.
    answer = _ask(northbound, "Can they use app coupons on the puck drop?")
    assert "does not combine with app coupons" in answer.text


def test_an_item_asked_at_a_store_its_regions_offer_leaves_out_says_so(northbound) -> None:
    answer = _ask(northbound, "Is the Blade Pro stick on sale here?", store="BOS-01")
    assert answer.text.startswith("No, the HK-STK1 has no offer at Boston Newbury Street")
    assert "Puck Drop Frenzy does not run there" in answer.text
    assert "179 US dollars" in answer.text


def test_a_price_in_a_named_offer_not_yet_on_is_its_price_on_the_first_day(northbound) -> None:
    answer = _ask(northbound, "Member price for a kettlebell in the Winter Warmup?")
    assert answer.text.startswith("On Friday 6 November")
    assert "59.25 Canadian dollars" in answer.text
    assert answer.promotion_ids == ["winter-warmup"]


def test_asking_what_members_get_on_an_item_no_member_rule_covers_says_nothing_extra(
    northbound,
) -> None:
    answer = _ask(northbound, "Do members get anything extra on the Beacon light?")
    assert answer.text.startswith("No, members get nothing extra on the CY-LITE; it is in")
    assert not answer.text.startswith("Yes")


def test_two_written_as_too_before_an_item_is_a_count_of_two(northbound) -> None:
    answer = _ask(northbound, "Too home ice jursies, how much?")
    assert answer.text.startswith("2 HK-JER1 come to 210 Canadian dollars")


def test_a_counted_word_that_ends_one_products_names_is_that_product(northbound) -> None:
    answer = _ask(northbound, "Can a customer get five jerseys at the sale price?")
    assert answer.text.startswith("5 HK-JER1")
    assert "limit 3 hockey items per customer" in answer.text
    assert _ask(northbound, "Is the store open 24 hours?").source.value == "unknown"


@pytest.mark.parametrize("heard", ["When does Buck drop end?", "When does Huck drop Andy?"])
def test_a_promotion_name_with_its_first_sound_misheard_is_that_promotion(
    northbound, heard: str
) -> None:
    answer = _ask(northbound, heard)
    assert answer.promotion_ids == ["puck-drop"]
    assert "Sunday 1 November" in answer.text


def test_an_everyday_word_holding_part_of_a_promotion_name_may_still_be_that_name() -> None:
    xingchen = GroundedAnswerer(
        knowledge=load_knowledge_base(PROJECT / "knowledge_base" / "samples" / "xingchen-digital"),
        default_contact=DEFAULT_CONTACT,
    )
    answer = _ask(xingchen, "When does member weekend?", store="HK-MK", at="2026-11-11T15:00")
    assert answer.promotion_ids == ["member-week"]


# --- an FAQ about an excluded item says "excluded" first, then why ------------------------------


def test_an_excluded_item_is_said_excluded_before_the_faqs_reason(northbound) -> None:
    answer = _ask(northbound, "Do the Apex Pro skates count for the Puck Drop Frenzy?")
    assert answer.text.startswith("No, the HK-SKT9 is excluded from the Puck Drop Frenzy: ")
    assert "new launch" in answer.text
