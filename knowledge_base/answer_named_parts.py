"""Answers about a part of an offer named by its own name ("the Brie Weekend").

A part with its own days and rules: asked before it starts, its first day, last day and
terms; asked while it runs, its own end rather than the offer's.
"""

from __future__ import annotations

from datetime import timedelta

from knowledge_base.answer_core import AnswerCore, Turn
from knowledge_base.answering import Answer
from knowledge_base.models import Promotion, RuleSet
from knowledge_base.phrasing import (
    conditions,
    ends_phrase,
    join,
    rule_phrases,
    starts_phrase,
    the_title,
    title,
)
from knowledge_base.promotion_names import named_rule_set
from knowledge_base.resolution import PromotionTiming
from knowledge_base.speech import spoken_date


class NamedPartAnswers(AnswerCore):
    """The days and terms of a named part of an offer."""

    def _named_part_later(
        self,
        turn: Turn,
        promotion: Promotion,
        part: RuleSet,
        placed: PromotionTiming,
        *,
        not_yet: bool = False,
    ) -> Answer | None:
        """A named part of the offer still to come ("When does X Week start?"): its day, its terms.

        ``not_yet`` opens with "Not yet:" (asked whether it is on). ``None`` when the part is
        already on and has no end of its own.
        """
        now = placed.local_now
        naive_now = now.replace(tzinfo=None)
        if part.start is None or part.start <= naive_now:
            return self._named_part_running(turn, promotion, part, placed)
        starts = part.start.replace(tzinfo=now.tzinfo)
        zh = turn.zh
        label = part.name.best("zh-CN") if zh and part.name else (part.name.en if part.name else "")
        terms = conditions(rule_phrases(promotion, self._currency(turn), zh, part.rules), zh)
        turn.fact(f"{promotion.title.en}, {label} from {starts:%Y-%m-%d %H:%M}: {terms}")
        products = [self._kb.products[s] for s in part.scope.skus if s in self._kb.products]
        for product in products:  # named below: their names are facts ("Karoo AT 265/65R17")
            self._product_fact(turn, product)
        said = ("、" if zh else " and ").join(
            p.name.best("zh-CN") if zh else p.name.en for p in products
        )
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        start = starts_phrase(starts, now, zh)
        when = "From then"
        if part.end is not None:
            # Its own last day too: "when does it end" must not be answered with the start.
            ends = part.end.replace(tzinfo=now.tzinfo)
            phrase = ends_phrase(ends, now, zh)
            turn.fact(f"{promotion.title.en}, {label} {phrase}")
            whole_day = ends - starts == timedelta(days=1)  # ``ends`` is exclusive
            if whole_day and (starts.hour, starts.minute) == (0, 0):
                # One whole day: "is on Wednesday 27 October", not "starts ... and ends on" it.
                day = spoken_date(starts, "zh-CN" if zh else "en")
                start, when = (f"在{day}" if zh else f"is on {day}"), "That day"
            else:
                start += f"，{phrase}" if zh else f" and {phrase}"
        if zh:
            opening = f"还没有，{name}的{label}{start}" if not_yet else f"{name}的{label}{start}"
            return self._done(turn, [opening, f"{said}{terms}".strip()])
        categories = [
            self._kb.categories[c] for c in part.scope.categories if c in self._kb.categories
        ]
        if said:
            then = f"{when}, the {said} {'are' if len(products) > 1 else 'is'} {terms}"
        elif categories:  # "That day, silver jewellery is 25 percent off."
            named = join([c.name.en for c in categories], zh)
            plural = len(categories) > 1 or named.endswith("s")
            then = f"{when}, {named} {'are' if plural else 'is'} {terms}"
        else:
            then = f"{when}, {terms}"
        opening = (
            f"Not yet: the {label} in {name} {start}" if not_yet else f"{label} in {name} {start}"
        )
        return self._done(turn, [opening, then])

    def _named_part_running(
        self, turn: Turn, promotion: Promotion, part: RuleSet, placed: PromotionTiming
    ) -> Answer | None:
        """A named part of the offer on now with its own end: that end, not the offer's."""
        now = placed.local_now
        if part.end is None or part.end <= now.replace(tzinfo=None):
            return None
        ends = part.end.replace(tzinfo=now.tzinfo)
        zh = turn.zh
        label = part.name.best("zh-CN") if zh and part.name else (part.name.en if part.name else "")
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        phrase = ends_phrase(ends, now, zh)
        turn.fact(f"{promotion.title.en}, {label} {phrase}")
        return self._done(
            turn, [f"{name}的{label}{phrase}" if zh else f"{label} in {name} {phrase}"]
        )

    def _part_not_yet(
        self, turn: Turn, promotion: Promotion, placed: PromotionTiming
    ) -> Answer | None:
        """Asked if a named part is on yet before it starts: not yet, its days and terms."""
        named = named_rule_set(turn.parsed.mentions, self._kb)
        if named is None or named[0].id != promotion.id or turn.parsed.products:
            return None
        part = named[1]
        if part.start is None or part.start <= placed.local_now.replace(tzinfo=None):
            return None
        return self._named_part_later(turn, promotion, part, placed, not_yet=True)
