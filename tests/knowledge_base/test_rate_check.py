"""The rate check: a percentage given to an item must be one the pricing engine gives it.

The fact guard accepts "comics are 20 percent off" when 20 percent is a fact of the
promotion; the rate check does not when the promotion never gives comics 20 percent, or
when the sentence says "today" and the rate is not in force today. Shown on a copy of the
packaged sample chain where trail shoes join the Weekend Running Offer on Sunday at 35
percent, and on the Folha Books chain's own answer that started it.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from kb_helpers import sample_answerer

from knowledge_base.fact_guard import invented_numbers
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from knowledge_base.rate_check import misquoted_rates

PROJECT = Path(__file__).resolve().parents[2]
TRAIL_SUNDAY = """\
rule_sets:
  - start: 2026-11-29
    scope: {categories: [trail-shoes]}
    rules: [{kind: percent_off, percent: 35}]
limit:
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    target = tmp_path_factory.mktemp("kb") / "data"
    shutil.copytree(PROJECT / "knowledge_base" / "data", target)
    path = target / "promotions" / "weekend-running.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("limit:\n", TRAIL_SUNDAY, 1))
    return load_knowledge_base(target)


def _saturday(knowledge: KnowledgeBase) -> datetime:
    return datetime(2026, 11, 28, 15, tzinfo=knowledge.zone("SH-01"))


def test_a_rate_the_promotion_never_gives_the_item_is_caught(sample) -> None:
    text = "Trail shoes are 20 percent off in the Weekend Running Offer."
    facts = ["Weekend Running Offer on running-shoes: 20 percent off"]
    assert invented_numbers(text, facts) == []  # the fact guard cannot see it
    assert misquoted_rates(text, sample, "SH-01", _saturday(sample)) == [f"20 percent in {text!r}"]


def test_a_rate_said_for_today_must_be_in_force_today(sample) -> None:
    at = _saturday(sample)
    today = "Trail shoes are 35 percent off today."
    assert misquoted_rates(today, sample, "SH-01", at)
    later = "Not yet: trail shoes are 35 percent off from Sunday 29 November."
    assert misquoted_rates(later, sample, "SH-01", at) == []
    running = "Yes, the AX-200 is 20 percent off in the Weekend Running Offer today."
    assert misquoted_rates(running, sample, "SH-01", at) == []


def test_rates_in_offer_names_limits_and_other_figures_are_not_read_as_discounts(sample) -> None:
    at = _saturday(sample)
    for text in (
        "The TR-900 sold 12 percent more than last year.",
        "Socks 3 for 2: limit 2 pairs per customer, 20 percent off the AX-200.",
        # A change note: the earlier version's rate, replaced.
        "In version 2, the AX-200 is now 20 percent off instead of 15 percent off.",
        "The 3rd pair of socks is now free instead of half price.",
    ):
        assert misquoted_rates(text, sample, "SH-01", at) == [], text


def test_the_folha_answer_that_gave_comics_the_book_rate_is_caught() -> None:
    folha = load_knowledge_base(PROJECT / "knowledge_base" / "samples" / "folha-books")
    at = datetime(2026, 4, 21, 11, tzinfo=folha.zone("RIO-01"))
    wrong = (
        "Comics and manga is 20 percent off in the Folha Book Days. Members get 25 percent"
        " off instead, limit 5 books per customer, until Sunday 26 April."
    )
    assert len(misquoted_rates(wrong, folha, "RIO-01", at)) == 1
    right = (
        "Not yet: comics and manga are 30 percent off from Thursday 23 April. That is the"
        " Folha Book Days; limit 5 books per customer."
    )
    assert misquoted_rates(right, folha, "RIO-01", at) == []


def test_an_item_after_except_is_given_no_rate() -> None:
    """Found on Safar Luggage: the one item named was the one left out, so its rates were
    held against the rates the sentence gives every other suitcase."""
    knowledge = sample_answerer("safar-luggage")._kb  # noqa: SLF001
    sentence = (
        "For the Summer Travel Early Bird, from Saturday 1 to Sunday 30 April, suitcases and"
        " sets are 25 percent off and Safar Club members get 30 percent, except the Falak"
        " Aluminium Cabin."
    )
    asked = datetime.fromisoformat("2028-03-14T10:30").replace(tzinfo=knowledge.zone("DXB-01"))

    assert misquoted_rates(sentence, knowledge, "DXB-01", asked) == []
    assert misquoted_rates(
        "The Falak Aluminium Cabin is 30 percent off.", knowledge, "DXB-01", asked
    ) == ["30 percent in 'The Falak Aluminium Cabin is 30 percent off.'"]


def test_except_leaves_out_only_to_the_end_of_its_clause() -> None:
    knowledge = sample_answerer("loonwood-home")._kb  # noqa: SLF001
    asked = datetime.fromisoformat("2027-01-21T11:00").replace(tzinfo=knowledge.zone("TOR-01"))
    sentence = (
        "For the Great Canadian Sofa Event every sofa is 20 percent off, except the Atelier"
        " Bouclé Sofa; and on the Recliner Weekend, recliners are {} percent off."
    )

    assert misquoted_rates(sentence.format(30), knowledge, "TOR-01", asked) == []
    assert misquoted_rates(sentence.format(35), knowledge, "TOR-01", asked) != []
