"""Questions that state a figure the item does not have yet ("Is the X 25 percent off yet?").

When the item gets the stated discount only from a later part of its offer (a rule set
from a later date), the answer is "not yet", what it is now and the day the stated one
starts: never a "yes" about today's different figure.
"""

from __future__ import annotations

from knowledge_base import resolution
from knowledge_base.answer_core import Turn
from knowledge_base.answer_focus import AnswerFocus
from knowledge_base.answering import Answer
from knowledge_base.phrasing import conditions, rule_phrases, starts_phrase, the_title, title
from knowledge_base.question_forms import stated_percents


class StatedFigureAnswers(AnswerFocus):
    """A discount the question states, checked against the day it holds."""

    def _stated_later(self, turn: Turn) -> Answer | None:
        """Not yet, for a stated percent the named item gets only from a later day."""
        parsed = turn.parsed
        stated = stated_percents(parsed.text)
        if not stated:
            return None
        if len(parsed.products) == 1:
            sku = parsed.products[0]
            skus, said, plural = (
                parsed.products,
                (sku if turn.zh else f"the {self._item(turn, sku)}"),
                False,
            )
        elif not parsed.products and len(parsed.categories) == 1:
            # "Are pajamas 30 percent off yet?": the category's items, said as the category.
            category = self._kb.categories[parsed.categories[0]]
            skus = self._kb.category_skus(category.id)
            said = category.name.best("zh-CN") if turn.zh else category.name.en
            plural = True
        else:
            return None
        for sku in skus:
            answer = self._stated_later_for(turn, sku, stated, said, plural=plural)
            if answer is not None:
                return answer
        return None

    def _stated_later_for(
        self, turn: Turn, sku: str, stated: set[str], said: str, *, plural: bool
    ) -> Answer | None:
        """Not yet, for ``stated`` on ``sku`` (said as ``said``), if a later part gives it."""
        currency = self._currency(turn)
        for promotion, placed in self._running_at_store(turn):
            skus_by_part = self._kb.rule_set_skus(promotion)
            now = placed.local_now
            placement = resolution.rule_set_at(
                self._kb, promotion=promotion, sku=sku, store_id=turn.store_id, at=turn.at
            )
            if placement is None:
                continue
            current = rule_phrases(promotion, currency, turn.zh, placement.rule_set.rules)
            if any(s in phrase for s in stated for phrase in current):
                return None  # it holds today: the usual answer says so
            for part, skus in zip(promotion.all_rule_sets, skus_by_part, strict=True):
                start, _ = part.bounds(promotion.window)
                if sku not in skus or start <= now.replace(tzinfo=None):
                    continue
                later = rule_phrases(promotion, currency, turn.zh, part.rules)
                if not any(s in phrase for s in stated for phrase in later):
                    continue
                starts = start.replace(tzinfo=now.tzinfo)
                self._promotion_facts(turn, promotion)
                turn.fact(
                    f"{promotion.title.en} for {sku} from {starts:%Y-%m-%d %H:%M}:"
                    f" {'; '.join(later)}"
                )
                turn.fact(f"{promotion.title.en} for {sku} now: {'; '.join(current)}")
                when = starts_phrase(starts, now, turn.zh).removeprefix("starts ")
                if turn.zh:
                    return self._done(
                        turn,
                        [
                            f"还没有，{said}目前在{title(promotion, True)}中{current[0]}",
                            f"{when.removesuffix('开始')}起{conditions(later[:1], True)}",
                        ],
                    )
                return self._done(
                    turn,
                    [
                        f"Not yet: {said} {'are' if plural else 'is'} {current[0]}"
                        f" in {the_title(promotion, False)}"
                        " right now",
                        f"{'They are' if plural else 'It is'} {later[0]}"
                        f" {when.replace('on ', 'from ', 1)}",
                    ],
                )
        return None
