"""A part of an offer named by its own name, asked about before it starts.

"Is the Calculator Weekend on yet?" two days before it is "Not yet", its days and terms; it
used to be "Yes, on Saturday 11 September, ... runs", an answer about Saturday to a question
about now. A question naming the day is still answered for that day.
"""

from __future__ import annotations

import pytest
from kb_helpers import ask_at, sample_answerer


@pytest.mark.parametrize(
    ("chain", "store", "at", "question", "starts"),
    [
        (
            "quaderno-stationery",
            "MI-01",
            "2027-09-09T11:00",
            "is the calculator weekend on yet",
            "Saturday 11 September",
        ),
        (
            "komorebi-drug",
            "TYO-01",
            "2026-12-10T11:00",
            "is the bath weekend on now?",
            "Saturday 12 December",
        ),
    ],
)
def test_a_named_part_asked_about_now_before_it_starts_is_not_yet(
    chain: str, store: str, at: str, question: str, starts: str
) -> None:
    answer = ask_at(sample_answerer(chain), question, store, at).text
    assert answer.startswith("Not yet: ")
    assert starts in answer


def test_a_named_part_asked_about_at_a_named_store_before_it_starts_is_not_yet() -> None:
    answer = ask_at(
        sample_answerer("komorebi-drug"),
        "is the bath weekend on yet in osaka",
        "TYO-01",
        "2026-12-10T11:00",
    ).text
    assert answer.startswith("Not yet: at Osaka")
    assert "Saturday 12 December" in answer


def test_a_named_part_asked_about_on_its_day_is_answered_for_that_day() -> None:
    answer = ask_at(
        sample_answerer("quaderno-stationery"),
        "is the calculator weekend on saturday",
        "MI-01",
        "2027-09-09T11:00",
    ).text
    assert answer.startswith("Yes, on Saturday 11 September")
