"""Classes of misses found on Little Strides, measured unseen once (docs/BENCHMARKS.md).

One name for offers in two countries ("Back to School" in Australia, "Back to School NZ" in
New Zealand) means, at a store or in a country, the offer that runs there; an FAQ's "Yes"
to "is X in Y?" is a "No" to "is X left out of Y?".
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base.answering import Answer

CHAIN = "little-strides"
AT = "2028-01-27T15:00"


def _ask(text: str, store: str = "SYD-PAR") -> Answer:
    return ask_at(sample_answerer(CHAIN), text, store, AT)


@pytest.mark.parametrize(
    ("question", "store"),
    [
        ("when does back to school end in NZ", "SYD-PAR"),  # a country named
        ("When does Back to School end?", "AKL-SYL"),  # asked in New Zealand
        ("can they use a partner voucher on back to school in NZ", "SYD-PAR"),
    ],
)
def test_an_offers_title_means_the_offer_of_that_name_where_it_is_asked(
    question: str, store: str
) -> None:
    answer = _ask(question, store)
    assert answer.promotion_ids[:1] == ["back-to-school-nz"], answer.text
    assert "does not run" not in answer.text


def test_in_australia_the_title_is_still_the_australian_offer() -> None:
    assert _ask("When does Back to School end?").promotion_ids[:1] == ["back-to-school-au"]


def test_an_alias_that_another_offers_name_holds_stays_the_offer_it_names() -> None:
    # "the bike sale" is Southern Spokes' Summer Ride Sale, which Newcastle is left out of,
    # not the Boxing Day E-Bike Event that runs there.
    answer = ask_at(
        sample_answerer("southern-spokes"),
        "Why isn't Newcastle in the bike sale?",
        "SYD-01",
        "2026-12-05T11:00",
    )
    assert answer.promotion_ids[:1] == ["summer-ride"], answer.text


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("is the graduate in back to school over in new zealand", "Yes, "),
        ("is the graduate left out of back to school in NZ", "No, "),
    ],
)
def test_an_faqs_yes_to_in_is_a_no_to_left_out(question: str, opening: str) -> None:
    answer = _ask(question)
    assert answer.text.startswith(opening), answer.text
    assert "15 percent off from the start" in answer.text
