"""Two offers asked whether they combine: said in the order asked, about both, where they run.

"Can members get the club 10 percent and the spend and save?" names the members' offer
first; the answer used to name the other one first because only that one was named by its
title ("Yes, the Diaper Spend and Save and the Arrullo Club Days combine"). Either order is
true, but the clerk hears it back the way they asked, and the answer is about the pair.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base.answering import ABOUT_TOGETHER


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "first", "second"),
    [
        (
            "wattle-sleep",
            "SYD-01",
            "2027-04-01T11:00",
            "member discount and the pillow talk on the same pillows?",
            "members-week",
            "pillow-talk",
        ),
        (
            "timberpaw-pets",
            "TOR-01",
            "2026-03-06T10:30",
            "the treat 3 for 2 and the member discount on the same bag?",
            "treats-3for2",
            "paw-perks-week",
        ),
    ],
)
def test_the_offers_are_said_in_the_order_asked(
    chain: str, store: str, at: str, question: str, first: str, second: str
) -> None:
    answer = ask_at(sample_answerer(chain), question, store, at)

    assert answer.text.startswith("Yes, the ")
    assert answer.promotion_ids[:2] == [first, second]
    assert answer.detail[ABOUT_TOGETHER] == [first, second]


def test_offers_asked_to_combine_where_one_does_not_run_do_not_combine_there() -> None:
    """Found on Adega Atlântica, whose Deli Spend and Save leaves Las Palmas out of Spain."""
    answerer = sample_answerer("adega-atlantica")

    there = ask_at(
        answerer,
        "do club days stack with the deli spend and save in las palmas",
        "LIS-01",
        "2027-10-28T11:00",
    )
    vigo = ask_at(
        answerer,
        "do club days stack with the deli spend and save in vigo",
        "LIS-01",
        "2027-10-28T11:00",
    )

    assert (
        there.text
        == "No, the Deli Spend and Save does not run at Las Palmas de Gran Canaria Vegueta."
    )
    assert vigo.text.startswith("Yes, at Vigo Príncipe, the Adega Club Days and the Deli Spend")


def test_offers_asked_to_combine_with_no_store_named_get_their_rule() -> None:
    """Found on Safar Luggage: the airport deal runs only airside; asked at a mall store with
    no store named, the clerk asks the rule, not whether the deal runs there."""
    answer = ask_at(
        sample_answerer("safar-luggage"),
        "Does the airport deal stack with the spring sale?",
        "DXB-01",
        "2028-03-14T10:30",
    )

    assert answer.text.startswith("Yes, the Airport Second at Half Price and the Spring")
