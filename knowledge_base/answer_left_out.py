"""An item whose own discount leaves it out where only a spend threshold covers it.

"Is the Byeol driver on sale at Gangnam?" when the Spring Tee-Off Sale leaves the Gangnam
store out and only the Pro Shop Spend and Save runs there: no, and why, its shelf price,
then the spend threshold it still counts in (:mod:`knowledge_base.left_out_offers`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from knowledge_base.answer_core import Turn
from knowledge_base.answer_item_parts import ItemAnswerParts
from knowledge_base.answering import Answer
from knowledge_base.left_out_offers import leaving_out, only_basket_offers
from knowledge_base.models import Product, Promotion, Rule
from knowledge_base.phrasing import the_title
from knowledge_base.resolution import PromotionTiming
from knowledge_base.speech import money


class LeftOutAnswers(ItemAnswerParts):
    """The item's own discount that does not apply, said before a spend threshold."""

    def _left_out_first(
        self,
        turn: Turn,
        product: Product,
        running: list[tuple[Promotion, PromotionTiming]],
        rules: Mapping[str, Sequence[Rule]],
    ) -> Answer | None:
        """Only spend thresholds run on it here, and its own discount leaves it out: say so.

        "Is the Byeol driver on sale at Gangnam?": no, the sale does not run at that store;
        its shelf price; then the spend threshold it still counts in. None otherwise.
        """
        offers = [p for p, _ in running]
        if turn.zh or turn.parsed.asks_still or not only_basket_offers(offers):
            return None
        sku = product.sku
        left = leaving_out(self._kb, sku, turn.store_id, lambda p: self._timing(turn, p))
        if left is None:
            return None
        offer, store_left_out = left
        self._promotion_facts(turn, offer)
        price = money(product.list_price[self._currency(turn).code], self._currency(turn))
        name, item = the_title(offer, False), self._item(turn, sku)
        if store_left_out:
            turn.fact(f"{offer.id} excludes store {turn.store_id}")
            first = (
                f"No, the {item} is not discounted at {self._store_name(turn)}:"
                f" {name} does not run there, so it is {price}"
            )
        else:
            first = f"No, the {item} is not in {name}: it is excluded, so it is {price}"
        sentences = [first]
        for other, _ in running[:1]:
            self._promotion_facts(turn, other)
            also, _rest = self._headline(turn, "it", other, rules=rules[other.id])
            sentences.append(f"But {also}")  # two sentences: its window is not the news
        return self._done(turn, sentences)
