"""An item beside a spend threshold: what one costs on its own, and whether it reaches it.

:class:`SpendItemParts` adds to an answer about an item and a spend threshold (the answer
names the threshold's terms) what the item itself comes to: its shelf price when nothing
lowers it, the price it reaches the threshold with alone, or the price its own offers give
it when that falls short of the threshold. It also answers "is X on offer?" of an item that
only a spend threshold (or a members' extra) has now, when an offer of its own is coming.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from knowledge_base.answer_core import Turn
from knowledge_base.answer_sentences import AnswerSentences
from knowledge_base.answering import Answer
from knowledge_base.coming_offers import coming_own_offer, spend_and_save
from knowledge_base.left_out_offers import only_basket_offers
from knowledge_base.models import Promotion, Rule
from knowledge_base.phrasing import join, the_title
from knowledge_base.quotes import Quote
from knowledge_base.resolution import Phase, PromotionTiming
from knowledge_base.speech import money
from knowledge_base.spend_short import short_of_spend
from knowledge_base.understanding import Intent

SOON = timedelta(days=7)
"""How soon an item's own offer starts for "is it on offer?" to be answered "not yet"."""
ANY_OFFER_WORDS = frozenset(("any", "promotion", "promotions"))
"""Words that ask about any offer at all, a spend threshold included ("in any promotion?")."""


class SpendItemParts(AnswerSentences):
    """What one item comes to beside a spend threshold the answer names."""

    def _unreduced_price(self, turn: Turn, sku: str, *, shelf: bool = False) -> str:
        """``sku``'s shelf price at the store then, spoken, when no offer reduces it; else "".

        ``shelf``: also when only a spend threshold takes money off (off the basket, not it).
        """
        quote = self._unit_quote(turn, sku)
        offers = [self._kb.promotions[p] for p in quote.promotion_ids]
        basket_only = shelf and only_basket_offers(offers)
        if quote.total != quote.list_total and not basket_only:
            return ""  # another offer prices it: the named one's answer stays about that one
        self._quote_facts(turn, quote)
        listed = quote.list_total if basket_only else quote.total
        return money(listed, self._currency(turn), "zh-CN" if turn.zh else "en")

    def _price_alone(self, turn: Turn, sku: str, promotion: Promotion) -> list[str]:
        """``On its own the X is 12 lari``: after a spend threshold, which does not price it.

        Empty unless ``promotion`` is a spend and save and the item's price is not lowered.
        """
        if turn.zh or not spend_and_save(promotion):
            return []
        quote = self._unit_quote(turn, sku)
        if quote.total != quote.list_total:
            return []
        self._quote_facts(turn, quote)
        price = money(quote.total, self._currency(turn))
        return [f"On its own the {self._item(turn, sku)} is {price}"]

    def _reached_alone(
        self, turn: Turn, sentences: list[str], sku: str, promotion: Promotion
    ) -> list[str]:
        """``sentences``, the last ending with what one comes to when it reaches a spend alone.

        Asked with a spend threshold (``promotion``), an item that reaches it alone is
        priced: "; one on its own comes to 7700 Thai baht", or with its own discount that
        stacks on the threshold, "; with the Spring Tee-Off Sale too, it comes to 13520 Thai
        baht": that discount is no less part of its price than the threshold.
        """
        if turn.zh or not spend_and_save(promotion):
            return sentences
        quote = self._unit_quote(turn, sku)
        said = [s for s in sentences if s]
        if not said or quote.total == quote.list_total:
            return sentences
        own = [self._kb.promotions[p] for p in quote.promotion_ids if p != promotion.id]
        short = short_of_spend(promotion, quote, self._kb.scope_skus(promotion), own)
        if promotion.id not in quote.promotion_ids and short is None:
            return sentences
        self._quote_facts(turn, quote)
        for other in own:
            self._promotion_facts(turn, other)
        total = money(quote.total, self._currency(turn))
        listed = money(quote.list_total, self._currency(turn))
        names = join([the_title(p, False) for p in own], False)
        if short is not None:
            # Its own offers price it under the spend: that price, and that it falls short.
            spend = money(short, self._currency(turn))
            said[-1] = (
                f"{said[-1]}; with {names}, one comes to {total}, down from {listed}:"
                f" less than the {spend} to spend"
            )
            return said
        clause = f"with {names} too, it comes to" if own else "one on its own comes to"
        said[-1] = f"{said[-1]}; {clause} {total}, down from {listed}"
        return said

    def _shelf_then_threshold(self, turn: Turn, quote: Quote) -> str:
        """``349000 pesos now; with the Spend and Save, one on its own comes to 319000 pesos``.

        What an item costs now, said after an offer on it ended: when only a spend threshold
        takes money off, its shelf price first, the threshold after (off the receipt, not the
        item); else the quote's total.
        """
        currency = self._currency(turn)
        total = money(quote.total, currency)
        used = [self._kb.promotions[p] for p in quote.promotion_ids]
        if not used or not all(spend_and_save(p) for p in used):
            return f"{total} now"
        for promotion in used:
            self._promotion_facts(turn, promotion, subject=False)
        names = join([the_title(p, False) for p in used], False)
        listed = money(quote.list_total, currency)
        return f"{listed} now; with {names}, one on its own comes to {total}"

    def _own_offer_coming(
        self,
        turn: Turn,
        sku: str,
        relevant: Sequence[tuple[Promotion, PromotionTiming]],
        rules: Mapping[str, Sequence[Rule]],
    ) -> Answer | None:
        """Answer "is the candle on offer?": only a spend threshold has it, its own offer comes.

        The threshold takes nothing off the item itself: not yet, the discount and the day
        it starts, then the price until then and the threshold it counts towards. None
        unless every offer running on it is a spend threshold and an offer of its own, not
        yet running anywhere, starts within :data:`SOON`; nor when the question asks about
        any offer at all.
        """
        parsed = turn.parsed
        if turn.zh or parsed.member or parsed.asks_still:
            return None
        if parsed.intent not in (Intent.DISCOUNT, Intent.IN_OFFER):
            return None
        running = [p for p, placed in relevant if placed.phase is Phase.RUNNING]
        if not running or not all(spend_and_save(p) for p in running):
            return None
        if ANY_OFFER_WORDS & set(parsed.words):
            return None  # "is it in any promotion?": the spend threshold is one
        coming = coming_own_offer(list(relevant))
        if coming is None:
            return None
        placed = next(t for p, t in relevant if p.id == coming.id)  # when it joins
        if placed.starts - turn.at > SOON:
            return None  # weeks away: what runs now is the answer, not that
        if self._timing(turn, coming).phase is not Phase.UPCOMING:
            return None  # joining an offer that runs already: its own answer says so
        self._promotion_facts(turn, coming)
        subject = f"the {self._item(turn, sku)}"
        not_yet = self._not_yet(turn, subject, coming, placed, rules=rules[coming.id])
        for promotion in running:
            self._promotion_facts(turn, promotion, subject=False)
        price = self._unreduced_price(turn, sku, shelf=True)
        names = join([the_title(p, False) for p in running], False)
        now = f"until then it is {price}, and it counts towards {names}" if price else ""
        not_yet[-1] = "; ".join(x for x in (not_yet[-1], now) if x)
        return self._done(turn, not_yet)
