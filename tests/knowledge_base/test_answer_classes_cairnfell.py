"""Classes of answer misses found on Cairnfell Outdoor, each held on another chain too.

Cairnfell was the twelfth blind chain (docs/BENCHMARKS.md, "Answers on a twelfth unseen
chain"); it is a development chain now. Each rule is general: the wordings here are written
for these tests, and each class is shown on a second chain where it applies.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT

from knowledge_base.answering import Answer, Question
from knowledge_base.fact_guard import check_facts
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge_base" / "samples"

CAIRNFELL_AT = "2026-10-22T10:30"
"""Thursday 22 October: Half-Term Trail Sale, Tent Clearance and Basecamp Week are on."""
NORTHBOUND_AT = "2026-10-31T14:00"
"""Saturday 31 October: the Puck Drop Frenzy is on; Grand Sunday is tomorrow."""
NORDHAGE_AT = "2026-12-05T11:00"
"""Saturday 5 December: the Christmas Tree Days (100 kroner off each tree) are on."""
TIMBERPAW_AT = "2026-03-06T10:30"
"""Friday 6 March: Paw Perks Week is on until 21:00 on Wednesday 11 March."""
SOUTHERN_AT = "2026-12-05T11:00"
"""Saturday 5 December: the Summer Ride Sale (one bike per customer) is on."""
HEARTH_AT = "2026-11-20T14:00"
"""Friday 20 November: Cook Club Week is on; its FAQ says it is in store only."""


@pytest.fixture(scope="module")
def answerers() -> dict[str, GroundedAnswerer]:
    chains = ["cairnfell-outdoor", "northbound-sports", "nordhage-garden", "timberpaw-pets"]
    chains += ["southern-spokes", "hearth"]
    return {
        chain: GroundedAnswerer(
            knowledge=load_knowledge_base(SAMPLES / chain), default_contact=DEFAULT_CONTACT
        )
        for chain in chains
    }


def _ask(answerer: GroundedAnswerer, text: str, store: str, at: str) -> Answer:
    zone = answerer._kb.zone(store)  # noqa: SLF001 - the chain's own zone for a local time
    asked = datetime.fromisoformat(at).replace(tzinfo=zone)
    return answerer.answer_now(Question(text=text, store_id=store, asked_at=asked))


# --- 1. an item's own rule set: its end is in the facts, and its price is said ---------------


def test_an_item_priced_by_a_later_rule_set_carries_that_rule_sets_end_and_its_price(
    answerers,
) -> None:
    # The Torridon boot is 30 percent off on Boot Weekend only (24-25 October), inside a
    # sale that runs to 1 November: the answer's end is the weekend's, and the facts say so.
    answer = _ask(
        answerers["cairnfell-outdoor"],
        "Is the Torridon boot discounted in Aviemore on Sunday?",
        "KES-01",
        CAIRNFELL_AT,
    )
    assert "30 percent" in answer.text and "105 pounds" in answer.text
    assert "Sunday 25 October" in answer.text
    assert check_facts(answer.text, answer.facts).ok, answer.facts


def test_an_item_priced_by_a_one_day_rule_set_says_its_price_on_another_chain(answerers) -> None:
    # Grand Sunday: the Blade Pro is 40 percent off (229 -> 137.40 Canadian dollars).
    answer = _ask(
        answerers["northbound-sports"],
        "Will the Blade Pro stick be on offer on Grand Sunday?",
        "TOR-01",
        NORTHBOUND_AT,
    )
    assert "40 percent" in answer.text and "137.40" in answer.text
    assert check_facts(answer.text, answer.facts).ok, answer.facts


# --- 2. an amount or a rate off a shelf price: the resulting price too -----------------------


@pytest.mark.parametrize(
    ("chain", "text", "store", "at", "said"),
    [
        # 460 euros less 45 in Ireland; Basecamp Week beside it is for members only.
        ("cairnfell-outdoor", "Is the Glencoe tent on offer?", "KIL-01", CAIRNFELL_AT, "415"),
        # 70000 krónur less 7000, with the offer named.
        (
            "cairnfell-outdoor",
            "Is the Glencoe part of the tent clearance?",
            "REY-01",
            CAIRNFELL_AT,
            "63000",
        ),
        # 349 kroner less 100, with the offer named.
        (
            "nordhage-garden",
            "Is the small Nordmann fir in the tree offer?",
            "OSL-01",
            NORDHAGE_AT,
            "249",
        ),
    ],
)
def test_an_offer_taking_an_amount_off_a_known_price_says_the_price_that_makes(
    answerers, chain: str, text: str, store: str, at: str, said: str
) -> None:
    answer = _ask(answerers[chain], text, store, at)
    assert "off each" in answer.text
    assert f", so {said} " in answer.text, answer.text
    assert check_facts(answer.text, answer.facts).ok, answer.facts


def test_a_rate_for_everyone_is_not_paired_with_a_members_price(answerers) -> None:
    # Members get 30 percent in the half-term sale: "25 percent off, so <member price>"
    # would pair the wrong two figures, so the member price stays in its own sentence.
    answer = _ask(
        answerers["cairnfell-outdoor"],
        "Is the Stormline on offer for members?",
        "KES-01",
        CAIRNFELL_AT,
    )
    assert "25 percent off in the Half-Term Trail Sale, so" not in answer.text
    assert "126" in answer.text


# --- 3. one renderer: no doubled end, no "1 tents" ------------------------------------------


@pytest.mark.parametrize(
    ("chain", "text", "store", "at", "end"),
    [
        (
            "cairnfell-outdoor",
            "How do I pitch Basecamp Week?",
            "KES-01",
            CAIRNFELL_AT,
            "20:00 on Sunday 25 October",
        ),
        (
            "timberpaw-pets",
            "What do I tell customers about Paw Perks Week?",
            "TOR-01",
            TIMBERPAW_AT,
            "21:00 on Wednesday 11 March",
        ),
    ],
)
def test_a_talk_track_that_says_its_end_is_not_followed_by_the_same_end(
    answerers, chain: str, text: str, store: str, at: str, end: str
) -> None:
    answer = _ask(answerers[chain], text, store, at)
    assert answer.text.count(end) == 1, answer.text


def test_a_talk_track_without_the_date_still_gets_the_end() -> None:
    # "until Sunday at 18:00" does not say which Sunday: the end sentence stays.
    cadenza = GroundedAnswerer(
        knowledge=load_knowledge_base(SAMPLES / "cadenza-music"), default_contact=DEFAULT_CONTACT
    )
    answer = _ask(cadenza, "How do I pitch the Encore weekend?", "MEX-01", "2026-12-05T11:00")
    assert "It ends at 18:00 on Sunday 6 December." in answer.text


@pytest.mark.parametrize(
    ("chain", "store", "at", "one"),
    [
        ("cairnfell-outdoor", "KES-01", CAIRNFELL_AT, "1 tent per customer"),
        ("southern-spokes", "SYD-01", SOUTHERN_AT, "1 bike per customer"),
    ],
)
def test_a_limit_of_one_is_said_in_the_singular(
    answerers, chain: str, store: str, at: str, one: str
) -> None:
    answer = _ask(answerers[chain], "What are the limits per customer?", store, at)
    assert one in answer.text, answer.text
    assert one.replace(" per", "s per") not in answer.text


# --- 4. online: the offer's FAQ about buying online, not its talk track ----------------------


@pytest.mark.parametrize(
    ("chain", "text", "store", "at", "said"),
    [
        (
            "cairnfell-outdoor",
            "Can customers get the trail sale price online?",
            "KES-01",
            CAIRNFELL_AT,
            "the website keeps its own prices",
        ),
        (
            "cairnfell-outdoor",
            "Is the half-term sale on the website as well?",
            "KES-01",
            CAIRNFELL_AT,
            "the website keeps its own prices",
        ),
        (
            "hearth",
            "Does the Cook Club Week price work online?",
            "LON-01",
            HEARTH_AT,
            "in store only",
        ),
    ],
)
def test_a_question_about_buying_online_gets_the_offers_online_faq(
    answerers, chain: str, text: str, store: str, at: str, said: str
) -> None:
    answer = _ask(answerers[chain], text, store, at)
    assert said in answer.text, answer.text


# --- 5. a second offer heard as other words beside one named exactly ------------------------


@pytest.mark.parametrize(
    ("chain", "text", "store", "at", "both"),
    [
        (
            "cairnfell-outdoor",
            "Does based camp we go on top of the tent clearance?",
            "KES-01",
            CAIRNFELL_AT,
            {"basecamp-week", "tent-clearance"},
        ),
        (
            "timberpaw-pets",
            "Does paw perk weak go on top of the treat stack 3 for 2?",
            "TOR-01",
            TIMBERPAW_AT,
            {"paw-perks-week", "treats-3for2"},
        ),
        (
            "nordhage-garden",
            "Does green club weak go on top of the advent lights?",
            "OSL-01",
            NORDHAGE_AT,
            {"green-club-week", "advent-lights"},
        ),
    ],
)
def test_a_second_offer_heard_closely_beside_a_named_one_is_that_offer(
    answerers, chain: str, text: str, store: str, at: str, both: set[str]
) -> None:
    answer = _ask(answerers[chain], text, store, at)
    assert set(answer.promotion_ids) == both, answer.text


def test_everyday_words_beside_a_named_offer_are_no_second_offer(answerers) -> None:
    # "this week" is nothing like enough of "Basecamp Week".
    answer = _ask(
        answerers["cairnfell-outdoor"],
        "Is the tent clearance on every day this week?",
        "KES-01",
        CAIRNFELL_AT,
    )
    assert answer.promotion_ids == ["tent-clearance"], answer.text
