"""Classes of misses found on Demhuis Tea & Coffee, measured unseen once.

A plain price names the offer everyone gets on the item (a "3 for 2"), never a members'
extra as its offer; a members' extra alone is a note after the price, not the answer's
subject. A day or time said without "on" ("saturday 3pm", "in ottawa sunday", "at 9 in the
morning") is the moment asked about; an item said bare ("olive oil in ottawa") or after
"what's the" asks what it costs then. Each is checked on questions the fixtures do not
hold, on other chains where the class reaches them. A region's code that is also a verb
("BE" for Belgium) names no place in "what will it be in Izmir"; "anything coming for X?"
names the offer X joins later, though X is in another offer now. "Is it still on?" of an
offer that is over opens with "No"; "is <category> excluded from X?" of one X leaves out opens
with "Yes"; an FAQ about another item ("do coffee beans count?") answers no question about
this one ("does the moka pot count?"); a why-FAQ on a region is found by any of its names
("the Turkish stores" for Türkiye). One name two products share ("the classic") is one item
of two, each priced, never a basket of both.
"""

from __future__ import annotations

from kb_helpers import ask_sample, sample_chain

from knowledge_base.question_slots import When, when_named
from knowledge_base.words import tokens

MARCHE = sample_chain("marche-boreal")
DEMHUIS = sample_chain("demhuis-tea")
STRIDES = sample_chain("little-strides")
KILAT = sample_chain("kilat-sneakers")


def test_a_plain_price_names_the_offer_for_everyone_before_a_members_extra() -> None:
    answer = ask_sample(MARCHE, "olive oil, how much for one")
    assert "14.99" in answer.text
    assert answer.promotion_ids[:1] == ["pantry-3for2"]
    basket = ask_sample(MARCHE, "two olive oils, what do they come to")
    assert "29.98" in basket.text and basket.promotion_ids[:1] == ["pantry-3for2"]


def test_a_members_extra_alone_is_a_note_after_the_price_not_the_subject() -> None:
    answer = ask_sample(KILAT, "how much is the Kilat x Batik Limited")
    assert "2999000" in answer.text and "members save another 10 percent" in answer.text
    assert "2699100" not in answer.text
    assert answer.promotion_ids == []


def test_a_day_and_time_said_without_on_is_the_moment_asked_about() -> None:
    assert when_named(tokens("brie at 9 in the morning"), set()) == When(clock=(9, 0))
    assert when_named(tokens("kettle at 4 in the afternoon"), set()) == When(clock=(16, 0))
    assert when_named(tokens("kettle saturday 4pm"), set()) == When(weekday=5, clock=(16, 0))
    assert when_named(tokens("olive oil in ottawa sunday"), set()) == When(weekday=6)
    assert when_named(tokens("is the brie on offer until saturday"), set()) is None


def test_an_item_said_bare_or_after_whats_the_asks_its_price_then() -> None:
    bare = ask_sample(MARCHE, "olive oil in ottawa")
    assert "14.99" in bare.text and bare.detail.get("store_id") == "OTT-01"
    then = ask_sample(MARCHE, "what's the brie on saturday at 9 in the morning")
    assert "09:00" in then.text and "5.24" in then.text


def test_a_region_code_that_is_a_verb_names_no_place() -> None:
    answer = ask_sample(DEMHUIS, "what will the moka pot be in Izmir")
    assert answer.detail.get("store_id") == "IZM-ALS" and "1590" in answer.text


def test_anything_coming_for_an_item_names_the_offer_it_joins_later() -> None:
    answer = ask_sample(STRIDES, "anything coming up for the Graduate lace-up?")
    assert answer.promotion_ids[:1] == ["back-to-school-au"]
    assert "Monday 31 January" in answer.text


def test_still_on_of_an_offer_that_is_over_opens_with_no() -> None:
    answer = ask_sample(STRIDES, "is kit up still going next tuesday")
    assert answer.text.startswith("No, ") and "ended" in answer.text


def test_a_category_left_out_asked_if_excluded_opens_with_yes() -> None:
    assert ask_sample(MARCHE, "is wine excluded from the pantry 3 for 2").text.startswith("Yes, ")
    assert ask_sample(MARCHE, "is wine in the pantry 3 for 2").text.startswith("No, ")


def test_an_faq_about_another_item_does_not_answer_for_this_one() -> None:
    answer = ask_sample(DEMHUIS, "does the moka pot count towards the spend")
    assert answer.text.startswith("Yes, ") and "beans" not in answer.text


def test_a_why_faq_on_a_region_is_found_by_another_of_its_names() -> None:
    answer = ask_sample(DEMHUIS, "why don't the Turkish stores have the tea 3 for 2", "IST-MODA")
    assert "own tea prices" in answer.text


def test_one_name_two_products_share_is_no_basket_of_both() -> None:
    answer = ask_sample(DEMHUIS, "what does the classic cost")
    assert "19.92" in answer.text and "7.95" in answer.text
    assert "come to" not in answer.text
