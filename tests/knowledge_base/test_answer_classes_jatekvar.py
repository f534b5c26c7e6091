"""Classes of answers found missing on the Játékvár Toys chain, each shown as a rule.

Játékvár Toys became a development chain after it was measured unseen. Each rule here is one
class of behaviour (not one question's wording) that must hold on any chain: it is shown on
Játékvár and again on another development chain, worded differently from the chains'
question sets on purpose.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT

from knowledge_base.answering import Answer, AnswerSource, Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.item_labels import ItemLabels, codes_said
from knowledge_base.loader import load_knowledge_base
from knowledge_base.store_names import without_accents

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge_base" / "samples"
JATEKVAR_AT = "2027-03-25T10:30"
"""Thursday 25 March 2027: Easter Hop Sale (Hungary), Castle Club Days, RC Spring Race, Puzzle
Party (Romania) and the Brickton Build Bonus (two Bucharest stores and Cluj-Napoca) are on."""
CAIRNFELL_AT = "2026-10-22T10:30"
"""Thursday 22 October 2026: the Half-Term Trail Sale is on."""


def _answerer(chain: str) -> GroundedAnswerer:
    return GroundedAnswerer(
        knowledge=load_knowledge_base(SAMPLES / chain), default_contact=DEFAULT_CONTACT
    )


@pytest.fixture(scope="module")
def jatekvar() -> GroundedAnswerer:
    return _answerer("jatekvar-toys")


@pytest.fixture(scope="module")
def cairnfell() -> GroundedAnswerer:
    return _answerer("cairnfell-outdoor")


def _ask(answerer: GroundedAnswerer, text: str, store: str, at: str = JATEKVAR_AT) -> Answer:
    zone = answerer._kb.zone(store)  # noqa: SLF001 - the chain's own zone for a local time
    asked = datetime.fromisoformat(at).replace(tzinfo=zone)
    return answerer.answer_now(Question(text=text, store_id=store, asked_at=asked))


# --- a city said by its first word, or without its accents, is that city ------------------------


def test_accents_are_dropped_as_clerks_type_them() -> None:
    assert without_accents("Iași Palas") == "Iasi Palas"
    assert without_accents("Dún Laoghaire") == "Dun Laoghaire"


def test_a_hyphenated_city_said_by_its_first_word_is_that_city(jatekvar) -> None:
    # Cluj-Napoca is "Cluj" on the floor: the answer is for that store in lei, never for the
    # clerk's own Budapest store in forints.
    answer = _ask(jatekvar, "What does the Skylark drone cost in Cluj?", store="BUD-01")
    assert answer.detail["store_id"] == "CLJ-01"
    assert "339 lei" in answer.text
    assert "forints" not in answer.text


def test_a_city_typed_without_its_accents_is_that_city(jatekvar) -> None:
    answer = _ask(jatekvar, "Is the Brickton castle in the Build Bonus in Iasi?", store="BUC-01")
    assert answer.detail["store_id"] == "IAS-01"
    assert answer.source is AnswerSource.GROUNDED
    assert "does not run at Iași Palas" in answer.text
    assert "319 lei" in answer.text


def test_the_same_holds_on_another_chain(cairnfell) -> None:
    plain = _ask(cairnfell, "Storm jacket price in Dun Laoghaire?", "KES-01", CAIRNFELL_AT)
    assert plain.detail["store_id"] == "DUN-01"
    short = _ask(cairnfell, "Storm jacket price in Betws?", "KES-01", CAIRNFELL_AT)
    assert short.detail["store_id"] == "BET-01"


# --- a brand the chain does not sell, before a product word, is not our product -----------------


def test_another_brand_before_a_product_word_is_a_product_we_do_not_sell(jatekvar) -> None:
    # "Dream house" is an alias of the Luna Dream Dollhouse; the Barbie one is not ours.
    answer = _ask(jatekvar, "Has the Barbie Dreamhouse got a discount?", store="BUD-01")
    assert answer.source is AnswerSource.UNKNOWN
    assert "32990" not in answer.text


def test_a_misheard_word_of_the_product_own_name_is_still_that_product(jatekvar) -> None:
    answer = _ask(jatekvar, "What's the Hopty Bunny at today?", store="BUD-01")
    assert answer.source is AnswerSource.GROUNDED
    assert "3992 forints" in answer.text


def test_another_brand_on_another_chain(cairnfell) -> None:
    answer = _ask(cairnfell, "Is the Patagonia storm jacket reduced?", "KES-01", CAIRNFELL_AT)
    assert answer.source is AnswerSource.UNKNOWN


# --- a word saying who the customer is does not name a promotion ---------------------------------


def test_a_club_member_buying_is_a_member_price_not_the_club_days(jatekvar) -> None:
    # "member buys 4" is as long as the alias "member days" and shares "member".
    answer = _ask(jatekvar, "A club member buys four Hopsy bunnies, what's that?", "BUD-01")
    assert "15469 forints" in answer.text
    assert "Castle Club Days" not in answer.text


def test_a_member_getting_items_is_no_member_week() -> None:
    # "member gets" is as alike to the alias "member week" as a misheard name would be.
    timberpaw = _answerer("timberpaw-pets")
    question = "A member gets three slicker brushes, what do they pay?"
    answer = _ask(timberpaw, question, "TOR-01", "2026-03-06T10:30")
    assert "Paw Perks Week" not in answer.text
    assert "56.22 Canadian dollars" in answer.text


def test_a_promotion_name_heard_loosely_with_its_member_word_still_counts(jatekvar) -> None:
    answer = _ask(jatekvar, "When do the member dayz end?", store="BUD-01")
    assert "Castle Club Days" in answer.text


# --- a stock code nobody says is spoken as the product's name ------------------------------------


def test_an_answer_names_the_product_not_its_stock_code(jatekvar) -> None:
    answer = _ask(jatekvar, "How much is the Skylark drone?", store="BUD-01")
    assert answer.text.startswith("The Skylark Mini Drone is 26990 forints")
    assert "RC-SKYLARK" not in answer.text


def test_a_counted_item_is_named_and_the_name_is_a_fact(jatekvar) -> None:
    answer = _ask(jatekvar, "Four Hopsy bunnies, total?", store="BUD-01")
    assert answer.text.startswith("4 Hopsy Easter Bunny come to")
    assert any("Hopsy Easter Bunny" in fact for fact in answer.facts)


def test_codes_stay_where_clerks_say_codes() -> None:
    sample = load_knowledge_base()  # AX-200, RN-300: model codes the clerks say
    assert codes_said(sample.products.values())
    assert ItemLabels.of(sample.products.values()).label("SK-WOOL") == "SK-WOOL"
    timberpaw = load_knowledge_base(SAMPLES / "timberpaw-pets")
    assert not codes_said(timberpaw.products.values())
    labels = ItemLabels.of(timberpaw.products.values())
    assert labels.label("GR-BRUSH") == "Slicker Brush"
    assert labels.label("GR-BRUSH", zh=True) == "针梳"  # its Chinese name, where it has one


# --- a spend-and-save asked about without its name ----------------------------------------------


def test_the_one_spend_and_save_here_answers_how_much_to_spend(jatekvar) -> None:
    answer = _ask(jatekvar, "What do they have to spend to get money off?", store="BUC-01")
    assert "Brickton Build Bonus" in answer.text
    assert "spend 300 lei and get 40 lei off" in answer.text


def test_no_spend_and_save_here_is_no_guess(jatekvar) -> None:
    answer = _ask(jatekvar, "What do they have to spend to get money off?", store="BUD-01")
    assert answer.source is AnswerSource.UNKNOWN


def test_the_one_spend_and_save_on_another_chain() -> None:
    northbound = _answerer("northbound-sports")
    answer = _ask(
        northbound,
        "How much does a customer need to spend to get money off?",
        "TOR-01",
        "2026-10-31T14:00",
    )
    assert "Camp Season Spend and Save" in answer.text
    assert "spend 300 Canadian dollars" in answer.text


# --- a code's letters where a place goes are a place not heard -----------------------------------


def test_code_letters_after_in_ask_which_store(jatekvar) -> None:
    # "in Pécs" heard as "in PZ" (PZ- starts the puzzle codes): not the clerk's own store.
    answer = _ask(jatekvar, "Is the Brumi reduced in PZ?", store="BUD-01")
    assert answer.source is AnswerSource.CLARIFY
    assert answer.text == "Which store do you mean?"


def test_code_letters_after_in_on_another_chain(cairnfell) -> None:
    answer = _ask(cairnfell, "Is the storm jacket on offer in JK?", "KES-01", CAIRNFELL_AT)
    assert answer.source is AnswerSource.CLARIFY


# --- an offer named that does not run at the store asked about still gives the item's price ------


def test_an_offer_not_at_the_store_named_says_the_item_price_there(jatekvar) -> None:
    answer = _ask(jatekvar, "Is the Brickton castle in the Build Bonus in Iasi?", store="BUC-01")
    assert answer.text == (
        "No, the Brickton Build Bonus does not run at Iași Palas."
        " The Brickton Royal Castle is 319 lei there."
    )
    assert "279" not in answer.text  # the Bucharest offer price


def test_an_offer_not_at_the_store_named_on_the_sample_chain(sample) -> None:
    zone = sample._kb.zone("SH-01")  # noqa: SLF001 - the chain's own zone for a local time
    asked = datetime.fromisoformat("2026-11-28T15:00").replace(tzinfo=zone)
    question = "is the AX-200 in the weekend offer in Berlin?"
    answer = sample.answer_now(Question(text=question, store_id="SH-01", asked_at=asked))
    assert answer.text.endswith("The AX-200 is 119 euros there.")
