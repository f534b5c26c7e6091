"""Answers to "what changed?" in a promotion's current version.

From the stored previous version when the answerer has it, else from the change notes
written in the promotion file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from knowledge_base.answer_core import Turn
from knowledge_base.answer_faqs import FaqAnswers
from knowledge_base.answering import Answer
from knowledge_base.models import Promotion
from knowledge_base.phrasing import lower_first, the_title, title
from knowledge_base.speech import spoken_date
from knowledge_base.text import LocalizedText
from knowledge_base.words import tokens

MAX_CHANGES_SAID = 3
"""Change sentences spoken at most: every note of a usual revision, not a whole changelog."""

_BEFORE_WORDS = frozenset("before previously originally old older previous earlier".split())
"""Words that ask what an offer was ("was it different before?", "the old version")."""
_VERSION_LABEL = re.compile(r"^(?:first|initial|original) version\s*[:,.-]\s*", re.IGNORECASE)
"""A note's own label ("First version: 4x3 ..."): the sentence around it says which."""


def _asks_before(words: list[str]) -> bool:
    """Asks what the offer was before its current version, not only what changed."""
    said = f" {' '.join(words)} "
    return (
        bool(_BEFORE_WORDS.intersection(words))
        or "used to" in said
        or "use to be" in said
        or any(f" {first} version " in said for first in ("first", "original", "initial"))
    )


class ChangeAnswers(FaqAnswers):
    """What the promotion's current version changed."""

    def _changes(self, turn: Turn) -> Answer | None:
        focus = self._in_force(turn)
        if isinstance(focus, Answer):
            return focus
        if not focus:
            return None
        promotion, _ = focus[0]
        self._promotion_facts(turn, promotion)
        zh = turn.zh
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        change = promotion.changes_for(promotion.version)
        if promotion.version == 1 or change is None:
            if zh:
                return self._done(turn, [f"{name}发布后没有改动，仍是第{promotion.version}版"])
            return self._done(
                turn,
                [
                    f"{name} has not changed since it was published"
                    + self._published(turn, promotion).removeprefix(", published")
                    + "; it is"
                    + (
                        " its first version"
                        if promotion.version == 1
                        else f" version {promotion.version}"
                    )
                ],
            )
        earlier = promotion.changes_for(promotion.version - 1)
        if not zh and earlier is not None and earlier.notes and _asks_before(turn.parsed.words):
            # "was it different before?": what the previous version said, then what changed.
            turn.fact(f"{promotion.title.en} version {promotion.version - 1} change notes")
            was = _VERSION_LABEL.sub("", self._text(turn, earlier.notes[0]))
            now = self._text(turn, self._item_notes_first(turn, change.notes)[0])
            published = self._published(turn, promotion)
            before = f"Before version {promotion.version} of {name}{published}, it was"
            return self._done(turn, [f"{before} {lower_first(was)}", now])
        diffed = (
            None
            if zh or self._change_summaries is None
            else self._change_summaries(promotion, turn.role)
        )
        if diffed is not None and diffed.sentences:
            # The summary compares with the previous version: its numbers rely on that
            # version's facts, which the answer must carry for the fact guard.
            turn.fact(*diffed.facts)
            said = diffed.sentences
            version = f"In version {promotion.version} of {name}{self._published(turn, promotion)}"
            return self._done(turn, [_then(version, said[0]), *said[1:MAX_CHANGES_SAID]])
        turn.fact(f"{promotion.title.en} version {promotion.version} change notes")
        notes = [self._text(turn, note) for note in self._item_notes_first(turn, change.notes)]
        published = self._published(turn, promotion)
        if zh:
            return self._done(
                turn,
                [
                    f"{name}第{promotion.version}版{published}：{notes[0]}",
                    *notes[1:MAX_CHANGES_SAID],
                ],
            )
        version = f"In version {promotion.version} of {name}{published}"
        return self._done(turn, [_then(version, notes[0]), *notes[1:MAX_CHANGES_SAID]])

    def _item_notes_first(self, turn: Turn, notes: Sequence[LocalizedText]) -> list[LocalizedText]:
        """``notes``, those that name the item asked about first ("did the X use to be in it?").

        A note names the item by its name or one of its aliases of two words or more.
        """
        names = [
            " ".join(tokens(name))
            for sku in turn.parsed.products
            for name in (self._kb.products[sku].name.en, *self._kb.products[sku].aliases)
            if len(tokens(name)) > 1
        ]
        if not names:
            return list(notes)

        def names_item(note: LocalizedText) -> bool:
            said = f" {' '.join(tokens(note.best('en')))} "
            return any(f" {name} " in said for name in names)

        return sorted(notes, key=lambda note: not names_item(note))

    def _published(self, turn: Turn, promotion: Promotion) -> str:
        """When the version was published, as ", published on Thursday 3 December" (or "")."""
        published = promotion.published_at
        if published is None:
            return ""
        if isinstance(published, datetime):
            if published.tzinfo is not None:
                published = self._kb.local_time(turn.store_id, published)
        else:
            published = datetime(published.year, published.month, published.day)
        language = "zh-CN" if turn.zh else "en"
        day = spoken_date(published, language)
        turn.fact(f"{promotion.title.en} version {promotion.version} published on {day}")
        return f"（{day}发布）" if turn.zh else f", published on {day}"


def _then(version: str, change: str) -> str:
    """``In version 2 of X, published on <day>`` followed by the first change.

    A colon before a change that opens with a number: after a comma, "published on Monday 9
    December, 2500 shillings off" reads as a date in the year 2500.
    """
    joiner = ": " if change[:1].isdigit() else ", "
    return f"{version}{joiner}{lower_first(change)}"
