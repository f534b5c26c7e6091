"""Whether two offers combine on a basket of items named: yes or no, then the basket priced.

"Member buys a reform and a choc torte, club days and the spend and save both?" asks
whether the two offers combine and what the member pays for those items with them: the
stacking answer says the first, the pricing engine's quote of the basket (every offer that
applies, in its order) the second.
"""

from __future__ import annotations

from knowledge_base.answer_core import Turn
from knowledge_base.answer_prices import PriceAnswers
from knowledge_base.answer_stacking import StackingAnswers
from knowledge_base.answering import Answer, AnswerSource


class StackedBasketAnswers(PriceAnswers, StackingAnswers):
    """Stacking asked of several items named: whether the offers combine, and the total."""

    def _stacked_basket(self, turn: Turn) -> Answer | None:
        parsed = turn.parsed
        if not (parsed.asks_stacking and len(parsed.products) > 1 and len(parsed.promotions) > 1):
            return None
        combine = self._stacking(turn)
        if combine is None or combine.source is not AnswerSource.GROUNDED:
            return combine
        priced = self._price(turn)
        if priced is None or priced.source is not AnswerSource.GROUNDED:
            return combine
        return Answer(
            text=("" if turn.zh else " ").join([combine.text, priced.text]),
            source=AnswerSource.GROUNDED,
            promotion_ids=priced.promotion_ids,
            facts=priced.facts,
            detail={**priced.detail, **combine.detail},
        )
