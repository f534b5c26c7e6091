"""Answers about a category: is it in an offer (any, or the one named), and on what terms.

A category is answered as the offer prices its items at the time asked: one added by a
later rule set ("comics on World Book Day only") is not yet on until then, and is then
priced by that rule set's rules. The offer every customer gets is the answer; a
members-only one on the same items is named after it.
"""

from __future__ import annotations

from collections.abc import Sequence

from knowledge_base.answer_core import Turn, not_for_non_members
from knowledge_base.answer_products import ProductAnswers
from knowledge_base.answering import Answer
from knowledge_base.left_out import in_offer_openers
from knowledge_base.models import Promotion, Rule
from knowledge_base.offer_audience import everyone_first, members_only
from knowledge_base.phrasing import is_plural, join, the_title, title
from knowledge_base.resolution import Phase, PromotionTiming
from knowledge_base.understanding import Intent


class CategoryAnswers(ProductAnswers):
    """Is a category in an offer: running, joining later, ended, left out at this store."""

    def _category_in_named(self, turn: Turn, category_id: str, promotion: Promotion) -> Answer:
        """A category asked about in a named promotion: that promotion, whatever else runs."""
        kb, zh = self._kb, turn.zh
        category = kb.categories[category_id]
        label = category.name.best("zh-CN" if zh else "en")
        turn.fact(f"category {category.id}: {category.name.en}", category.name.zh_cn)
        placed = self._promotion_facts(turn, promotion)
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        if not self._at_store(turn, promotion):
            store = self._store_name(turn)
            return self._done(
                turn, [f"{store}不参加{name}" if zh else f"No, {name} does not run at {store}"]
            )
        covered = set(kb.category_skus(category_id)) & kb.scope_skus(promotion)
        if not covered:
            return self._done(
                turn,
                [
                    f"{label}不在{name}范围内"
                    if zh
                    else f"{in_offer_openers(turn.parsed.words)[1]}{label}"
                    f" {'are' if is_plural(label) else 'is'} not in {name}"
                ],
            )
        item = self._category_item(promotion, category_id)
        rules: Sequence[Rule] | None = None
        if item is not None and placed.phase is Phase.RUNNING:
            # The category may join later, under a rule set of its own ("comics on one day").
            placed, rules = self._item_terms(turn, promotion, item)
        if placed.phase is Phase.RUNNING:
            head, rest = self._headline(
                turn,
                label if zh else label.capitalize(),
                promotion,
                plural=is_plural(label),
                rules=rules,
            )
            head += self._except_excluded(turn, promotion, category_id)
            return self._done(turn, [head, self._then(turn, rest, placed, sku=item)])
        if placed.phase is Phase.UPCOMING:
            return self._done(
                turn,
                self._not_yet(turn, label, promotion, placed, plural=is_plural(label), rules=rules),
            )
        ended = self._ended_phrase(turn, promotion, placed)
        return self._done(turn, [f"不参加了，{ended}" if zh else f"No, {ended}"])

    def _members_also(
        self,
        turn: Turn,
        category_id: str,
        said: Promotion,
        others: list[tuple[Promotion, PromotionTiming]],
        rules: dict[str, Sequence[Rule]],
    ) -> list[str]:
        """A members-only offer on the category besides the one said, named after it."""
        if members_only(said):
            return []
        kb, zh = self._kb, turn.zh
        for other, _ in others:
            if not members_only(other):
                continue
            self._promotion_facts(turn, other)
            items = [s for s in kb.category_skus(category_id) if s in kb.scope_skus(other)]
            label = kb.categories[category_id].name.best("zh-CN" if zh else "en")
            whole = len(items) == len(kb.category_skus(category_id))
            subject = label if whole else join([self._item(turn, s) for s in items], zh)
            if not zh:
                subject = subject.capitalize() if whole else f"The {subject}"
            head, _ = self._headline(
                turn, subject, other, plural=whole and is_plural(label), rules=rules[other.id]
            )
            if not zh:
                head = head.replace(" is ", " is also ", 1).replace(" are ", " are also ", 1)
            return [head]
        return []

    def _except_excluded(self, turn: Turn, promotion: Promotion, category_id: str) -> str:
        """``, except the GT-VOLTLE``: the category's items the promotion leaves out."""
        kb = self._kb
        excluded = [
            s
            for s in promotion.scope.exclude_skus
            if kb.products.get(s) and kb.products[s].category == category_id
        ]
        if not excluded:
            return ""
        zh = turn.zh
        said = join([self._item(turn, s) for s in excluded], zh)
        return f"，{said}除外" if zh else f", except the {said}"

    def _category_offers(self, turn: Turn, category_id: str) -> Answer:
        kb, zh = self._kb, turn.zh
        category = kb.categories[category_id]
        name = category.name.best("zh-CN" if zh else "en")
        turn.fact(f"category {category.id}: {category.name.en}", category.name.zh_cn)
        relevant, rules = self._relevant_for_category(
            turn, kb.promotions_for_category(category_id), category_id
        )
        running = [x for x in relevant if x[1].phase is Phase.RUNNING]
        running = everyone_first(running, turn.parsed.member)
        over = [x for x in relevant if x[1].phase in (Phase.ENDED, Phase.WITHDRAWN)]
        if running:
            ended = ""
            if over and self._still_asks_after_ended(turn, running, over[0][0]):
                # "Are sneakers still 30 percent off?": the offer that ended first, then
                # what runs on them now (a members' extra, a spend threshold).
                self._promotion_facts(turn, over[0][0])
                ended = self._ended_phrase(turn, *over[0])
            promotion, placed = running[0]
            self._promotion_facts(turn, promotion)
            head, rest = self._headline(
                turn,
                name if zh else name.capitalize(),
                promotion,
                plural=is_plural(name),
                rules=rules[promotion.id],
            )
            head += self._except_excluded(turn, promotion, category_id)
            first = (
                head
                if turn.parsed.intent is Intent.DISCOUNT or ended
                else (f"是的，{head}" if zh else f"Yes, {head[0].lower()}{head[1:]}")
            )
            if refused := not_for_non_members(turn, promotion):
                first = f"{refused}. {head}" if not zh else f"{refused}，{head}"
            item = self._category_item(promotion, category_id)
            sentences = [first, self._then(turn, rest, placed, sku=item)]
            if ended:
                sentences.insert(0, f"没有，{ended}" if zh else f"No, {ended}")
            also = self._members_also(turn, category_id, promotion, running[1:], rules)
            return self._done(turn, [*sentences, *also])
        upcoming = [x for x in relevant if x[1].phase is Phase.UPCOMING]
        if upcoming:
            promotion, placed = upcoming[0]
            self._promotion_facts(turn, promotion)
            return self._done(
                turn,
                self._not_yet(
                    turn, name, promotion, placed, plural=is_plural(name), rules=rules[promotion.id]
                ),
            )
        if over:
            promotion, placed = over[0]
            self._promotion_facts(turn, promotion)
            ended = self._ended_phrase(turn, promotion, placed)
            if zh:
                return self._done(turn, [f"{name}目前没有优惠，{ended}"])
            have = "have" if is_plural(name) else "has"
            # A category of one product: what that product costs now, too.
            now = self._price_now(turn, promotion, self._kb.category_skus(category_id))
            return self._done(turn, [f"No, {name} {have} no offer right now; {ended}", *now])
        store = self._store_name(turn)
        left_out = self._category_left_out_here(turn, category_id)
        if left_out is not None:
            # An offer on the category runs in the store's region but not here: say which.
            self._promotion_facts(turn, left_out)
            turn.fact(f"{left_out.id} excludes store {turn.store_id}")
            offer = title(left_out, zh) if zh else the_title(left_out, zh)
            if zh:
                return self._done(turn, [f"没有，{store}不参加{offer}"])
            return self._done(
                turn, [f"No, {name} are not on offer at {store}: {offer} does not run there"]
            )
        if zh:
            return self._done(turn, [f"{name}在{store}目前没有优惠"])
        be = "are" if is_plural(name) else "is"
        return self._done(turn, [f"No, {name} {be} not on offer at {store} right now"])

    def _category_left_out_here(self, turn: Turn, category_id: str) -> Promotion | None:
        """A running offer on the category whose region holds the store but leaves it out."""
        for promotion in self._kb.promotions_for_category(category_id):
            if turn.store_id not in promotion.exclude_stores or not promotion.visible:
                continue
            if self._timing(turn, promotion).phase is Phase.RUNNING:
                return promotion
        return None
