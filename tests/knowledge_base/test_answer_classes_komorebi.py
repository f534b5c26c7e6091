"""Classes of answers found missing on the Komorebi Drug chain, each shown as a rule.

Komorebi Drug became a development chain after it was measured unseen. Each rule here is
one class of behaviour (not one question's wording) that must hold on any chain, worded
differently from the chains' question sets and shown again on a second chain.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT

from knowledge_base.answering import Answer, AnswerSource, Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge_base" / "samples"
KOMOREBI_AT = "2026-12-10T15:00"
"""Thursday 10 December 2026: the Winter Care Fair, the Cold Season Stock-Up (300 yen off
each, two packs per customer) and the members-only Member Days (a further 10 percent on cold
medicines and vitamins) are on; the New Year Hair Care Sale starts on 2 January."""
KUPFERHOF_AT = "2027-01-14T11:00"
"""Thursday 14 January 2027: Pan Days (20 francs off each pan) and the members-only Kupferhof
Card Days (a further 10 percent) are on; the Matterhorn PN-28 is 89 francs on the shelf."""


def _answerer(chain: str) -> GroundedAnswerer:
    return GroundedAnswerer(
        knowledge=load_knowledge_base(SAMPLES / chain), default_contact=DEFAULT_CONTACT
    )


@pytest.fixture(scope="module")
def komorebi() -> GroundedAnswerer:
    return _answerer("komorebi-drug")


@pytest.fixture(scope="module")
def kupferhof() -> GroundedAnswerer:
    return _answerer("kupferhof-kitchen")


def _ask(answerer: GroundedAnswerer, text: str, store: str, at: str) -> Answer:
    zone = answerer._kb.zone(store)  # noqa: SLF001 - the chain's own zone for a local time
    asked = datetime.fromisoformat(at).replace(tzinfo=zone)
    return answerer.answer_now(Question(text=text, store_id=store, asked_at=asked))


# --- a price asked for someone who is not a member -----------------------------------------------


def test_a_price_for_a_non_member_is_the_price_for_everyone(komorebi: GroundedAnswerer) -> None:
    answer = _ask(
        komorebi,
        "what does a customer without a card pay for two kaze tablets",
        "TYO-01",
        KOMOREBI_AT,
    )
    assert answer.text.startswith("2 Kazenaoru Cold Tablets come to 2560 yen"), answer.text


def test_non_member_said_as_one_word_is_no_member(kupferhof: GroundedAnswerer) -> None:
    answer = _ask(kupferhof, "what does a non-member pay for the PN-28", "ZRH-01", KUPFERHOF_AT)
    assert answer.text.startswith("The PN-28 is 69 Swiss francs"), answer.text


# --- the membership's own noun before a price word -----------------------------------------------


def test_the_card_price_is_the_member_price(komorebi: GroundedAnswerer) -> None:
    answer = _ask(komorebi, "card price on the vitamin c", "TYO-01", KOMOREBI_AT)
    assert answer.text.startswith("For a member, the VT-C1000 is 1152 yen"), answer.text


def test_a_card_of_another_kind_is_no_membership(komorebi: GroundedAnswerer) -> None:
    answer = _ask(komorebi, "gift card price", "TYO-01", KOMOREBI_AT)
    assert "member" not in answer.text.lower(), answer.text


# --- another counted item in a list ---------------------------------------------------------------


def test_each_counted_item_of_a_list_is_priced(komorebi: GroundedAnswerer) -> None:
    answer = _ask(komorebi, "one kaze and two cough syrups", "TYO-01", KOMOREBI_AT)
    # Two packs at 300 yen off, the third at the shelf price: 1280 + 680 + 980.
    assert "2940 yen" in answer.text, answer.text


# --- stacking named, an amount asked --------------------------------------------------------------


def test_an_amount_asked_with_two_offers_together_is_the_stacked_price(
    kupferhof: GroundedAnswerer,
) -> None:
    answer = _ask(
        kupferhof,
        "pan days and card days together on the PN-28, what's the card price",
        "ZRH-01",
        KUPFERHOF_AT,
    )
    assert "62.10 Swiss francs" in answer.text, answer.text


def test_a_yes_or_no_about_two_offers_stays_a_stacking_answer(komorebi: GroundedAnswerer) -> None:
    answer = _ask(komorebi, "do member days and stock up combine on kaze", "TYO-01", KOMOREBI_AT)
    assert answer.text.startswith("Yes"), answer.text


# --- stock is never in the promotion files --------------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "text", "store", "at"),
    [
        ("komorebi-drug", "is the vitamin c in stock", "TYO-01", KOMOREBI_AT),
        ("kupferhof-kitchen", "is the PN-28 in stock", "ZRH-01", KUPFERHOF_AT),
    ],
)
def test_a_stock_question_is_not_answered_with_an_offer(
    chain: str,
    text: str,
    store: str,
    at: str,
    komorebi: GroundedAnswerer,
    kupferhof: GroundedAnswerer,
) -> None:
    answerer = komorebi if chain == "komorebi-drug" else kupferhof
    answer = _ask(answerer, text, store, at)
    assert answer.source is AnswerSource.UNKNOWN, answer.text


def test_stock_inside_an_offer_name_is_the_offer(komorebi: GroundedAnswerer) -> None:
    answer = _ask(komorebi, "is the cold season stock up on", "TYO-01", KOMOREBI_AT)
    assert "300 yen off" in answer.text, answer.text


# --- which stores of a place ----------------------------------------------------------------------


def test_which_stores_of_a_city_names_that_citys_stores(komorebi: GroundedAnswerer) -> None:
    answer = _ask(
        komorebi, "which honolulu stores have the winter care fair", "TYO-01", KOMOREBI_AT
    )
    assert answer.text == "The Winter Care Fair runs at Honolulu Ala Moana and Honolulu Waikīkī."


def test_which_stores_of_a_region_names_that_regions_stores(kupferhof: GroundedAnswerer) -> None:
    answer = _ask(kupferhof, "which wien stores have the pan days", "ZRH-01", KUPFERHOF_AT)
    assert "Wien Mariahilfer Straße and Wien Landstraße" in answer.text, answer.text
    assert "Zürich" not in answer.text


# --- "the line for" asks the talk track -----------------------------------------------------------


def test_my_line_for_an_offer_is_its_talk_track(kupferhof: GroundedAnswerer) -> None:
    answer = _ask(kupferhof, "give me the line for pan days", "ZRH-01", KUPFERHOF_AT)
    assert answer.text.startswith("Until Sunday 24 January every Matterhorn frying pan"), (
        answer.text
    )


# --- an offer called "<its name> price" -----------------------------------------------------------


def test_the_offer_price_names_the_offer(komorebi: GroundedAnswerer) -> None:
    answer = _ask(komorebi, "shampoo at the new year price", "TYO-01", KOMOREBI_AT)
    assert answer.text.startswith("Not yet"), answer.text
    assert "2 January" in answer.text


def test_the_club_price_is_no_offer_called_club(kupferhof: GroundedAnswerer) -> None:
    answer = _ask(kupferhof, "what's the card price of the PN-28", "ZRH-01", KUPFERHOF_AT)
    assert answer.text.startswith("For a member, the PN-28 is 62.10 Swiss francs"), answer.text
