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

import time
from collections.abc import Callable
from datetime import UTC, datetime

from knowledge_base import catalogue_lookup
from knowledge_base.answer_channels import ChannelAnswers, names_channel
from knowledge_base.answer_core import Turn
from knowledge_base.answer_days import DayMoves
from knowledge_base.answer_each_price import EachPriceAnswers
from knowledge_base.answer_offers import OfferAnswers
from knowledge_base.answer_prices import PriceAnswers
from knowledge_base.answer_sections import SectionAnswers
from knowledge_base.answer_stacked_baskets import StackedBasketAnswers
from knowledge_base.answer_stacking import StackingAnswers
from knowledge_base.answer_stated import StatedFigureAnswers
from knowledge_base.answering import Answer, Answerer, Question
from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.drafts import names_draft_beside, names_draft_only, offers_outside_drafts
from knowledge_base.errors import KnowledgeError
from knowledge_base.follow_ups import context_of, follow_up
from knowledge_base.item_labels import ItemLabels
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import is_chinese
from knowledge_base.offer_home import offer_home_store, offers_here
from knowledge_base.question_forms import asks_amount, asks_yes_no, code_letters, name_words
from knowledge_base.retrieval import Retriever
from knowledge_base.understanding import Intent, understand
from knowledge_base.unheard_places import unheard_place
from knowledge_base.unplaced_items import unplaced_list_item

_OWN_SECTIONS = frozenset(
    {Intent.TARGETS, Intent.STAFFING, Intent.CONTACT, Intent.CHANGES, Intent.LIMIT}
)
"""Intents answered from their own part of a promotion, never from an FAQ."""

_ITEM_INTENTS = frozenset({Intent.IN_OFFER, Intent.DISCOUNT, Intent.PRICE, Intent.LIMIT})
"""Intents about one item: asked back when a word several products share names none."""


