"""The sets of ``tests/fixtures/audio/``, by name, in the order a full run builds them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .briefings import build_briefings
from .conversations import build_conversations
from .loop import build_loop
from .manifest import Builder, fresh_folder
from .noise import build_noise
from .odd import build_odd
from .questions import build_questions
from .quiz import build_quiz
from .replies import build_replies
from .sources import SpokenQuestion

BUILDERS: dict[str, Callable[[Builder], None]] = {
    "loop": build_loop,
    "conversations": build_conversations,
    "noise": build_noise,
    "odd": build_odd,
    "replies": build_replies,
    "briefings": build_briefings,
    "quiz": build_quiz,
}
SETS = ("questions", "loop", "conversations", "noise", "odd", "replies", "briefings", "quiz")
"""Every set; ``questions`` speaks the questions file, the others are built from code."""


def build_set(
    set_name: str, out: Path, spoken: list[SpokenQuestion], echo: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Rebuild ``out/<set_name>/`` from scratch; returns the set's manifest entries."""
    builder = Builder(out=out, echo=echo)
    fresh_folder(out / set_name)
    if set_name == "questions":
        build_questions(builder, spoken)
    else:
        BUILDERS[set_name](builder)
    return builder.entries
