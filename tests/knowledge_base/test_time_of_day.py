"""A time of day in a question: "is the port offer on Saturday at 7pm?" asks about 19:00.

Found on the Adega Atlântica chain, whose port offer ends at 18:00 on a Saturday: "at 7pm"
was taken for a place not recognised ("Which store do you mean?"), and without that the
answer was for Saturday at the clock time of the question, a "yes" an hour after it ends.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer

from knowledge_base.question_slots import When, when_named
from knowledge_base.words import tokens

ADEGA = "adega-atlantica"
THURSDAY = "2027-10-28T11:00"


@pytest.mark.parametrize(
    ("question", "when"),
    [
        ("is the port offer on saturday at 7pm", When(weekday=5, clock=(19, 0))),
        ("on sale tomorrow at 7:30 p.m.?", When(days=1, clock=(19, 30))),
        ("still on at 19:00?", When(clock=(19, 0))),
        ("on sale sunday at 10am?", When(weekday=6, clock=(10, 0))),
        ("is it 2 for 20 at the harbour store", None),
        ("buy 3 at 10 euros each", None),
    ],
)
def test_a_time_of_day_is_read_with_its_day(question: str, when: When | None) -> None:
    assert when_named(tokens(question), set()) == when


def test_an_offer_asked_about_after_its_closing_time_is_over_then() -> None:
    answer = ask_at(
        sample_answerer(ADEGA), "is the port offer on saturday at 7pm", "LIS-01", THURSDAY
    )

    assert answer.text.startswith("No, on Saturday 30 October at 19:00, ")
    assert "ended at 18:00 on Saturday 30 October" in answer.text


def test_an_offer_asked_about_before_its_closing_time_is_on_then() -> None:
    answer = ask_at(
        sample_answerer(ADEGA), "is the port offer on saturday at 5pm", "LIS-01", THURSDAY
    )

    assert answer.text.startswith("Yes, on Saturday 30 October at 17:00, ")
    assert "It ends at 18:00 on Saturday 30 October" in answer.text


def test_an_earlier_hour_today_without_a_day_asks_about_now() -> None:
    answer = ask_at(sample_answerer(ADEGA), "is the port offer on at 10am", "LIS-01", THURSDAY)

    assert answer.text.startswith("For the Port and Madeira Fortnight")  # its talk track now
    assert "10:00" not in answer.text
