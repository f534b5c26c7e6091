"""How many units one customer gets at the offer price: the limit of the offer asked about.

:class:`LimitAnswers` answers "how many can one customer buy?" from the named offer, the
one in force with a limit (or counting in the unit said: "how many packs"), or, when
several fit, each one's limit in one sentence.
"""

from __future__ import annotations

from knowledge_base.answer_core import Turn
from knowledge_base.answer_sentences import AnswerSentences
from knowledge_base.answering import Answer
from knowledge_base.faq_terms import asks_why
from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.models import Promotion
from knowledge_base.phrasing import per_customer, the_title, title, unit_for
from knowledge_base.resolution import PromotionTiming
from knowledge_base.words import tokens


class LimitAnswers(AnswerSentences):
    """Per-customer limits."""

    def _limit_units_said(self, turn: Turn) -> set[str | None]:
        """Units of the offers on at the store that the question counts in ("how many packs")."""
        said = {w.removesuffix("s") for w in turn.parsed.words if w not in _PLAIN_UNITS}
        return {_unit(p) for p, _ in self._running_at_store(turn)} & said

    def _limit_reason(self, turn: Turn) -> Answer | None:
        """Why an offer limits what one customer gets: its FAQ asking why, about the limit.

        "Why is there a limit on cold tablets?" is "Why can a customer only buy two packs?".
        """
        focus = self._in_force(turn, lambda p: p.limit is not None)
        if isinstance(focus, Answer) or turn.zh:
            return None
        # An item or category asked about may be in offers without a limit too: the one with.
        limited = [p for p, _ in focus if p.limit is not None]
        if not limited:
            return None
        promotion = limited[0]
        for faq in promotion.faqs:
            asked = {word.removesuffix("s") for word in tokens(faq.question.en)}
            if asks_why(faq.question.en) and asked & (_LIMIT_WORDS | {_unit(promotion)}):
                turn.fact(faq.question.en, faq.question.zh_cn)
                self._promotion_facts(turn, promotion)
                return self._done(turn, [self._text(turn, faq.answer)])
        return None

    def _limit(self, turn: Turn) -> Answer | None:
        """How many units one customer gets at the offer price (or why there is a limit)."""
        if asks_why(turn.parsed.text) and (reason := self._limit_reason(turn)):
            return reason
        zh = turn.zh
        # "How many packs ...?": the limit counted in packs, when another counts items.
        units = self._limit_units_said(turn)
        focus = self._in_force(
            turn, lambda p: _unit(p) in units if units else p.limit is not None, _limit_each
        )
        if isinstance(focus, Answer):
            return focus
        if not focus:
            running = self._running_at_store(turn)
            if not running or turn.parsed.unknown_words:
                # "a limit at the terrain opening?": a word we do not follow may name the
                # offer meant; that none here has a limit is no answer to it.
                return None
            for promotion, _ in running:
                self._promotion_facts(turn, promotion)
            store = self._store_name(turn)
            return self._done(
                turn,
                [
                    f"{store}目前的活动都没有限购"
                    if zh
                    else f"None of the offers on at {store} has a per-customer limit"
                ],
            )
        limited = [(p, placed) for p, placed in focus if p.limit is not None]
        if not limited:
            promotion = focus[0][0]
            self._promotion_facts(turn, promotion)
            if zh:
                return self._done(turn, [f"{title(promotion, zh)}没有限购"])
            return self._done(
                turn, [f"There is no limit per customer in {the_title(promotion, zh)}"]
            )
        promotion, _ = limited[0]
        self._promotion_facts(turn, promotion)
        limit = promotion.limit
        if limit is None:  # filtered above; for the type checker
            return None
        if zh:
            unit = limit.unit.best("zh-CN")
            return self._done(
                turn,
                [f"{title(promotion, zh)}每位顾客限{limit.per_customer}{unit}，超出部分按原价"],
            )
        return self._done(
            turn,
            [
                f"In {the_title(promotion, zh)}, each customer gets up to"
                f" {limit.per_customer} {unit_for(limit.per_customer, limit.unit.en)} at the"
                " offer price",
                "Any more are at the regular price",
            ],
        )


_PLAIN_UNITS = GENERIC_WORDS | {"product", "products", "unit", "units", "item", "items"}
"""Units every limit may count in: they pick no promotion."""


_LIMIT_WORDS = frozenset({"limit", "limited", "only", "maximum"})
"""Words of an FAQ's question asking why there is a limit ("Why only two packs?")."""


def _unit(promotion: Promotion) -> str | None:
    """The singular English unit a promotion's limit counts in, if it has a limit."""
    return promotion.limit.unit.en.lower().removesuffix("s") if promotion.limit else None


def _limit_each(turn: Turn, promotion: Promotion, placed: PromotionTiming) -> str:
    """One of several offers' per-customer limit."""
    if promotion.limit is None:
        return "不限购" if turn.zh else "no limit"
    return per_customer(promotion.limit, turn.zh)
