"""Slots read from a question's words: the day it names, and how many of an item."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge_base.question_slots import days_until, when_named
from knowledge_base.words import tokens


@pytest.mark.parametrize(
    ("text", "month_day"),
    [
        ("How much will the tree stand be on 12 December?", (12, 12)),
        ("price on the 24th of Dec", (12, 24)),
        ("Is it on sale December 1st?", (12, 1)),
        ("may 3 prices", (5, 3)),
        ("12月12日多少钱", (12, 12)),
    ],
)
def test_a_calendar_date_is_read_as_month_and_day(text: str, month_day: tuple[int, int]) -> None:
    when = when_named(tokens(text), set())
    assert when is not None and when.month_day == month_day


@pytest.mark.parametrize(
    "text", ["May I ask about the 3 for 2?", "two trees, 12 kg stand", "Double 12 deals"]
)
def test_numbers_and_words_that_are_no_date_name_none(text: str) -> None:
    when = when_named(tokens(text), set())
    assert when is None or when.month_day is None


def test_a_date_is_the_nearest_one_to_the_day_asked() -> None:
    saturday = date(2026, 12, 5)
    assert days_until(saturday, 12, 12) == 7
    assert days_until(saturday, 11, 30) == -5  # last Monday, not next year
    assert days_until(saturday, 1, 3) == 29  # the coming January
    assert days_until(saturday, 2, 30) is None  # no year has it
