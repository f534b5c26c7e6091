"""Classes of misses found on Kilat Sneakers, measured unseen once (docs/BENCHMARKS.md).

Each test states the general rule, asked mostly on Kilat (where the class was found) and,
where the rule reaches further, on another chain: a store named by the words only its name
has, a product by the last word of its name, an offer that runs at one other store, a
question that names nothing to answer about, what comes next, a verb that is also a
category's name, and an offer or its named part heard loosely.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base.answering import Answer, AnswerSource

AT = {
    "kilat-sneakers": ("JKT-01", "2027-11-17T15:00"),
    "andina-pharmacy": ("SCL-01", "2026-12-10T15:00"),
    "kudu-auto": ("JHB-01", "2027-10-14T11:00"),
    "sitara-jewels": ("MUM-01", "2027-10-21T11:00"),
    "loonwood-home": ("TOR-01", "2027-01-21T11:00"),
    "rendezvous-denim": ("TOR-01", "2028-03-15T15:00"),
}


def _ask(text: str, chain: str = "kilat-sneakers") -> Answer:
    store, at = AT[chain]
    return ask_at(sample_answerer(chain), text, store, at)


@pytest.mark.parametrize(
    ("question", "store", "said"),
    [
        ("How much is the KR2 at BGC?", "MNL-01", "5192"),  # an acronym of Manila BGC High Street
        ("Two Runner 2 at Dong Khoi?", "SGN-01", "4784000"),  # two short words together
        ("is the thu duc outlet in gear up", "SGN-OUT", "does not run"),
    ],
)
def test_a_store_is_named_by_the_words_only_its_name_has(
    question: str, store: str, said: str
) -> None:
    answer = _ask(question)
    assert answer.detail["store_id"] == store, answer.text
    assert said in answer.text


def test_words_that_only_sound_like_a_stores_own_words_name_no_store() -> None:
    # "long does" is not "Los Andes" (Santiago Clínica Los Andes): runs are matched exactly.
    answer = _ask("How long does the allergy offer run?", "andina-pharmacy")
    assert answer.detail["store_id"] == "SCL-01", answer.text
    assert "does not run" not in answer.text


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("tee price", "Kilat Bolt Tee is 299000 rupiah"),
        ("A hoodie and a tee, how much?", "973000"),
    ],
)
def test_the_last_word_of_a_name_the_chain_calls_the_x_names_that_product(
    question: str, said: str
) -> None:
    assert said in _ask(question).text


@pytest.mark.parametrize(
    "question",
    [
        "is there a limit at the bali opening",
        "Who do I talk to about the Bali opening?",
        "GoPay voucher at the bali opening?",
        "Does the Kru Extra stack with the grand opening?",  # they combine where both run
    ],
)
def test_an_offer_at_one_other_store_is_answered_for_that_store(question: str) -> None:
    answer = _ask(question)
    assert answer.detail["store_id"] == "BAL-01", answer.text
    assert "bali-opening" in answer.promotion_ids


def test_whether_that_offer_runs_here_is_still_answered_for_the_askers_store() -> None:
    answer = _ask("is the bali opening on here?")
    assert answer.detail["store_id"] == "JKT-01"
    assert "does not run at Jakarta Grand Indonesia" in answer.text


@pytest.mark.parametrize(
    ("question", "asked_back"),
    [
        ("how much is it", "Which item do you mean?"),
        ("whats the price in manila", "Which item do you mean?"),
        ("Is the sale on?", "Which offer do you mean: the Gear Up Spend and Save,"),
        ("is it on?", "Which offer do you mean:"),
    ],
)
def test_a_question_that_names_nothing_is_asked_back(question: str, asked_back: str) -> None:
    answer = _ask(question)
    assert answer.source is AnswerSource.CLARIFY
    assert answer.text.startswith(asked_back) or asked_back in answer.text, answer.text


def test_a_price_question_about_the_offers_themselves_is_still_answered() -> None:
    answer = _ask("How much is the discount?")
    assert answer.source is not AnswerSource.CLARIFY
    assert "Gear Up Spend and Save: spend 500000 rupiah" in answer.text


@pytest.mark.parametrize("question", ["What's coming up next?", "anything coming up?"])
def test_what_comes_next_names_the_next_offers_and_their_first_days(question: str) -> None:
    assert _ask(question).text == (
        "Coming up at Jakarta Grand Indonesia: the Payday Sale from Thursday 25 November"
        " and the Kilat 12.12 Sale from Friday 10 December."
    )


def test_what_comes_next_in_a_month_counts_what_starts_on_its_first_day() -> None:
    # Found on Rendezvous Denim, measured unseen: the Jean Swap starts on 1 April.
    answer = _ask("What's coming up in April?", "rendezvous-denim")
    assert "the Jean Swap from Saturday 1 April" in answer.text, answer.text


def test_what_comes_next_for_a_category_is_the_next_offer_on_it() -> None:
    answer = _ask("anything coming for lifestyle sneakers")
    assert answer.promotion_ids[:1] == ["payday-sale"]
    assert "15 percent off from Thursday 25 November" in answer.text


def test_what_comes_next_for_an_item_joining_a_running_offer_later_is_that_later_day() -> None:
    answer = _ask("What's next for the Petir?")
    assert answer.promotion_ids[:1] == ["run-fest"]
    assert "Saturday 20 November" in answer.text


@pytest.mark.parametrize(
    ("question", "running_shoes"),
    [
        ("is the second pair deal running in both manila stores", False),
        ("is the run fest still running", False),
        ("is running in the run fest", True),
        ("what's on for running", True),
    ],
)
def test_running_after_an_offer_or_before_a_place_is_a_verb(
    question: str, running_shoes: bool
) -> None:
    categories = _ask(question).detail["categories"]
    assert ("running-shoes" in categories) is running_shoes


def test_who_is_the_person_for_an_offer_asks_its_contact_and_per_person_its_limit() -> None:
    assert "Nguyen Thu Ha" in _ask("who's the run fest person for vietnam").text
    assert "up to 2 pairs" in _ask("how many per person for the run fest").text


def test_different_before_asks_what_the_new_version_changed() -> None:
    assert "instead of 30 percent off" in _ask("was the hoops deal different before").text


@pytest.mark.parametrize(
    ("question", "promotion"),
    [
        ("When does the run fast end?", "run-fest"),  # a vowel off a seven-letter name
        ("Does the crew extra stack with the grand opening?", "kru-extra"),  # spelt as it sounds
    ],
)
def test_an_offer_heard_loosely_is_still_that_offer(question: str, promotion: str) -> None:
    assert promotion in _ask(question).promotion_ids


def test_a_name_found_by_sound_alone_needs_the_same_sound() -> None:
    # "self event" (Loonwood's Sofa Event, misheard) sounds near the Sleep Event, not alike.
    answer = _ask("What changed in the self-event?", "loonwood-home")
    assert "sleep-event" not in answer.promotion_ids


@pytest.mark.parametrize(
    ("chain", "question", "said"),
    [
        ("kudu-auto", "When is backy weekend?", "Bakkie Weekend in the October Tyre Deal"),
        (
            "sitara-jewels",
            "When is Dantor's Day?",
            "Dhanteras Day in the Diwali Festival Offer is on Wednesday 27 October."
            " That day, silver jewellery is 25 percent off.",
        ),
    ],
)
def test_a_named_part_heard_loosely_is_answered_as_that_part(
    chain: str, question: str, said: str
) -> None:
    assert said in _ask(question, chain).text
