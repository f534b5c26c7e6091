"""A count said with its unit, or a list of counted items with no question word, is a basket.

Found on the Adega Atlântica chain: "six bottles of Pedra Rolada, how much?" was priced as
one bottle (only "pairs", "packs" and a few more were known units), and "3 manchego 2
olival alto and 4 sardines" got "I don't know": the counts "3" and "4" were taken for words
the chain never uses.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base.understanding import understand

ADEGA = "adega-atlantica"
THURSDAY = "2027-10-28T11:00"


@pytest.mark.parametrize(
    ("question", "counts"),
    [
        ("Six bottles of Pedra Rolada, how much?", {"DR-PEDRA": 6}),
        ("6 bottles of the viña cárdenas crianza", {"RJ-CARD": 6}),
        ("Eight bottles of tawny, what's the total?", {"PT-TAWNY": 8}),
        ("3 manchego 2 olival alto and 4 sardines", {"CH-MANCH": 3, "OL-OLIVAL": 2, "TF-SARD": 4}),
    ],
)
def test_a_count_before_any_unit_of_the_item_counts_it(question: str, counts: dict) -> None:
    answerer = sample_answerer(ADEGA)
    parsed = understand(question, answerer._kb, vocabulary=answerer._retriever.vocabulary)  # noqa: SLF001

    assert parsed.quantities == counts
    assert not set(parsed.unknown_words) & {"3", "4", "6", "8"}


def test_a_list_of_counted_items_is_priced_together() -> None:
    answer = ask_at(
        sample_answerer(ADEGA), "3 manchego 2 olival alto and 4 sardines", "VGO-01", THURSDAY
    )

    assert "come to 74.80 euros" in answer.text


def test_six_bottles_get_the_mixed_case_free_bottle_and_the_douro_discount() -> None:
    answer = ask_at(
        sample_answerer(ADEGA), "Six bottles of Pedra Rolada, how much?", "LIS-01", THURSDAY
    )

    assert answer.text.startswith("6 Pedra Rolada Douro Tinto come to 51.60 euros")
