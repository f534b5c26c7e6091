"""The offline grounded answerer: short spoken answers composed only from knowledge-base facts.

It reads the question with :func:`~knowledge_base.understanding.understand`, finds the
promotions, products and categories it is about, resolves them at the caller's store and
moment, and fills a sentence template. Every number it speaks comes from the knowledge base
or from a :func:`~knowledge_base.pricing.quote` over it, and ``Answer.facts`` lists the
knowledge-base text used (what a fact guard checks an LLM answer against).

The first sentence carries the key fact (it is spoken first); a second sentence, when
there is one, adds conditions (member extras, limits, end date). Answers take well under
a few milliseconds: everything is dictionary lookups over indexes built at construction.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from loguru import logger

from knowledge_base.answering import Answer, Answerer, AnswerSource, Question, Role
from knowledge_base.errors import KnowledgeError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    Currency,
    LocalizedText,
    MemberExtraPercent,
    PercentOff,
    Product,
    Promotion,
    PromotionStatus,
    is_chinese,
)
from knowledge_base.phrasing import (
    conditions,
    contact_fact,
    contact_phrase,
    day,
    ends_phrase,
    is_discount_phrase,
    join,
    lower_first,
    price_fact,
    rule_phrases,
    rules_fact,
    sentence,
    starts_phrase,
    the_title,
    tidy,
    title,
    window_fact,
)
from knowledge_base.pricing import Basket, Quote
from knowledge_base.resolution import Phase, PromotionTiming, may_run
from knowledge_base.retrieval import Retriever, search_terms
from knowledge_base.speech import money, spoken_date
from knowledge_base.understanding import (
    Intent,
    ParsedQuestion,
    When,
    content_terms,
    understand,
)


@dataclass(frozen=True)
class ChangeSummary:
    """What a promotion's current version changed, as spoken sentences and their facts."""

    sentences: list[str]
    """Spoken English sentences, most important first ("The discount went up from ...")."""
    facts: list[str]
    """Knowledge-base text backing every number in ``sentences``: the previous version as
    stored, and the names spoken (``AX-200-LE: Aero X 200 Limited Edition``)."""


ChangeSummaries = Callable[[Promotion, Role], ChangeSummary | None]
"""What a promotion's current version changed for a role; ``None`` when nothing is stored."""

_OWN_SECTIONS = frozenset(
    {Intent.TARGETS, Intent.STAFFING, Intent.CONTACT, Intent.CHANGES, Intent.LIMIT}
)
"""Intents answered from their own part of a promotion, never from an FAQ."""

_ONE_PROMOTION_INTENTS = frozenset({Intent.DATES, Intent.CONTACT, Intent.CHANGES})
"""Intents whose answer belongs to one promotion: asked back when two running ones fit."""

_DAY_INTENTS = frozenset(
    {
        Intent.IN_OFFER,
        Intent.DISCOUNT,
        Intent.PRICE,
        Intent.OVERVIEW,
        Intent.LIMIT,
        Intent.UNKNOWN,
    }
)
"""Intents whose answer depends on the day: "is it on sale tomorrow?" is about tomorrow."""

_ROLE_DEPTH = {Role.CLERK: 0, Role.STORE_MANAGER: 1, Role.REGIONAL_MANAGER: 2, Role.HQ: 3}


@dataclass(slots=True)
class _Turn:
    """Everything one answer is composed from, and the facts it used."""

    parsed: ParsedQuestion
    store_id: str
    at: datetime
    role: Role
    zh: bool
    facts: list[str] = field(default_factory=list)
    promotion_ids: list[str] = field(default_factory=list)
    named_store: bool = False
    """The question named another store or city than the caller's: the answer is for it."""
    named_day: datetime | None = None
    """The question asked about another day ("tomorrow"): local midnight of that day."""

    def fact(self, *texts: str | None) -> None:
        for text in texts:
            if text and text not in self.facts:
                self.facts.append(text)

    def about(self, promotion: Promotion) -> None:
        if promotion.id not in self.promotion_ids:
            self.promotion_ids.append(promotion.id)


def _member_rule(promotion: Promotion) -> bool:
    """The promotion gives members something of their own."""
    return any(
        isinstance(rule, PercentOff)
        and rule.member_percent is not None
        or isinstance(rule, MemberExtraPercent)
        or getattr(rule, "members_only", False)
        for rule in promotion.rules
    )


