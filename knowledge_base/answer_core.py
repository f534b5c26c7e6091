"""The ground every grounded answer stands on: one turn, its facts, and shared lookups.

:class:`AnswerCore` holds what the answer kinds share: the turn being answered, the facts
it used, and how a finished answer is said (for the store or day named, naming the offer
when asked which). Which promotions a question is about is
:mod:`knowledge_base.answer_focus`; sentences several kinds speak are in
:mod:`knowledge_base.answer_sentences`; the kinds themselves live in
:mod:`knowledge_base.answer_offers`, :mod:`knowledge_base.answer_products`,
:mod:`knowledge_base.answer_prices`, :mod:`knowledge_base.answer_sections`,
:mod:`knowledge_base.answer_changes`,
:mod:`knowledge_base.answer_faqs` and :mod:`knowledge_base.answer_channels`;
:class:`~knowledge_base.grounded.GroundedAnswerer` puts them together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from knowledge_base import pricing, resolution
from knowledge_base.answering import Answer, AnswerSource, Role
from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.fallback_contact import fallback_contact
from knowledge_base.item_labels import ItemLabels
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    Currency,
    LocalizedText,
    Product,
    Promotion,
    Rule,
)
from knowledge_base.offer_audience import members_only
from knowledge_base.phrasing import (
    day,
    lower_first,
    price_fact,
    rule_phrases,
    rules_fact,
    sentence,
    span_fact,
    the_title,
    tidy,
    title,
    window_fact,
)
from knowledge_base.quotes import Basket, Quote
from knowledge_base.resolution import Phase, PromotionTiming
from knowledge_base.retrieval import Retriever
from knowledge_base.speech import money
from knowledge_base.understanding import Intent, ParsedQuestion

ONE_PROMOTION_INTENTS = frozenset({Intent.DATES, Intent.CONTACT, Intent.CHANGES})
"""Intents whose answer belongs to one promotion: asked back when two running ones fit."""

ROLE_DEPTH = {Role.CLERK: 0, Role.STORE_MANAGER: 1, Role.REGIONAL_MANAGER: 2, Role.HQ: 3}


@dataclass(slots=True)
class Turn:
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
    """The question asked about another day ("tomorrow") or time: that moment, local."""
    named_clock: bool = False
    """The question named a time of day ("at 7pm"): answers say it with the day."""

    def fact(self, *texts: str | None) -> None:
        """Record knowledge-base text the answer used (each once, in order)."""
        for text in texts:
            if text and text not in self.facts:
                self.facts.append(text)

    def about(self, promotion: Promotion) -> None:
        """Record a promotion the answer is about (the first is its main subject)."""
        if promotion.id not in self.promotion_ids:
            self.promotion_ids.append(promotion.id)


def not_for_non_members(turn: Turn, promotion: Promotion) -> str | None:
    """The refusal a non-member gets when asking about a members-only offer (else None)."""
    if not (turn.parsed.non_member and members_only(promotion)):
        return None
    return "不，非会员没有优惠" if turn.zh else "No, not for non-members"


class AnswerCore:
    """State and helpers shared by every kind of grounded answer (see the module doc)."""

    _kb: KnowledgeBase
    _default_contact: str
    _clock: Callable[[], datetime]
    _retriever: Retriever
    _labels: ItemLabels
    """How answers name each product (:class:`~knowledge_base.item_labels.ItemLabels`)."""
    _name_words: frozenset[str]
    """Every word of a product, category or promotion name (:func:`question_forms.name_words`)."""
    _change_summaries: ChangeSummaries | None

    def _in_offer(self, turn: Turn) -> Answer | None:
        """Is X in an offer (see :class:`~knowledge_base.answer_offers.OfferAnswers`)."""
        raise NotImplementedError

    def _overview(self, turn: Turn) -> Answer | None:
        """What an offer is (see :class:`~knowledge_base.answer_offers.OfferAnswers`)."""
        raise NotImplementedError

    def _done(
        self, turn: Turn, sentences: list[str], source: AnswerSource = AnswerSource.GROUNDED
    ) -> Answer:
        said = [s for s in sentences if s]
        if said and turn.parsed.asks_which and source is AnswerSource.GROUNDED:
            said[0] = self._naming_offer(turn, said)
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

    def _item(self, turn: Turn, sku: str) -> str:
        """What the answer calls the product ``sku``: its code, or its name (then a fact)."""
        if self._labels.said_by_name(sku, turn.zh):
            self._product_fact(turn, self._kb.products[sku])
        return self._labels.label(sku, turn.zh)

    def _naming_offer(self, turn: Turn, said: list[str]) -> str:
        """For "which offer gives ...?": the first sentence names the offer when none does."""
        first = said[0]
        if not turn.promotion_ids:
            return first
        promotion = self._kb.promotions[turn.promotion_ids[0]]
        name = title(promotion, turn.zh)
        if any(name.lower() in s.lower() for s in said):
            return first
        if turn.zh:
            return f"{name}：{first}"
        return f"{the_title(promotion, False)}: {lower_first(first)}"

    def _for_store(self, turn: Turn, first: str) -> str:
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

    def _for_day(self, turn: Turn, first: str) -> str:
        """Say which day an answer is for when the question named another day."""
        if turn.named_day is None:
            return first
        when = day(turn.named_day, turn.named_day, turn.zh)
        if when in first and not turn.named_clock:
            return first  # it already says which day ("on Sunday 1 November only, ...")
        if turn.named_clock:
            clock = f"{turn.named_day:%H:%M}"
            when = f"{when}{clock}" if turn.zh else f"{when} at {clock}"
        if turn.zh:
            return first if first.startswith("还没") else f"{when}：{first}"
        if first.startswith("Not yet: "):
            return first  # it already says from which day
        for opening in ("Yes, ", "No, "):
            if first.startswith(opening):
                return f"{opening}on {when}, {lower_first(first[len(opening) :])}"
        return f"On {when}, {lower_first(first)}"

    def _unknown(self, turn: Turn) -> Answer:
        return self._unknown_for(turn.zh)

    def _unknown_for(self, zh: bool) -> Answer:
        """Not known: names the chain's own default contact, else the built-in one."""
        contact, facts = fallback_contact(self._kb, self._default_contact, zh)
        text = (
            f"这个我不知道，请咨询{contact}。"
            if zh
            else f"I don't know that one; please ask {contact}."
        )
        return Answer(text=text, source=AnswerSource.UNKNOWN, facts=facts)

    def _unit_quote(
        self, turn: Turn, sku: str, member: bool | None = None, at: datetime | None = None
    ) -> Quote:
        """One unit of ``sku`` priced at the turn's store and moment (or ``at``).

        ``member``: who the price is for; by default, as the question reads.
        """
        return pricing.quote(
            self._kb,
            basket=Basket.of({sku: 1}),
            store_id=turn.store_id,
            at=turn.at if at is None else at,
            member=turn.parsed.member if member is None else member,
        )

    def _quote_facts(self, turn: Turn, quote: Quote) -> None:
        """A quote's steps and totals, as facts."""
        currency = self._kb.currencies[quote.currency]
        who = "member" if quote.member else "non-member"
        turn.fact(
            *(step.description for step in quote.steps),
            f"quote for a {who}: "
            + ", ".join(f"{line.quantity} x {line.sku}" for line in quote.lines)
            + f", list {money(quote.list_total, currency)}, total {money(quote.total, currency)}",
        )

    def _timing(self, turn: Turn, promotion: Promotion) -> PromotionTiming:
        return resolution.timing(self._kb, promotion=promotion, store_id=turn.store_id, at=turn.at)

    def _at_store(self, turn: Turn, promotion: Promotion) -> bool:
        return turn.store_id in self._kb.scope_stores(promotion)

    def _currency(self, turn: Turn) -> Currency:
        return self._kb.currency_of(turn.store_id)

    def _store_name(self, turn: Turn) -> str:
        return self._kb.store(turn.store_id).name.best("zh-CN" if turn.zh else "en")

    def _text(self, turn: Turn, text: LocalizedText) -> str:
        """Localized text, recording both languages as facts."""
        turn.fact(text.en, text.zh_cn)
        return text.best("zh-CN" if turn.zh else "en")

    def _promotion_facts(
        self, turn: Turn, promotion: Promotion, *, subject: bool = True
    ) -> PromotionTiming:
        """Record its terms and window as facts; ``subject``: the answer is about it."""
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
        if subject:
            turn.about(promotion)
        return placed

    def _item_terms(
        self, turn: Turn, promotion: Promotion, sku: str
    ) -> tuple[PromotionTiming, Sequence[Rule]]:
        """When ``promotion`` covers ``sku`` at the store, and the rules that price it then.

        An item added by a later rule set is upcoming until its rules start and is then
        priced by them, not by the promotion's own rules.
        """
        placed = resolution.timing(
            self._kb, promotion=promotion, store_id=turn.store_id, at=turn.at, sku=sku
        )
        at = placed.starts if placed.phase is Phase.UPCOMING else turn.at
        placement = resolution.rule_set_at(
            self._kb, promotion=promotion, sku=sku, store_id=turn.store_id, at=at
        )
        if placement is None or placement.index == 0:
            return placed, promotion.rules
        rules = placement.rule_set.rules
        currency = self._currency(turn)
        turn.fact(
            f"{promotion.title.en} for {sku} {span_fact(placement.starts, placement.ends)}:"
            f" {'; '.join(rule_phrases(promotion, currency, False, rules))}"
        )
        return placed, rules

    def _product_fact(self, turn: Turn, product: Product) -> None:
        currency = self._currency(turn)
        price = product.list_price.get(currency.code)
        # A Chinese answer names the product by its Chinese name ("跑步袜三双装"): its numbers
        # are the name's, and the fact says so.
        name = product.name.best("zh-CN") if turn.zh else product.name.en
        amount = f"{price}" if price is not None else "none"
        turn.fact(price_fact(product.sku, name, amount, currency))