class GroundedAnswerer(
    StackedBasketAnswers,
    DayMoves,
    EachPriceAnswers,
    StatedFigureAnswers,
    OfferAnswers,
    PriceAnswers,
    SectionAnswers,
    StackingAnswers,
    ChannelAnswers,
    Answerer,
):
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
            change_summaries: What the current version changed, computed from the stored
                previous version, with the facts its numbers rely on (they are attached to
                the answer); ``None``, or a ``None`` result: the change notes written in the
                promotion file are read instead.
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
        self._labels = ItemLabels.of(knowledge.products.values())
        self._name_words = name_words(knowledge)
        self._code_letters = code_letters(knowledge)
        catalogue_lookup.catalogue_matcher(knowledge)  # built now, not on the first question
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
            # Answering for another store could quote the wrong currency or promotions; the
            # reason is in the detail for the adapter to log (the domain does not log).
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
        parsed = follow_up(parsed, question.context)
        turn = Turn(
            parsed=parsed,
            store_id=store_id,
            at=question.asked_at or self._clock(),
            role=question.role,
            zh=parsed.chinese,
        )
        answer: Answer | None
        error: str | None = None
        try:
            if turn.at.tzinfo is None:  # a naive moment is the caller's wall-clock time
                turn.at = turn.at.replace(tzinfo=self._kb.zone(store_id))
            if parsed.stores and store_id not in parsed.stores:
                # A store or city named in the question wins over the caller's own store.
                turn.store_id, turn.named_store = parsed.stores[0], True
            # "Back to School" in New Zealand: the offer of that name that runs there.
            parsed.promotions = offers_here(parsed, self._kb, turn.store_id)
            home = None if turn.named_store else offer_home_store(parsed, self._kb, store_id)
            if home is not None:
                turn.store_id, turn.named_store = home, True  # "the Bali opening", from Jakarta
            self._move_to_day_asked(turn)
            parsed.promotions = offers_outside_drafts(parsed, self._kb)
            if names_draft_only(parsed, self._kb):
                answer = None  # a draft is never spoken, nor anything its name resembles
            elif (
                parsed.intent is not Intent.UNKNOWN  # "... in size 42?": not known anyway
                and not parsed.stores
                and unheard_place(
                    parsed.words,
                    parsed.named_positions,
                    # A code's letters alone ("in PZ?") name no place either.
                    [*parsed.unknown_words, *(set(parsed.words) & self._code_letters)],
                    parsed.text,
                    self._name_words,
                )
            ):
                answer = self._which_store(turn)  # "... in virgin?": not our store's answer
            elif parsed.intent in _ITEM_INTENTS and (heard := unplaced_list_item(parsed)):
                answer = self._which_item(turn, heard)  # "Taino and Astuccio": not one alone
            else:
                answer = self._dispatch(turn)
                if answer and answer.promotion_ids and names_draft_beside(parsed, self._kb):
                    # "sneakers 40 off in the <draft>?": not another running offer's terms
                    running = {p.id for p, _ in self._running_at_store(turn)}
                    answer = None if answer.promotion_ids[0] in running else answer
        except KnowledgeError as e:
            answer, error = None, f"{e.code}: {e}"
        if answer is None and error is None:
            answer = self._offer_does_not_say(turn)
        if answer is None:
            answer = self._unknown(turn)
            if error is not None:
                answer.detail["error"] = error
        answer.about = context_of(
            parsed, answer.promotion_ids, turn.store_id if turn.named_store else None
        )
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

    def _dispatch(self, turn: Turn) -> Answer | None:
        intent = turn.parsed.intent
        handlers: dict[Intent, Callable[[Turn], Answer | None]] = {
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
        if (
            turn.parsed.member
            and intent in (Intent.DISCOUNT, Intent.IN_OFFER, Intent.DATES)
            and not (turn.parsed.products or turn.parsed.categories or turn.parsed.promotions)
        ):
            members_only = self._members_only_offer_here(turn)  # "the member discount"
            if members_only is not None:
                turn.parsed.promotions.append(members_only.id)
        if intent is Intent.DATES:
            self._name_coming_own_offer(turn)  # "when do the egg cookies go on offer?"
        # "X with both offers together, what's the member price?" asks the price, stacked.
        stacked = self._stacked_basket(turn)  # "X and Y, both offers?": yes, and the total
        if stacked is not None:
            return stacked
        stacking = turn.parsed.asks_stacking and not (
            intent is Intent.PRICE and turn.parsed.products and asks_amount(turn.parsed.words)
        )
        if stacking and len(turn.parsed.promotions) == 1:
            # "X and the member discount?", "X with other offers?": one offer named.
            one_named = self._stacking_one_named(turn)
            if one_named is not None:
                return one_named
        if stacking and len(turn.parsed.promotions) >= 2:
            return self._stacking(turn)
        parsed = turn.parsed
        if parsed.asks_where and parsed.promotions and len(parsed.stores) != 1:
            return self._where(turn)  # "Which stores have the X?"
        if intent in (Intent.IN_OFFER, Intent.DISCOUNT) and turn.named_day is None:
            # "Is the X 25 percent off yet?", "still 20 percent off?", "the 25 percent on X?"
            stated = (
                self._stated_later(turn) or self._stated_was(turn) or self._stated_left_out(turn)
            )
            if stated is not None:
                return stated
        if (
            parsed.product_choices
            and intent in _ITEM_INTENTS
            and not (parsed.products or parsed.categories or parsed.promotions)
        ):
            if intent is Intent.LIMIT and self._limit_units_said(turn):
                return self._limit(turn)  # "how many sale bikes?": the offer counting bikes
            # The chain's own FAQ on the question ("two bikes at the sale price?") is the
            # answer whichever product the word could mean.
            answer = self._faq_answer(turn, strong=True)
            if answer is not None:
                return answer
            each = (
                self._each_price(turn, parsed.product_choices) if intent is Intent.PRICE else None
            )
            if each is not None:
                return each  # "How much is the helmet?" of three helmets: each one's price
            category = self._shared_category(turn) if intent is not Intent.PRICE else None
            if category is None:
                return self._which_product(turn)  # "How much is the helmet?": which helmet
            parsed.categories = [category]  # the same offer for either: say it once
        if (
            intent is Intent.PRICE
            and len(parsed.categories) == 1
            and not (parsed.products or parsed.promotions or parsed.quantities)
        ):
            in_category = [
                sku for sku, p in self._kb.products.items() if p.category == parsed.categories[0]
            ]
            each = self._each_price(turn, in_category)
            if each is not None:
                return each  # "How much is a kids bike?": each one's price, when few
        # "Can they pay for the Oslo with a gift card?" asks about the card, not the price.
        priced = (
            intent is Intent.PRICE
            and turn.parsed.products
            and (asks_amount(parsed.words) or not names_channel(parsed.words, parsed.text))
        )
        if priced and asks_yes_no(parsed.words):
            # "Can a restaurant buy a case at the sale price?" asks yes or no, not a price:
            # the chain's FAQ worded like it answers it.
            answer = self._faq_answer(turn, strong=True)
            if answer is not None:
                return answer
        if intent not in _OWN_SECTIONS and not priced:
            # A question worded like an FAQ gets that FAQ's answer, whatever it looked like.
            answer = self._faq_answer(turn, strong=True)
            if answer is not None:
                return answer
            if intent is Intent.FAQ:
                # The chain's own FAQ wording first; the channel fact when no FAQ says it.
                answer = self._faq_answer(turn, strong=False)
                if answer is not None:
                    return answer
            answer = self._channel(turn)
            if answer is None and self._names_a_channel(turn):
                answer = self._channel_not_said(turn)
            if answer is not None:
                return answer
        handler = handlers.get(intent)
        return handler(turn) if handler else None
