""" "Why is <item> not in <offer>?" is answered by the FAQ that gives the reason.

Found on the Folha Books chain: a why-question about an excluded product, said by one of its
names, got only "it is excluded", although the offer has an FAQ giving the reason, written
with another of the product's names. Shown on a copy of the packaged sample chain with such
an FAQ added to the Weekend Running Offer.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT

from knowledge_base.answering import Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

PROJECT = Path(__file__).resolve().parents[2]
SATURDAY = "2026-11-28T15:00"
WHY_FAQ = """\
faqs:
  - question: Why is the Aero X 200 Limited Edition left out?
    answer: Its maker fixes the price of the numbered pairs, so they stay at full price.
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> GroundedAnswerer:
    target = tmp_path_factory.mktemp("kb") / "data"
    shutil.copytree(PROJECT / "knowledge_base" / "data", target)
    path = target / "promotions" / "weekend-running.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("faqs:\n", WHY_FAQ, 1))
    return GroundedAnswerer(knowledge=load_knowledge_base(target), default_contact=DEFAULT_CONTACT)


def _ask(answerer: GroundedAnswerer, text: str) -> str:
    asked = datetime.fromisoformat(SATURDAY).replace(tzinfo=answerer._kb.zone("SH-01"))  # noqa: SLF001
    return answerer.answer_now(Question(text=text, store_id="SH-01", asked_at=asked)).text


@pytest.mark.parametrize(
    "question",
    [
        "Why is the Aero X limited not in the weekend offer?",
        "Why isn't the AX-200 limited edition in the running offer?",
    ],
)
def test_a_why_question_about_an_item_gets_the_faq_with_the_reason(sample, question) -> None:
    assert "maker fixes the price" in _ask(sample, question)


def test_a_yes_no_question_about_the_item_gets_no_reason_it_did_not_ask(sample) -> None:
    text = _ask(sample, "Is the AX-200 limited in the weekend offer?")
    assert "excluded" in text and "maker" not in text, text
