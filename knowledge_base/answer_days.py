"""The day a question asks about, when it is not today ("on Saturday", "on Grand Sunday").

:class:`DayMoves` moves a turn's moment to the day named, at the same local clock time, so
every answer kind answers for that day and says which day it is.
"""

from __future__ import annotations

from datetime import timedelta

from knowledge_base.answer_core import AnswerCore, Turn
from knowledge_base.promotion_names import named_rule_set
from knowledge_base.question_forms import asks_now
from knowledge_base.question_slots import When, days_to_day_of_month, days_until
from knowledge_base.speech import spoken_date
from knowledge_base.understanding import Intent

DAY_INTENTS = frozenset(
    {
        Intent.IN_OFFER,
        Intent.DISCOUNT,
        Intent.PRICE,
        Intent.OVERVIEW,
        Intent.LIMIT,
        Intent.UNKNOWN,
    }
)
"""Intents whose answer depends on the day: "is it on sale tomorrow?" is about tomorrow."""


ASKED_IS_ON = frozenset({"is", "are", "does", "do"})
"""Present-tense openings: "is the Brie Weekend on (here)?" on Thursday asks about Thursday,
and a "yes" about Saturday would be heard as "yes, now". "Will it be ..." may move."""


class DayMoves(AnswerCore):
    """Moving a turn to the day its question names."""

    def _move_to_day_asked(self, turn: Turn) -> None:
        """Move the turn to the day its question is about, if that is not today."""
        parsed = turn.parsed
        # "Is it still on next Thursday?" asks the dates for that Thursday.
        still_then = parsed.intent is Intent.DATES and parsed.asks_still
        if parsed.when is not None and (parsed.intent in DAY_INTENTS or still_then):
            self._move_to_day(turn, parsed.when)
        elif parsed.intent in DAY_INTENTS:
            self._move_to_rule_set(turn)

    def _move_to_rule_set(self, turn: Turn) -> None:
        """A named rule set not yet in force ("on Grand Sunday"): ask about its first day."""
        named = named_rule_set(turn.parsed.mentions, self._kb)
        if named is None or named[1].start is None:
            return
        parsed = turn.parsed
        if asks_now(parsed.words, parsed.text):
            return
        about_part = not parsed.products + parsed.categories
        if about_part and parsed.words and parsed.words[0] in ASKED_IS_ON:
            return  # the part itself asked about now: "not yet", its days and terms
        local = self._kb.local_time(turn.store_id, turn.at)
        days = (named[1].start.date() - local.date()).days
        if days > 0:
            self._move_to_day(turn, When(days=days))
            if turn.at.replace(tzinfo=None) < named[1].start:
                turn.at = named[1].start.replace(tzinfo=turn.at.tzinfo)
                turn.named_day = turn.at

    def _move_to_day(self, turn: Turn, when: When) -> None:
        """Ask about the day the question named, at the same local clock time or the one named."""
        local = self._kb.local_time(turn.store_id, turn.at)
        if when.month_day is not None:
            days = days_until(local.date(), *when.month_day)
            if days is None:
                return
        elif when.month is not None:
            if when.month == local.month:
                return  # "in September" asked in September: today
            days = days_until(local.date(), when.month, 1)
            if days is None:
                return
        elif when.day_of_month is not None:
            days = days_to_day_of_month(local.date(), when.day_of_month)
            if days is None:
                return
        elif when.days is not None:
            days = when.days
        elif when.weekend:
            days = max(0, 5 - local.weekday())  # Saturday, or today on Saturday or Sunday
        elif when.weekday is not None:
            days = (when.weekday - local.weekday()) % 7
            if days == 0 and when.next_one:
                days = 7
        else:
            days = 0
        moved = local + timedelta(days=days)
        if when.clock is not None:
            # "Is it on Saturday at 7pm?": that time, not the clock time of the question.
            at_clock = moved.replace(hour=when.clock[0], minute=when.clock[1], second=0)
            if days == 0 and at_clock < local:
                return  # "at 10am" asked at 11:00: no day to say it is about, so now
            moved = at_clock
            turn.named_clock = True
        if moved == local:
            return
        turn.at = moved
        turn.named_day = moved
        clock = f" at {moved:%H:%M}" if turn.named_clock else ""
        turn.fact(
            f"the day asked about: {spoken_date(moved, with_year=True)}{clock}"
            f" ({spoken_date(moved, 'zh-CN', with_year=True)})"
        )
