"""Which promotions a question is about: named ones, those of its items, or the one in force.

:class:`AnswerFocus` adds to :class:`~knowledge_base.answer_core.AnswerCore` the lookups
every answer kind starts from: named promotions first, then those of the question's
products and categories (running, then the next upcoming, then the last ended), then the
one running promotion that fits an attribute question, or one short question back.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import timedelta

from knowledge_base import resolution
from knowledge_base.answer_core import ONE_PROMOTION_INTENTS, AnswerCore, Turn
from knowledge_base.answering import Answer, AnswerSource
from knowledge_base.models import Promotion, PromotionStatus
from knowledge_base.offer_audience import members_only
from knowledge_base.phrasing import join, the_title, title
from knowledge_base.question_terms import content_terms
from knowledge_base.resolution import Phase, PromotionTiming, may_run
from knowledge_base.words import tokens

_JUST_OVER = timedelta(days=7)
"""How long after it ended a members-only offer is still "the member discount" asked about."""

MAX_EACH_PARTS = 4
"""Most different answers said in one sentence for several offers in force."""


class AnswerFocus(AnswerCore):
    """The promotions a question is about (see the module doc)."""

    def _clarify(self, turn: Turn, candidates: list[Promotion]) -> Answer:
        """One short question back: which of these offers."""
        zh = turn.zh
        for promotion in candidates:
            self._promotion_facts(turn, promotion)
        names = [title(p, zh) if zh else the_title(p, zh) for p in candidates[:4]]
        if len(candidates) > 4:
            names[-1] = "另一个" if zh else "another one"
        question = (
            f"您问的是{join(names, zh, word='or')}？"
            if zh
            else f"Which offer do you mean: {join(names, zh, word='or')}?"
        )
        return self._done(turn, [question], AnswerSource.CLARIFY)

    def _which_product(self, turn: Turn) -> Answer:
        """One short question back: which of the products a shared word may mean."""
        zh = turn.zh
        products = [self._kb.products[sku] for sku in turn.parsed.product_choices[:4]]
        for product in products:
            self._product_fact(turn, product)
        names = [p.name.best("zh-CN") if zh else f"the {p.name.en}" for p in products]
        question = (
            f"您问的是{join(names, zh, word='or')}？"
            if zh
            else f"Which one do you mean: {join(names, zh, word='or')}?"
        )
        return self._done(turn, [question], AnswerSource.CLARIFY)

    def _members_only_offer_here(self, turn: Turn) -> Promotion | None:
        """The store's one members-only offer on or just over at the moment asked about.

        "Will the member discount still be on Monday?" names no item: the member discount
        is the offer only members get, even when it is over by the day asked about.
        """
        found = []
        for promotion in self._kb.visible_promotions():
            if not members_only(promotion) or not self._at_store(turn, promotion):
                continue
            placed = self._timing(turn, promotion)
            recent = placed.phase is Phase.ENDED and placed.local_now - placed.ends < _JUST_OVER
            if placed.phase is Phase.RUNNING or recent:
                found.append(promotion)
        return found[0] if len(found) == 1 else None

    def _which_store(self, turn: Turn) -> Answer:
        """One short question back: a place was said but not recognised."""
        question = "您问的是哪家店？" if turn.zh else "Which store do you mean?"
        turn.named_day = None  # a question back carries no day ("in August 2" was "Aarhus too")
        return self._done(turn, [question], AnswerSource.CLARIFY)

    def _which_item(self, turn: Turn, heard: str) -> Answer:
        """One short question back: an item said in a list was not recognised."""
        turn.named_day = None
        return self._done(turn, [f'Which item do you mean by "{heard}"?'], AnswerSource.CLARIFY)

    def _shared_category(self, turn: Turn) -> str | None:
        """The category of the products a shared word may mean, when the choice changes nothing.

        "What's the tree discount here?" with two trees of one category, both in the same
        offers under the same rules at the store: the answer is the same for either, so it
        is given for their category instead of asking which tree.
        """
        skus = turn.parsed.product_choices
        categories = {self._kb.products[sku].category for sku in skus}
        if len(categories) != 1:
            return None
        offers = {
            tuple(
                (a.promotion.id, a.rule_set_index)
                for a in resolution.resolve(self._kb, store_id=turn.store_id, at=turn.at, item=sku)
            )
            for sku in skus
        }
        if len(offers) != 1 or not next(iter(offers)):
            return None
        return categories.pop()

    def _in_force(
        self,
        turn: Turn,
        fits: Callable[[Promotion], bool] | None = None,
        each: Callable[[Turn, Promotion, PromotionTiming], str] | None = None,
    ) -> list[tuple[Promotion, PromotionTiming]] | Answer:
        """The promotion an attribute question without a name is about, or a question back.

        Named promotions, products and categories decide first (:meth:`_focus`). Else the
        promotions running at the store that ``fits`` (has a limit, a member price, ...):
        one is the answer; several are said in one sentence by ``each`` (what each one
        gives, those that give the same together) when that takes few parts, else asked
        back about; none is an empty list.
        """
        focus = self._focus(turn)
        parsed = turn.parsed
        if parsed.promotions:
            return focus
        if focus and parsed.intent in ONE_PROMOTION_INTENTS:
            # A product or category in two running offers: which one's end date or contact?
            running = [x for x in focus if x[1].phase is Phase.RUNNING]
            if len(running) > 1:
                text = parsed.without_places_and_promotions
                named = self._partly_named(turn, [p for p, _ in running], text)
                if named is not None:
                    return [x for x in running if x[0].id == named]
                return self._clarify(turn, [p for p, _ in running])
        if focus or parsed.products or parsed.categories:
            return focus
        if parsed.unknown_words:
            return []  # it says something we do not follow: better "I don't know" than a guess
        running = [x for x in self._running_at_store(turn) if fits is None or fits(x[0])]
        if (not_on := self._partly_named_not_on(turn, running, fits)) is not None:
            # "When is the Mother's Day offer?" of an offer coming here: as if named.
            parsed.promotions.append(not_on[0].id)
            return [not_on]
        if len(running) > 1:
            named = self._partly_named(turn, [p for p, _ in running], parsed.residual)
            if named is not None:
                return [x for x in running if x[0].id == named]
            told = self._each(turn, running, each) if each is not None else None
            return told if told is not None else self._clarify(turn, [p for p, _ in running])
        return running

    def _partly_named_not_on(
        self,
        turn: Turn,
        running: list[tuple[Promotion, PromotionTiming]],
        fits: Callable[[Promotion], bool] | None,
    ) -> tuple[Promotion, PromotionTiming] | None:
        """An offer not on now (coming, or over) at the store that the words name in part.

        Only when they point to it rather than to any offer running there.
        """
        here = self._relevant(turn, self._kb.promotions_at_store(turn.store_id))
        others = [x for x in here if x[1].phase is not Phase.RUNNING]
        others = [x for x in others if fits is None or fits(x[0])]
        if not others:
            return None
        candidates = [p for p, _ in running + others]
        named = self._partly_named(turn, candidates, turn.parsed.residual)
        return next((x for x in others if x[0].id == named), None)

    def _each(
        self,
        turn: Turn,
        running: list[tuple[Promotion, PromotionTiming]],
        each: Callable[[Turn, Promotion, PromotionTiming], str],
    ) -> Answer | None:
        """One sentence saying what each offer gives, those giving the same together.

        "When does the offer end?" with three on: "The A and the B: ends on Sunday 13
        December; the C: ends on Thursday 24 December." ``None`` past
        :data:`MAX_EACH_PARTS` different parts (a question back is shorter).
        """
        zh = turn.zh
        parts: dict[str, list[str]] = {}
        for promotion, placed in running:
            self._promotion_facts(turn, promotion)
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            parts.setdefault(each(turn, promotion, placed), []).append(name)
        if len(parts) > MAX_EACH_PARTS:
            return None
        said = [f"{join(names, zh)}{'：' if zh else ': '}{part}" for part, names in parts.items()]
        return self._done(turn, [("；" if zh else "; ").join(said)])

    def _partly_named(self, turn: Turn, candidates: list[Promotion], text: str) -> str | None:
        """The one candidate whose name or scope the words of ``text`` point to, if any.

        "When does the appliance offer end?" names no promotion exactly, but only one
        running promotion has "appliance" in its title, aliases or categories. Cue and
        everyday words ("offer", "end") point nowhere, but "sale" points to the one candidate
        called a sale, if only one is ("when did the sales start?" with a Swiss Winter Sale
        beside Club Days and a 3 for 2).
        """
        terms = content_terms(text)
        if not terms:
            asked = tokens(text)
            # "the sales", not "on sale" (an item discounted).
            pairs = zip(asked, asked[1:], strict=False)
            if not any(a == "the" and b in ("sale", "sales") for a, b in pairs):
                return None
            sales = [p for p in candidates if {"sale", "sales"} & set(tokens(p.title.en))]
            return sales[0].id if len(sales) == 1 else None
        hits = self._retriever.search(
            " ".join(terms),
            kinds=frozenset({"title"}),
            promotion_ids=frozenset(p.id for p in candidates),
            limit=2,
        )
        if not hits or (len(hits) > 1 and hits[1].score >= 0.8 * hits[0].score):
            return None
        return hits[0].passage.promotion_id

    def _relevant(
        self, turn: Turn, promotions: list[Promotion]
    ) -> list[tuple[Promotion, PromotionTiming]]:
        """Promotions at the store: running, then the next upcoming, then the last ended.

        Naive local windows sort the candidates cheaply; only those near now, and the few
        nearest on either side, are placed exactly in the store's zone.
        """
        local_now = self._kb.local_time(turn.store_id, turn.at).replace(tzinfo=None)
        near: list[Promotion] = []
        later: list[Promotion] = []
        earlier: list[Promotion] = []
        for promotion in promotions:
            if not promotion.visible or not self._at_store(turn, promotion):
                continue
            if may_run(promotion, local_now):
                near.append(promotion)
            elif promotion.window.start > local_now:
                later.append(promotion)
            else:
                earlier.append(promotion)
        candidates = [
            *near,
            *heapq.nsmallest(3, later, key=lambda p: p.window.start),
            *heapq.nlargest(3, earlier, key=lambda p: p.window.end),
        ]
        placed = [(p, self._timing(turn, p)) for p in candidates]
        published = [x for x in placed if x[0].status is PromotionStatus.PUBLISHED]
        running = [x for x in published if x[1].phase is Phase.RUNNING]
        upcoming = sorted(
            (x for x in published if x[1].phase is Phase.UPCOMING), key=lambda x: x[1].starts
        )
        over = sorted(
            (x for x in placed if x[1].phase in (Phase.ENDED, Phase.WITHDRAWN)),
            key=lambda x: x[1].ends,
            reverse=True,
        )
        if turn.parsed.asks_still:
            # "Is it still discounted?" asks about an offer that was on: the one that ended
            # comes before one that has not started.
            return running + over + upcoming
        return running + upcoming + over

    def _focus(self, turn: Turn) -> list[tuple[Promotion, PromotionTiming]]:
        """Promotions a question is about: those named, else those of its products or categories."""
        kb, parsed = self._kb, turn.parsed
        if parsed.promotions:
            named = [kb.promotions[p] for p in parsed.promotions]
            return [(p, self._timing(turn, p)) for p in named]
        candidates: list[Promotion] = []
        for sku in parsed.products:
            candidates.extend(kb.promotions_for_sku(sku))
        for category in parsed.categories:
            candidates.extend(kb.promotions_for_category(category))
        return self._relevant(turn, list({p.id: p for p in candidates}.values()))

    def _running_at_store(self, turn: Turn) -> list[tuple[Promotion, PromotionTiming]]:
        return [
            x
            for x in self._relevant(turn, self._kb.promotions_at_store(turn.store_id))
            if x[1].phase is Phase.RUNNING
        ]
