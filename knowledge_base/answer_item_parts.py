"""The parts product answers are built from: an item's price now, its offers, why not here.

:class:`ItemAnswerParts` places the promotions that cover an item or a category (with the
rules that price the item in each), says the price one unit costs now, and finds the running
offers an item is excluded from or its store is left out of. It answers a figure asked of an
item that another offer gave: "still 20 percent off?" of an offer that is over, "the 25 percent
on X?" of an offer that leaves X out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from knowledge_base.answer_core import Turn
from knowledge_base.answer_spend_parts import SpendItemParts
from knowledge_base.answering import Answer
from knowledge_base.coming_offers import spend_and_save
from knowledge_base.models import Product, Promotion, Rule
from knowledge_base.offer_audience import gives_members, member_rule, members_only
from knowledge_base.phrasing import is_discount_phrase, join, rule_phrases, the_title, title
from knowledge_base.question_forms import stated_percents
from knowledge_base.resolution import Phase, PromotionTiming
from knowledge_base.speech import money


class ItemAnswerParts(SpendItemParts):
    """Prices and placed offers of one item or category, for the answers about products."""

    def _so_price(self, turn: Turn, sku: str, only: Promotion | None = None) -> str:
        """``, so 499 Norwegian kroner`` (``，折后499元``): what one unit costs now.

        ``only``: say it only when that promotion alone takes money off the unit (the price
        follows that offer's terms, not those of another offer stacked on it). A spend
        threshold the unit reaches on its own is the receipt's, not the unit's: the price
        is then the one that promotion makes (the Z7's 76499.15, not 71499.15 after 5000 off).
        """
        quote = self._unit_quote(turn, sku)
        if quote.total == quote.list_total:
            return ""
        price = quote.total
        if only is not None:
            kb = self._kb
            own = tuple(p for p in quote.promotion_ids if not spend_and_save(kb.promotions[p]))
            if own != (only.id,):
                return ""
            price = quote.lines[0].total
        self._quote_facts(turn, quote)
        if turn.zh:
            return f"，折后{money(price, self._currency(turn), 'zh-CN')}"
        return f", so {money(price, self._currency(turn))}"

    def _so_rate(self, turn: Turn, sku: str, promotion: Promotion, rules: Sequence[Rule]) -> str:
        """``, so 105 pounds`` after "the X is 30 percent off in Y": the price that rate makes.

        Only where the sentence gives everyone's rate or amount (a member asking about an
        offer with member terms hears the member price in a sentence of its own) and that
        offer alone makes the price.
        """
        if not is_discount_phrase(promotion, rules):
            return ""
        if turn.parsed.member and (member_rule(promotion) or gives_members(rules)):
            return ""
        return self._so_price(turn, sku, only=promotion)

    def _ended_then_running(
        self,
        turn: Turn,
        product: Product,
        ended: tuple[Promotion, PromotionTiming],
        running: tuple[Promotion, PromotionTiming],
        rules: Mapping[str, Sequence[Rule]],
    ) -> Answer:
        """The offer that ended, the price now, and what the offer running on it gives."""
        zh, sku = turn.zh, product.sku
        over, placed = ended
        self._promotion_facts(turn, over)
        price = money(
            product.list_price[self._currency(turn).code],
            self._currency(turn),
            "zh-CN" if zh else "en",
        )
        members, members_placed = running
        self._promotion_facts(turn, members)
        head, rest = self._headline(
            turn, self._item(turn, sku) if zh else "it", members, rules=rules[members.id]
        )
        said = [self._ended_phrase(turn, over, placed)]
        if zh:
            said = [f"没有，{said[0]}", f"{self._item(turn, sku)}现价{price}", head]
        else:
            said = [f"No, {said[0]}", f"The {self._item(turn, sku)} is {price} now", head]
        return self._done(turn, [*said, self._then(turn, rest, members_placed)])

    def _not_at_named(self, turn: Turn, promotion: Promotion) -> list[str]:
        """``The X does not run at <store>``: stores of a city or region named that it leaves out.

        "Is the Kitenge on offer in Nairobi?": yes, but not at the Nairobi store left out.
        """
        named = turn.parsed.stores
        outside = [s for s in named if s not in self._kb.scope_stores(promotion)]
        if turn.zh or len(named) < 2 or not outside or len(outside) == len(named):
            return []
        names = [self._kb.store(s).name.best("en") for s in outside]
        for store_id, name in zip(outside, names, strict=True):
            turn.fact(f"store {store_id} {name}", f"{promotion.id} excludes store {store_id}")
        return [f"{the_title(promotion, False)} does not run at {join(names, False)}"]

    def _left_out_here(self, turn: Turn, sku: str) -> Promotion | None:
        """A running promotion covering ``sku`` whose region holds the store but leaves it out."""
        for promotion in self._kb.promotions_for_sku(sku):
            if turn.store_id not in promotion.exclude_stores or not promotion.visible:
                continue
            if self._timing(turn, promotion).phase is Phase.RUNNING:
                return promotion
        return None

    def _relevant_for_item(
        self, turn: Turn, promotions: list[Promotion], sku: str
    ) -> tuple[list[tuple[Promotion, PromotionTiming]], dict[str, Sequence[Rule]]]:
        """:meth:`_relevant` placed for the item, with the rules that price it in each.

        An item may join a promotion later than it starts (a later rule set).
        """
        placed: list[tuple[Promotion, PromotionTiming]] = []
        rules: dict[str, Sequence[Rule]] = {}
        for promotion, _ in self._relevant(turn, promotions):
            timing, rules[promotion.id] = self._item_terms(turn, promotion, sku)
            placed.append((promotion, timing))
        order = [Phase.RUNNING, Phase.UPCOMING, Phase.ENDED, Phase.WITHDRAWN]
        if turn.parsed.asks_still:
            order = [Phase.RUNNING, Phase.ENDED, Phase.WITHDRAWN, Phase.UPCOMING]
        placed.sort(key=lambda x: order.index(x[1].phase))
        return placed, rules

    def _category_item(self, promotion: Promotion, category_id: str) -> str | None:
        """The item of a category that stands for it in ``promotion``.

        Of the category's items the promotion covers, one from the rule set that covers the
        most of them (a rule set adding one item of the category does not speak for it all).
        """
        items = self._kb.category_skus(category_id)
        best: tuple[int, str] | None = None
        for skus in self._kb.rule_set_skus(promotion):
            inside = [s for s in items if s in skus]
            if inside and (best is None or len(inside) > best[0]):
                best = (len(inside), inside[0])
        return best[1] if best is not None else None

    def _relevant_for_category(
        self, turn: Turn, promotions: list[Promotion], category_id: str
    ) -> tuple[list[tuple[Promotion, PromotionTiming]], dict[str, Sequence[Rule]]]:
        """:meth:`_relevant_for_item` for a category: each promotion as it prices its items.

        A category added by a later rule set ("comics on one day") is upcoming until that
        rule set starts and is then priced by its rules, never by the promotion's own.
        """
        placed: list[tuple[Promotion, PromotionTiming]] = []
        rules: dict[str, Sequence[Rule]] = {}
        for promotion, timing in self._relevant(turn, promotions):
            sku = self._category_item(promotion, category_id)
            if sku is None:
                placed.append((promotion, timing))
                rules[promotion.id] = promotion.rules
                continue
            item, rules[promotion.id] = self._item_terms(turn, promotion, sku)
            placed.append((promotion, item))
        order = [Phase.RUNNING, Phase.UPCOMING, Phase.ENDED, Phase.WITHDRAWN]
        if turn.parsed.asks_still:
            order = [Phase.RUNNING, Phase.ENDED, Phase.WITHDRAWN, Phase.UPCOMING]
        placed.sort(key=lambda x: order.index(x[1].phase))
        return placed, rules

    def _plain_price(
        self, turn: Turn, sku: str, *, stays: bool = False, shelf: bool = False
    ) -> str:
        """Say "The X is 319 lei there" when nothing reduces ``sku`` at the store now, else "".

        ``stays``: "It stays at 71200 rupees" (or 价格仍是…), after "it is excluded from ...".
        ``shelf``: a spend threshold the item reaches alone does not reduce it.
        """
        price = self._unreduced_price(turn, sku, shelf=shelf)
        if not price:
            return ""
        if stays:
            return f"价格仍是{price}" if turn.zh else f"It stays at {price}"
        return f"The {self._item(turn, sku)} is {price} there"

    def _excluded_from(self, turn: Turn, sku: str) -> list[Promotion]:
        """Running promotions at the store that would cover ``sku`` but exclude it."""
        category = self._kb.products[sku].category
        excluding = [
            p for p in self._kb.promotions_for_category(category) if sku in p.scope.exclude_skus
        ]
        return [p for p, placed in self._relevant(turn, excluding) if placed.phase is Phase.RUNNING]

    def _stated_was(self, turn: Turn) -> Answer | None:
        """Answer "is X still 20 percent off?" when only an offer that is over gave it that.

        The answer is that offer's end, then what the item gets now (the offer running on it,
        or its price): never a "yes" about another running offer's different figure.
        """
        stated = stated_percents(turn.parsed.text)
        if not (turn.parsed.asks_still and stated and len(turn.parsed.products) == 1):
            return None
        sku = turn.parsed.products[0]
        placed, rules = self._relevant_for_item(turn, self._kb.promotions_for_sku(sku), sku)
        currency, zh = self._currency(turn), turn.zh

        def gave(promotion: Promotion) -> bool:
            phrases = rule_phrases(promotion, currency, zh, rules[promotion.id])
            return any(s in phrase for s in stated for phrase in phrases)

        running = [(p, t) for p, t in placed if t.phase is Phase.RUNNING]
        if any(gave(p) for p, _ in running):
            return None  # it holds now: the usual answer says so
        if running and not turn.parsed.member and all(members_only(p) for p, _ in running):
            return None  # the price now, then the members' extra: the usual answer says it
        over = [(p, t) for p, t in placed if t.phase in (Phase.ENDED, Phase.WITHDRAWN) and gave(p)]
        if not over:
            return None
        promotion, timing = over[0]
        self._promotion_facts(turn, promotion)
        ended = self._ended_phrase(turn, promotion, timing)
        said = [f"没有了，{ended}" if zh else f"No, {ended}"]
        if running:
            now, _ = running[0]
            self._promotion_facts(turn, now)
            head, rest = self._headline(
                turn, self._item(turn, sku) if zh else "it", now, rules=rules[now.id]
            )
            so = self._so_rate(turn, sku, now, rules[now.id])
            said.append(f"现在{head}{so}" if zh else f"Now {head}{so}")
            if len(running) == 1:  # a spend threshold alone: what the item itself costs
                said = self._reached_alone(turn, said + self._price_alone(turn, sku, now), sku, now)
        elif price := self._unreduced_price(turn, sku):
            item = self._item(turn, sku) if zh else f"The {self._item(turn, sku)}"
            said.append(f"{item}现价{price}" if zh else f"{item} is {price} now")
        return self._done(turn, said)

    def _stated_left_out(self, turn: Turn) -> Answer | None:
        """Answer "do members get the 25 percent on X?" when the offer giving 25 leaves X out.

        The figure names the offer the clerk means; the item is excluded from it, so the
        answer says so and what X costs, never another offer's terms as if they were it.
        """
        stated = stated_percents(turn.parsed.text)
        if not (stated and len(turn.parsed.products) == 1):
            return None
        sku = turn.parsed.products[0]
        currency, zh = self._currency(turn), turn.zh
        for promotion in self._excluded_from(turn, sku):
            phrases = rule_phrases(promotion, currency, zh)
            if not any(s in phrase for s in stated for phrase in phrases):
                continue
            self._promotion_facts(turn, promotion)
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            not_in = (
                f"不参加，{self._item(turn, sku)}不在{name}范围内"
                if zh
                else f"No, the {self._item(turn, sku)} is not in {name}: it is excluded"
            )
            stays = self._plain_price(turn, sku, stays=True, shelf=True)
            return self._done(turn, [not_in, stays])
        return None

    def _price_while_on(
        self, turn: Turn, sku: str, promotion: Promotion, placed: PromotionTiming
    ) -> str | None:
        """What one ``sku`` cost in the last minute an ended ``promotion`` ran, if it priced it."""
        if placed.phase is not Phase.ENDED:
            return None
        quote = self._unit_quote(turn, sku, at=placed.ends - timedelta(minutes=1))
        if promotion.id not in quote.promotion_ids:
            return None
        self._quote_facts(turn, quote)
        return money(quote.total, self._currency(turn), "en")
