"""Answers to "do these offers combine?": two offers named, or one and the offer it meets.

A clerk often names one offer and describes the other ("the member discount", "the 20
francs off a pan", "other offers"): the other is the one running offer on the same items
that the question leaves unnamed, found here, never guessed among several.
"""

from __future__ import annotations

from knowledge_base.answer_channels import names_channel
from knowledge_base.answer_core import Turn
from knowledge_base.answer_sentences import AnswerSentences
from knowledge_base.answering import ABOUT_TOGETHER, Answer
from knowledge_base.membership import MEMBER_WORDS
from knowledge_base.models import ALL, Promotion
from knowledge_base.offer_audience import members_only
from knowledge_base.phrasing import the_title, title
from knowledge_base.resolution import stacking_relation


class StackingAnswers(AnswerSentences):
    """Whether offers combine on the same item."""

    def _stacking_one_named(self, turn: Turn) -> Answer | None:
        """Stacking asked with one offer named: what its file says, or with its one partner.

        An offer marked exclusive combines with nothing and one that stacks with every offer
        with everything, whatever the other is; a discount channel named ("staff discount",
        "app coupons") is left to the channel answers. Otherwise the other offer is the one running
        offer at the store on the items asked about (or on the named offer's items) that is
        for everyone when the named one is members-only, and members-only when it is not
        and a member is asked about, or, with an item named, its one other running offer;
        with none or several, ``None`` (answered elsewhere).
        """
        if names_channel(turn.parsed.words, turn.parsed.text):
            return None  # "staff discount on top of X": a channel, answered as one
        named = self._kb.promotions[turn.parsed.promotions[0]]
        zh = turn.zh
        if named.stacking.exclusive:
            self._promotion_facts(turn, named)
            turn.fact(f"stacking of {named.id}: exclusive")
            a = title(named, zh) if zh else the_title(named, zh)
            if zh:
                return self._done(turn, [f"不可以，{a}不与其他优惠同时使用"])
            return self._done(turn, [f"No, {a} does not combine with any other offer"])
        if ALL in named.stacking.stacks_with:
            self._promotion_facts(turn, named)
            turn.fact(f"stacking of {named.id}: with every offer")
            a = title(named, zh) if zh else the_title(named, zh)
            if zh:
                return self._done(turn, [f"可以，{a}可以与其他优惠同时使用"])
            return self._done(turn, [f"Yes, {a} combines with the other offers on the same item"])
        partner = self._stacking_partner(turn, named)
        if partner is None:
            return None
        if _member_said_before(turn, named):
            turn.parsed.promotions.insert(0, partner.id)  # said in the order the clerk asked
        else:
            turn.parsed.promotions.append(partner.id)
        return self._stacking(turn)

    def _stacking_partner(self, turn: Turn, named: Promotion) -> Promotion | None:
        """The one running offer the question pairs with ``named`` without naming it."""
        skus = set(turn.parsed.products)
        for category in turn.parsed.categories:
            skus |= set(self._kb.category_skus(category))
        skus = skus or set(self._kb.scope_skus(named))
        wanted: bool | None = None  # "<item>, does it stack with X?": the item's other offer
        if members_only(named):
            wanted = False  # "on top of the 20 off": the offer everyone gets
        elif turn.parsed.member:
            wanted = True  # "... and the member discount": the members' offer
        elif not turn.parsed.products:
            return None
        found = [
            promotion
            for promotion, _ in self._running_at_store(turn)
            if promotion.id != named.id
            and (wanted is None or members_only(promotion) is wanted)
            and skus & set(self._kb.scope_skus(promotion))
        ]
        return found[0] if len(found) == 1 else None

    def _stacking(self, turn: Turn) -> Answer:
        """Whether the first two promotions named combine on the same item."""
        zh = turn.zh
        first, second = (self._kb.promotions[p] for p in turn.parsed.promotions[:2])
        for promotion in (first, second):
            self._promotion_facts(turn, promotion)
        absent = [p for p in (first, second) if not self._at_store(turn, p)]
        if absent and turn.named_store:
            # "... stack in Las Palmas?" where one of them does not run: nothing to combine
            # there. Asked with no store, it is the offers' rule wherever both run.
            store = self._store_name(turn)
            names = [title(p, zh) if zh else the_title(p, zh) for p in absent]
            for promotion in absent:
                turn.fact(f"{promotion.id} excludes store {turn.store_id}")
            said = " and ".join(names)
            verb = "do" if len(absent) > 1 else "does"
            answer = self._done(
                turn,
                [
                    f"{store}不参加{'和'.join(names)}"
                    if zh
                    else f"No, {said} {verb} not run at {store}"
                ],
            )
            answer.detail[ABOUT_TOGETHER] = [first.id, second.id]
            return answer
        relation = stacking_relation(first, second)
        turn.fact(f"stacking of {first.id} and {second.id}: {relation}")
        a, b = (title(p, zh) if zh else the_title(p, zh) for p in (first, second))
        cheaper = (
            "按对顾客更优惠的一个计算" if zh else "the customer gets whichever is cheaper for them"
        )
        if relation == "stack":
            said = (
                f"可以，{a}和{b}可以同时使用"
                if zh
                else f"Yes, {a} and {b} combine on the same item"
            )
        elif relation == "exclusive":
            said = (
                f"不可以，{a}和{b}不能同时使用，{cheaper}"
                if zh
                else f"No, {a} and {b} do not combine; {cheaper}"
            )
        else:
            said = (
                f"{a}和{b}没有说明能否同时使用，{cheaper}"
                if zh
                else f"{a} and {b} do not say whether they combine; {cheaper}"
            )
        answer = self._done(turn, [said])
        answer.detail[ABOUT_TOGETHER] = [first.id, second.id]
        return answer


def _member_said_before(turn: Turn, named: Promotion) -> bool:
    """Whether the members' offer ("members", "the club 10 percent") is said before ``named``."""
    starts = [m.start for m in turn.parsed.mentions if m.kind == "promotion" and m.key == named.id]
    said = [i for i, w in enumerate(turn.parsed.words) if w in MEMBER_WORDS]
    return bool(starts and said) and said[0] < starts[0]
