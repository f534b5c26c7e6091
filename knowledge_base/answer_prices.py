"""Answers about prices: one item, a basket, members, from the pricing engine's quote."""

from __future__ import annotations

from knowledge_base.answer_core import (
    AnswerCore,
    Turn,
)
from knowledge_base.answering import Answer
from knowledge_base.phrasing import (
    conditions,
    join,
    rule_phrases,
    title,
)
from knowledge_base.pricing import Basket, Quote
from knowledge_base.speech import money


class PriceAnswers(AnswerCore):
    """Prices and basket totals, with the quote lines as facts."""

    def _price(self, turn: Turn) -> Answer | None:
        parsed, kb, zh = turn.parsed, self._kb, turn.zh
        if not parsed.products:
            return self._in_offer(turn)
        basket = Basket.of([(sku, parsed.quantities.get(sku, 1)) for sku in parsed.products])
        quote = kb.quote(basket, turn.store_id, turn.at, parsed.member)
        currency = self._currency(turn)
        lang = "zh-CN" if zh else "en"
        for line in basket.lines:
            self._product_fact(turn, kb.products[line.sku])
        self._quote_facts(turn, quote)
        used = [kb.promotions[p] for p in quote.promotion_ids]
        for promotion in used:
            self._promotion_facts(turn, promotion)
        total = money(quote.total, currency, lang)
        listed = money(quote.list_total, currency, lang)
        single = len(basket.lines) == 1 and basket.lines[0].quantity == 1
        items = join(
            [f"{line.quantity}{'件' if zh else ' '}{line.sku}" for line in basket.lines], zh
        )
        if not used:
            return self._done(turn, self._no_discount(turn, basket, single, items, total))
        sentences: list[str] = []
        if zh:
            who = "会员" if parsed.member else ""
            subject = parsed.products[0] if single else items
            sentences.append(f"{who}买{subject}{'要' if single else '共'}{total}，原价{listed}")
        else:
            who = "For a member, " if parsed.member else ""
            if single:
                sentences.append(f"{who}the {parsed.products[0]} is {total}, down from {listed}")
            else:
                sentences.append(f"{who}{items} come to {total}, down from {listed}")
        if not parsed.member:
            member_quote = kb.quote(basket, turn.store_id, turn.at, True)
            if member_quote.total != quote.total:
                self._quote_facts(turn, member_quote)
                member_total = money(member_quote.total, currency, lang)
                sentences.append(f"会员{member_total}" if zh else f"Members pay {member_total}")
                return self._done(turn, sentences)
        summaries = []
        for promotion in used:
            phrases = [
                p
                for p in rule_phrases(promotion, currency, zh)
                if parsed.member or "member" not in p
            ]
            summaries.append(
                f"{title(promotion, zh)}：{conditions(phrases, zh)}"
                if zh
                else f"{promotion.title.en}: {conditions(phrases, zh)}"
            )
        sentences.append("；".join(summaries) if zh else "; ".join(summaries))
        return self._done(turn, sentences)

    def _no_discount(
        self, turn: Turn, basket: Basket, single: bool, items: str, total: str
    ) -> list[str]:
        """A basket no promotion reduces: its price, and any offer it could still qualify for."""
        zh = turn.zh
        what = basket.lines[0].sku if single else items
        if zh:
            first = f"{what}是{total}" if single else f"{what}共{total}"
        else:
            first = f"the {what} is {total}" if single else f"{what} come to {total}"
        running = {
            applied.promotion.id: applied.promotion
            for line in basket.lines
            for applied in self._kb.resolve(turn.store_id, turn.at, line.sku)
        }
        if not running:
            return [first, "目前没有优惠" if zh else "There is no offer on it right now"]
        promotion = next(iter(running.values()))
        self._promotion_facts(turn, promotion)
        phrases = conditions(rule_phrases(promotion, self._currency(turn), zh), zh)
        return [
            first,
            f"{title(promotion, zh)}：{phrases}" if zh else f"{promotion.title.en}: {phrases}",
        ]

    def _quote_facts(self, turn: Turn, quote: Quote) -> None:
        currency = self._kb.currencies[quote.currency]
        who = "member" if quote.member else "non-member"
        turn.fact(
            *(step.description for step in quote.steps),
            f"quote for a {who}: "
            + ", ".join(f"{line.quantity} x {line.sku}" for line in quote.lines)
            + f", list {money(quote.list_total, currency)}, total {money(quote.total, currency)}",
        )
