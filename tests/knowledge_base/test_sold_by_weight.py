"""An item sold by weight (`sold_by: kg`): a weight asked is the quantity, said back as one.

Found on the Marché Boréal chain, whose salmon is priced per kilogram: "four kilos of salmon,
how much?" was priced as one kilogram, since the format had no unit and "kilos" was read as
a size ("a 1 litre bottle"), never a count.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base.measures import heard_as, said_measure, without_unit_label

MARCHE = "marche-boreal"
FRIDAY = "2027-03-12T10:00"


@pytest.mark.parametrize("word", ["kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"])
def test_the_ways_a_kilogram_is_heard(word: str) -> None:
    assert heard_as("kg", word)
    assert not heard_as("lb", word)


def test_a_measure_is_said_in_words() -> None:
    assert said_measure(4, "kg", zh=False) == "4 kilograms"
    assert said_measure(1, "lb", zh=False) == "1 pound"
    assert said_measure(4, "kg", zh=True) == "4公斤"


def test_a_shelf_label_drops_its_unit_after_a_weight() -> None:
    assert without_unit_label("Atlantic Salmon Fillet per kg", "kg", zh=False) == (
        "Atlantic Salmon Fillet"
    )
    assert without_unit_label("大西洋三文鱼柳每公斤", "kg", zh=True) == "大西洋三文鱼柳"
    assert without_unit_label("Garden Hose 25 m", "m", zh=False) == "Garden Hose 25 m"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        (
            "four kilos of salmon how much",
            "4 kilograms of the Atlantic Salmon Fillet come to 131.96 Canadian dollars.",
        ),
        (
            "2 kg of salmon for a member",
            "For a member, 2 kilograms of the Atlantic Salmon Fillet come to 49.98 Canadian"
            " dollars, down from 65.98 Canadian dollars.",
        ),
    ],
)
def test_a_weight_asked_is_priced_as_that_many_units(question: str, said: str) -> None:
    answer = ask_at(sample_answerer(MARCHE), question, "MTL-01", FRIDAY)

    assert answer.text.startswith(said)


def test_the_members_terms_said_are_those_that_price_the_item() -> None:
    """Club Days gives pantry 10 percent and salmon 8 dollars a kilogram: the salmon's."""
    answer = ask_at(sample_answerer(MARCHE), "salmon price per kilo", "MTL-01", FRIDAY)

    assert "members get 8 Canadian dollars off" in answer.text
    assert "10 percent" not in answer.text
