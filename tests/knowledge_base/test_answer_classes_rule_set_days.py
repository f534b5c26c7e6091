"""A part of an offer with days of its own is answered for the day asked, as the till prices it.

Found on the Folha Books chain: a category that a promotion covers only on one day (a rule set
with its own start and end) was answered with the promotion's everyday discount on any day.
Shown here on a copy of the packaged sample chain, where trail shoes join the Weekend Running
Offer on Sunday only, at their own 35 percent: on Saturday they are not discounted, on Sunday
they are 35 percent off, and never the offer's 20 percent.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT

from knowledge_base import pricing
from knowledge_base.answering import Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base
from knowledge_base.pricing import Basket

PROJECT = Path(__file__).resolve().parents[2]
SATURDAY = "2026-11-28T15:00"
SUNDAY = "2026-11-29T11:00"
TRAIL_SUNDAY = """
rule_sets:
  - name: Trail Sunday
    start: 2026-11-29
    scope: {categories: [trail-shoes]}
    rules: [{kind: percent_off, percent: 35}]
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> GroundedAnswerer:
    target = tmp_path_factory.mktemp("kb") / "data"
    shutil.copytree(PROJECT / "knowledge_base" / "data", target)
    path = target / "promotions" / "weekend-running.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("limit:\n", TRAIL_SUNDAY.lstrip("\n") + "limit:\n", 1))
    return GroundedAnswerer(knowledge=load_knowledge_base(target), default_contact=DEFAULT_CONTACT)


def _ask(answerer: GroundedAnswerer, text: str, at: str) -> str:
    asked = datetime.fromisoformat(at).replace(tzinfo=answerer._kb.zone("SH-01"))  # noqa: SLF001
    return answerer.answer_now(Question(text=text, store_id="SH-01", asked_at=asked)).text


def _percents(text: str) -> set[str]:
    return set(re.findall(r"(\d+) percent", text))


def _engine_percent_off(answerer: GroundedAnswerer, at: str) -> Decimal:
    knowledge = answerer._kb  # noqa: SLF001
    asked = datetime.fromisoformat(at).replace(tzinfo=knowledge.zone("SH-01"))
    quote = pricing.quote(
        knowledge, basket=Basket.of({"TR-900": 1}), store_id="SH-01", at=asked, member=False
    )
    return (1 - quote.total / quote.list_total) * 100


@pytest.mark.parametrize(
    "question",
    [
        "Are trail shoes discounted today?",
        "What's the discount on trail shoes?",
        "Are trail shoes in the weekend offer?",
    ],
)
def test_before_its_day_the_part_is_not_yet_on_and_names_its_own_discount(sample, question) -> None:
    assert _engine_percent_off(sample, SATURDAY) == 0  # the till charges the full price
    text = _ask(sample, question, SATURDAY)
    assert text.startswith("Not yet"), text
    assert "on Sunday 29 November only" in text  # one day, not "from" it
    assert _percents(text) == {"35"}, text  # never the offer's everyday 20 percent


def test_on_its_day_the_part_is_answered_with_the_rate_the_till_applies(sample) -> None:
    assert _engine_percent_off(sample, SUNDAY) == 35
    text = _ask(sample, "How much off are trail shoes?", SUNDAY)
    assert _percents(text) == {"35"}, text


def test_naming_the_parts_day_answers_for_that_day(sample) -> None:
    text = _ask(sample, "How much off are trail shoes on Trail Sunday?", SATURDAY)
    assert "35 percent" in text and "20 percent" not in text, text


def test_a_member_price_of_the_category_speaks_only_rules_in_force(sample) -> None:
    # On Saturday the Weekend Running Offer's 20 percent (and members' 5 more) price running
    # shoes, not trail shoes: a member price asked of trail shoes never names them.
    for at in (SATURDAY, SUNDAY):
        text = _ask(sample, "Member price for trail shoes?", at)
        assert _percents(text) <= {"35"}, text


def test_a_category_name_joined_by_and_is_plural() -> None:
    from knowledge_base.phrasing import is_plural

    assert is_plural("comics and manga")
    assert is_plural("boots")
    assert not is_plural("cookware")
