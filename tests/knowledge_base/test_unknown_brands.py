"""A brand the chain does not sell, said before a category it sells, is not that category.

Found on Kotwica DIY ("are makita drills in drill days"), Arrullo Baby ("are Chicco car
seats in car seat month") and others: answered as the category, the clerk heard the offer's
rule for the chain's own drills. One word the chain never uses, before a category, that
sounds like none of its product names is a brand: the answer is "I don't know", never the
category's terms. A word that sounds like one of its names is that name misheard.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base.answering import Answer, AnswerSource

AT = {
    "kotwica-diy": ("WAW-01", "2026-10-22T11:00"),
    "arrullo-baby": ("CDMX-01", "2027-03-11T11:00"),
    "jatekvar-toys": ("BUD-01", "2027-03-25T10:30"),
}


def _ask(chain: str, text: str) -> Answer:
    store, at = AT[chain]
    return ask_at(sample_answerer(chain), text, store, at)


@pytest.mark.parametrize(
    ("chain", "question", "not_said"),
    [
        ("kotwica-diy", "are bosch drills in the drill days", "100"),
        ("kotwica-diy", "Is the Dewalt drill in Drill Days?", "100"),
        ("arrullo-baby", "any Britax car seats in car seat month?", "1000"),
        ("arrullo-baby", "are graco car seats in the car seat safety month", "1000"),
    ],
)
def test_a_brand_before_a_category_is_not_answered_with_the_category_terms(
    chain: str, question: str, not_said: str
) -> None:
    answer = _ask(chain, question)
    assert answer.source is AnswerSource.UNKNOWN, answer.text
    assert not_said not in answer.text


@pytest.mark.parametrize(
    ("chain", "question", "said"),
    [
        ("kotwica-diy", "are drills in the drill days", "100"),
        ("arrullo-baby", "are car seats in car seat month", "1000"),
        ("jatekvar-toys", "How much is the Lina doll?", "8990"),  # the Luna, misheard
    ],
)
def test_the_category_alone_or_a_name_misheard_is_still_answered(
    chain: str, question: str, said: str
) -> None:
    answer = _ask(chain, question)
    assert answer.source is not AnswerSource.UNKNOWN, answer.text
    assert said in answer.text, answer.text
