"""A basket counts every item it names, whatever word names it.

Found on the Folha Books chain: "two backpacks and the watercolour set" dropped the
backpacks, because "backpacks" names a category (of one product), not a product. Shown on
the packaged sample chain, whose only trail shoe is the Trail Runner 900.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from knowledge_base import pricing
from knowledge_base.answering import Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.pricing import Basket

SATURDAY = "2026-11-28T15:00"


def _at(answerer: GroundedAnswerer) -> datetime:
    return datetime.fromisoformat(SATURDAY).replace(tzinfo=answerer._kb.zone("SH-01"))  # noqa: SLF001


def _ask(answerer: GroundedAnswerer, text: str) -> str:
    return answerer.answer_now(Question(text=text, store_id="SH-01", asked_at=_at(answerer))).text


@pytest.mark.parametrize(
    "question",
    ["Two trail shoes and one AX-200, total?", "What do 2 trail runners and the AX-200 come to?"],
)
def test_a_category_of_one_product_counted_in_a_basket_is_that_product(sample, question) -> None:
    quote = pricing.quote(
        sample._kb,
        basket=Basket.of({"TR-900": 2, "AX-200": 1}),
        store_id="SH-01",
        at=_at(sample),
        member=False,
    )  # noqa: SLF001
    text = _ask(sample, question)
    assert "2 TR-900" in text, text
    assert f"{quote.total:.2f}" in text, text


def test_a_question_about_the_category_alone_stays_about_the_category(sample) -> None:
    text = _ask(sample, "Are trail shoes on offer?")
    assert "trail shoes" in text.lower() and "TR-900" not in text, text