class GroundedAnswerer(Answerer):
    """Answers from the knowledge base alone, offline, in a few milliseconds."""

    name = "grounded"

    def __init__(
        self,
        *,
        knowledge: KnowledgeBase,
        default_contact: str,
        clock: Callable[[], datetime] | None = None,
        default_store_id: str | None = None,
        change_summaries: ChangeSummaries | None = None,
    ) -> None:
        """Build the answerer.

        Args:
            knowledge: The loaded knowledge base (shared, read-only).
            default_contact: Who to ask when nothing matches ("the promotions desk at
                headquarters, extension 1000").
            clock: Returns the current time-zone-aware moment (default: now, UTC); used when a
                question has no ``asked_at``.
            change_summaries: Spoken sentences of what the current version changed,
                computed from the stored previous version (``None``: the change notes
                written in the promotion file are read instead).
            default_store_id: Store for questions without ``store_id`` (default: the first
                store of the first region, SH-01 in the sample chain).
        """
        self._kb = knowledge
        self._default_contact = default_contact
        self._clock = clock or (lambda: datetime.now(UTC))
        self._default_store_id = default_store_id or next(iter(knowledge.stores))
        self._change_summaries = change_summaries
        knowledge.store(self._default_store_id)
        self._retriever = Retriever.build(knowledge)
        knowledge.matcher  # noqa: B018 - build the index now, not on the first question
        understand("warm up", knowledge, vocabulary=self._retriever.vocabulary)

    @property
    def default_contact(self) -> str:
        """Who unknown answers tell the clerk to ask."""
        return self._default_contact

    async def answer(self, question: Question) -> Answer:
        """Answer ``question`` (pure computation, fast enough to run on the event loop)."""
        return self.answer_now(question)

    def answer_now(self, question: Question) -> Answer:
        """Synchronous :meth:`answer`, for benchmarks, tests and other answerers' fallbacks."""
        started = time.perf_counter()
        store_id = question.store_id or self._default_store_id
        if store_id not in self._kb.stores:
            # Answering for another store could quote the wrong currency or promotions.
            logger.warning(f"question from unknown store {store_id!r}: not answered")
            refused = self._unknown_for(is_chinese(question.language))
            refused.detail.update(
                {"intent": "unknown", "error": "unknown_store", "store_id": store_id}
            )
            return refused
        parsed = understand(
            question.text,
            self._kb,
            chinese=is_chinese(question.language),
            vocabulary=self._retriever.vocabulary,
        )
        turn = _Turn(
            parsed=parsed,
            store_id=store_id,
            at=question.asked_at or self._clock(),
            role=question.role,
            zh=parsed.chinese,
        )
        answer: Answer | None
        try:
            if turn.at.tzinfo is None:  # a naive moment is the caller's wall-clock time
                turn.at = turn.at.replace(tzinfo=self._kb.zone(store_id))
            if parsed.stores and store_id not in parsed.stores:
                # A store or city named in the question wins over the caller's own store.
                turn.store_id, turn.named_store = parsed.stores[0], True
            if parsed.when is not None and parsed.intent in _DAY_INTENTS:
                self._move_to_day(turn, parsed.when)
            answer = self._dispatch(turn)
        except KnowledgeError as e:
            logger.warning(f"grounded answer failed ({e.code}): {e}")
            answer = None
        if answer is None:
            answer = self._unknown(turn)
        answer.detail.update(
            {
                "intent": parsed.intent.value,
                "store_id": turn.store_id,
                "store_named": turn.named_store,
                "language": "zh-CN" if turn.zh else "en",
                "products": parsed.products,
                "categories": parsed.categories,
                "promotions_named": parsed.promotions,
                "latency_ms": round((time.perf_counter() - started) * 1000, 3),
            }
        )
        return answer

    # --- dispatch ---------------------------------------------------------------------------

    def _dispatch(self, turn: _Turn) -> Answer | None:
        intent = turn.parsed.intent
        handlers: dict[Intent, Callable[[_Turn], Answer | None]] = {
            Intent.TARGETS: self._targets,
            Intent.STAFFING: self._staffing,
            Intent.CONTACT: self._contact,
            Intent.CHANGES: self._changes,
            Intent.LIMIT: self._limit,
            Intent.FAQ: self._faq,
            Intent.DATES: self._dates,
            Intent.PRICE: self._price,
            Intent.DISCOUNT: self._in_offer,
            Intent.IN_OFFER: self._in_offer,
            Intent.OVERVIEW: self._overview,
        }
        priced = intent is Intent.PRICE and turn.parsed.products
        if intent not in _OWN_SECTIONS and not priced:
            # A question worded like an FAQ gets that FAQ's answer, whatever it looked like.
            answer = self._faq_answer(turn, strong=True)
            if answer is not None:
                return answer
        handler = handlers.get(intent)
        return handler(turn) if handler else None

    def _done(
        self, turn: _Turn, sentences: list[str], source: AnswerSource = AnswerSource.GROUNDED
    ) -> Answer:
        said = [s for s in sentences if s]
        if said and turn.named_store:
            said[0] = self._for_store(turn, said[0])
        if said and turn.named_day is not None:
            said = [s.replace(" right now", "").replace("目前", "") for s in said]
            said[0] = self._for_day(turn, said[0])
        parts = [sentence(s if turn.zh else tidy(s), turn.zh) for s in said]
        text = ("" if turn.zh else " ").join(parts)
        store = self._kb.store(turn.store_id)
        turn.fact(f"store {store.id} {store.name.en} ({self._kb.zone_name(store.id)})")
        return Answer(
            text=text,
            source=source,
            promotion_ids=list(turn.promotion_ids),
            facts=list(turn.facts),
        )

    def _for_store(self, turn: _Turn, first: str) -> str:
        """Say which store an answer is for when the question named another one."""
        store = self._store_name(turn)
        if store in first:
            return first
        if turn.zh:
            return f"{store}：{first}"
        for opening in ("Yes, ", "No, ", "Not yet: "):
            if first.startswith(opening):
                return f"{opening}at {store}, {lower_first(first[len(opening) :])}"
        return f"At {store}, {lower_first(first)}"

    def _move_to_day(self, turn: _Turn, when: When) -> None:
        """Ask about the day the question named, at the same local clock time."""
        local = self._kb.local_time(turn.store_id, turn.at)
        if when.days is not None:
            days = when.days
        elif when.weekday is not None:
            days = (when.weekday - local.weekday()) % 7
            if days == 0 and when.next_one:
                days = 7
        else:
            return
        if days == 0:
            return
        moved = local + timedelta(days=days)
        turn.at = moved
        turn.named_day = moved
        turn.fact(
            f"the day asked about: {spoken_date(moved, with_year=True)}"
            f" ({spoken_date(moved, 'zh-CN', with_year=True)})"
        )

    def _for_day(self, turn: _Turn, first: str) -> str:
        """Say which day an answer is for when the question named another day."""
        if turn.named_day is None:
            return first
        when = day(turn.named_day, turn.named_day, turn.zh)
        if turn.zh:
            return first if first.startswith("还没") else f"{when}：{first}"
        if first.startswith("Not yet: "):
            return first  # it already says from which day
        for opening in ("Yes, ", "No, "):
            if first.startswith(opening):
                return f"{opening}on {when}, {lower_first(first[len(opening) :])}"
        return f"On {when}, {lower_first(first)}"

    def _clarify(self, turn: _Turn, candidates: list[Promotion]) -> Answer:
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

    def _in_force(
        self, turn: _Turn, fits: Callable[[Promotion], bool] | None = None
    ) -> list[tuple[Promotion, PromotionTiming]] | Answer:
        """The promotion an attribute question without a name is about, or a question back.

        Named promotions, products and categories decide first (:meth:`_focus`). Else the
        promotions running at the store that ``fits`` (has a limit, a member price, ...):
        one is the answer; several are asked back about; none is an empty list.
        """
        focus = self._focus(turn)
        parsed = turn.parsed
        if parsed.promotions:
            return focus
        if focus and parsed.intent in _ONE_PROMOTION_INTENTS:
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
        if len(running) > 1:
            named = self._partly_named(turn, [p for p, _ in running], parsed.residual)
            if named is not None:
                return [x for x in running if x[0].id == named]
            return self._clarify(turn, [p for p, _ in running])
        return running

    def _partly_named(self, turn: _Turn, candidates: list[Promotion], text: str) -> str | None:
        """The one candidate whose name or scope the words of ``text`` point to, if any.

        "When does the appliance offer end?" names no promotion exactly, but only one
        running promotion has "appliance" in its title, aliases or categories. Cue and
        everyday words ("offer", "end") point nowhere.
        """
        terms = content_terms(text)
        if not terms:
            return None
        hits = self._retriever.search(
            " ".join(terms),
            kinds=frozenset({"title"}),
            promotion_ids=frozenset(p.id for p in candidates),
            limit=2,
        )
        if not hits or (len(hits) > 1 and hits[1].score >= 0.8 * hits[0].score):
            return None
        return hits[0].passage.promotion_id

    def _unknown(self, turn: _Turn) -> Answer:
        return self._unknown_for(turn.zh)

    def _unknown_for(self, zh: bool) -> Answer:
        contact = self._default_contact
        text = (
            f"这个我不知道，请咨询{contact}。"
            if zh
            else f"I don't know that one; please ask {contact}."
        )
        return Answer(text=text, source=AnswerSource.UNKNOWN, facts=[f"default contact: {contact}"])

    # --- shared lookups ------------------------------------------------------------------

    def _timing(self, turn: _Turn, promotion: Promotion) -> PromotionTiming:
        return self._kb.timing(promotion, turn.store_id, turn.at)

    def _at_store(self, turn: _Turn, promotion: Promotion) -> bool:
        return turn.store_id in self._kb.scope_stores(promotion)

    def _currency(self, turn: _Turn) -> Currency:
        return self._kb.currency_of(turn.store_id)

    def _store_name(self, turn: _Turn) -> str:
        return self._kb.store(turn.store_id).name.best("zh-CN" if turn.zh else "en")

    def _text(self, turn: _Turn, text: LocalizedText) -> str:
        """Localized text, recording both languages as facts."""
        turn.fact(text.en, text.zh_cn)
        return text.best("zh-CN" if turn.zh else "en")

    def _promotion_facts(self, turn: _Turn, promotion: Promotion) -> PromotionTiming:
        placed = self._timing(turn, promotion)
        scope = ", ".join(promotion.scope.categories + promotion.scope.skus)
        if promotion.scope.exclude_skus:
            scope += f" excluding {', '.join(promotion.scope.exclude_skus)}"
        turn.fact(
            rules_fact(promotion, self._currency(turn), scope),
            promotion.title.zh_cn,
            window_fact(
                promotion, placed.starts, placed.ends, self._kb.zone_name(turn.store_id) or ""
            ),
        )
        turn.about(promotion)
        return placed

    def _product_fact(self, turn: _Turn, product: Product) -> None:
        currency = self._currency(turn)
        price = product.list_price.get(currency.code)
        turn.fact(
            price_fact(
                product.sku, product.name.en, f"{price}" if price is not None else "none", currency
            )
        )

    def _relevant(
        self, turn: _Turn, promotions: list[Promotion]
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
        return running + upcoming + over

    def _focus(self, turn: _Turn) -> list[tuple[Promotion, PromotionTiming]]:
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

    def _running_at_store(self, turn: _Turn) -> list[tuple[Promotion, PromotionTiming]]:
        return [
            x
            for x in self._relevant(turn, self._kb.promotions_at_store(turn.store_id))
            if x[1].phase is Phase.RUNNING
        ]

    # --- question kinds -----------------------------------------------------------------------

    def _in_offer(self, turn: _Turn) -> Answer | None:
        parsed = turn.parsed
        if parsed.products:
            product = self._kb.products[parsed.products[0]]
            named = [self._kb.promotions[p] for p in parsed.promotions]
            if named:
                return self._product_in_named(turn, product, named[0])
            return self._product_offers(turn, product)
        if parsed.categories:
            if parsed.promotions:
                asked = self._kb.promotions[parsed.promotions[0]]
                return self._category_in_named(turn, parsed.categories[0], asked)
            return self._category_offers(turn, parsed.categories[0])
        if parsed.promotions:
            return self._overview(turn)
        if parsed.intent in (Intent.DISCOUNT, Intent.PRICE):
            # "How much is the discount?": the one offer in force (that has a member price,
            # when members are asked about), or which one.
            focus = self._in_force(turn, _member_rule if parsed.member else None)
            if isinstance(focus, Answer):
                return focus
            if focus:
                return self._rules(turn, *focus[0])
        return None

    def _headline(
        self, turn: _Turn, subject: str, promotion: Promotion, *, plural: bool = False
    ) -> tuple[str, list[str]]:
        """``the AX-200 is 20 percent off in the Weekend Running Offer``, and the other phrases."""
        phrases = rule_phrases(promotion, self._currency(turn), turn.zh)
        first, rest = (phrases[0], phrases[1:]) if phrases else ("", [])
        zh = turn.zh
        if zh:
            return f"{subject}参加{title(promotion, zh)}，{first}", rest
        verb = "are" if plural else "is"
        if is_discount_phrase(promotion):
            return f"{subject} {verb} {first} in {the_title(promotion, zh)}", rest
        return f"{subject} {verb} in {the_title(promotion, zh)}: {first}", rest

    def _then(self, turn: _Turn, rest: list[str], placed: PromotionTiming) -> str:
        """The second sentence: remaining conditions, then when the promotion ends."""
        zh = turn.zh
        ends = ends_phrase(placed.ends, placed.local_now, zh)
        if zh:
            return conditions([*rest, f"活动{ends}"], zh)
        if not rest:
            return f"It {ends.replace('ends on', 'runs until').replace('ends at', 'runs until')}"
        return conditions([*rest, ends.replace("ends on", "until").replace("ends at", "until")], zh)

    def _product_offers(self, turn: _Turn, product: Product) -> Answer:
        kb, zh = self._kb, turn.zh
        self._product_fact(turn, product)
        sku = product.sku
        discount_question = turn.parsed.intent is Intent.DISCOUNT
        relevant = self._relevant(turn, kb.promotions_for_sku(sku))
        running = [x for x in relevant if x[1].phase is Phase.RUNNING]
        if running:
            promotion, placed = running[0]
            self._promotion_facts(turn, promotion)
            subject = sku if zh else f"the {sku}"
            head, rest = self._headline(turn, subject, promotion)
            if zh:
                first = head if discount_question else f"是的，{head}"
            else:
                first = head if discount_question else f"Yes, {head}"
            sentences = [first, self._then(turn, rest, placed)]
            for other, _ in running[1:2]:
                self._promotion_facts(turn, other)
                also, _ = self._headline(turn, f"{sku}还" if zh else "it", other)
                if not zh:
                    also = also.replace("it is ", "it is also ", 1)
                sentences.append(also)
            return self._done(turn, sentences)
        excluded = self._excluded_from(turn, sku)
        if excluded:
            promotion = excluded[0]
            self._promotion_facts(turn, promotion)
            price = money(
                product.list_price[self._currency(turn).code],
                self._currency(turn),
                "zh-CN" if zh else "en",
            )
            if zh:
                return self._done(
                    turn, [f"不参加，{sku}不在{title(promotion, zh)}范围内", f"价格仍是{price}"]
                )
            return self._done(
                turn,
                [
                    f"No, the {sku} is excluded from {the_title(promotion, zh)}",
                    f"It stays at {price}",
                ],
            )
        upcoming = [x for x in relevant if x[1].phase is Phase.UPCOMING]
        if upcoming:
            promotion, placed = upcoming[0]
            self._promotion_facts(turn, promotion)
            subject = sku if zh else f"the {sku}"
            return self._done(turn, self._not_yet(turn, subject, promotion, placed))
        over = [x for x in relevant if x[1].phase in (Phase.ENDED, Phase.WITHDRAWN)]
        price = money(
            product.list_price[self._currency(turn).code],
            self._currency(turn),
            "zh-CN" if zh else "en",
        )
        if over:
            promotion, placed = over[0]
            self._promotion_facts(turn, promotion)
            ended = self._ended_phrase(turn, promotion, placed)
            if zh:
                return self._done(turn, [f"没有，{ended}", f"{sku}现价{price}"])
            return self._done(turn, [f"No, {ended}", f"The {sku} is {price} now"])
        store = self._store_name(turn)
        if zh:
            return self._done(turn, [f"没有，{sku}在{store}目前没有优惠", f"价格是{price}"])
        return self._done(
            turn, [f"No, the {sku} has no offer at {store} right now", f"Its price is {price}"]
        )

    def _not_yet(
        self,
        turn: _Turn,
        subject: str,
        promotion: Promotion,
        placed: PromotionTiming,
        *,
        plural: bool = False,
    ) -> list[str]:
        """Sentences for an item whose promotion has not started: the discount and the day first."""
        zh = turn.zh
        phrases = rule_phrases(promotion, self._currency(turn), zh)
        first, rest = (phrases[0], phrases[1:]) if phrases else ("", [])
        start = starts_phrase(placed.starts, placed.local_now, zh)
        if zh:
            when = start.removesuffix("开始")
            return [
                f"还没有，{subject}将于{when}起参加{title(promotion, zh)}，{first}",
                conditions(rest, zh),
            ]
        since = start.replace("starts on ", "from ").replace("starts at ", "from ")
        if is_discount_phrase(promotion):
            verb = "are" if plural else "is"
            return [
                f"Not yet: {subject} {verb} {first} {since}",
                f"That is {the_title(promotion, zh)}"
                + (f"; {conditions(rest, zh)}" if rest else ""),
            ]
        verb = "join" if plural else "joins"
        return [
            f"Not yet: {subject} {verb} {the_title(promotion, zh)} {since}",
            conditions(phrases, zh),
        ]

    def _ended_phrase(self, turn: _Turn, promotion: Promotion, placed: PromotionTiming) -> str:
        zh = turn.zh
        if placed.phase is Phase.WITHDRAWN:
            return (
                f"{title(promotion, zh)}已撤销"
                if zh
                else f"{the_title(promotion, zh)} was withdrawn"
            )
        ended = ends_phrase(placed.ends, placed.local_now, zh, past=True)
        return f"{title(promotion, zh)}{ended}" if zh else f"{the_title(promotion, zh)} {ended}"

    def _excluded_from(self, turn: _Turn, sku: str) -> list[Promotion]:
        """Running promotions at the store that would cover ``sku`` but exclude it."""
        category = self._kb.products[sku].category
        excluding = [
            p for p in self._kb.promotions_for_category(category) if sku in p.scope.exclude_skus
        ]
        return [p for p, placed in self._relevant(turn, excluding) if placed.phase is Phase.RUNNING]

    def _product_in_named(self, turn: _Turn, product: Product, promotion: Promotion) -> Answer:
        zh, sku = turn.zh, product.sku
        self._product_fact(turn, product)
        placed = self._promotion_facts(turn, promotion)
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        if not self._at_store(turn, promotion):
            store = self._store_name(turn)
            if zh:
                return self._done(turn, [f"{store}不参加{name}"])
            return self._done(turn, [f"No, {name} does not run at {store}"])
        if sku in promotion.scope.exclude_skus:
            if zh:
                return self._done(turn, [f"不参加，{sku}不在{name}范围内"])
            return self._done(turn, [f"No, the {sku} is excluded from {name}"])
        if sku not in self._kb.scope_skus(promotion):
            if zh:
                return self._done(turn, [f"不参加，{sku}不在{name}范围内"])
            return self._done(turn, [f"No, the {sku} is not in {name}"])
        if placed.phase is Phase.RUNNING:
            head, rest = self._headline(turn, sku if zh else f"the {sku}", promotion)
            second = self._then(turn, rest, placed)
            return self._done(turn, [f"是的，{head}" if zh else f"Yes, {head}", second])
        if placed.phase is Phase.UPCOMING:
            start = starts_phrase(placed.starts, placed.local_now, zh)
            phrases = join(rule_phrases(promotion, self._currency(turn), zh), zh)
            if zh:
                return self._done(turn, [f"还没开始，{name}{start}", f"{sku}届时{phrases}"])
            return self._done(
                turn, [f"Not yet: {name} {start}", f"Then the {sku} will be {phrases}"]
            )
        ended = self._ended_phrase(turn, promotion, placed)
        return self._done(turn, [f"不参加了，{ended}" if zh else f"No, {ended}"])

    def _category_in_named(self, turn: _Turn, category_id: str, promotion: Promotion) -> Answer:
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
                turn, [f"{label}不在{name}范围内" if zh else f"No, {label} are not in {name}"]
            )
        if placed.phase is Phase.RUNNING:
            head, rest = self._headline(
                turn, label if zh else label.capitalize(), promotion, plural=True
            )
            return self._done(turn, [head, self._then(turn, rest, placed)])
        if placed.phase is Phase.UPCOMING:
            return self._done(turn, self._not_yet(turn, label, promotion, placed, plural=True))
        ended = self._ended_phrase(turn, promotion, placed)
        return self._done(turn, [f"不参加了，{ended}" if zh else f"No, {ended}"])

    def _category_offers(self, turn: _Turn, category_id: str) -> Answer:
        kb, zh = self._kb, turn.zh
        category = kb.categories[category_id]
        name = category.name.best("zh-CN" if zh else "en")
        turn.fact(f"category {category.id}: {category.name.en}", category.name.zh_cn)
        relevant = self._relevant(turn, kb.promotions_for_category(category_id))
        running = [x for x in relevant if x[1].phase is Phase.RUNNING]
        if running:
            promotion, placed = running[0]
            self._promotion_facts(turn, promotion)
            head, rest = self._headline(
                turn, name if zh else name.capitalize(), promotion, plural=True
            )
            excluded = [
                s
                for s in promotion.scope.exclude_skus
                if kb.products.get(s) and kb.products[s].category == category_id
            ]
            if excluded:
                head += (
                    f"，{join(excluded, zh)}除外" if zh else f", except the {join(excluded, zh)}"
                )
            first = (
                head
                if turn.parsed.intent is Intent.DISCOUNT
                else (f"是的，{head}" if zh else f"Yes, {head[0].lower()}{head[1:]}")
            )
            return self._done(turn, [first, self._then(turn, rest, placed)])
        upcoming = [x for x in relevant if x[1].phase is Phase.UPCOMING]
        if upcoming:
            promotion, placed = upcoming[0]
            self._promotion_facts(turn, promotion)
            return self._done(turn, self._not_yet(turn, name, promotion, placed, plural=True))
        over = [x for x in relevant if x[1].phase in (Phase.ENDED, Phase.WITHDRAWN)]
        if over:
            promotion, placed = over[0]
            self._promotion_facts(turn, promotion)
            ended = self._ended_phrase(turn, promotion, placed)
            if zh:
                return self._done(turn, [f"{name}目前没有优惠，{ended}"])
            return self._done(turn, [f"No, {name} have no offer right now; {ended}"])
        store = self._store_name(turn)
        if zh:
            return self._done(turn, [f"{name}在{store}目前没有优惠"])
        return self._done(turn, [f"No, {name} have no offer at {store} right now"])

    def _dates(self, turn: _Turn) -> Answer | None:
        focus = self._in_force(turn)
        if isinstance(focus, Answer):
            return focus
        if not focus:
            return None
        promotion, placed = focus[0]
        zh, parsed = turn.zh, turn.parsed
        self._promotion_facts(turn, promotion)
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        now = placed.local_now
        if not self._at_store(turn, promotion):
            store = self._store_name(turn)
            return self._done(
                turn, [f"{store}不参加{name}" if zh else f"{name} does not run at {store}"]
            )
        if placed.phase in (Phase.ENDED, Phase.WITHDRAWN):
            ended = self._ended_phrase(turn, promotion, placed)
            return self._done(turn, [ended])
        if placed.phase is Phase.UPCOMING:
            start = starts_phrase(placed.starts, now, zh)
            if placed.starts.date() == placed.ends.date():
                second = "只有这一天" if zh else "It runs for that one day"
            else:
                second = (
                    ends_phrase(placed.ends, now, zh)
                    if zh
                    else "It " + ends_phrase(placed.ends, now, zh)
                )
            return self._done(turn, [f"{name}{start}" if zh else f"{name} {start}", second])
        ends = ends_phrase(placed.ends, now, zh)
        started = starts_phrase(placed.starts, now, zh, past=True)
        if parsed.asks_start and not parsed.asks_end:
            return self._done(
                turn,
                [f"{name}{started}" if zh else f"{name} {started}", ends if zh else f"It {ends}"],
            )
        return self._done(turn, [f"{name}{ends}" if zh else f"{name} {ends}"])

    def _price(self, turn: _Turn) -> Answer | None:
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
        self, turn: _Turn, basket: Basket, single: bool, items: str, total: str
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

    def _quote_facts(self, turn: _Turn, quote: Quote) -> None:
        currency = self._kb.currencies[quote.currency]
        who = "member" if quote.member else "non-member"
        turn.fact(
            *(step.description for step in quote.steps),
            f"quote for a {who}: "
            + ", ".join(f"{line.quantity} x {line.sku}" for line in quote.lines)
            + f", list {money(quote.list_total, currency)}, total {money(quote.total, currency)}",
        )

    def _faq(self, turn: _Turn) -> Answer | None:
        answer = self._faq_answer(turn, strong=False)
        if answer is not None:
            return answer
        if turn.parsed.products:
            return self._in_offer(turn)
        focus = self._in_force(turn)
        if isinstance(focus, Answer):
            return focus
        if focus:
            return self._talk_track(turn, *focus[0])
        return None

    def _faq_answer(self, turn: _Turn, *, strong: bool) -> Answer | None:
        """The answer of the FAQ the question matches, if any.

        ``strong`` asks for a question worded like the FAQ itself (two or more shared terms
        covering most of the FAQ question); otherwise one shared term is enough, because
        the question already said it wants what to tell a customer.
        """
        named = frozenset(turn.parsed.promotions) or None
        # Product words count when the wording must match closely ("do kettles and toasters
        # count together?"); promotion and store names never do (they are filtered on).
        query = turn.parsed.without_places_and_promotions if strong else turn.parsed.residual
        hits = self._retriever.search(query, kinds=frozenset({"faq"}), promotion_ids=named, limit=3)
        for hit in hits:
            promotion = self._kb.promotions[hit.passage.promotion_id]
            if not self._at_store(turn, promotion):
                continue
            shared = self._retriever.shared_terms(query, hit.passage)
            faq = promotion.faqs[hit.passage.index]
            if strong:
                own = set(search_terms(faq.question.best("zh-CN" if turn.zh else "en")))
                if len(shared) < 2 or len(shared & own) < 0.6 * len(own):
                    continue
            elif not shared:
                continue
            turn.fact(faq.question.en, faq.question.zh_cn)
            self._promotion_facts(turn, promotion)
            return self._done(turn, [self._text(turn, faq.answer)])
        return None

    def _rules(self, turn: _Turn, promotion: Promotion, placed: PromotionTiming) -> Answer:
        """The promotion by name and its rules: "The Cook Club Week: 25 percent off, ..."."""
        zh = turn.zh
        self._promotion_facts(turn, promotion)
        phrases = conditions(rule_phrases(promotion, self._currency(turn), zh), zh)
        first = (
            f"{title(promotion, zh)}：{phrases}" if zh else f"{the_title(promotion, zh)}: {phrases}"
        )
        ends = ends_phrase(placed.ends, placed.local_now, zh)
        return self._done(turn, [first, f"活动{ends}" if zh else f"It {ends}"])

    def _talk_track(self, turn: _Turn, promotion: Promotion, placed: PromotionTiming) -> Answer:
        zh = turn.zh
        self._promotion_facts(turn, promotion)
        if placed.phase in (Phase.ENDED, Phase.WITHDRAWN):
            return self._done(turn, [self._ended_phrase(turn, promotion, placed)])
        sentences: list[str] = []
        if placed.phase is Phase.UPCOMING:
            start = starts_phrase(placed.starts, placed.local_now, zh)
            sentences.append(
                f"{title(promotion, zh)}{start}" if zh else f"{the_title(promotion, zh)} {start}"
            )
        if promotion.talk_track is not None:
            sentences.append(self._text(turn, promotion.talk_track))
        else:
            phrases = rule_phrases(promotion, self._currency(turn), zh)
            sentences.append(
                f"{title(promotion, zh)}：{join(phrases, zh)}"
                if zh
                else f"{the_title(promotion, zh)}: {join(phrases, zh)}"
            )
        if placed.phase is Phase.RUNNING and len(sentences) < 2:
            ends = ends_phrase(placed.ends, placed.local_now, zh)
            sentences.append(f"活动{ends}" if zh else f"It {ends}")
        return self._done(turn, sentences)

    def _contact(self, turn: _Turn) -> Answer | None:
        focus = self._in_force(turn)
        if isinstance(focus, Answer):
            return focus
        if not focus:
            return None
        promotion, _ = focus[0]
        self._promotion_facts(turn, promotion)
        zh = turn.zh
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        contact = self._kb.contact_for(promotion)
        if contact is None:
            turn.fact(f"default contact: {self._default_contact}")
            return self._done(
                turn,
                [
                    f"关于{name}，请咨询{self._default_contact}"
                    if zh
                    else f"For {name}, ask {self._default_contact}"
                ],
            )
        turn.fact(contact_fact(contact), contact.team.zh_cn)
        phrase = contact_phrase(contact, zh)
        return self._done(
            turn, [f"关于{name}，请联系{phrase}" if zh else f"For {name}, call {phrase}"]
        )

    def _limit(self, turn: _Turn) -> Answer | None:
        """How many units one customer gets at the offer price."""
        zh = turn.zh
        focus = self._in_force(turn, lambda p: p.limit is not None)
        if isinstance(focus, Answer):
            return focus
        if not focus:
            running = self._running_at_store(turn)
            if not running:
                return None
            for promotion, _ in running:
                self._promotion_facts(turn, promotion)
            store = self._store_name(turn)
            return self._done(
                turn,
                [
                    f"{store}目前的活动都没有限购"
                    if zh
                    else f"None of the offers on at {store} has a per-customer limit"
                ],
            )
        limited = [(p, placed) for p, placed in focus if p.limit is not None]
        if not limited:
            promotion = focus[0][0]
            self._promotion_facts(turn, promotion)
            if zh:
                return self._done(turn, [f"{title(promotion, zh)}没有限购"])
            return self._done(turn, [f"{the_title(promotion, zh)} has no per-customer limit"])
        promotion, _ = limited[0]
        self._promotion_facts(turn, promotion)
        limit = promotion.limit
        if limit is None:  # filtered above; for the type checker
            return None
        if zh:
            unit = limit.unit.best("zh-CN")
            return self._done(
                turn,
                [f"{title(promotion, zh)}每位顾客限{limit.per_customer}{unit}，超出部分按原价"],
            )
        return self._done(
            turn,
            [
                f"In {the_title(promotion, zh)}, each customer gets up to"
                f" {limit.per_customer} {limit.unit.en} at the offer price",
                "Any more are at the regular price",
            ],
        )

    def _changes(self, turn: _Turn) -> Answer | None:
        focus = self._in_force(turn)
        if isinstance(focus, Answer):
            return focus
        if not focus:
            return None
        promotion, _ = focus[0]
        self._promotion_facts(turn, promotion)
        zh = turn.zh
        name = title(promotion, zh) if zh else the_title(promotion, zh)
        change = promotion.changes_for(promotion.version)
        if promotion.version == 1 or change is None:
            if zh:
                return self._done(turn, [f"{name}发布后没有改动，仍是第{promotion.version}版"])
            return self._done(
                turn,
                [
                    f"{name} has not changed since it was published;"
                    f" it is version {promotion.version}"
                ],
            )
        diffed = (
            None
            if zh or self._change_summaries is None
            else self._change_summaries(promotion, turn.role)
        )
        if diffed is not None and diffed.sentences:
            # The summary compares with the previous version: its numbers rely on that
            # version's facts, which the answer must carry for the fact guard.
            turn.fact(*diffed.facts)
            said = diffed.sentences
            return self._done(
                turn,
                [f"In version {promotion.version} of {name}, {lower_first(said[0])}", *said[1:2]],
            )
        turn.fact(f"{promotion.title.en} version {promotion.version} change notes")
        notes = [self._text(turn, note) for note in change.notes]
        if zh:
            return self._done(turn, [f"{name}第{promotion.version}版：{notes[0]}", *notes[1:2]])
        return self._done(
            turn,
            [f"In version {promotion.version} of {name}, {lower_first(notes[0])}", *notes[1:2]],
        )

    def _manager_section(
        self,
        turn: _Turn,
        *,
        depth: int,
        pick: Callable[[Promotion], list[LocalizedText]],
        refused_en: str,
        refused_zh: str,
        none_en: str,
        none_zh: str,
    ) -> Answer | None:
        zh = turn.zh
        if _ROLE_DEPTH[turn.role] < depth:
            return Answer(text=refused_zh if turn.zh else refused_en, source=AnswerSource.REFUSED)
        focus = self._focus(turn) or self._running_at_store(turn)
        with_notes = [(p, placed) for p, placed in focus if pick(p)]
        if not with_notes:
            if not focus:
                return None
            promotion = focus[0][0]
            self._promotion_facts(turn, promotion)
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            return self._done(
                turn, [none_zh.format(name=name) if zh else none_en.format(name=name)]
            )
        sentences = []
        for promotion, _ in with_notes[:2]:
            self._promotion_facts(turn, promotion)
            notes = " ".join(self._text(turn, note) for note in pick(promotion))
            name = title(promotion, zh) if zh else promotion.title.en
            sentences.append(f"{name}：{notes}" if zh else f"{name}: {notes}")
        return self._done(turn, sentences)

    def _staffing(self, turn: _Turn) -> Answer | None:
        return self._manager_section(
            turn,
            depth=_ROLE_DEPTH[Role.STORE_MANAGER],
            pick=lambda p: p.store_manager_notes,
            refused_en=(
                "Staffing and execution notes are for store managers;"
                " please ask your store manager."
            ),
            refused_zh="人员安排和执行说明只对店长开放，请询问你的店长。",
            none_en="There are no staffing notes for {name}",
            none_zh="{name}没有人员安排说明",
        )

    def _targets(self, turn: _Turn) -> Answer | None:
        return self._manager_section(
            turn,
            depth=_ROLE_DEPTH[Role.REGIONAL_MANAGER],
            pick=lambda p: p.regional_manager_targets,
            refused_en="Sales targets are not available to you; they are for regional managers.",
            refused_zh="销售目标只对区域经理开放，你无法查看。",
            none_en="There is no target set for {name}",
            none_zh="{name}没有设定目标",
        )

    def _overview(self, turn: _Turn) -> Answer | None:
        zh = turn.zh
        focus = self._focus(turn)
        if not focus:
            if not turn.parsed.asks_list:
                return None
            running = self._running_at_store(turn)
            if not running:
                return None
            for promotion, _ in running:
                self._promotion_facts(turn, promotion)
            names = join([title(p, zh) if zh else the_title(p, zh) for p, _ in running], zh)
            store = self._store_name(turn)
            return self._done(
                turn, [f"{store}目前的活动有{names}" if zh else f"Today at {store}: {names}"]
            )
        promotion, placed = focus[0]
        if not self._at_store(turn, promotion):
            self._promotion_facts(turn, promotion)
            store = self._store_name(turn)
            name = title(promotion, zh) if zh else the_title(promotion, zh)
            return self._done(
                turn, [f"{store}不参加{name}" if zh else f"{name} does not run at {store}"]
            )
        answer = self._talk_track(turn, promotion, placed)
        depth = _ROLE_DEPTH[turn.role]
        extra: list[LocalizedText] = []
        if placed.phase is Phase.RUNNING and depth >= _ROLE_DEPTH[Role.REGIONAL_MANAGER]:
            extra = promotion.regional_manager_targets
        elif placed.phase is Phase.RUNNING and depth >= _ROLE_DEPTH[Role.STORE_MANAGER]:
            extra = promotion.store_manager_notes
        if extra:
            first = answer.sentences()[0]
            notes = [self._text(turn, note) for note in extra]
            return self._done(turn, [first, *notes])
        return answer
