"""A product the chain does not sell is not answered with a similar product's terms.

Found on the Folha Books chain: "Is the Kindle Scribe in <offer>?", of a chain that sells
only the Kindle Paperwhite (also called "Kindle"), was answered with the Paperwhite's
discount. A product named by part of a known name and then a word the chain never uses is
another model: the answer is "I don't know", never another product's price. Shown on the
packaged sample chain, which sells the City Loafer 50 ("City Loafer") and the Trail Runner
900 ("Trail Runner").
"""

from __future__ import annotations

from datetime import datetime

import pytest

from knowledge_base.answering import AnswerSource, Question
from knowledge_base.grounded import GroundedAnswerer

SATURDAY = "2026-11-28T15:00"


def _ask(answerer: GroundedAnswerer, text: str):
    asked = datetime.fromisoformat(SATURDAY).replace(tzinfo=answerer._kb.zone("SH-01"))  # noqa: SLF001
    return answerer.answer_now(Question(text=text, store_id="SH-01", asked_at=asked))


@pytest.mark.parametrize(
    "question",
    [
        "Is the City Loafer Deluxe in the weekend offer?",
        "How much is the Trail Runner Gravity?",
    ],
)
def test_a_known_name_followed_by_an_unknown_word_is_an_unknown_product(sample, question) -> None:
    answer = _ask(sample, question)
    assert answer.source is AnswerSource.UNKNOWN, answer.text
    assert "CL-50" not in answer.text and "TR-900" not in answer.text


@pytest.mark.parametrize(
    ("question", "sku"),
    [
        ("Is the City Loafer 50 in the weekend offer?", "CL-50"),
        ("How much is the Trail Runner 900 today?", "TR-900"),
        ("How much is the Trail Runner today?", "TR-900"),
    ],
)
def test_a_known_name_alone_or_whole_is_that_product(sample, question, sku) -> None:
    answer = _ask(sample, question)
    assert answer.source is not AnswerSource.UNKNOWN, answer.text
    assert sku in answer.text, answer.text
