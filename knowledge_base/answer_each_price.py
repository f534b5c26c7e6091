"""A price asked of a word several products share ("How much is the kids bike?").

When only a few products fit, each one's price is said in one sentence (with the offer
that prices it) instead of asking which one is meant; more than that, the question back.
"""

from __future__ import annotations

from knowledge_base import resolution
from knowledge_base.answer_core import Turn
from knowledge_base.answer_focus import MAX_EACH_PARTS, AnswerFocus
from knowledge_base.answering import Answer
from knowledge_base.coming_offers import spend_and_save
from knowledge_base.phrasing import conditions, join, rule_phrases, the_title, title
from knowledge_base.promotion_names import said_as_price
from knowledge_base.speech import money


class EachPriceAnswers(AnswerFocus):
    """Each of a few products' prices, said together."""

    def _each_price(self, turn: Turn, skus: list[str]) -> Answer | None:
        """Each product's price at the store now, or ``None`` when too many fit to list."""
        skus = [s for s in dict.fromkeys(skus) if s in self._kb.products]
        if not 1 < len(skus) <= MAX_EACH_PARTS:
            return None
        kb, zh, member = self._kb, turn.zh, turn.parsed.member
        currency = self._currency(turn)
        lang = "zh-CN" if zh else "en"
        said: list[str] = []
        used: dict[str, None] = {}
        for sku in skus:
            product = kb.products[sku]
            if product.list_price.get(currency.code) is None:
                return None  # not sold in this currency: no list of prices to say
            quote = self._unit_quote(turn, sku, member)
            self._product_fact(turn, product)
            self._quote_facts(turn, quote)
            # Its own offers price it; a spend threshold it reaches alone is said as on, after.
            own = [p for p in quote.promotion_ids if not spend_and_save(kb.promotions[p])]
            used.update(dict.fromkeys(own or quote.promotion_ids))
            name = product.name.best(lang)
            unit = quote.lines[0].total if own else quote.total
            price = money(unit, currency, lang)
            if unit != quote.list_total:
                listed = money(quote.list_total, currency, lang)
                price += f"（原价{listed}）" if zh else f", down from {listed}"
            # "：" keeps a name that ends in a number off the price ("SPF50：12.95澳元", never
            # "SPF5012.95澳元").
            said.append(f"{name}：{price}" if zh else f"the {name} is {price}")
        for promotion_id in used:
            self._promotion_facts(turn, kb.promotions[promotion_id])
        offers = [kb.promotions[p] for p in used]
        first = ("；" if zh else "; ").join(said)
        who = ("会员价：" if zh else "For a member, ") if member else ""
        sentences = [f"{who}{first}"]
        if offers:
            names = join([title(p, zh) if zh else the_title(p, zh) for p in offers], zh)
            sentences.append(f"以上为{names}的价格" if zh else f"That is with {names}")
        running = [p for p, _ in self._running_at_store(turn)]
        # "cushion price" of two cushions may say the "cushion deal": that offer first.
        running.sort(key=lambda p: not said_as_price(p, turn.parsed.words))
        for promotion in running:
            # An offer on these items that one alone does not reduce ("the second one half
            # price"): the clerk hears it is on, with its terms.
            if promotion.id in used:
                continue
            # Only the rules in force for these items now: a part that starts later is not on.
            placements = [
                resolution.rule_set_at(
                    kb, promotion=promotion, sku=s, store_id=turn.store_id, at=turn.at
                )
                for s in skus
            ]
            in_force = [p for p in placements if p is not None]
            if not in_force:
                continue
            self._promotion_facts(turn, promotion)
            rules = in_force[0].rule_set.rules
            terms = conditions(rule_phrases(promotion, currency, zh, rules), zh)
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            sentences.append(f"{name}正在进行：{terms}" if zh else f"{name} is on: {terms}")
            break
        return self._done(turn, sentences)
