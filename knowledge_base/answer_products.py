"""Answers about one product: is it in an offer (any, or the one named), and why not."""

from __future__ import annotations

from knowledge_base.answer_core import Turn, not_for_non_members
from knowledge_base.answer_left_out import LeftOutAnswers
from knowledge_base.answering import ABOUT_TOGETHER, Answer
from knowledge_base.left_out import asks_if_left_out, in_offer_openers
from knowledge_base.models import AmountOff, Product, Promotion
from knowledge_base.offer_audience import everyone_first, member_rule, members_only
from knowledge_base.phrasing import (
    day,
    ends_phrase,
    is_discount_phrase,
    join,
    rule_phrases,
    starts_phrase,
    the_title,
    title,
)
from knowledge_base.question_forms import asks_now, asks_past, asks_wh_zh, asks_yes_no
from knowledge_base.resolution import Phase, PromotionTiming
from knowledge_base.speech import money
from knowledge_base.understanding import Intent


class ProductAnswers(LeftOutAnswers):
    """Is a product in an offer: running, joining later, excluded, left out at this store."""

    def _product_offers(self, turn: Turn, product: Product) -> Answer:
        kb, zh = self._kb, turn.zh
        self._product_fact(turn, product)
        sku = product.sku
        discount_question = turn.parsed.intent is Intent.DISCOUNT
        relevant, rules = self._relevant_for_item(turn, kb.promotions_for_sku(sku), sku)
        running = [x for x in relevant if x[1].phase is Phase.RUNNING]
        running = everyone_first(running, turn.parsed.member)
        over = [x for x in relevant if x[1].phase in (Phase.ENDED, Phase.WITHDRAWN)]
        if running and over and self._still_asks_after_ended(turn, running, over[0][0]):
            return self._ended_then_running(turn, product, over[0], running[0], rules)
        left = self._left_out_first(turn, product, running, rules)
        if left is not None:
            return left
        if coming := self._own_offer_coming(turn, sku, relevant, rules):
            return coming
        if running:
            promotion, placed = running[0]
            self._promotion_facts(turn, promotion)
            subject = self._item(turn, sku) if zh else f"the {self._item(turn, sku)}"
            head, rest = self._headline(turn, subject, promotion, rules=rules[promotion.id])
            # An amount off does not say the price: say it ("100 off each, so 499").
            amount = any(isinstance(r, AmountOff) for r in rules[promotion.id])
            so = self._so_price(turn, sku) if amount and len(running) == 1 else ""
            so = so or self._so_rate(turn, sku, promotion, rules[promotion.id])
            yes = not discount_question or asks_yes_no(turn.parsed.words)
            if zh:
                yes = yes and not asks_wh_zh(turn.parsed.text)
                first = f"是的，{head}{so}" if yes else f"{head}{so}"
            else:
                opener, _ = in_offer_openers(turn.parsed.words)  # "left out?": "No, it is in"
                first = f"{opener}{head}{so}" if yes else f"{head}{so}"
            if refused := not_for_non_members(turn, promotion):
                said = f"{head[0].upper()}{head[1:]}{so}"
                first = f"{refused}，{head}{so}" if zh else f"{refused}. {said}"
            if turn.parsed.member and not any(member_rule(p) for p, _ in running):
                # "Do members get anything extra?": no, and what everyone gets.
                it, _ = self._headline(turn, "it", promotion, rules=rules[promotion.id])
                so = so or self._so_price(turn, sku)
                first = (
                    f"会员没有额外优惠，{head}{so}"
                    if zh
                    else f"No, members get nothing extra on {subject}; {it}{so}"
                )
            sentences = [first, self._then(turn, rest, placed, sku=sku)]
            if len(running) == 1:  # a spend threshold alone: what the item itself costs
                sentences += self._price_alone(turn, sku, promotion)
                sentences = self._reached_alone(turn, sentences, sku, promotion)
            member_price = self._so_price(turn, sku).removeprefix(", so ")
            # "... on offer for members?": what a member pays, not only the rate, also when
            # the members' part is another offer stacked on this one.
            members_pay = bool(not (so or zh) and member_price and turn.parsed.member)
            if members_pay and member_rule(promotion):
                sentences.append(f"A member pays {member_price}")
            for other, _ in running[1:2]:
                self._promotion_facts(turn, other)
                also, _ = self._headline(
                    turn, f"{self._item(turn, sku)}还" if zh else "it", other, rules=rules[other.id]
                )
                if not zh:
                    also = also.replace("it is ", "it is also ", 1)
                sentences.append(also)
                if members_pay and not member_rule(promotion) and member_rule(other):
                    sentences.append(f"A member pays {member_price}")
            return self._done(turn, [*sentences, *self._not_at_named(turn, promotion)])
        excluded = self._excluded_from(turn, sku)
        if excluded and any(p.id == excluded[0].id for p, _ in relevant):
            return self._product_in_named(turn, product, excluded[0])  # it joins later
        # An item one offer leaves out that joins another later: when it joins is the news.
        upcoming = [x for x in relevant if x[1].phase is Phase.UPCOMING]
        if upcoming and not (over and turn.parsed.asks_still):
            promotion, placed = upcoming[0]
            self._promotion_facts(turn, promotion)
            subject = self._item(turn, sku) if zh else f"the {self._item(turn, sku)}"
            not_yet = self._not_yet(turn, subject, promotion, placed, rules=rules[promotion.id])
            # "On sale now?" asks what it costs now too: said in the last sentence, kept short.
            if asks_now(turn.parsed.words, turn.parsed.text) and (
                until_then := self._unreduced_price(turn, sku)
            ):
                until = f"在此之前仍是{until_then}" if zh else f"until then it is {until_then}"
                joined = ("，" if zh else "; ").join(x for x in (not_yet[-1], until) if x)
                not_yet[-1] = joined
            return self._done(turn, not_yet)
        if excluded and not (over and turn.parsed.asks_still):  # "still": the one that ended
            promotion = excluded[0]
            self._promotion_facts(turn, promotion)
            not_in = (
                f"不参加，{self._item(turn, sku)}不在{title(promotion, zh)}范围内"
                if zh
                else f"No, the {self._item(turn, sku)} is not in {the_title(promotion, zh)}:"
                " it is excluded"
            )
            return self._done(turn, [not_in, self._plain_price(turn, sku, stays=True)])
        price = money(
            product.list_price[self._currency(turn).code],
            self._currency(turn),
            "zh-CN" if zh else "en",
        )
        store = self._store_name(turn)
        left_out = self._left_out_here(turn, sku)
        # An offer of the region that leaves this store out beats one that ended, bar "still?".
        if over and (left_out is None or turn.parsed.asks_still):
            promotion, placed = over[0]
            self._promotion_facts(turn, promotion)
            ended = self._ended_phrase(turn, promotion, placed)
            if zh:
                return self._done(turn, [f"没有，{ended}", f"{self._item(turn, sku)}现价{price}"])
            return self._done(
                turn,
                [f"No, the {self._item(turn, sku)} is not on offer now: {ended}", f"It is {price}"],
            )
        if left_out is not None:
            # The offer runs in the store's region but not here: say which, and that.
            self._promotion_facts(turn, left_out)
            name = title(left_out, zh) if zh else the_title(left_out, zh)
            turn.fact(f"{left_out.id} excludes store {turn.store_id}")
            if zh:
                return self._done(
                    turn, [f"没有，{store}不参加{name}", f"{self._item(turn, sku)}价格是{price}"]
                )
            return self._done(
                turn,
                [
                    f"No, the {self._item(turn, sku)} has no offer at {store}:"
                    f" {name} does not run there",
                    f"It is not discounted: its price is {price}",
                ],
            )
        if zh:
            return self._done(
                turn, [f"没有，{self._item(turn, sku)}在{store}目前没有优惠", f"价格是{price}"]
            )
        return self._done(
            turn,
            [
                f"No, the {self._item(turn, sku)} has no offer at {store} right now",
                f"It is not discounted: its price is {price}",
            ],
        )

    def _still_asks_after_ended(
        self, turn: Turn, running: list[tuple[Promotion, PromotionTiming]], ended: Promotion
    ) -> bool:
        """Whether "is X still discounted?" finds no running offer that takes money off X.

        "Still" points back to an offer everyone had on one unit; a members' extra or a
        basket offer ("buy 5, get 1 free") that runs now is not that discount, so the answer
        starts with the one that ended.
        """
        if not turn.parsed.asks_still or turn.parsed.member:
            return False
        if all(members_only(p) for p, _ in running):
            return True
        unit_off = is_discount_phrase(ended)  # the basket offer itself may be what ended
        return unit_off and all(members_only(p) or not is_discount_phrase(p) for p, _ in running)

    def _product_in_named(self, turn: Turn, product: Product, promotion: Promotion) -> Answer:
        zh, sku = turn.zh, product.sku
        # "Is the Greta left out of the sale?": "No" is that it is in, "Yes" that it is not.
        left_out = asks_if_left_out(turn.parsed.words)
        yes, no = in_offer_openers(turn.parsed.words)
        self._product_fact(turn, product)
        placed = self._promotion_facts(turn, promotion)
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        if not self._at_store(turn, promotion):
            store = self._store_name(turn)
            if zh:
                return self._done(turn, [f"{store}不参加{name}"])
            opener = "" if left_out else "No, "
            return self._done(
                turn, [f"{opener}{name} does not run at {store}", self._plain_price(turn, sku)]
            )
        if sku not in self._kb.scope_skus(promotion):
            # What the customer pays instead, when nothing else reduces it now.
            stays = self._plain_price(turn, sku, stays=True)
            if zh:
                return self._done(turn, [f"不参加，{self._item(turn, sku)}不在{name}范围内", stays])
            if sku in promotion.scope.exclude_skus:
                return self._done(
                    turn,
                    [f"{no}the {self._item(turn, sku)} is not in {name}: it is excluded", stays],
                )
            return self._done(turn, [f"{no}the {self._item(turn, sku)} is not in {name}", stays])
        item, rules = self._item_terms(turn, promotion, sku)
        joins_later = item.phase is Phase.UPCOMING and placed.phase is Phase.RUNNING
        if joins_later and sku not in promotion.scope.exclude_skus:
            subject = self._item(turn, sku) if zh else f"the {self._item(turn, sku)}"
            return self._done(turn, self._not_yet(turn, subject, promotion, item, rules=rules))
        if joins_later:
            # Left out of the offer's own rules, it joins later under rules of its own.
            phrases = ("，" if zh else ", ").join(
                rule_phrases(promotion, self._currency(turn), zh, rules)
            )
            since = day(item.starts, item.local_now, zh)
            if zh:
                return self._done(
                    turn,
                    [f"暂不参加，{self._item(turn, sku)}从{since}起参加{name}", f"届时{phrases}"],
                )
            return self._done(
                turn,
                [
                    f"{no}the {self._item(turn, sku)} is excluded from {name} until {since}",
                    f"Then it is {phrases}",
                ],
            )
        if item.phase is Phase.RUNNING and placed.phase is Phase.RUNNING:
            subject = self._item(turn, sku) if zh else f"the {self._item(turn, sku)}"
            head, rest = self._headline(turn, subject, promotion, rules=rules)
            second = self._then(turn, rest, placed, sku=sku)
            so = self._so_rate(turn, sku, promotion, rules)
            if zh:
                return self._done(turn, [f"是的，{head}{so}", second])
            answer = self._done(
                turn,
                self._reached_alone(
                    turn,
                    [f"{yes}{head}{so}", second, *self._price_alone(turn, sku, promotion)],
                    sku,
                    promotion,
                ),
            )
            if len(answer.promotion_ids) > 1:  # priced with its own offer too: about each
                answer.detail[ABOUT_TOGETHER] = list(answer.promotion_ids)
            return answer
        if placed.phase is Phase.UPCOMING:
            start = starts_phrase(placed.starts, placed.local_now, zh)
            phrases = join(rule_phrases(promotion, self._currency(turn), zh, rules), zh)
            if zh:
                return self._done(
                    turn, [f"还没开始，{name}{start}", f"{self._item(turn, sku)}届时{phrases}"]
                )
            return self._done(
                turn,
                [f"Not yet: {name} {start}", f"Then the {self._item(turn, sku)} will be {phrases}"],
            )
        ended = self._ended_phrase(turn, promotion, placed)
        if turn.named_day is not None:  # "... on Monday": today's price is not that day's
            return self._done(turn, [f"不参加了，{ended}" if zh else f"No, {ended}"])
        # "<item> price with the <ended offer>": that it ended, and what the item costs now.
        quote = self._unit_quote(turn, sku)
        self._quote_facts(turn, quote)
        now = money(quote.total, self._currency(turn), "zh-CN" if zh else "en")
        if zh:
            return self._done(turn, [f"不参加了，{ended}", f"{self._item(turn, sku)}现价{now}"])
        now = self._shelf_then_threshold(turn, quote)
        was = self._price_while_on(turn, sku, promotion, placed)
        if was is not None and asks_past(turn.parsed.words):
            # "How much was the Dante in the Natale offer?": its price on the offer's last day.
            when = ends_phrase(placed.ends, placed.local_now, zh, past=True)
            return self._done(
                turn,
                [
                    f"The {self._item(turn, sku)} was {was} in {name}, which {when}",
                    f"It is {now}",
                ],
            )
        return self._done(turn, [f"No, {ended}", f"The {self._item(turn, sku)} is {now}"])
