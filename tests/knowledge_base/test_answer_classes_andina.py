"""Classes of answers found missing on the Andina chain, each stated on a chain's own files.

Andina Farmacia & Óptica became a development chain after it was measured unseen. Each rule
here is one class of behaviour that must hold on any chain, shown on the packaged sample
chain where it has the shape needed, else on Andina; the wording is not the chain's
question set's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT, ask_at, local

from knowledge_base.answering import Answer, AnswerSource, Question, Role
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from knowledge_base.words import tokens

PROJECT = Path(__file__).resolve().parents[2]
ANDINA = PROJECT / "knowledge_base" / "samples" / "andina-pharmacy"
ANDINA_AT = "2026-12-10T11:00"
"""Thursday 10 December: Summer Sun Care, Allergy Season (eye drops join on Monday 14),
Vitamins 3 for 2, Club Andina Week and Peru Baby Savings are on; Cyber Lens Days ended."""
SAMPLE_AT = "2026-11-28T15:00"
"""Saturday 28 November: the Weekend Running Offer, Socks 3 for 2 and Winter Boots are on."""


@pytest.fixture(scope="module")
def andina() -> GroundedAnswerer:
    return GroundedAnswerer(knowledge=load_knowledge_base(ANDINA), default_contact=DEFAULT_CONTACT)


def _ask(
    answerer: GroundedAnswerer,
    text: str,
    store: str,
    at: str,
    role: Role = Role.CLERK,
) -> Answer:
    return ask_at(answerer, text, store, at, role=role)


def _sample(answerer: GroundedAnswerer, text: str, store: str = "SH-01", **kw: Role) -> Answer:
    return answerer.answer_now(
        Question(text=text, store_id=store, asked_at=local(store, SAMPLE_AT), **kw)
    )


@pytest.fixture
def xintiandi_left_out(sample_copy: Path) -> GroundedAnswerer:
    """The sample chain with Shanghai Xintiandi left out of the Weekend Running Offer."""
    path = sample_copy / "promotions" / "weekend-running.yaml"
    text = path.read_text(encoding="utf-8")
    old = "regions: [east-china, singapore]\n"
    assert old in text
    path.write_text(text.replace(old, old + "exclude_stores: [SH-02]\n", 1), encoding="utf-8")
    knowledge: KnowledgeBase = load_knowledge_base(sample_copy)
    return GroundedAnswerer(knowledge=knowledge, default_contact=DEFAULT_CONTACT)


# --- places ------------------------------------------------------------------------------------


def test_a_word_only_one_stores_name_has_names_that_store(answerer: GroundedAnswerer) -> None:
    # "Nanjing" is neither the city ("Shanghai") nor the name without it ("Nanjing Road").
    answer = _sample(answerer, "How much is the AX-200 at the Nanjing shop?", store="SG-01")
    assert answer.detail["store_id"] == "SH-01"
    assert "Shanghai Nanjing Road" in answer.text
    assert "yuan" in answer.text  # that store's currency, not the caller's


def test_a_city_whose_stores_an_offer_splits_is_answered_store_by_store(
    xintiandi_left_out: GroundedAnswerer,
) -> None:
    answer = _sample(
        xintiandi_left_out, "Does the weekend running offer work in Shanghai?", store="SG-01"
    )
    assert "runs at Shanghai Nanjing Road, not at Shanghai Xintiandi" in answer.text
    assert "20 percent" in answer.text


def test_which_stores_an_offer_runs_at_comes_from_its_scope(
    xintiandi_left_out: GroundedAnswerer,
) -> None:
    answer = _sample(xintiandi_left_out, "What shops is the weekend running offer in?")
    assert answer.text == (
        "The Weekend Running Offer runs at every store but Shanghai Xintiandi and"
        " Berlin Alexanderplatz."
    )
    left_out = _sample(xintiandi_left_out, "Which stores are excluded from the running offer?")
    assert left_out.text.startswith(
        "The Weekend Running Offer does not run at Shanghai Xintiandi and Berlin Alexanderplatz."
    )


def test_an_offer_at_a_few_stores_lists_them(andina: GroundedAnswerer) -> None:
    answer = _ask(
        andina, "In which stores can customers get the second pair deal?", "LIM-02", ANDINA_AT
    )
    assert answer.text.startswith("The Second Pair Half Price runs only at")
    for store in ("Providencia", "Las Condes", "Miraflores", "Arequipa"):
        assert store in answer.text
    assert "San Isidro" not in answer.text


# --- the membership's own name -----------------------------------------------------------------


def test_a_membership_called_club_something_asks_for_the_member_price(
    andina: GroundedAnswerer,
) -> None:
    # The chain writes "Club Andina members"; "Club Andina Week" is a promotion that does
    # not cover sun care, so the question is about the member price, not that promotion.
    answer = _ask(andina, "What's the Club Andina price of the aloe gel?", "LIM-02", ANDINA_AT)
    assert "17.43 soles" in answer.text
    assert answer.promotion_ids == ["summer-sun"]
    deal = _ask(andina, "Club Andina deal on the aloe gel?", "LIM-02", ANDINA_AT)
    assert deal.promotion_ids == ["summer-sun"]
    assert "Members get 30 percent" in deal.text


def test_a_misheard_membership_name_still_asks_for_the_member_price(
    andina: GroundedAnswerer,
) -> None:
    answer = _ask(andina, "Club an Dina price on the omega 3?", "SCL-02", ANDINA_AT)
    assert "13990 Chilean pesos" in answer.text


def test_a_members_only_amount_off_is_said_as_a_condition(andina: GroundedAnswerer) -> None:
    answer = _ask(andina, "Is the electric toothbrush discounted?", "SCL-01", ANDINA_AT)
    assert "is in the Club Andina Week: members get 2000 Chilean pesos off each" in answer.text
    assert " is members get " not in answer.text


# --- quantities and totals ---------------------------------------------------------------------


def test_a_count_of_an_item_asks_for_a_total_however_the_total_was_heard(
    answerer: GroundedAnswerer,
) -> None:
    answer = _sample(answerer, "What's the tottle on two AX-200?")
    assert answer.text.startswith("2 AX-200 come to 1438.40 yuan")


def test_a_plural_number_word_counts_items_named_by_that_number() -> None:
    assert tokens("three factor fifties") == ["3", "factor", "50"]
    assert tokens("the nineties") == ["the", "90"]


def test_a_limit_question_in_a_unit_only_one_offer_counts_in_is_answered_from_it(
    andina: GroundedAnswerer,
) -> None:
    # Allergy Season counts packs; Club Andina Week counts items.
    answer = _ask(andina, "What's the most packs a customer can buy on offer?", "VAP-01", ANDINA_AT)
    assert answer.source is AnswerSource.GROUNDED
    assert "Allergy Season" in answer.text and "2 packs" in answer.text


# --- intents -----------------------------------------------------------------------------------


def test_who_to_talk_to_asks_for_the_contact(answerer: GroundedAnswerer) -> None:
    answer = _sample(answerer, "Who should I talk to about the socks offer?")
    assert "Maria Keller" in answer.text


def test_a_cue_word_inside_a_category_name_asks_nothing(andina: GroundedAnswerer) -> None:
    # "contact" of "contact lenses" is not a question for the contact.
    answer = _ask(andina, "Are the contact lenses still reduced?", "SCL-02", ANDINA_AT)
    assert "ended on Sunday 6 December" in answer.text
    assert "extension" not in answer.text


def test_a_weekday_after_from_is_the_day_asked_about(andina: GroundedAnswerer) -> None:
    answer = _ask(andina, "What do the Claro eye drops cost from Monday?", "SCL-02", ANDINA_AT)
    assert answer.text.startswith("On Monday 14 December")
    assert "5391 Chilean pesos" in answer.text


def test_when_an_item_joins_a_running_offer_is_its_own_start(andina: GroundedAnswerer) -> None:
    answer = _ask(
        andina, "When are the Claro drops added to the allergy offer?", "LIM-02", ANDINA_AT
    )
    assert "from Monday 14 December" in answer.text
    assert "31 December" not in answer.text


def test_store_manager_notes_are_asked_for_by_name(answerer: GroundedAnswerer) -> None:
    answer = _sample(
        answerer, "Any notes for the store manager on running shoes?", role=Role.STORE_MANAGER
    )
    assert answer.source is AnswerSource.GROUNDED
    notes = answerer._kb.promotion("weekend-running").store_manager_notes  # noqa: SLF001
    assert notes[0].en.rstrip(".") in answer.text


# --- what promotions do not say ----------------------------------------------------------------


def test_an_item_the_catalogue_lacks_asked_of_a_named_offer_is_not_known(
    answerer: GroundedAnswerer,
) -> None:
    answer = _sample(answerer, "Are Salomon hiking sandals in the Weekend Running Offer?")
    assert answer.source is AnswerSource.UNKNOWN
    assert "percent" not in answer.text


def test_a_returns_question_is_not_answered_from_an_offer(answerer: GroundedAnswerer) -> None:
    answer = _sample(answerer, "Can a customer get a refund on running shoes?")
    assert answer.source is AnswerSource.UNKNOWN


def test_an_item_without_an_offer_says_it_is_not_discounted(answerer: GroundedAnswerer) -> None:
    answer = _sample(answerer, "Is the Storm Jacket reduced?")
    assert "has no offer at Shanghai Nanjing Road" in answer.text
    assert "not discounted" in answer.text


def test_the_member_discount_beside_a_named_offer_is_the_members_only_offer(
    andina: GroundedAnswerer,
) -> None:
    # Whether two offers combine, when one of them is called "the member discount".
    answer = _ask(
        andina,
        "Can a member have the member discount and the 3 for 2 at the same time on fish oil?",
        "LIM-01",
        ANDINA_AT,
    )
    assert set(answer.promotion_ids) == {"vitamins-3for2", "club-andina-week"}
    assert "do not say whether they combine" in answer.text


# --- an attribute question that several offers in force fit -----------------------------------


def test_several_offers_in_force_are_told_apart_in_one_sentence(
    answerer: GroundedAnswerer,
) -> None:
    answer = _sample(answerer, "Until when do the deals last?")
    assert answer.source is AnswerSource.GROUNDED
    assert answer.text.count(";") == 2  # three offers, three end dates, one sentence
    for said in (
        "Socks 3 for 2: ends on Thursday 31 December",
        "Weekend Running Offer: ends on Sunday 29 November",
        "Winter Boots Spend and Save: ends on Tuesday 15 December",
    ):
        assert said in answer.text


def test_offers_giving_the_same_answer_are_said_together() -> None:
    nordhage = PROJECT / "knowledge_base" / "samples" / "nordhage-garden"
    answerer = GroundedAnswerer(
        knowledge=load_knowledge_base(nordhage), default_contact=DEFAULT_CONTACT
    )
    answer = _ask(answerer, "Until when do the deals last?", "OSL-01", "2026-12-05T11:00")
    assert answer.text.startswith(
        "The Advent Lights and the Christmas Plants 3 for 2: ends at 15:00 on Thursday 24"
        " December; "
    )


def test_limits_of_several_offers_are_said_each_in_its_unit(andina: GroundedAnswerer) -> None:
    answer = _ask(andina, "How many discounted items can a customer take?", "LIM-01", ANDINA_AT)
    assert answer.text == (
        "The Allergy Season: 2 packs per customer; the Club Andina Week: 4 items per customer."
    )


def test_too_many_different_answers_are_asked_back_instead(andina: GroundedAnswerer) -> None:
    # Five offers on, five end dates: one question back is shorter than five answers.
    answer = _ask(andina, "When does the offer finish?", "SCL-01", ANDINA_AT)
    assert answer.source is AnswerSource.CLARIFY
    assert answer.text.startswith("Which offer do you mean: ")
