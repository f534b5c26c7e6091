"""The ``quiz`` set: a clerk's spoken answers to quiz questions, without a wake phrase."""

from __future__ import annotations

from .manifest import Builder
from .takes import write_clean

QUIZ_ANSWERS: tuple[tuple[str, str, str, bool], ...] = (
    # (name, text, question kind, right for weekend-running version 3 at 25 percent): a
    # clerk's spoken quiz answers, numbers said as words the way clerks say them.
    ("twenty_five_percent", "Twenty five percent.", "discount", True),
    ("twenty_percent", "Twenty percent.", "discount", False),
    ("ax200_limited", "The A X two hundred limited edition.", "exclusions", True),
    ("sunday_twenty_ninth", "Sunday the twenty ninth.", "end_date", True),
)


def build_quiz(builder: Builder) -> None:
    """Write ``quiz/<name>.wav``: short clean Piper answers."""
    for name, text, kind, right in QUIZ_ANSWERS:
        labels = {"question_kind": kind, "right": right}
        write_clean(builder, "quiz", name, text, "quiz_answer", labels=labels)
