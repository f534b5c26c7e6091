"""Classes of misses found on Tessaro Calzature, measured unseen once (docs/BENCHMARKS.md).

Each test states the general rule: a product the chain calls "the wallet" is named by
"wallet"; question words are never a misheard product, place or offer; an offer at one
other store is that store's, also when an item is asked in it; "left out?" is answered
the other way round from "in?"; "the sales" points to the one offer called a sale; a
question's first word is no membership's name; a limit asked with a word not followed is
not "none has a limit".
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base import catalogue_lookup
from knowledge_base.answering import Answer, AnswerSource
from knowledge_base.membership import membership_names

CHAIN = "tessaro-calzature"
STORE, AT = "MIL-01", "2028-01-11T15:00"


def _ask(text: str) -> Answer:
    return ask_at(sample_answerer(CHAIN), text, STORE, AT)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("wallet and belt together", "1 Portafoglio Dante and 1 Cintura Classica come to 158"),
        ("tote and wallet at covent garden", "come to 383 pounds"),
        ("livia plus a wallet", "1 Tracolla Livia and 1 Portafoglio Dante come to 250.30"),
    ],
)
def test_the_word_of_an_alias_the_wallet_names_that_product(question: str, said: str) -> None:
    assert said in _ask(question).text


def test_a_plural_that_names_a_category_still_names_the_category() -> None:
    answer = _ask("are wallets in the leather gift")
    assert answer.detail["categories"] == ["small-leather"]
    assert answer.detail["products"] == []


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("whats the price in rome", {"store"}),  # "the price" is no misheard Beatrice
        ("Who do I talk to about the Turin opening?", {"promotion"}),  # "I talk" is no Italia
        ("Is the Greta left out of the sale in London?", {"product", "store"}),  # nor the saldi
    ],
)
def test_question_words_are_never_a_misheard_name(text: str, kinds: set[str]) -> None:
    knowledge = sample_answerer(CHAIN)._kb  # noqa: SLF001 - the chain's own knowledge
    mentions = catalogue_lookup.catalogue_matcher(knowledge).mentions(text)
    assert {m.kind for m in mentions} == kinds, mentions


@pytest.mark.parametrize(
    "question",
    [
        "Who do I talk to about the Turin opening?",
        "Is there still a free cream at the Turin opening?",  # an item asked in that offer
    ],
)
def test_the_opening_at_one_other_store_is_answered_for_that_store(question: str) -> None:
    answer = _ask(question)
    assert answer.detail["store_id"] == "TRN-01", answer.text
    assert "does not run at Milano Brera" not in answer.text


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("Is the Greta left out of the saldi?", "No, the Stivale Greta is 30 percent off"),
        ("Is the Greta in the saldi?", "Yes, the Stivale Greta is 30 percent off"),
        ("Is the Portofino left out of the saldi?", "Yes, the Mocassino Portofino is excluded"),
        ("is the portofino in the saldi", "No, the Mocassino Portofino is excluded"),
        ("Is the Greta left out of the sale in London?", "No, at London Covent Garden"),
    ],
)
def test_left_out_is_answered_the_other_way_round_from_in(question: str, opening: str) -> None:
    assert _ask(question).text.startswith(opening)


def test_the_sales_point_to_the_one_running_offer_called_a_sale() -> None:
    answer = _ask("when did the sales start in lugano")
    assert answer.promotion_ids == ["swiss-winter-sale"]
    assert "started on Monday 27 December 2027" in answer.text


def test_on_sale_names_no_offer_and_is_asked_back() -> None:
    assert _ask("is it on sale in zurich").source is AnswerSource.CLARIFY


def test_a_questions_first_word_is_no_membership_name() -> None:
    # "Do Tessaro Club members get more off ...?" in an FAQ names the Tessaro Club, not "do".
    assert membership_names(sample_answerer(CHAIN)._kb) == frozenset({"tessaro club"})  # noqa: SLF001
    answer = _ask("When do the salby end?")  # the Saldi, misheard: not the members' Club Days
    assert answer.source is AnswerSource.UNKNOWN, answer.text


def test_a_limit_asked_with_a_word_not_followed_is_not_none_has_a_limit() -> None:
    assert _ask("Is there a limit at the terrain opening?").source is AnswerSource.UNKNOWN
    assert "up to 4 pairs" in _ask("is there a limit").text


def test_a_price_asked_in_the_past_of_an_ended_offer_is_its_price_then_and_now() -> None:
    assert _ask("how much was the dante in the natale offer").text == (
        "The Portafoglio Dante was 75.65 euros in the Regali di Natale, which ended at 13:00"
        " on Friday 24 December 2027. It is 89 euros now."
    )
    # Asked in the present, it is that the offer ended and the price now.
    assert _ask("is the dante in the natale offer").text.startswith("No, the Regali di Natale")
