"""Classes of answers found missing on the Kupferhof Kitchen chain, each shown as a rule.

Kupferhof Kitchen became a development chain after it was measured unseen (and Kotwica DIY
after it). Each rule here is one class of behaviour (not one question's wording) that must
hold on any chain, worded differently from the chains' question sets on purpose.
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
KUPFERHOF_AT = "2027-01-14T11:00"
"""Thursday 14 January 2027: the Advent Knife Sale ended on 24 December; the members-only
Kupferhof Card Days (a further 10 percent on pans, pots and knives) run until Saturday."""
KOTWICA_AT = "2026-10-22T11:00"
"""Thursday 22 October 2026: Drill Days, Kotwica Club Days (members only) and the Warm Home
Weeks (exclusive; three Czech stores) are on."""
NORTHBOUND_AT = "2026-10-31T14:00"
"""Saturday 31 October 2026: the Thanksgiving Trail Sale ended on Monday 12 October."""


def _answerer(chain: str) -> GroundedAnswerer:
    return GroundedAnswerer(
        knowledge=load_knowledge_base(SAMPLES / chain), default_contact=DEFAULT_CONTACT
    )


@pytest.fixture(scope="module")
def kupferhof() -> GroundedAnswerer:
    return _answerer("kupferhof-kitchen")


@pytest.fixture(scope="module")
def kotwica() -> GroundedAnswerer:
    return _answerer("kotwica-diy")


@pytest.fixture(scope="module")
def northbound() -> GroundedAnswerer:
    return _answerer("northbound-sports")


def _ask(answerer: GroundedAnswerer, text: str, store: str, at: str) -> Answer:
    zone = answerer._kb.zone(store)  # noqa: SLF001 - the chain's own zone for a local time
    asked = datetime.fromisoformat(at).replace(tzinfo=zone)
    return answerer.answer_now(Question(text=text, store_id=store, asked_at=asked))


# --- "still" about an offer that ended, where only a members' extra runs now ---------------------


def test_still_on_offer_after_the_offer_ended_says_it_ended_before_the_members_extra(
    kupferhof,
) -> None:
    answer = _ask(kupferhof, "is the klinge chef's knife still on sale", "ZRH-01", KUPFERHOF_AT)
    assert answer.text.startswith("No, the Advent Knife Sale ended on Thursday 24 December")
    assert "129 Swiss francs now" in answer.text  # the price everyone pays now
    assert "members save another 10 percent" in answer.text  # and what members still get


def test_still_on_sale_asks_about_the_item_not_when_an_offer_ends(kupferhof) -> None:
    answer = _ask(kupferhof, "chef's knife still on sale?", "ZRH-01", KUPFERHOF_AT)
    assert answer.detail["intent"] == "discount"
    assert answer.text.startswith("No, the Advent Knife Sale ended")
    offer = _ask(kupferhof, "are the card days still on", "ZRH-01", KUPFERHOF_AT)
    assert offer.detail["intent"] == "dates"  # an offer "still on": when it ends


def test_without_still_the_members_extra_is_the_answer(kupferhof) -> None:
    answer = _ask(kupferhof, "is the klinge chef's knife on offer", "ZRH-01", KUPFERHOF_AT)
    assert answer.text.startswith("Yes")
    assert "Kupferhof Card Days" in answer.text
    assert "Advent" not in answer.text


def test_a_member_asking_still_hears_the_members_offer(kupferhof) -> None:
    answer = _ask(
        kupferhof, "is the chef's knife still discounted for members", "ZRH-01", KUPFERHOF_AT
    )
    assert answer.text.startswith("Yes")
    assert "Kupferhof Card Days" in answer.text


# --- an item asked about in an offer that ended: that it ended, and its price now ---------------


def test_an_item_in_an_ended_offer_is_told_its_price_now(kupferhof, northbound) -> None:
    block = _ask(
        kupferhof, "what does the knife block cost in the advent knife sale", "ZRH-01", KUPFERHOF_AT
    )
    assert block.text.startswith("No, the Advent Knife Sale ended")
    assert "349 Swiss francs now" in block.text
    bag = _ask(northbound, "is the sleeping bag part of the trail sale", "TOR-01", NORTHBOUND_AT)
    assert "ended on Monday 12 October" in bag.text
    assert "199 Canadian dollars now" in bag.text


def test_an_ended_offer_on_a_named_day_says_no_price_for_today(northbound) -> None:
    answer = _ask(northbound, "sleeping bag in the trail sale on tuesday", "TOR-01", NORTHBOUND_AT)
    assert "ended" in answer.text
    assert "now" not in answer.text


# --- stacking asked with one offer named: its file's word, or the one offer it meets -----------


def test_an_exclusive_offer_asked_about_other_offers_is_a_plain_no(kupferhof, kotwica) -> None:
    stuebli = _ask(
        kupferhof, "can stübli evenings be combined with anything", "ZRH-01", KUPFERHOF_AT
    )
    assert stuebli.text.startswith("No, the Stübli Evenings does not combine with any other offer")
    warm = _ask(kotwica, "warm home weeks on top of other deals?", "BRQ-01", KOTWICA_AT)
    assert warm.text.startswith("No, the Warm Home Weeks does not combine")


def test_the_member_discount_with_a_named_offer_is_the_members_offer_on_its_items(
    kupferhof, kotwica
) -> None:
    pans = _ask(
        kupferhof, "pan days and the member discount at the same time?", "ZRH-01", KUPFERHOF_AT
    )
    assert pans.text == "Yes, the Pan Days and the Kupferhof Card Days combine on the same item."
    drills = _ask(
        kotwica, "member discount and drill days together on one drill", "WAW-01", KOTWICA_AT
    )
    assert drills.text.startswith("Yes, the Kotwica Club Days and the Drill Days combine")


def test_a_members_offer_on_top_of_the_offer_everyone_gets_is_paired_with_that_one(
    kupferhof,
) -> None:
    answer = _ask(
        kupferhof,
        "do card members get their extra 10 percent on top of pan days money off",
        "ZRH-01",
        KUPFERHOF_AT,
    )
    assert "combine on the same item" in answer.text
    assert "Pan Days" in answer.text and "Card Days" in answer.text


def test_a_discount_channel_named_is_not_taken_for_another_offer(northbound) -> None:
    answer = _ask(
        northbound, "staff discount on top of the members weekend", "TOR-01", NORTHBOUND_AT
    )
    assert "staff discount" in answer.text
    assert "Spend and Save" not in answer.text


# --- "is <offer> on here?": yes or no for the asker's own store, then what it gives ------------


def test_an_offer_asked_about_here_is_a_yes_for_the_own_store(kupferhof, kotwica) -> None:
    towels = _ask(kupferhof, "does the tea towel 3 for 2 work here", "LUG-01", KUPFERHOF_AT)
    assert towels.text.startswith("Yes, the Tea Towel 3 for 2 runs at Lugano Via Nassa")
    drills = _ask(kotwica, "are drill days on in this store", "WAW-01", KOTWICA_AT)
    assert drills.text.startswith("Yes, the Drill Days runs at Warsaw Mokotów")
    elsewhere = _ask(kotwica, "is warm home weeks on here", "WAW-01", KOTWICA_AT)
    assert elsewhere.text.startswith("The Warm Home Weeks does not run at Warsaw Mokotów")


# --- a yes or no about a named offer on something its file never mentions ----------------------


def test_a_yes_no_about_an_offer_on_a_word_no_file_uses_is_not_answered_with_the_offer(
    kotwica, kupferhof
) -> None:
    answer = _ask(kotwica, "is installation free with warm home weeks", "BRQ-01", KOTWICA_AT)
    assert answer.source is AnswerSource.UNKNOWN
    assert answer.text == (
        "I don't know that for the Warm Home Weeks; please ask Jakub Dvořák, Czech promotions,"
        " phone +420 234 555 140."
    )
    assert "3000" not in answer.text
    # An offer asked about in a place not recognised is asked back, not "don't know".
    place = _ask(kupferhof, "is the white weeks on in davos", "ZRH-01", KUPFERHOF_AT)
    assert place.source is AnswerSource.CLARIFY


def test_a_word_an_offer_shares_with_an_item_does_not_name_the_offer(kupferhof) -> None:
    # "pan" is a word of the Pan Days; a question about returning a pan is not about it.
    answer = _ask(kupferhof, "can a customer return a pan after using it", "ZRH-01", KUPFERHOF_AT)
    assert answer.source is AnswerSource.UNKNOWN
    assert "Pan Days" not in answer.text
