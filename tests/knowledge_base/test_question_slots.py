"""Slots read from a question's words: the day it names, and how many of an item."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge_base.question_slots import clock_named, days_until, when_named
from knowledge_base.words import tokens


@pytest.mark.parametrize(
    ("text", "month_day"),
    [
        ("How much will the tree stand be on 12 December?", (12, 12)),
        ("price on the 24th of Dec", (12, 24)),
        ("Is it on sale December 1st?", (12, 1)),
        ("may 3 prices", (5, 3)),
        ("12月12日多少钱", (12, 12)),
        # A day said in words or with its ending, before "of May" or after a month.
        ("is it on on the second of may", (5, 2)),
        ("price on the 2nd of May", (5, 2)),
        ("still on March twenty first?", (3, 21)),
        ("what about june the thirtieth", (6, 30)),
        ("the boots on may second", (5, 2)),
    ],
)
def test_a_calendar_date_is_read_as_month_and_day(text: str, month_day: tuple[int, int]) -> None:
    when = when_named(tokens(text), set())
    assert when is not None and when.month_day == month_day


@pytest.mark.parametrize(
    "text",
    [
        "May I ask about the 3 for 2?",
        "two trees, 12 kg stand",
        "Double 12 deals",
        "may the second pair be half price",  # "may" before "the" is asking leave
    ],
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


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("what will it cost at 10 tonight", (22, 0)),
        ("price at 9 o'clock tonight", (21, 0)),
        ("at 8 in the evening", (20, 0)),
        ("晚上10点多少钱", (22, 0)),
        ("下午三点半", (15, 30)),
        ("便宜一点", None),  # "a little cheaper", not one o'clock
        ("要3点", (3, 0)),
    ],
)
def test_a_time_of_day_is_read_from_evening_words_and_chinese_clock_times(
    text: str, clock: tuple[int, int] | None
) -> None:
    assert clock_named(tokens(text)) == clock
