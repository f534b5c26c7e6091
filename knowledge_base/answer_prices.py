"""Answers about prices: one item, a basket, members, from the pricing engine's quote."""

from __future__ import annotations

from knowledge_base import pricing, resolution
from knowledge_base.answer_core import Turn
from knowledge_base.answer_focus import AnswerFocus
from knowledge_base.answering import ABOUT_TOGETHER, Answer, AnswerSource
from knowledge_base.bare_questions import asks_bare_price
from knowledge_base.coming_offers import spend_and_save
from knowledge_base.left_out_offers import asks_receipt, only_basket_offers, priced_left_out
from knowledge_base.measures import said_measure, without_unit_label
from knowledge_base.models import Promotion
from knowledge_base.offer_audience import members_only
from knowledge_base.phrasing import (
    conditions,
    join,
    rule_phrases,
    the_title,
    title,
)
from knowledge_base.pricing import Basket
from knowledge_base.question_forms import asks_past
from knowledge_base.quotes import QuoteStep
from knowledge_base.resolution import Phase
from knowledge_base.speech import money, spoken_date
from knowledge_base.spend_short import running_threshold, short_of_spend


class PriceAnswers(AnswerFocus):
    """Prices and basket totals, with the quote lines as facts."""

    def _price(self, turn: Turn) -> Answer | None:
        parsed, kb, zh = turn.parsed, self._kb, turn.zh
        if not parsed.products:
            if asks_bare_price(parsed):
                # "How much is it?" with nothing said before: the offers' terms are no price.
                turn.named_store = False  # a question back names no store
                return self._done(
                    turn,
                    ["您问的是哪件商品？" if zh else "Which item do you mean?"],
                    AnswerSource.CLARIFY,
                )
            return self._in_offer(turn)
        if parsed.promotions:
            # A promotion named decides: priced now only while it covers the item.
            named = kb.promotions[parsed.promotions[0]]
            item, _ = self._item_terms(turn, named, parsed.products[0])
            covers = parsed.products[0] in kb.scope_skus(named) and self._at_store(turn, named)
            if covers and item.phase is Phase.UPCOMING and turn.named_day is None:
                # A price in an offer not yet on is the price on its first day, said as such.
                turn.at = turn.named_day = item.starts
                turn.fact(
                    f"the day asked about: {spoken_date(item.starts, with_year=True)}"
                    f" ({spoken_date(item.starts, 'zh-CN', with_year=True)})"
                )
                item, _ = self._item_terms(turn, named, parsed.products[0])
            if not covers or item.phase is not Phase.RUNNING:
                return self._in_offer(turn)
            turn.about(named)
        elif self._ended_offer_asked(turn):
            return self._in_offer(turn)  # "How much was the X?": its price in the ended offer
        basket = Basket.of([(sku, parsed.quantities.get(sku, 1)) for sku in parsed.products])
        quote = pricing.quote(
            kb, basket=basket, store_id=turn.store_id, at=turn.at, member=parsed.member
        )
        currency = self._currency(turn)
        lang = "zh-CN" if zh else "en"
        for line in basket.lines:
            self._product_fact(turn, kb.products[line.sku])
        self._quote_facts(turn, quote)
        used = [kb.promotions[p] for p in quote.promotion_ids]
        single = len(basket.lines) == 1 and basket.lines[0].quantity == 1
        left = None
        if single and not zh and only_basket_offers(used):
            # Only a spend threshold prices it: the item's own discount leaves it out here.
            left = priced_left_out(
                kb, parsed.products[0], turn.store_id, lambda p: self._timing(turn, p)
            )
        if left is not None:
            asked = left.promotion.id in parsed.promotions
            self._promotion_facts(
                turn, left.promotion, subject=asked or not asks_receipt(parsed.words)
            )
            if left.ended is None:
                excluded = turn.store_id if left.store else parsed.products[0]
                turn.fact(f"{left.promotion.id} excludes {'store ' * left.store}{excluded}")
        for promotion in used:
            self._promotion_facts(turn, promotion)
        total = money(quote.total, currency, lang)
        listed = money(quote.list_total, currency, lang)
        items = join([self._counted(turn, line.sku, line.quantity) for line in basket.lines], zh)
        if not used:
            return self._done(turn, self._no_discount(turn, basket, single, items, total))
        sentences: list[str] = []
        # A basket priced by several offers names them all: the answer is about each.
        offers = join([title(p, zh) for p in used], zh) if len(used) > 1 else ""
        if zh:
            who = "会员" if parsed.member else ""
            subject = self._item(turn, parsed.products[0]) if single else items
            with_offers = f"（{offers}）" if offers else ""
            sentences.append(
                f"{who}买{subject}{'要' if single else '共'}{total}{with_offers}，原价{listed}"
            )
        else:
            who = "For a member, " if parsed.member else ""
            with_offers = f" with {offers}" if offers else ""
            own = [p for p in used if not spend_and_save(p)]
            if left is not None:
                # "... at the fitting studio?": the shelf price, why, then the spend threshold.
                why = left.reason(self._store_name(turn), turn.at)
                basket_off = join([the_title(p, zh) for p in used], zh)
                sentences.append(
                    f"{who}the {self._item(turn, parsed.products[0])} is {listed}: {why};"
                    f" with {basket_off}, it comes to {total}"
                )
            elif single and own != used and own:
                # An item's price is what its own offers make it; a spend threshold it reaches
                # alone comes off the receipt after: "16000 ...; with the Spend and Save, 15400".
                unit = money(quote.lines[0].total, currency, lang)
                names = join([title(p, zh) for p in own], zh)
                basket_off = join([the_title(p, zh) for p in used if p not in own], zh)
                sentences.append(
                    f"{who}the {self._item(turn, parsed.products[0])} is {unit} with {names},"
                    f" down from {listed}; with {basket_off} too, it comes to {total}"
                )
            elif single:
                sentences.append(
                    f"{who}the {self._item(turn, parsed.products[0])} is {total}{with_offers},"
                    f" down from {listed}"
                )
            else:
                sentences.append(f"{who}{items} come to {total}{with_offers}, down from {listed}")
        short, short_of = self._short_of_threshold(turn, quote, used)
        if short and sentences:
            sentences[0] += short
        about = [*used, short_of] if short_of is not None else used
        limits = [step for step in quote.steps if _is_limit(step) and step.promotion_id]
        if not parsed.member:
            member_quote = pricing.quote(
                kb, basket=basket, store_id=turn.store_id, at=turn.at, member=True
            )
            # Never a member price above everyone's: the 25 percent that takes an item under
            # a spend threshold's tier is no price a member pays (the card is their choice).
            if member_quote.total < quote.total:
                self._quote_facts(turn, member_quote)
                member_total = money(member_quote.total, currency, lang)
                # One second sentence: the limits the basket goes over, then the member price.
                second = [
                    *self._limit_notes(turn, limits),
                    f"会员{member_total}" if zh else f"members pay {member_total}",
                ]
                sentences.append(("；" if zh else "; ").join(second))
                return self._priced(turn, sentences, about)
        summaries = []
        for promotion in used:
            covered = [s for s in parsed.products if s in kb.scope_skus(promotion)]
            rules = self._item_terms(turn, promotion, covered[0])[1] if covered else None
            phrases = [
                p
                for p in rule_phrases(promotion, currency, zh, rules)
                if parsed.member or "member" not in p
            ]
            summaries.append(
                f"{title(promotion, zh)}：{conditions(phrases, zh)}"
                if zh
                else f"{promotion.title.en}: {conditions(phrases, zh)}"
            )
        sentences.append("；".join(summaries) if zh else "; ".join(summaries))
        return self._priced(turn, sentences, about)

    def _ended_offer_asked(self, turn: Turn) -> bool:
        """An item's price asked in the past tense, when no offer has it and one ended.

        "How much was the Mama bouquet in the Mother's Day offer?" names the offer only in
        part: the offer that ended at this store, the item's last, is the one asked about
        (named for the answer). Never while an offer has the item, nor of a day named.
        """
        parsed = turn.parsed
        if len(parsed.products) != 1 or turn.named_day is not None:
            return False
        if not asks_past(parsed.words) or any(q > 1 for q in parsed.quantities.values()):
            return False
        sku = parsed.products[0]
        if resolution.resolve(self._kb, store_id=turn.store_id, at=turn.at, item=sku):
            return False
        ended = next((p for p, at in self._focus(turn) if at.phase is Phase.ENDED), None)
        if ended is None:
            return False
        parsed.promotions.append(ended.id)
        return True

    def _counted(self, turn: Turn, sku: str, quantity: int) -> str:
        """``2 Aero X 200``, ``4 kilograms of the Atlantic Salmon Fillet`` (sold by weight)."""
        item, unit = self._item(turn, sku), self._kb.products[sku].sold_by
        if unit is None:
            return f"{quantity}{'件' if turn.zh else ' '}{item}"
        item = without_unit_label(item, unit, turn.zh)
        said = said_measure(quantity, unit, turn.zh)
        return f"{said}{item}" if turn.zh else f"{said} of the {item}"

    def _priced(self, turn: Turn, sentences: list[str], used: list[Promotion]) -> Answer:
        answer = self._done(turn, sentences)
        named = [self._kb.promotions[p] for p in turn.parsed.promotions[:1]]
        about = [*(p for p in named if p.id in answer.promotion_ids and p not in used), *used]
        if len(about) > 1:
            answer.detail[ABOUT_TOGETHER] = [p.id for p in about]
        return answer

    def _short_of_threshold(
        self, turn: Turn, quote: pricing.Quote, used: list[Promotion]
    ) -> tuple[str, Promotion | None]:
        """``, less than the 300000 pesos to spend for the X``: a threshold not reached.

        "Esmeralda on Saturday with the spend and save, total?": its own sale prices it under
        the threshold asked about, which takes nothing off; that is said with the price. A
        total asked with none named ("pixa 100 and a 128 gig card total") says the same of
        a spend threshold running on its items: the receipt's next saving.
        """
        if turn.zh or not used:
            return "", None
        threshold = self._threshold_asked(turn)
        if threshold is None:
            return "", None
        short = short_of_spend(threshold, quote, self._kb.scope_skus(threshold), used)
        if short is None:
            return "", None
        self._promotion_facts(turn, threshold)
        spend = money(short, self._currency(turn))
        return f", less than the {spend} to spend for {the_title(threshold, False)}", threshold

    def _threshold_asked(self, turn: Turn) -> Promotion | None:
        """The spend threshold a price question asks about: named, or running on a total."""
        parsed = turn.parsed
        if parsed.promotions:
            named = self._kb.promotions[parsed.promotions[0]]
            return named if spend_and_save(named) else None
        if not asks_receipt(parsed.words):
            return None
        return running_threshold(self._kb, parsed.products, turn.store_id, turn.at)

    def _limit_notes(self, turn: Turn, steps: list[QuoteStep]) -> list[str]:
        """Each limit the basket goes over: ``Autumn Glow: limit 3 products per customer, ...``."""
        if not turn.zh:
            return [step.description for step in steps]
        notes = []
        for step in steps:
            promotion = self._kb.promotions[step.promotion_id or ""]
            if promotion.limit is not None:
                count, unit = promotion.limit.per_customer, promotion.limit.unit.best("zh-CN")
                notes.append(f"{title(promotion, True)}每位顾客限{count}{unit}，其余按原价")
        return notes

    def _no_discount(
        self, turn: Turn, basket: Basket, single: bool, items: str, total: str
    ) -> list[str]:
        """A basket no promotion reduces: its price, and any offer it could still qualify for."""
        zh = turn.zh
        what = self._item(turn, basket.lines[0].sku) if single else items
        if zh:
            first = f"{what}是{total}" if single else f"{what}共{total}"
        else:
            first = f"the {what} is {total}" if single else f"{what} come to {total}"
        running = {
            applied.promotion.id: applied.promotion
            for line in basket.lines
            for applied in resolution.resolve(
                self._kb, store_id=turn.store_id, at=turn.at, item=line.sku
            )
        }
        if not running:
            return [first, "目前没有优惠" if zh else "There is no offer on it right now"]
        if turn.parsed.member:
            # "member price krempita on monday" after the members' days: nothing prices it
            # lower for a member, and an offer it could join (a spend threshold) is no
            # member price; naming it would answer about another offer than asked.
            when = "then" if turn.named_day is not None else "right now"
            return [first, "会员没有优惠价" if zh else f"There is no member price on it {when}"]
        # A members' extra is no offer on a plain price: an offer for everyone (a basket one,
        # "3 for 2") is the one the item is in; a members' extra alone is a note after the
        # price everyone pays, not what the answer is about.
        everyone = [p for p in running.values() if turn.parsed.member or not members_only(p)]
        promotion = (everyone or list(running.values()))[0]
        # A spend threshold the basket does not reach is a note after its price too.
        subject = bool(everyone) and not spend_and_save(promotion)
        self._promotion_facts(turn, promotion, subject=subject)
        # The terms that price the item asked about ("members get 8 off" on the salmon),
        # never the promotion's own where a rule set of its own prices that item.
        covered = [line.sku for line in basket.lines if line.sku in self._kb.scope_skus(promotion)]
        rules = self._item_terms(turn, promotion, covered[0])[1] if covered else None
        phrases = conditions(rule_phrases(promotion, self._currency(turn), zh, rules), zh)
        return [
            first,
            f"{title(promotion, zh)}：{phrases}" if zh else f"{promotion.title.en}: {phrases}",
        ]


def _is_limit(step: QuoteStep) -> bool:
    """The quote step that says a per-customer limit left units at the regular price."""
    return step.discount == 0 and ": limit " in step.description
