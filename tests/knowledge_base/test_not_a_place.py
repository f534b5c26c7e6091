"""Words after "in" that are no place: a material, a size, a format, a way to pay, a sum.

"Do we have the Tara ring in platinum?" and "Do we have the Pedra Rolada in magnums?" were
asked back "Which store do you mean?", as if "platinum" were a town not heard. They ask a
property no promotion states: the honest answer is "I don't know; please ask ...". "The
trade in amount" is a sum, not a place either.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base.answering import AnswerSource


@pytest.mark.parametrize(
    ("chain", "store", "at", "question"),
    [
        ("sitara-jewels", "MUM-01", "2027-10-21T11:00", "do we have the tara ring in platinum"),
        ("sitara-jewels", "MUM-01", "2027-10-21T11:00", "can they pay the bangle in emi"),
        (
            "adega-atlantica",
            "LIS-01",
            "2027-10-28T11:00",
            "Do we have the Pedra Rolada in magnums?",
        ),
        (
            "cairnfell-outdoor",
            "KES-01",
            "2026-10-22T10:30",
            "Do we have the Stormline in extra large?",
        ),
    ],
)
def test_a_property_after_in_is_not_known_rather_than_a_store_asked_back(
    chain: str, store: str, at: str, question: str
) -> None:
    answer = ask_at(sample_answerer(chain), question, store, at)

    assert answer.source is AnswerSource.UNKNOWN
    assert "please ask" in answer.text


def test_a_place_not_heard_is_still_asked_back() -> None:
    answer = ask_at(
        sample_answerer("adega-atlantica"),
        "is the port offer on in Faro",
        "LIS-01",
        "2027-10-28T11:00",
    )

    assert answer.text == "Which store do you mean?"
