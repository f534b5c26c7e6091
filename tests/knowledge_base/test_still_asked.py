"""A figure or "still" that points at an offer other than the one running on the item.

"Is X still 20 percent off?" when only an offer that is over gave X that figure, and "still
discounted?" when only a basket offer runs on X now, are answered with the offer that
ended and what X gets now; "do members get the 25 percent on X?" when the offer giving 25
percent leaves X out says it is excluded. Each used to be a "yes" about another offer on
the item, or that offer's FAQ: an answer about a different promotion than the one meant.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "said", "not_said"),
    [
        (
            "sitara-jewels",
            "MUM-01",
            "2027-10-21T11:00",
            "customer says payal was 20 percent off last week, still?",
            "No, the Navratri Silver Days ended on Sunday 10 October. Now it is 10 percent off"
            " in the Diwali Festival Offer, so 4365 rupees.",
            "3880",
        ),
        (
            "kudu-auto",
            "JHB-01",
            "2027-10-14T11:00",
            "is the synthetic oil still 20 percent off",
            "No, the Heritage Day Oil Deal ended on Thursday 30 September. The Kudu Synthetic"
            " 5W-30 Motor Oil 5L is 749 rand now.",
            "599.20",
        ),
    ],
)
def test_the_offer_that_gave_the_figure_is_said_over_then_what_holds_now(
    chain: str, store: str, at: str, question: str, said: str, not_said: str
) -> None:
    answer = ask_at(sample_answerer(chain), question, store, at)

    assert answer.text == said
    assert not_said not in answer.text


def test_a_figure_that_still_holds_gets_the_usual_yes() -> None:
    answer = ask_at(
        sample_answerer("sitara-jewels"),
        "is the payal still 10 percent off",
        "MUM-01",
        "2027-10-21T11:00",
    )

    assert answer.text.startswith("Yes, the Chandni Silver Anklets is 10 percent off")


def test_without_a_figure_still_asks_about_the_offer_running_now() -> None:
    answer = ask_at(
        sample_answerer("sitara-jewels"),
        "is the payal still on offer",
        "MUM-01",
        "2027-10-21T11:00",
    )

    assert "Diwali Festival Offer" in answer.text
    assert "Navratri" not in answer.text


def test_still_discounted_with_only_a_basket_offer_running_is_the_discount_that_ended() -> None:
    answer = ask_at(
        sample_answerer("adega-atlantica"),
        "is the marques de olmedo still discounted",
        "LIS-01",
        "2027-10-28T11:00",
    )

    assert answer.text.startswith(
        "No, the Rioja Harvest Days ended on Sunday 17 October. The Marqués de Olmedo Reserva"
        " is 21.90 euros now. It is in the Mixed Case: buy 5, get the cheapest 1 free."
    )


def test_a_figure_of_an_offer_that_leaves_the_item_out_says_it_is_excluded() -> None:
    """ "The 25 percent" is the Festa do Douro's member rate; the Vale Sagrado is left out."""
    answer = ask_at(
        sample_answerer("adega-atlantica"),
        "do members get the 25 percent on the vale sagrado",
        "LIS-01",
        "2027-10-28T11:00",
    )

    assert answer.text == (
        "No, the Vale Sagrado Grande Reserva is not in the Festa do Douro: it is excluded."
        " It stays at 64.50 euros."
    )
